//! Endpoints that choose the server's behaviour: status, delay, redirect, size.

use std::time::{Duration, Instant};

use hyper::{Method, StatusCode};
use locusta_target::{Target, TargetOptions};

use crate::support::{Client, get};

fn target() -> Target {
    Target::start(TargetOptions::default()).unwrap()
}

#[tokio::test]
async fn status_answers_with_the_requested_code() {
    let target = target();
    let mut client = Client::connect(&target).await;
    for code in [200, 201, 404, 418, 500, 503, 599] {
        let reply = client.get(&format!("/status/{code}")).await;
        assert_eq!(reply.status.as_u16(), code);
    }
    let server_error = client.get("/status/500").await;
    assert_eq!(server_error.text(), "Internal Server Error");
    let no_content = client.get("/status/204").await;
    assert_eq!(no_content.status, StatusCode::NO_CONTENT);
    assert!(no_content.body.is_empty());
    // The connection survived every status.
    assert_eq!(client.get("/hello").await.text(), "hello");
}

#[tokio::test]
async fn status_outside_200_to_599_is_a_bad_request() {
    let target = target();
    let mut client = Client::connect(&target).await;
    for path in ["/status/199", "/status/600", "/status/abc", "/status/"] {
        assert_eq!(
            client.get(path).await.status,
            StatusCode::BAD_REQUEST,
            "{path}"
        );
    }
}

#[tokio::test]
async fn slow_waits_the_requested_milliseconds() {
    let target = target();
    let started = Instant::now();
    let reply = get(&target, "/slow?ms=150").await;
    assert_eq!((reply.status, reply.text()), (StatusCode::OK, "slow"));
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test(start_paused = true)]
async fn slow_sleeps_in_tokio_time_so_paused_tests_do_not_wait() {
    let target = target();
    let started = Instant::now();
    let reply = get(&target, "/slow?ms=3600000").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn slow_without_a_valid_delay_is_a_bad_request() {
    let target = target();
    let mut client = Client::connect(&target).await;
    for path in ["/slow", "/slow?ms=-1", "/slow?ms=3600001"] {
        assert_eq!(
            client.get(path).await.status,
            StatusCode::BAD_REQUEST,
            "{path}"
        );
    }
}

#[tokio::test]
async fn redirect_points_at_the_given_location() {
    let target = target();
    let mut client = Client::connect(&target).await;
    let found = client.get("/redirect?to=/hello").await;
    assert_eq!(found.status, StatusCode::FOUND);
    assert_eq!(found.header("location"), Some("/hello"));

    let temporary = client
        .get("/redirect?to=http%3A%2F%2Fexample.com%2Fx%3Fa%3D1&status=307")
        .await;
    assert_eq!(temporary.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(
        temporary.header("location"),
        Some("http://example.com/x?a=1")
    );
}

#[tokio::test]
async fn redirect_without_a_location_or_with_another_status_is_a_bad_request() {
    let target = target();
    let mut client = Client::connect(&target).await;
    for path in ["/redirect", "/redirect?to=/hello&status=200"] {
        assert_eq!(
            client.get(path).await.status,
            StatusCode::BAD_REQUEST,
            "{path}"
        );
    }
}

#[tokio::test]
async fn bytes_sends_exactly_n_bytes() {
    let target = target();
    let mut client = Client::connect(&target).await;
    for n in [0, 1, 10, 100_000] {
        let reply = client.get(&format!("/bytes/{n}")).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body.len(), n);
        assert_eq!(reply.header("content-length"), Some(n.to_string().as_str()));
        assert!(reply.body.iter().all(|&b| b == b'x'));
    }
}

#[tokio::test]
async fn bytes_beyond_one_gibibyte_or_not_a_number_is_a_bad_request() {
    let target = target();
    let mut client = Client::connect(&target).await;
    for path in ["/bytes/1073741825", "/bytes/ten", "/bytes/-1"] {
        assert_eq!(
            client.get(path).await.status,
            StatusCode::BAD_REQUEST,
            "{path}"
        );
    }
}

#[tokio::test]
async fn anything_else_is_not_found() {
    let target = target();
    let mut client = Client::connect(&target).await;
    for path in ["/checkout/confirm", "/checkout/", "/nope", "/hello/"] {
        assert_eq!(
            client.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_known_path_with_another_method_is_not_allowed() {
    let target = target();
    let mut client = Client::connect(&target).await;
    let post_hello = client.send(Method::POST, "/hello", &[], "").await;
    assert_eq!(post_hello.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post_hello.header("allow"), Some("GET"));
    let delete_echo = client.send(Method::DELETE, "/echo", &[], "").await;
    assert_eq!(delete_echo.header("allow"), Some("GET, POST"));
    let post_status = client.send(Method::POST, "/status/200", &[], "").await;
    assert_eq!(post_status.status, StatusCode::METHOD_NOT_ALLOWED);
}
