//! Failures are keyed by (method, name, error) and counted; exceptions by traceback.

use std::sync::Arc;
use std::time::Duration;

use locusta_stats::{Recorder, RunState, RunView, Snapshot};
use tokio::time::Instant;

use crate::support::{ORIGIN_UNIX, clock, failed_ms, ok_ms};

#[test]
fn failures_are_keyed_counted_and_sorted() {
    let origin = Instant::now();
    let a = Recorder::new(clock(origin));
    let b = Recorder::new(clock(origin));
    let at = |s: u64| origin + Duration::from_secs(s);
    a.record("GET", "/a", &failed_ms(1, "boom", at(1)));
    a.record("GET", "/a", &failed_ms(1, "boom", at(3)));
    b.record("GET", "/a", &failed_ms(1, "boom", at(2)));
    b.record("GET", "/a", &failed_ms(1, "bang", at(4)));
    a.record("POST", "/a", &failed_ms(1, "boom", at(5)));
    a.record("GET", "/a", &ok_ms(1, at(5)));

    let mut cumulative = Snapshot::new(ORIGIN_UNIX as f64);
    cumulative.merge(&a.take_delta());
    cumulative.merge(&b.take_delta());
    let view = RunView::new(
        Arc::new(cumulative),
        RunState::Running,
        1,
        ORIGIN_UNIX as f64 + 6.0,
    );

    let errors: Vec<_> = view
        .errors()
        .iter()
        .map(|e| {
            (
                e.method(),
                e.name(),
                e.error(),
                e.occurrences(),
                e.first_seen(),
                e.last_seen(),
            )
        })
        .collect();
    let t = |s: u64| (ORIGIN_UNIX + s) as f64;
    assert_eq!(
        errors,
        [
            ("GET", "/a", "bang", 1, t(4), t(4)),
            ("GET", "/a", "boom", 3, t(1), t(3)),
            ("POST", "/a", "boom", 1, t(5), t(5)),
        ]
    );

    let entries = view.entries();
    let get = entries.iter().find(|r| r.method() == "GET").unwrap();
    assert_eq!((get.num_requests(), get.num_failures()), (5, 4));
    assert_eq!(get.fail_ratio(), 0.8);
    let total = view.total();
    assert_eq!((total.num_requests(), total.num_failures()), (6, 5));
    assert_eq!(total.stats().per_second(ORIGIN_UNIX + 5), (2, 1));
}

#[test]
fn catch_response_errors_display_their_plain_message() {
    let origin = Instant::now();
    let recorder = Recorder::new(clock(origin));
    recorder.record(
        "GET",
        "/missing",
        &failed_ms(1, "CatchResponseError('Got 404 custom')", origin),
    );
    let view = RunView::new(Arc::new(recorder.take_delta()), RunState::Running, 1, 0.0);
    let error = view.errors()[0];
    assert_eq!(error.error(), "CatchResponseError('Got 404 custom')");
    assert_eq!(error.display_name(), "GET /missing: Got 404 custom");
}

#[test]
fn exceptions_are_grouped_by_traceback() {
    let origin = Instant::now();
    let a = Recorder::new(clock(origin));
    let b = Recorder::new(clock(origin));
    a.record_exception("division by zero", "tb-1");
    a.record_exception("division by zero (again)", "tb-1");
    b.record_exception("bad key", "tb-2");
    b.record_exception("division by zero", "tb-1");

    let mut cumulative = Snapshot::new(ORIGIN_UNIX as f64);
    cumulative.merge(&a.take_delta());
    cumulative.merge(&b.take_delta());
    let view = RunView::new(Arc::new(cumulative), RunState::Running, 1, 0.0);
    let rows: Vec<_> = view
        .exceptions()
        .iter()
        .map(|e| {
            (
                e.count(),
                e.msg(),
                e.traceback(),
                e.nodes().collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (3, "division by zero", "tb-1", vec!["local"]),
            (1, "bad key", "tb-2", vec!["local"])
        ]
    );
}

#[test]
fn fail_ratio_edge_cases() {
    let view = RunView::new(Arc::new(Snapshot::new(0.0)), RunState::Ready, 0, 0.0);
    assert_eq!(view.total().fail_ratio(), 0.0);
}
