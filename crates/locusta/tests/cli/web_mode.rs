//! Without --headless the binary serves Locust's HTTP API; --autostart starts the test at once
//! and --autoquit ends the process after it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::{Duration, Instant};

use locusta_target::{Target, TargetOptions};

use crate::binary::example;

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP/1.0 GET, so the test does not depend on the client under test.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    http(port, "GET", path)
}

/// A plain HTTP/1.0 request without a body.
pub fn http(port: u16, method: &str, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    Some((status, body))
}

#[test]
fn autostart_serves_the_api_while_the_test_runs_and_autoquit_ends_it() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let port = free_port();
    let locustfile = example("quickstart.lua");
    let mut child = crate::binary::locusta_command()
        .args([
            "-f",
            locustfile.to_str().unwrap(),
            "-H",
            &target.url(),
            "--web-port",
            &port.to_string(),
        ])
        .args([
            "--autostart",
            "-u",
            "3",
            "-r",
            "3",
            "-t",
            "3s",
            "--autoquit",
            "1",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());

    let deadline = Instant::now() + Duration::from_secs(20);
    let stats = loop {
        assert!(
            Instant::now() < deadline,
            "the API never reported 3 running users"
        );
        if let Some((200, body)) = http_get(port, "/stats/requests") {
            let stats: serde_json::Value = serde_json::from_str(&body).unwrap();
            if stats["user_count"] == 3 && stats["state"] == "running" {
                break stats;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        stats["stats"].as_array().unwrap().last().unwrap()["name"],
        "Aggregated"
    );
    // The log lines so far, as the terminal shows them.
    let (code, body) = http_get(port, "/logs").expect("/logs answers");
    assert_eq!(code, 200);
    let logs: serde_json::Value = serde_json::from_str(&body).unwrap();
    let master: Vec<&str> = logs["master"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line.as_str().unwrap())
        .collect();
    assert!(
        master.iter().any(|line| line.ends_with(&format!(
            "/INFO/locusta.web.ui: Starting web interface at http://127.0.0.1:{port}"
        )) && line.starts_with('[')),
        "{master:#?}"
    );
    assert!(
        master.iter().any(|line| line.contains("All users spawned")),
        "{master:#?}"
    );
    assert_eq!(logs["workers"], serde_json::json!({}));

    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "--autoquit did not end the process"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = reader.join().unwrap();
    assert_eq!(status.code(), Some(0), "{output}");
    assert!(
        output.contains("Starting web interface at http://127.0.0.1:"),
        "{output}"
    );
    assert!(
        output.contains("Response time percentiles (approximated)"),
        "{output}"
    );
    assert_eq!(target.count("POST", "/login"), 3);
}
