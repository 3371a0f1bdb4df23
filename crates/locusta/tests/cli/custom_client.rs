//! A custom (non-HTTP) client records into the same statistics: examples/tcp_echo.rs.

use std::time::Duration;

use crate::support::{local, run_users, view};

#[allow(dead_code)]
#[path = "../../../../examples/tcp_echo.rs"]
mod example;

#[tokio::test]
async fn tcp_round_trips_are_timed_and_recorded() {
    let addr = example::start_echo_server().unwrap();
    let snapshot = local(run_users(
        vec![example::echo_user(addr)],
        &[0, 0, 0],
        None,
        Duration::from_millis(400),
        Duration::ZERO,
    ))
    .await;
    let view = view(snapshot);
    let rows = view.entries();
    assert_eq!(rows.len(), 1);
    let echo = &rows[0];
    assert_eq!((echo.method(), echo.name()), ("tcp", "echo"));
    // Three users, one ping every 100 ms for 400 ms.
    assert!(
        (9..=15).contains(&echo.num_requests()),
        "{} pings",
        echo.num_requests()
    );
    assert_eq!(echo.num_failures(), 0);
    assert_eq!(echo.avg_content_length(), 5.0);
    assert!(echo.has_timed_samples());
}

#[tokio::test]
async fn a_failed_custom_operation_is_a_failure_with_its_error_text() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let snapshot = local(run_users(
        vec![example::echo_user(addr)],
        &[0],
        None,
        Duration::from_millis(250),
        Duration::ZERO,
    ))
    .await;
    let view = view(snapshot);
    let errors = view.errors();
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].method(), errors[0].name()), ("tcp", "echo"));
    assert!(
        errors[0].message().contains("refused"),
        "{}",
        errors[0].message()
    );
    assert_eq!(view.total().num_failures(), view.total().num_requests());
}
