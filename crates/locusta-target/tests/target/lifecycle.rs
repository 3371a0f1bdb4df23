//! Starting, running on different runtimes and threads, and shutting down.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hyper::StatusCode;
use locusta_target::{Mode, Target, TargetOptions};
use tokio::io::AsyncReadExt;

use crate::support::{Client, get, raw_exchange, split_head};

/// True once nothing accepts connections on `addr` (polled, as a thread target stops
/// asynchronously).
fn eventually_refused(addr: SocketAddr) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(addr).is_err() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

#[test]
fn start_outside_a_runtime_is_an_error() {
    let error = Target::start(TargetOptions::default()).unwrap_err();
    assert!(error.to_string().contains("spawn_thread"), "{error}");
}

#[tokio::test]
async fn binding_a_busy_address_is_an_error() {
    let first = Target::start(TargetOptions::default()).unwrap();
    let options = TargetOptions {
        addr: first.addr(),
        ..TargetOptions::default()
    };
    assert!(Target::start(options.clone()).is_err());
    assert!(Target::spawn_thread(options).is_err());
}

#[tokio::test]
async fn binds_a_free_loopback_port_and_reports_its_url() {
    let target = Target::start(TargetOptions::default()).unwrap();
    assert!(target.addr().ip().is_loopback());
    assert_ne!(target.addr().port(), 0);
    assert_eq!(
        target.url(),
        format!("http://127.0.0.1:{}", target.addr().port())
    );
    assert_eq!(target.mode(), Mode::Full);
}

#[test]
fn spawn_thread_serves_blocking_clients_without_a_runtime() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let request = "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    for _ in 0..3 {
        let (head, body) = split_head(&raw_exchange(target.addr(), request));
        assert!(head.starts_with("http/1.1 200 ok"), "{head}");
        assert_eq!(body, b"hello");
    }
    assert_eq!(target.count("GET", "/hello"), 3);
}

#[test]
fn dropping_a_thread_target_stops_it() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let addr = target.addr();
    drop(target);
    assert!(eventually_refused(addr));
}

#[tokio::test]
async fn shutdown_of_a_thread_target_can_be_awaited_from_a_runtime() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let addr = target.addr();
    assert_eq!(get(&target, "/").await.status, StatusCode::OK);
    target.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn shutdown_closes_the_port_and_idle_keep_alive_connections() {
    let target = Target::start(TargetOptions::default()).unwrap();
    let addr = target.addr();
    let mut idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    // A first request, so that the connection is established and then idle.
    tokio::io::AsyncWriteExt::write_all(&mut idle, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0; 1024];
    let n = idle.read(&mut buf).await.unwrap();
    assert!(buf[..n].ends_with(b"\r\n\r\nok"));

    tokio::time::timeout(Duration::from_secs(5), target.shutdown())
        .await
        .expect("shutdown finishes");
    assert_eq!(
        idle.read(&mut buf).await.unwrap(),
        0,
        "idle connection closed"
    );
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn shutdown_answers_pending_slow_requests_at_once() {
    let target = Target::start(TargetOptions::default()).unwrap();
    let mut client = Client::connect(&target).await;
    let slow = tokio::spawn(async move { client.get("/slow?ms=3600000").await });
    while target.count("GET", "/slow") == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::timeout(Duration::from_secs(5), target.shutdown())
        .await
        .expect("shutdown finishes");
    let reply = slow.await.unwrap();
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn fast_mode_answers_every_request_like_root_and_counts_it() {
    let target = Target::start(TargetOptions::fast()).unwrap();
    assert_eq!(target.mode(), Mode::Fast);
    let mut client = Client::connect(&target).await;
    for path in ["/", "/hello", "/status/500", "/anything?x=1"] {
        let reply = client.get(path).await;
        assert_eq!(
            (reply.status, reply.text()),
            (StatusCode::OK, "ok"),
            "{path}"
        );
    }
    let reply = client.post_json("/login", "{}").await;
    assert_eq!(reply.text(), "ok");

    assert_eq!(target.count("GET", "/"), 1);
    assert_eq!(target.count("GET", "/anything"), 1);
    assert_eq!(target.count("POST", "/login"), 1);
    assert_eq!(target.counts().total(), 5);
}
