//! `/close` breaks the connection mid-response.

use hyper::{Method, StatusCode};
use locusta_target::{Target, TargetOptions};

use crate::support::{Client, raw_exchange, split_head};

#[tokio::test]
async fn close_sends_headers_and_part_of_the_body_then_closes() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let addr = target.addr();
    // Blocking socket, so run it off the test's runtime.
    let response = tokio::task::spawn_blocking(move || {
        raw_exchange(addr, "GET /close HTTP/1.1\r\nHost: x\r\n\r\n")
    })
    .await
    .unwrap();
    let (head, body) = split_head(&response);
    assert!(head.starts_with("http/1.1 200 ok"), "{head}");
    assert!(head.contains("content-length: 1024"), "{head}");
    assert_eq!(body, b"partial");
    assert_eq!(target.count("GET", "/close"), 1);
}

#[tokio::test]
async fn a_hyper_client_sees_an_error_and_other_connections_keep_working() {
    let target = Target::start(TargetOptions::default()).unwrap();
    let mut broken = Client::connect(&target).await;
    let result = broken.try_send(Method::GET, "/close", &[], "").await;
    assert!(result.is_err(), "{result:?}");

    let mut other = Client::connect(&target).await;
    assert_eq!(other.get("/hello").await.status, StatusCode::OK);
}
