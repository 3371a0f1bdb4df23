//! Ctrl-C (SIGINT) and SIGTERM stop the real binary cleanly, and it still prints the final
//! statistics. The binary is examples/quickstart.rs, which tests its own demo target.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// `target/<profile>/examples/quickstart`, built by `cargo test` beside this test binary.
fn quickstart_binary() -> PathBuf {
    let test_binary = std::env::current_exe().unwrap();
    let profile_dir = test_binary.parent().and_then(|deps| deps.parent()).unwrap();
    profile_dir
        .join("examples")
        .join(format!("quickstart{}", std::env::consts::EXE_SUFFIX))
}

/// Starts a run without a run time, waits until users are spawned and have sent requests,
/// sends `signal`, and returns (exit code, everything printed on stderr).
fn interrupt_run(signal: &str) -> (Option<i32>, String) {
    let mut child = crate::binary::command_for(quickstart_binary())
        .args(["--headless", "-u", "4", "-r", "4", "--only-summary"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("run `cargo test` so that the quickstart example is built");
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
    // Let the users log in and make requests.
    std::thread::sleep(Duration::from_millis(1500));
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the run did not stop after {signal}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    reader.join().unwrap();
    output.extend(received.try_iter().map(|line| line + "\n"));
    (exit.code(), output)
}

fn assert_final_tables(output: &str) {
    assert!(
        output.contains("Response time percentiles (approximated)"),
        "{output}"
    );
    let aggregated = output
        .lines()
        .filter(|line| line.trim_start().starts_with("Aggregated"))
        .count();
    assert_eq!(
        aggregated, 2,
        "summary and percentile tables each end with Aggregated:\n{output}"
    );
    assert!(
        output.contains("POST     /login"),
        "requests made before the signal are reported:\n{output}"
    );
    assert!(output.contains("Shutting down (exit code 0)"), "{output}");
}

#[test]
fn sigint_stops_the_run_and_prints_the_final_statistics() {
    let (code, output) = interrupt_run("-INT");
    assert!(output.contains("Got SIGINT signal"), "{output}");
    assert_final_tables(&output);
    assert_eq!(code, Some(0));
}

#[test]
fn sigterm_stops_the_run_and_prints_the_final_statistics() {
    let (code, output) = interrupt_run("-TERM");
    assert!(output.contains("Got SIGTERM signal"), "{output}");
    assert_final_tables(&output);
    assert_eq!(code, Some(0));
}
