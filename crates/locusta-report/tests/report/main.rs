//! Integration tests of locusta-report, one binary organised by feature.

mod fixture;

mod console_golden;
mod console_layout;
