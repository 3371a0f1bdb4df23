//! Every way a run ends writes every requested file, complete: the end of the run time,
//! Ctrl-C (SIGINT) and SIGTERM. The files are read back and checked against each other and
//! against what the target received.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use locusta_target::{Target, TargetOptions};

use crate::binary::{example, locusta, scratch_dir};
use crate::web_mode::{free_port, http, http_get};

/// The report flags of every test here, writing into `dir`.
fn report_args(dir: &Path) -> Vec<String> {
    let file = |name: &str| dir.join(name).to_str().unwrap().to_string();
    vec![
        "--csv".into(),
        file("run"),
        "--html".into(),
        file("report-{u}-users.html"),
        "--json-file".into(),
        file("stats"),
        "--report-json".into(),
        file("run.json"),
    ]
}

fn base_args(target: &Target) -> Vec<String> {
    vec![
        "-f".into(),
        example("throughput.lua").to_str().unwrap().into(),
        "-H".into(),
        target.url(),
        "--headless".into(),
        "--only-summary".into(),
        "-u".into(),
        "3".into(),
        "-r".into(),
        "3".into(),
        // Running users finish their request at the stop (a killed one's in-flight request
        // would reach the target without being recorded, as in Locust).
        "-s".into(),
        "10s".into(),
    ]
}

/// Reads every file back and checks that they are whole and agree: returns the Aggregated
/// request count they all report.
fn assert_files_complete(dir: &Path, target: &Target) -> u64 {
    let stats = read_csv(&dir.join("run_stats.csv"));
    let aggregated = stats.last().expect("an Aggregated row");
    assert_eq!(&aggregated[..2], ["", "Aggregated"], "{stats:?}");
    let csv_requests: u64 = aggregated[2].parse().unwrap();
    assert!(csv_requests > 0, "requests were made before the end");
    assert_eq!(
        csv_requests,
        target.count("GET", "/"),
        "every request the target saw"
    );

    let history = read_csv(&dir.join("run_stats_history.csv"));
    assert_eq!(history[0][0], "Timestamp");
    assert!(
        history.len() >= 2,
        "history rows were appended: {history:?}"
    );
    let failures = read_csv(&dir.join("run_failures.csv"));
    assert_eq!(failures[0][0], "Method");
    let exceptions = read_csv(&dir.join("run_exceptions.csv"));
    assert_eq!(exceptions[0][0], "Count");

    let locust_json: serde_json::Value = read_json(&dir.join("stats.json"));
    let json_requests: u64 = locust_json
        .as_array()
        .expect("Locust's JSON is an array of entries")
        .iter()
        .map(|entry| entry["num_requests"].as_u64().unwrap())
        .sum();
    assert_eq!(json_requests, csv_requests);

    let run_json: serde_json::Value = read_json(&dir.join("run.json"));
    assert_eq!(
        run_json["aggregated"]["num_requests"].as_u64(),
        Some(csv_requests)
    );

    let html = std::fs::read_to_string(dir.join("report-3-users.html")).expect("the HTML report");
    assert!(
        html.trim_end().ends_with("</html>"),
        "the HTML report is whole"
    );
    assert!(html.contains("Aggregated"));
    csv_requests
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()))
}

#[test]
fn the_end_of_the_run_time_writes_every_file() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let dir = scratch_dir("reports-run-time");
    let mut args = base_args(&target);
    args.extend(["-t".to_string(), "3s".to_string()]);
    args.extend(report_args(&dir));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = locusta(&args, Duration::from_secs(60));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let requests = assert_files_complete(&dir, &target);
    assert_eq!(run.row("GET", "/").requests, requests, "the console agrees");
}

/// Starts a run without a run time, waits until its users have made requests, sends
/// `signal`, and returns the exit code and stderr once it has ended.
fn interrupted_run(signal: &str, dir: &Path, target: &Target) -> (Option<i32>, String) {
    let mut args = base_args(target);
    args.extend(report_args(dir));
    let mut child = crate::binary::locusta_command()
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, received) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let mut output = String::new();
    loop {
        let line = received
            .recv_timeout(Duration::from_secs(30))
            .expect("the run should start");
        output.push_str(&line);
        output.push('\n');
        if line.contains("All users spawned") {
            break;
        }
    }
    // Long enough for requests and a few CSV refreshes.
    std::thread::sleep(Duration::from_millis(2500));
    send(signal, &child);
    let code = wait(&mut child, Duration::from_secs(30));
    reader.join().unwrap();
    output.extend(received.try_iter().map(|line| line + "\n"));
    (code, output)
}

fn send(signal: &str, child: &Child) {
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait(child: &mut Child, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        assert!(Instant::now() < deadline, "the run did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigint_writes_every_file() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let dir = scratch_dir("reports-sigint");
    let (code, stderr) = interrupted_run("-INT", &dir, &target);
    assert_eq!(code, Some(0), "{stderr}");
    assert_files_complete(&dir, &target);
}

#[test]
fn sigterm_writes_every_file_including_the_html_report() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let dir = scratch_dir("reports-sigterm");
    let (code, stderr) = interrupted_run("-TERM", &dir, &target);
    assert_eq!(code, Some(0), "{stderr}");
    assert_files_complete(&dir, &target);
}

#[test]
fn an_unwritable_report_does_not_stop_the_others() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let dir = scratch_dir("reports-one-fails");
    // The HTML report's path is a directory: that one write fails, the rest must not.
    std::fs::create_dir_all(dir.join("report-3-users.html")).unwrap();
    let mut args = base_args(&target);
    args.extend(["-t".to_string(), "2s".to_string()]);
    args.extend(report_args(&dir));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = locusta(&args, Duration::from_secs(60));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("Could not write the HTML report"),
        "{}",
        run.stderr
    );
    let stats = read_csv(&dir.join("run_stats.csv"));
    assert_eq!(stats.last().unwrap()[1], "Aggregated");
    let run_json = read_json(&dir.join("run.json"));
    assert!(run_json["aggregated"]["num_requests"].as_u64().unwrap() > 0);
}

#[test]
fn stop_from_the_web_ui_then_quit_writes_every_file() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let dir = scratch_dir("reports-web-stop");
    let port = free_port();
    let mut args = base_args(&target);
    args.retain(|arg| arg != "--headless");
    args.extend(report_args(&dir));
    let mut child = crate::binary::locusta_command()
        .args(&args)
        .args(["--autostart", "--web-port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for requests, then stop the test from the API, as the UI's Stop button does.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(Instant::now() < deadline, "the test never made requests");
        if let Some((200, body)) = http_get(port, "/stats/requests") {
            let stats: serde_json::Value = serde_json::from_str(&body).unwrap();
            if stats["total_rps"].as_f64().unwrap_or(0.0) > 0.0 {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        http(port, "POST", "/stop").map(|(status, _)| status),
        Some(200)
    );
    std::thread::sleep(Duration::from_millis(1500));
    let stopped = target.count("GET", "/");
    send("-INT", &child);
    assert_eq!(wait(&mut child, Duration::from_secs(30)), Some(0));
    assert_eq!(target.count("GET", "/"), stopped, "no requests after /stop");
    assert_files_complete(&dir, &target);
}
