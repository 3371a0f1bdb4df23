//! A master and three worker processes on 127.0.0.1 run the quickstart against a local
//! target: the master's numbers are exactly what the target saw and what the workers sent.

use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use locusta_stats::{RunState, RunView};
use locusta_target::{Target, TargetOptions};
use serde_json::Value;

use super::tap::StatsTap;
use crate::binary::{Run, example, locusta_command, scratch_dir};
use crate::web_mode::free_port;

/// Starts `locusta args...` with its output captured.
fn spawn(args: &[&str]) -> Child {
    locusta_command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Starts a headless master running the quickstart against `target`, listening for workers on
/// 127.0.0.1:`port`, with `load` (users, rate, run time, ...) and the final summary only.
fn spawn_master(target: &Target, port: &str, load: &[&str]) -> Child {
    let quickstart = example("quickstart.lua");
    let url = target.url();
    let mut args = vec![
        "--master",
        "--headless",
        "--only-summary",
        "-f",
        quickstart.to_str().unwrap(),
        "-H",
        &url,
        "--master-bind-host",
        "127.0.0.1",
        "--master-bind-port",
        port,
    ];
    args.extend_from_slice(load);
    spawn(&args)
}

/// Waits for `child` (at most `limit`), returning its exit code and stderr.
fn finish(mut child: Child, limit: Duration) -> (Option<i32>, String) {
    let started = Instant::now();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status.code(), reader.join().unwrap());
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("still running after {limit:?}:\n{}", reader.join().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `example` headless with `--processes 2` on a free `--master-bind-port` (Locust's
/// children would connect to 5557 and hang; ours follow the bind port), 4 users for 3 s, and
/// `extra`. Returns the run and its request count, checked against what `target` served.
fn run_two_processes(example_file: &str, target: &Target, extra: &[&str]) -> (Run, u64) {
    let port = free_port().to_string();
    let mut args = vec![
        "--processes",
        "2",
        "--master-bind-port",
        &port,
        "-u",
        "4",
        "-r",
        "4",
        "-t",
        "3s",
    ];
    args.extend_from_slice(extra);
    let run = crate::binary::run_headless(&example(example_file), target, &args);
    let counted: u64 = run.rows().iter().map(|row| row.requests).sum();
    assert_eq!(counted, target.counts().total(), "{}", run.stderr);
    (run, counted)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_master_and_three_workers_report_exactly_what_the_workers_recorded() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let dir = scratch_dir("distributed-loopback");
    let report = dir.join("run.json");
    let master_port = free_port();
    let tap = StatsTap::start(master_port);
    let quickstart = example("quickstart.lua");
    let (port, tap_port) = (master_port.to_string(), tap.port().to_string());
    let master = spawn_master(
        &target,
        &port,
        &[
            "-u",
            "9",
            "-r",
            "9",
            "-t",
            "4s",
            // Running users finish their request at the stop, so the target's count is exact.
            "-s",
            "10s",
            "--expect-workers",
            "3",
            "--expect-workers-max-wait",
            "30",
            "--report-json",
            report.to_str().unwrap(),
        ],
    );
    // Two workers load the file themselves, one takes it from the master (`-f -`).
    let file = quickstart.to_str().unwrap();
    let workers: Vec<Child> = [file, file, "-"]
        .into_iter()
        .map(|locustfile| {
            spawn(&[
                "--worker",
                "-f",
                locustfile,
                "--master-port",
                &tap_port,
                "--threads",
                "1",
            ])
        })
        .collect();

    let (code, stderr) = finish(master, Duration::from_secs(60));
    assert_eq!(code, Some(0), "master:\n{stderr}");
    for worker in workers {
        let (code, stderr) = finish(worker, Duration::from_secs(20));
        assert_eq!(code, Some(0), "a worker quits cleanly when told:\n{stderr}");
    }

    let report = read_json(&report);
    let aggregated = &report["aggregated"];
    let requests = aggregated["num_requests"].as_u64().unwrap();
    assert!(requests > 20, "the workers made requests: {requests}");
    assert_eq!(
        requests,
        target.counts().total(),
        "the master counted every request the target received"
    );
    // Each worker started 3 users, each of which logged in once.
    assert_eq!(target.count("POST", "/login"), 9);

    let merged = RunView::new(Arc::new(tap.merged()), RunState::Stopped, 0, 0.0);
    let entries = report["entries"].as_array().unwrap();
    assert_eq!(entries.len(), merged.entries().len());
    for row in merged.rows_with_total() {
        let entry = if row.name() == "Aggregated" {
            aggregated
        } else {
            entries
                .iter()
                .find(|e| e["method"] == row.method() && e["name"] == row.name())
                .unwrap_or_else(|| panic!("no entry {} {}", row.method(), row.name()))
        };
        assert_eq!(entry["num_requests"].as_u64(), Some(row.num_requests()));
        assert_eq!(entry["num_failures"].as_u64(), Some(row.num_failures()));
        let times = &entry["response_time_ms"];
        for (key, percentile) in times["percentiles"].as_object().unwrap() {
            let p: f64 = key.parse().unwrap();
            assert_eq!(
                percentile.as_f64(),
                Some(row.percentile_ms(p)),
                "{} {} p{key}: the master's percentile is the merged histograms' one",
                row.method(),
                row.name()
            );
        }
        assert_eq!(times["max"].as_f64(), Some(row.max_response_time_ms()));
        assert_eq!(times["min"].as_f64(), Some(row.min_response_time_ms()));
    }
}

#[test]
fn thresholds_judge_the_merged_statistics_of_all_workers() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    // Two users per worker at two tasks per second for 3 s: at most 14 requests a worker,
    // about 24 for the run, so only the merged count reaches 15.
    let (run, counted) = run_two_processes(
        "throughput.lua",
        &target,
        &[
            "--threshold",
            "requests>=15 for GET /",
            "--threshold",
            "requests<15 for GET /",
        ],
    );
    assert_eq!(run.code, Some(3), "one rule fails:\n{}", run.stderr);
    assert!(counted >= 15, "{counted}");
    assert!(run.stderr.contains("1 of 2"), "{}", run.stderr);
    let verdict = |rule: &str| {
        run.stderr
            .lines()
            .find(|line| line.contains(rule))
            .unwrap_or_else(|| panic!("no verdict for {rule}:\n{}", run.stderr))
            .to_owned()
    };
    assert!(verdict("requests>=15").contains("PASS"), "{}", run.stderr);
    assert!(verdict("requests<15").contains("FAIL"), "{}", run.stderr);
}

#[test]
fn processes_start_a_master_and_its_workers_on_the_bind_port() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let (run, counted) = run_two_processes("quickstart.lua", &target, &["-s", "10s"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("Started 2 worker processes"),
        "{}",
        run.stderr
    );
    assert!(counted > 0);
    assert_eq!(
        target.count("POST", "/login"),
        4,
        "two users on each worker"
    );
}

#[test]
fn contradictory_roles_are_refused_before_anything_starts() {
    let quickstart = example("quickstart.lua");
    let file = quickstart.to_str().unwrap();
    for (args, message) in [
        (
            vec!["-f", file, "--master", "--processes", "2"],
            "--master cannot be combined with --processes",
        ),
        (
            vec!["-f", "-", "--headless"],
            "-f - (take the locustfile from the master) only works with --worker",
        ),
        (
            vec!["-f", file, "--master", "--worker"],
            "cannot be used with",
        ),
        (
            vec!["-f", file, "--processes", "-2"],
            "is not a number of processes",
        ),
    ] {
        let run = crate::binary::locusta(&args, Duration::from_secs(20));
        assert_ne!(run.code, Some(0), "{args:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_headless_master_ends_the_run_when_its_last_worker_is_gone() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let port = free_port().to_string();
    let quickstart = example("quickstart.lua");
    let master = spawn_master(
        &target,
        &port,
        &[
            "-u",
            "2",
            "-r",
            "2",
            // Far longer than the test: only the lost worker can end it.
            "-t",
            "10m",
            "--heartbeat-timeout",
            "1s",
        ],
    );
    let mut worker = spawn(&[
        "--worker",
        "-f",
        quickstart.to_str().unwrap(),
        "--master-port",
        &port,
    ]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while target.count("POST", "/login") < 2 {
        assert!(
            Instant::now() < deadline,
            "the worker's users never logged in"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Killed without a goodbye: its connection closes, so the master gives it up at once
    // (a silent link is the network-namespace test's case).
    worker.kill().unwrap();
    let _ = worker.wait();
    let (code, stderr) = finish(master, Duration::from_secs(30));
    assert!(
        stderr.contains("The last worker is gone, stopping the test"),
        "{stderr}"
    );
    assert_eq!(code, Some(0), "no request failed:\n{stderr}");
    assert!(
        stderr.contains("Aggregated"),
        "the final statistics are printed:\n{stderr}"
    );
}

#[test]
fn ctrl_c_on_a_master_and_its_processes_keeps_every_request() {
    use std::os::unix::process::CommandExt;

    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let port = free_port().to_string();
    // The quickstart's view_items task runs for ten seconds, so the workers' users take a
    // while to stop: their workers must stay in touch with the master meanwhile, and their
    // last reports must leave before they exit.
    let quickstart = example("quickstart.lua");
    let url = target.url();
    // Its own process group, as a terminal's Ctrl-C reaches the master and its workers alike.
    let master = locusta_command()
        .args([
            "-f",
            quickstart.to_str().unwrap(),
            "-H",
            &url,
            "--headless",
            "--only-summary",
            "--processes",
            "2",
            "--master-bind-port",
            &port,
            "-u",
            "4",
            "-r",
            "4",
            "-s",
            "15s",
        ])
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while target.count("POST", "/login") < 4 || target.counts().total() < 12 {
        assert!(Instant::now() < deadline, "the workers made no requests");
        std::thread::sleep(Duration::from_millis(20));
    }
    let group = format!("-{}", master.id());
    let sent = std::process::Command::new("kill")
        .args(["-INT", "--", &group])
        .status()
        .unwrap();
    assert!(sent.success());
    let (code, stderr) = finish(master, Duration::from_secs(40));
    assert_eq!(code, Some(0), "{stderr}");
    let aggregated = stderr
        .lines()
        .filter(|line| line.trim_start().starts_with("Aggregated"))
        .find(|line| line.contains('|'))
        .unwrap_or_else(|| panic!("no final table:\n{stderr}"));
    let counted: u64 = aggregated
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        counted,
        target.counts().total(),
        "the workers' last reports reached the master before its final table:\n{stderr}"
    );
}
