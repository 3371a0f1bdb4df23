//! Reset zeroes entries (keeping them), clears failures and exceptions, and restarts the clock
//! of the rates.

use std::sync::Arc;
use std::time::Duration;

use locusta_stats::{Recorder, RunState, RunView, Snapshot};
use tokio::time::{Instant, advance};

use crate::support::{ORIGIN_UNIX, clock, failed_ms, ok_ms};

#[tokio::test(start_paused = true)]
async fn reset_keeps_entries_with_zeros_and_clears_errors() {
    let recorder = Recorder::new(clock(Instant::now()));
    let mut cumulative = Snapshot::new(ORIGIN_UNIX as f64);
    recorder.record("GET", "/", &ok_ms(5, Instant::now()));
    recorder.record("GET", "/err", &failed_ms(5, "boom", Instant::now()));
    recorder.record_exception("oops", "tb");
    cumulative.merge(&recorder.take_delta());

    advance(Duration::from_secs(10)).await;
    let now = recorder.clock().now_unix_secs();
    cumulative.reset(now);

    let view = RunView::new(Arc::new(cumulative.clone()), RunState::Running, 1, now);
    let names: Vec<_> = view
        .entries()
        .iter()
        .map(|r| (r.name(), r.num_requests()))
        .collect();
    assert_eq!(names, [("/", 0), ("/err", 0)]);
    assert!(view.errors().is_empty());
    assert!(view.exceptions().is_empty());
    let total = view.total();
    assert_eq!((total.num_requests(), total.num_failures()), (0, 0));
    assert_eq!(total.stats().start_time(), Some(now));
    assert_eq!(total.stats().last_request_timestamp(), None);
    assert_eq!(total.max_response_time_ms(), 0.0);
    assert!(cumulative.is_empty());

    // After the reset, rates measure from the reset time.
    advance(Duration::from_secs(2)).await;
    recorder.record("GET", "/", &ok_ms(5, Instant::now()));
    cumulative.merge(&recorder.take_delta());
    let view = RunView::new(Arc::new(cumulative), RunState::Running, 1, now + 2.0);
    assert_eq!(view.total().total_rps(), 0.5);
    assert_eq!(view.entries()[0].num_requests(), 1);
}
