//! Locust's quickstart (examples/quickstart.rs itself) against the demo target.

use std::time::Duration;

use locusta_target::{Target, TargetOptions};

use crate::support::{local, run_users, view};

#[allow(dead_code)]
#[path = "../../../../examples/quickstart.rs"]
mod example;

#[tokio::test(start_paused = true)]
async fn quickstart_logs_in_once_per_user_and_groups_items() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    const USERS: usize = 6;
    let snapshot = local(run_users(
        vec![example::quickstart_user()],
        &[0; USERS],
        Some(target.url()),
        Duration::from_secs(120),
        // Running users finish their task, so /hello and /world stay paired.
        Duration::MAX,
    ))
    .await;

    assert_eq!(
        target.count("POST", "/login"),
        USERS as u64,
        "one login per user"
    );
    let hello = target.count("GET", "/hello");
    assert!(hello > 0, "hello_world ran");
    assert_eq!(hello, target.count("GET", "/world"));
    let items = target.count("GET", "/item");
    assert!(
        items > 10 * hello,
        "view_items (weight 3, 10 requests) dominates: {items} items, {hello} hellos"
    );

    let view = view(snapshot);
    let names: Vec<(String, String)> = view
        .entries()
        .iter()
        .map(|row| (row.method().to_string(), row.name().to_string()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("GET", "/hello"),
        ("GET", "/item"),
        ("POST", "/login"),
        ("GET", "/world"),
    ]
    .iter()
    .map(|(method, name)| (method.to_string(), name.to_string()))
    .collect();
    assert_eq!(
        names, expected,
        "all /item?id=N requests are grouped under /item"
    );
    let item_row = view
        .entries()
        .into_iter()
        .find(|row| row.name() == "/item")
        .unwrap();
    assert_eq!(item_row.num_requests(), items);
    assert_eq!(view.total().num_requests(), target.counts().total());
    assert_eq!(view.total().num_failures(), 0);
}
