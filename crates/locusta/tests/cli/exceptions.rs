//! Errors and panics in user code are data: recorded in the exceptions table, and the user
//! waits and carries on, as in Locust.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use locusta::prelude::*;

use crate::support::{local, run_users, view};

struct Flaky {
    runs: Arc<AtomicU64>,
}

impl Flaky {
    async fn fails(&mut self) -> TaskResult {
        self.runs.fetch_add(1, Ordering::Relaxed);
        Err(TaskError::msg("the cart was empty"))
    }

    async fn panics(&mut self) -> TaskResult {
        self.runs.fetch_add(1, Ordering::Relaxed);
        panic!("index out of range");
    }
}

#[tokio::test(start_paused = true)]
async fn task_errors_and_panics_are_counted_and_the_user_continues() {
    let runs = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&runs);
    let class = UserClass::builder("Flaky", move |_| {
        Ok(Flaky {
            runs: Arc::clone(&counter),
        })
    })
    .wait_time(constant(1.0))
    .task("fails", 1, task!(Flaky::fails))
    .task("panics", 1, task!(Flaky::panics))
    .build();
    let snapshot = local(run_users(
        vec![class],
        &[0, 0],
        None,
        Duration::from_millis(9500),
        Duration::ZERO,
    ))
    .await;

    // Two users, one task per second for 9.5 s: ten tasks each, all of them failing.
    assert_eq!(runs.load(Ordering::Relaxed), 20);
    let view = view(snapshot);
    let exceptions = view.exceptions();
    let total: u64 = exceptions.iter().map(|row| row.count()).sum();
    assert_eq!(total, 20);
    let messages: Vec<&str> = exceptions.iter().map(|row| row.msg()).collect();
    assert!(messages.contains(&"the cart was empty"), "{messages:?}");
    assert!(
        messages.contains(&"panic: index out of range"),
        "{messages:?}"
    );
    assert_eq!(
        view.total().num_requests(),
        0,
        "task errors are not request failures"
    );
}
