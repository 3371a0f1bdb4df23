//! Integration tests of locusta-report, one binary organised by feature.

mod fixture;

mod console_golden;
mod console_layout;
mod csv_files;
mod csv_history;
mod csv_tables;
mod html_page;
mod html_report;
mod json_locust;
mod json_run;
mod thresholds_abort;
mod thresholds_console;
mod thresholds_evaluate;
mod thresholds_exit_code;
mod thresholds_parse;
mod thresholds_views;
