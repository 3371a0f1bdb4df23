//! The run view: ordering of rows, the total row, state and user count.

use std::sync::Arc;

use locusta_stats::{AGGREGATED_NAME, Recorder, RunState, RunView, Snapshot};
use tokio::time::Instant;

use crate::support::{ORIGIN_UNIX, clock, ok_ms};

#[test]
fn rows_are_sorted_by_name_then_method_with_aggregated_last() {
    let origin = Instant::now();
    let recorder = Recorder::new(clock(origin));
    for (method, name) in [
        ("POST", "/b"),
        ("GET", "/b"),
        ("GET", "/a"),
        ("DELETE", "/c"),
        ("GET", "/b"),
    ] {
        recorder.record(method, name, &ok_ms(1, origin));
    }
    let mut cumulative = Snapshot::new(ORIGIN_UNIX as f64);
    cumulative.merge(&recorder.take_delta());
    let view = RunView::new(
        Arc::new(cumulative),
        RunState::Spawning,
        7,
        ORIGIN_UNIX as f64,
    );

    let rows: Vec<_> = view
        .rows_with_total()
        .iter()
        .map(|r| (r.method(), r.name(), r.num_requests()))
        .collect();
    assert_eq!(
        rows,
        [
            ("GET", "/a", 1),
            ("GET", "/b", 2),
            ("POST", "/b", 1),
            ("DELETE", "/c", 1),
            ("", AGGREGATED_NAME, 5)
        ]
    );
    assert_eq!(view.state().as_str(), "spawning");
    assert_eq!(view.user_count(), 7);
}

#[test]
fn median_is_clamped_into_min_and_max() {
    let origin = Instant::now();
    let recorder = Recorder::new(clock(origin));
    // 201 ms falls in an HDR bucket whose highest value is 201.727 ms.
    recorder.record("GET", "/slow", &ok_ms(201, origin));
    let view = RunView::new(Arc::new(recorder.take_delta()), RunState::Running, 1, 0.0);
    let row = view.entries()[0];
    assert_eq!(row.median_response_time_ms(), 201.0);
    assert_eq!(row.percentile_ms(0.99), 201.0);
}
