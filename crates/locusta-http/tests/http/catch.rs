//! `catch_response`: the caller's verdict wins, recorded once, time measured at receipt.

use std::time::Duration;

use crate::support::{entry, error, recorded, server, session};

#[tokio::test(flavor = "current_thread")]
async fn success_overrides_an_error_status() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    let r = client
        .get("/status/404")
        .catch_response()
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.error().is_some());
    let r = r.success();
    assert!(r.ok());
    let stats = recorded(&recorder);
    assert_eq!(stats.entries, vec![entry("GET", "/status/404", 1, 0, 10)]);
    assert!(stats.errors.is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn failure_overrides_a_success_status() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    let r = client.get("/").catch_response().send().await.unwrap();
    assert!(r.ok());
    let r = r.failure("Got 'hello'");
    assert_eq!(r.error(), Some("CatchResponseError(\"Got 'hello'\")"));
    let stats = recorded(&recorder);
    assert_eq!(stats.entries, vec![entry("GET", "/", 1, 1, 5)]);
    assert_eq!(
        stats.errors,
        vec![error("GET", "/", "CatchResponseError(\"Got 'hello'\")")]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn dropping_records_the_normal_verdict_once() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    {
        let r = client
            .get("/status/500")
            .catch_response()
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 500);
        assert!(
            recorded(&recorder).entries.is_empty(),
            "nothing recorded before the verdict"
        );
    }
    let ok = client.get("/").catch_response().send().await.unwrap();
    drop(ok);
    let stats = recorded(&recorder);
    assert_eq!(
        stats.entries,
        vec![
            entry("GET", "/", 1, 0, 5),
            entry("GET", "/status/500", 1, 1, 10)
        ]
    );
    assert_eq!(stats.errors.len(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn time_spent_deciding_is_not_counted() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    let r = client.get("/").catch_response().send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    r.success();
    let stats = recorded(&recorder);
    assert!(
        stats.max_response_time_us < 250_000,
        "{} µs",
        stats.max_response_time_us
    );
}

#[tokio::test(flavor = "current_thread")]
async fn connection_errors_can_be_caught_too() {
    let port = crate::support::closed_port().await;
    let (client, recorder) = session(&format!("http://127.0.0.1:{port}"));
    let r = client.get("/").catch_response().send().await.unwrap();
    assert_eq!(r.status(), 0);
    r.failure("backend down");
    assert_eq!(
        recorded(&recorder).errors,
        vec![error("GET", "/", "CatchResponseError('backend down')")]
    );
}
