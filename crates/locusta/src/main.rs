//! The `locusta` command.

use std::process::ExitCode;

fn main() -> ExitCode {
    // Lua locustfiles (-f) plug in here; until then the binary knows no user classes and
    // explains how to define them.
    locusta::run_cli(Vec::new())
}
