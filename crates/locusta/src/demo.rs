//! `locusta demo`: a real load test without writing anything. Starts the built-in demo target
//! on 127.0.0.1 and runs the Lua quickstart against it, headless, for a short while.

use std::ffi::OsString;
use std::process::ExitCode;

use locusta_target::{Target, TargetOptions};

use crate::run::{ClassSource, run};

/// examples/quickstart.lua, built into the binary so the demo works from any directory.
const QUICKSTART: &str = include_str!("../../../examples/quickstart.lua");

/// What the demo runs unless the command line (or the environment) says otherwise.
const DEFAULT_USERS: &str = "20";
const DEFAULT_SPAWN_RATE: &str = "10";
const DEFAULT_RUN_TIME: &str = "15s";

/// Runs the demo; `args` are the flags after `demo` (Locust's, e.g. `-u 50 -t 1m`).
pub fn run_demo<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    let extra: Vec<OsString> = args.into_iter().collect();
    let target = match Target::spawn_thread(TargetOptions::default()) {
        Ok(target) => target,
        Err(error) => {
            eprintln!("locusta demo: could not start the demo target on 127.0.0.1: {error}");
            return ExitCode::from(1);
        }
    };
    let dir = std::env::temp_dir().join(format!("locusta-demo-{}", std::process::id()));
    let locustfile = dir.join("quickstart.lua");
    if let Err(error) =
        std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&locustfile, QUICKSTART))
    {
        eprintln!(
            "locusta demo: could not write {}: {error}",
            locustfile.display()
        );
        return ExitCode::from(1);
    }
    eprintln!(
        "locusta demo: testing the built-in demo target at {} with examples/quickstart.lua",
        target.url()
    );

    let mut argv: Vec<OsString> = vec![
        "locusta".into(),
        "--headless".into(),
        "-f".into(),
        locustfile.into(),
    ];
    argv.extend(["--host".into(), target.url().into()]);
    // Parsing the user's flags with the real parser sees `-u5`, `--use 5`, LOCUSTA_USERS and
    // `users = 5` in locust.conf alike (a default passed on the command line would beat the
    // last two); flags that do not parse get no defaults, and the run reports the mistake.
    let given =
        crate::cli::parse(std::iter::once(OsString::from("locusta")).chain(extra.iter().cloned()));
    if let Ok(given) = given {
        if given.users.is_none() {
            argv.extend(["-u".into(), DEFAULT_USERS.into()]);
        }
        if given.spawn_rate.is_none() {
            argv.extend(["-r".into(), DEFAULT_SPAWN_RATE.into()]);
        }
        if given.run_time.is_none() {
            argv.extend(["-t".into(), DEFAULT_RUN_TIME.into()]);
        }
    }
    argv.extend(extra);
    let code = run(argv, ClassSource::Locustfile);
    eprintln!(
        "locusta demo: the target received {} requests",
        target.counts().total()
    );
    let _ = std::fs::remove_dir_all(&dir);
    code
}
