//! Locust's quickstart, translated line by line, against the demo target.

use std::time::Duration;

use locusta_target::{Target, TargetOptions};

use crate::support::{local, locustfile, run_users, view};

/// The repository's example itself, so the test and the example cannot drift apart.
const QUICKSTART: &str = include_str!("../../../../examples/quickstart.lua");

#[test]
fn quickstart_describes_its_class() {
    let file = locustfile(QUICKSTART);
    let classes = file.user_classes();
    assert_eq!(classes.len(), 1);
    let class = &classes[0];
    assert_eq!(class.name, "QuickstartUser");
    assert_eq!(class.weight, 1.0);
    assert_eq!(class.wait_time, locusta_engine::between(1.0, 5.0));
    let tasks: Vec<(&str, u32)> = class
        .tasks
        .iter()
        .map(|t| (t.name.as_str(), t.weight))
        .collect();
    assert_eq!(tasks, [("hello_world", 1), ("view_items", 3)]);
}

#[tokio::test(start_paused = true)]
async fn quickstart_logs_in_once_per_user_and_groups_items() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    const USERS: usize = 6;
    let file = locustfile(QUICKSTART);
    let snapshot = local(run_users(
        file.user_classes(),
        &[0; USERS],
        Some(target.url()),
        Duration::from_secs(120),
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
    assert!(items > 10 * hello, "{items} items, {hello} hellos");

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
    .map(|(m, n)| (m.to_string(), n.to_string()))
    .collect();
    assert_eq!(names, expected);
    assert_eq!(view.total().num_requests(), target.counts().total());
    assert_eq!(view.total().num_failures(), 0);
    assert!(view.exceptions().is_empty(), "no task errors");
}
