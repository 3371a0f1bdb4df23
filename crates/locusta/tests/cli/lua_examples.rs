//! Every Lua example in examples/ through the real binary, against the demo target, checking
//! what the target received and what the statistics say.

use std::time::Duration;

use locusta_target::{Target, TargetOptions};

use crate::binary::{example, locusta, run_headless};

const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn quickstart_logs_in_once_per_user_and_groups_items() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    // A stop timeout lets running tasks finish, so /hello and /world stay paired.
    let run = run_headless(
        &example("quickstart.lua"),
        &target,
        &["-u", "5", "-r", "5", "-t", "3s", "-s", "20s"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(target.count("POST", "/login"), 5);
    assert_eq!(target.count("GET", "/hello"), target.count("GET", "/world"));
    assert_eq!(run.row("POST", "/login").requests, 5);
    let items = run.row("GET", "/item");
    assert!(items.requests > 0);
    assert_eq!(
        items.requests,
        target.count("GET", "/item"),
        "every /item?id=N is grouped under /item"
    );
    let recorded: u64 = run.rows().iter().map(|row| row.requests).sum();
    assert_eq!(recorded, target.counts().total());
}

#[test]
fn constant_throughput_paces_each_user() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let run = run_headless(
        &example("throughput.lua"),
        &target,
        &["-u", "4", "-r", "4", "-t", "3s"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let requests = run.row("GET", "/").requests;
    // Two task starts per second per user, at t = 0, 0.5, ... 2.5 s: 6 each, 24 in all.
    assert!((20..=28).contains(&requests), "{requests} requests");
    assert_eq!(requests, target.count("GET", "/"));
}

#[test]
fn weighted_and_fixed_count_classes_get_locusts_mix() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let run = run_headless(
        &example("weighted_classes.lua"),
        &target,
        &["-u", "9", "-r", "9", "-t", "2s", "-s", "5s"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(target.count("POST", "/login"), 1, "one AdminUser");
    assert_eq!(target.count("GET", "/hello"), 6, "six WebUsers");
    assert_eq!(target.count("GET", "/world"), 2, "two MobileUsers");
    assert!(run.stderr.contains(
        r#"All users spawned: {"AdminUser": 1, "MobileUser": 2, "WebUser": 6} (9 total users)"#
    ));
}

#[test]
fn predict_checks_answers_with_catch_response() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let run = run_headless(
        &example("predict.lua"),
        &target,
        &["-u", "3", "-r", "3", "-t", "2s", "-s", "5s"],
    );
    assert_eq!(
        run.code,
        Some(1),
        "failures give exit code 1:\n{}",
        run.stderr
    );
    let good = run.row("POST", "/predict");
    let empty = run.row("POST", "/predict (empty)");
    assert!(
        good.requests > 10 && empty.requests > 0,
        "{good:?} {empty:?}"
    );
    assert_eq!(good.failures, 0, "the model answers every prediction right");
    assert_eq!(empty.failures, empty.requests);
    assert_eq!(
        good.requests + empty.requests,
        target.count("POST", "/predict")
    );
    let report = run
        .stderr
        .split("Error report")
        .nth(1)
        .expect("an error report");
    assert!(
        report.contains(&format!(
            "{:<18} POST /predict (empty): Model rejected empty input",
            empty.failures
        )),
        "{report}"
    );
}

#[test]
fn custom_timings_are_recorded_and_task_errors_name_file_and_line() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let run = run_headless(
        &example("custom_timing.lua"),
        &target,
        // A fixed seed makes the task choices, and so which rows appear, the same every run.
        &["-u", "2", "-r", "2", "-t", "2s", "--seed", "3"],
    );
    assert_eq!(
        run.code,
        Some(1),
        "a task error gives exit code 1:\n{}",
        run.stderr
    );
    assert!(run.row("compute", "fibonacci(18)").requests > 0);
    assert_eq!(run.row("rpc", "inventory.lookup").failures, 0);
    assert!(
        run.stderr
            .contains("custom_timing.lua:39: attempt to index nil with 'id'"),
        "{}",
        run.stderr
    );
    assert_eq!(target.counts().total(), 0, "no HTTP at all");
}

#[test]
fn demo_runs_the_quickstart_against_its_own_target() {
    // An abbreviated flag (`--use`) replaces the demo's default user count like `-u` does.
    let run = locusta(
        &[
            "demo",
            "-t",
            "3s",
            "--use",
            "5",
            "-r",
            "5",
            "--only-summary",
        ],
        LIMIT,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.row("POST", "/login").requests, 5, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("Response time percentiles (approximated)")
    );
}

#[test]
fn list_prints_the_classes_of_a_locustfile() {
    let path = example("weighted_classes.lua");
    let run = locusta(&["-f", path.to_str().unwrap(), "--list"], LIMIT);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "Available Users:\n    WebUser\n    MobileUser\n    AdminUser\n"
    );
}
