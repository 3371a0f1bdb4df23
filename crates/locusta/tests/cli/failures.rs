//! Failure accounting through the whole stack: user -> HTTP session -> shard recorder ->
//! merged statistics, each failure counted with the right error text.

use std::time::Duration;

use locusta::prelude::*;
use locusta_target::{Target, TargetOptions};

use crate::support::{local, run_until_done, view};

/// A user that makes one request with a given behaviour, then stops.
struct OneShot {
    client: HttpSession,
}

impl OneShot {
    async fn server_error(&mut self) -> TaskResult {
        self.client.get("/status/500").send().await?;
        Err(TaskError::StopUser)
    }

    async fn mid_response_close(&mut self) -> TaskResult {
        self.client.get("/close").send().await?;
        Err(TaskError::StopUser)
    }

    async fn expected_404(&mut self) -> TaskResult {
        let response = self
            .client
            .get("/status/404")
            .catch_response()
            .send()
            .await?;
        assert_eq!(response.status(), 404);
        response.success();
        Err(TaskError::StopUser)
    }

    async fn wrong_body(&mut self) -> TaskResult {
        let response = self.client.get("/hello").catch_response().send().await?;
        if response.text() != "expected" {
            response.failure("Got wrong response");
        }
        Err(TaskError::StopUser)
    }
}

fn one_shot(name: &str, task: TaskFn) -> UserClass {
    UserClass::builder(name, |ctx| {
        Ok(OneShot {
            client: ctx.http_client()?,
        })
    })
    .task(name, 1, task)
    .build()
}

type TaskFn = locusta::engine::TaskFn<OneShot>;

#[tokio::test]
async fn server_errors_closed_connections_and_catch_response_overrides_are_counted() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let classes = vec![
        one_shot("ServerError", task!(OneShot::server_error)),
        one_shot("Close", task!(OneShot::mid_response_close)),
        one_shot("Expected404", task!(OneShot::expected_404)),
        one_shot("WrongBody", task!(OneShot::wrong_body)),
    ];
    // Three users of each class.
    let users: Vec<usize> = (0..12).map(|i| i % 4).collect();
    let snapshot = local(run_until_done(
        classes,
        &users,
        Some(target.url()),
        Duration::from_secs(20),
    ))
    .await;
    let view = view(snapshot);

    let failures: Vec<(String, String, String, u64)> = view
        .errors()
        .iter()
        .map(|row| {
            (
                row.method().into(),
                row.name().into(),
                row.message().into_owned(),
                row.occurrences(),
            )
        })
        .collect();
    let close_error = &failures
        .iter()
        .find(|(_, name, _, _)| name == "/close")
        .expect("/close failed")
        .2;
    assert!(
        close_error.contains("IncompleteRead") || close_error.contains("ChunkedEncodingError"),
        "a body cut short is reported as such: {close_error}"
    );
    assert_eq!(
        failures,
        vec![
            ("GET".into(), "/close".into(), close_error.clone(), 3),
            (
                "GET".into(),
                "/hello".into(),
                "Got wrong response".into(),
                3
            ),
            (
                "GET".into(),
                "/status/500".into(),
                "HTTPError('500 Server Error: Internal Server Error for url: /status/500')".into(),
                3
            ),
        ]
    );
    let row = |name: &str| {
        view.entries()
            .into_iter()
            .find(|row| row.name() == name)
            .unwrap()
    };
    assert_eq!(
        (
            row("/status/404").num_requests(),
            row("/status/404").num_failures()
        ),
        (3, 0)
    );
    assert_eq!(
        (
            row("/status/500").num_requests(),
            row("/status/500").num_failures()
        ),
        (3, 3)
    );
    assert_eq!(row("/hello").num_failures(), 3);
    assert_eq!(row("/close").num_failures(), 3);
    assert_eq!(
        (view.total().num_requests(), view.total().num_failures()),
        (12, 9)
    );
}

#[tokio::test]
async fn refused_connections_are_failures_with_status_zero_and_their_time_recorded() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let class = one_shot("Refused", task!(OneShot::server_error));
    let snapshot = local(run_until_done(
        vec![class],
        &[0, 0],
        Some(format!("http://127.0.0.1:{port}")),
        Duration::from_secs(20),
    ))
    .await;
    let view = view(snapshot);
    let errors = view.errors();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].message(),
        "ConnectionRefusedError(111, 'Connection refused')"
    );
    assert_eq!(errors[0].occurrences(), 2);
    let total = view.total();
    assert_eq!((total.num_requests(), total.num_failures()), (2, 2));
    assert!(
        total.has_timed_samples(),
        "the failed attempt's time is still recorded"
    );
}
