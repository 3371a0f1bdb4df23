//! The endpoints of Locust's quickstart locustfile.

use hyper::header::{CONTENT_TYPE, COOKIE};
use hyper::{Method, StatusCode};
use locusta_target::{Target, TargetOptions};
use serde_json::json;

use crate::support::{Client, get};

fn target() -> Target {
    Target::start(TargetOptions::default()).unwrap()
}

#[tokio::test]
async fn root_is_a_tiny_fixed_body() {
    let target = target();
    let reply = get(&target, "/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), "ok");
    assert_eq!(reply.header("content-length"), Some("2"));
}

#[tokio::test]
async fn hello_and_world() {
    let target = target();
    let mut client = Client::connect(&target).await;
    let hello = client.get("/hello").await;
    assert_eq!((hello.status, hello.text()), (StatusCode::OK, "hello"));
    assert_eq!(
        hello.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    let world = client.get("/world").await;
    assert_eq!((world.status, world.text()), (StatusCode::OK, "world"));
}

#[tokio::test]
async fn item_returns_json_for_its_id() {
    let target = target();
    let reply = get(&target, "/item?id=42").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.json(), json!({"id": 42, "name": "item 42"}));
}

#[tokio::test]
async fn item_without_a_numeric_id_is_a_bad_request() {
    let target = target();
    let mut client = Client::connect(&target).await;
    assert_eq!(client.get("/item").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        client.get("/item?id=x").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn login_with_json_sets_a_new_session_cookie_each_time() {
    let target = target();
    let mut client = Client::connect(&target).await;
    let credentials = r#"{"username":"foo","password":"bar"}"#;
    let first = client.post_json("/login", credentials).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.json(), json!({"username": "foo"}));
    let cookie = first.header("set-cookie").unwrap().to_owned();
    assert!(cookie.starts_with("session="), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");

    let second = client.post_json("/login", credentials).await;
    assert_ne!(second.header("set-cookie").unwrap(), cookie);
}

#[tokio::test]
async fn login_accepts_a_form() {
    let target = target();
    let reply = Client::connect(&target)
        .await
        .send(
            Method::POST,
            "/login",
            &[(CONTENT_TYPE.as_str(), "application/x-www-form-urlencoded")],
            "username=foo&password=bar",
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("set-cookie").is_some());
}

#[tokio::test]
async fn login_without_credentials_is_a_bad_request_and_sets_no_cookie() {
    let target = target();
    let mut client = Client::connect(&target).await;
    for body in ["", "not json", r#"{"username":"foo"}"#] {
        let reply = client.post_json("/login", body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body:?}");
        assert!(reply.header("set-cookie").is_none());
    }
    assert_eq!(target.count("POST", "/login"), 3);
}

#[tokio::test]
async fn cookie_check_needs_the_session_cookie_from_login() {
    let target = target();
    let mut client = Client::connect(&target).await;
    assert_eq!(
        client.get("/cookie/check").await.status,
        StatusCode::UNAUTHORIZED
    );

    let login = client
        .post_json("/login", r#"{"username":"foo","password":"bar"}"#)
        .await;
    let set_cookie = login.header("set-cookie").unwrap();
    let session = set_cookie.split(';').next().unwrap();
    let cookie = format!("theme=dark; {session}");
    let reply = client
        .send(
            Method::GET,
            "/cookie/check",
            &[(COOKIE.as_str(), &cookie)],
            "",
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
}
