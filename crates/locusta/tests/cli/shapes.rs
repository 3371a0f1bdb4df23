//! A load shape defined in a Lua locustfile drives the real binary: it decides the users,
//! -u/-r/-t are ignored with a warning, and the run ends when the shape returns nothing.

use std::time::{Duration, Instant};

use locusta_target::{Target, TargetOptions};

use crate::binary::{run_headless, scratch_dir};

const SHORT_STAGES: &str = r#"
Visitor = HttpUser { wait_time = constant(0.5) }

task()
function Visitor:index()
    self.client:get("/")
end

Ramp = Stages {
    { duration = 2, users = 2, spawn_rate = 10 },
    { duration = 4, users = 4, spawn_rate = 10 },
}
"#;

#[test]
fn a_stages_shape_sets_the_users_and_ends_the_run() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let dir = scratch_dir("shape-stages");
    let file = dir.join("locustfile.lua");
    std::fs::write(&file, SHORT_STAGES).unwrap();
    let started = Instant::now();
    let run = run_headless(&file, &target, &["-u", "50", "-t", "60s"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the shape ended the run after its last stage, not -t 60s"
    );
    assert!(
        run.stderr.contains("-u, -r and -t are ignored"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Starting the load shape Ramp"),
        "{}",
        run.stderr
    );
    // Two users for 2 s, then four for 2 s, each at two requests per second: never 50 users.
    let requests = run.row("GET", "/").requests;
    assert!((10..=30).contains(&requests), "{requests} requests");
    assert_eq!(requests, target.count("GET", "/"));
}
