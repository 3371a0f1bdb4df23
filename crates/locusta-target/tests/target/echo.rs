//! `/echo` describes the request back.

use hyper::Method;
use hyper::StatusCode;
use locusta_target::{Target, TargetOptions};
use serde_json::json;

use crate::support::Client;

#[tokio::test]
async fn echo_get_describes_method_path_query_and_headers() {
    let target = Target::start(TargetOptions::default()).unwrap();
    let reply = Client::connect(&target)
        .await
        .send(
            Method::GET,
            "/echo?a=1&b=two%20words&a=3",
            &[("x-test", "yes"), ("cookie", "session=abc")],
            "",
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let echo = reply.json();
    assert_eq!(echo["method"], "GET");
    assert_eq!(echo["path"], "/echo");
    assert_eq!(echo["query"], "a=1&b=two%20words&a=3");
    assert_eq!(echo["args"], json!({"a": "3", "b": "two words"}));
    assert_eq!(echo["headers"]["x-test"], "yes");
    assert_eq!(echo["headers"]["cookie"], "session=abc");
    assert_eq!(echo["headers"]["host"], target.addr().to_string());
    assert_eq!(echo["body"], "");
    assert_eq!(echo["json"], serde_json::Value::Null);
    assert_eq!(target.count("GET", "/echo"), 1);
}

#[tokio::test]
async fn echo_post_returns_the_body_and_parses_json() {
    let target = Target::start(TargetOptions::default()).unwrap();
    let mut client = Client::connect(&target).await;
    let echo = client.post_json("/echo", r#"{"n":[1,2]}"#).await.json();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["query"], serde_json::Value::Null);
    assert_eq!(echo["body"], r#"{"n":[1,2]}"#);
    assert_eq!(echo["json"], json!({"n": [1, 2]}));
    assert_eq!(echo["headers"]["content-type"], "application/json");

    let text = client
        .send(Method::POST, "/echo", &[], "plain text")
        .await
        .json();
    assert_eq!(text["body"], "plain text");
    assert_eq!(text["json"], serde_json::Value::Null);
    assert_eq!(target.count("POST", "/echo"), 2);
}

#[tokio::test]
async fn echo_refuses_bodies_over_one_mebibyte() {
    let target = Target::start(TargetOptions::default()).unwrap();
    let body = "x".repeat(1024 * 1024 + 1);
    let reply = Client::connect(&target)
        .await
        .send(Method::POST, "/echo", &[], &body)
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
}
