//! End-to-end tests of the `locusta` crate: user classes written with the Rust API, run by the
//! real engine against real servers on 127.0.0.1, and the real binaries.

mod binary;
mod config;
mod custom_client;
mod distributed;
mod exceptions;
mod failures;
mod load_errors;
mod lua_examples;
mod lua_task_sets;
mod quickstart;
mod report_files;
mod shapes;
mod signals;
mod support;
mod task_sets;
mod thresholds;
mod web_mode;
