//! The `locusta` command: `locusta -f locustfile.lua [Locust's options]`, or `locusta demo`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os();
    if std::env::args_os()
        .nth(1)
        .is_some_and(|first| first == "demo")
    {
        args.nth(1);
        return locusta::run_demo(args);
    }
    locusta::run_locustfile_cli()
}
