//! `--threshold` through the real binary: verdicts in the console, the documented exit codes,
//! malformed rules refused before the run, and `--threshold-abort`.

use std::time::{Duration, Instant};

use locusta_target::{Target, TargetOptions};

use crate::binary::{Run, example, run_headless};

/// Three throughput users (two GET / per second each) for `run_time`, with `extra` flags.
fn run_with(target: &Target, run_time: &str, extra: &[&str]) -> Run {
    let mut args = vec!["-u", "3", "-r", "3", "-t", run_time];
    args.extend_from_slice(extra);
    run_headless(&example("throughput.lua"), target, &args)
}

#[test]
fn passing_rules_exit_0_and_are_summarised() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let run = run_with(
        &target,
        "2s",
        &[
            "--threshold",
            "p95<5s",
            "--threshold",
            "error-rate<1%",
            "--threshold",
            "requests>=3 for GET /",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("3 of 3"), "{}", run.stderr);
    assert!(run.stderr.contains("PASS"), "{}", run.stderr);
}

#[test]
fn a_failing_rule_exits_3_and_names_the_rule() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let run = run_with(
        &target,
        "2s",
        &["--threshold", "p95<5s", "--threshold", "rps>=100000"],
    );
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(run.stderr.contains("FAIL"), "{}", run.stderr);
    assert!(run.stderr.contains("rps>=100000"), "{}", run.stderr);
}

#[test]
fn a_malformed_rule_is_refused_before_the_run_with_exit_2() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    for rule in ["p95<abc", "latency<5ms", "error-rate<5ms", "p101<1s", ""] {
        let run = run_with(&target, "2s", &["--threshold", rule]);
        assert_eq!(run.code, Some(2), "{rule}: {}", run.stderr);
        assert!(run.stderr.contains("--threshold"), "{rule}: {}", run.stderr);
        assert!(
            !run.stderr.contains("Starting Locusta"),
            "{rule}: refused before the run: {}",
            run.stderr
        );
    }
    assert_eq!(target.counts().total(), 0, "no test ran");
}

#[test]
fn threshold_abort_stops_the_run_once_a_certain_rule_fails() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let started = Instant::now();
    // `requests<5` can only fail once and then never pass again: the run stops at once.
    let run = run_with(
        &target,
        "60s",
        &["--threshold", "requests<5", "--threshold-abort"],
    );
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "stopped early, not at the 60 s run time"
    );
    assert!(run.stderr.contains("--threshold-abort"), "{}", run.stderr);
}
