//! The server counts what it receives, per method and path.

use hyper::{Method, StatusCode};
use locusta_target::{Target, TargetOptions};

use crate::support::{Client, get};

#[tokio::test]
async fn a_fresh_target_has_counted_nothing() {
    let target = Target::start(TargetOptions::default()).unwrap();
    let counts = target.counts();
    assert!(counts.is_empty());
    assert_eq!(counts.total(), 0);
    assert_eq!(target.count("GET", "/"), 0);
}

#[tokio::test]
async fn counts_each_method_and_path_without_the_query() {
    let target = Target::start(TargetOptions::default()).unwrap();
    let mut client = Client::connect(&target).await;
    client.get("/item?id=1").await;
    client.get("/item?id=2").await;
    client.get("/hello").await;
    client.get("/hello").await;
    client.get("/status/500").await;
    client.get("/checkout/confirm").await;
    client
        .post_json("/login", r#"{"username":"u","password":"p"}"#)
        .await;

    assert_eq!(target.count("GET", "/item"), 2);
    assert_eq!(target.count("GET", "/hello"), 2);
    assert_eq!(target.count("GET", "/status/500"), 1);
    assert_eq!(target.count("GET", "/checkout/confirm"), 1);
    assert_eq!(target.count("POST", "/login"), 1);
    assert_eq!(target.count("GET", "/login"), 0);
    assert_eq!(target.count("GET", "/item?id=1"), 0);

    let counts = target.counts();
    assert_eq!(counts.total(), 7, "{counts}");
    assert_eq!(counts.get("GET", "/item"), 2);
    assert_eq!(
        counts.to_string(),
        "GET /checkout/confirm 1\nGET /hello 2\nGET /item 2\nGET /status/500 1\nPOST /login 1\ntotal 7"
    );
}

#[tokio::test]
async fn rejected_requests_are_counted_under_their_own_method() {
    let target = Target::start(TargetOptions::default()).unwrap();
    let mut client = Client::connect(&target).await;
    let reply = client.send(Method::POST, "/hello", &[], "").await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    client.send(Method::DELETE, "/status/200", &[], "").await;

    assert_eq!(target.count("POST", "/hello"), 1);
    assert_eq!(target.count("GET", "/hello"), 0);
    assert_eq!(target.count("DELETE", "/status/200"), 1);
    assert_eq!(target.counts().total(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_keep_alive_connections_on_a_multi_thread_runtime_are_all_counted() {
    const CONNECTIONS: usize = 8;
    const REQUESTS: usize = 50;
    let target = std::sync::Arc::new(Target::start(TargetOptions::default()).unwrap());
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let target = target.clone();
            tokio::spawn(async move {
                let mut client = Client::connect(&target).await;
                for _ in 0..REQUESTS {
                    assert_eq!(client.get("/").await.status, StatusCode::OK);
                    client.get("/status/201").await;
                }
            })
        })
        .collect();
    for client in clients {
        client.await.unwrap();
    }
    let expected = (CONNECTIONS * REQUESTS) as u64;
    assert_eq!(target.count("GET", "/"), expected);
    assert_eq!(target.count("GET", "/status/201"), expected);
    assert_eq!(target.counts().total(), 2 * expected);
}

#[tokio::test]
async fn a_request_is_counted_before_it_is_answered() {
    let target = Target::start(TargetOptions::default()).unwrap();
    let mut client = Client::connect(&target).await;
    let slow = tokio::spawn(async move { client.get("/slow?ms=300").await });
    while target.count("GET", "/slow") == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert!(!slow.is_finished());
    assert_eq!(slow.await.unwrap().status, StatusCode::OK);
    assert_eq!(get(&target, "/").await.text(), "ok");
}
