//! The `locusta-target` binary.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Command, Stdio};

use crate::support::{raw_exchange, split_head};

#[cfg(unix)]
#[test]
fn prints_its_url_serves_and_shuts_down_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_locusta-target"))
        .args(["--addr", "127.0.0.1:0", "--threads", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("a URL, not {line:?}"))
        .parse()
        .unwrap();

    let request = "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let (head, body) = split_head(&raw_exchange(addr, request));
    assert!(head.starts_with("http/1.1 200 ok"), "{head}");
    assert_eq!(body, b"hello");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.contains("GET /hello 1"), "{stderr}");
}

#[test]
fn fast_flag_answers_every_path_like_root() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_locusta-target"))
        .args(["--fast", "--threads", "2"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line.trim().trim_start_matches("http://").parse().unwrap();
    let request = "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let (_, body) = split_head(&raw_exchange(addr, request));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(body, b"ok");
}

#[test]
fn rejects_an_invalid_address() {
    let output = Command::new(env!("CARGO_BIN_EXE_locusta-target"))
        .args(["--addr", "not-an-address"])
        .output()
        .unwrap();
    assert!(!output.status.success());
}
