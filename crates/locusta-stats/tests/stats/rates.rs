//! Total and current (windowed) rates, with Locust's window semantics, under paused time.

use std::sync::Arc;
use std::time::Duration;

use locusta_stats::{Recorder, RunState, RunView, Snapshot};
use tokio::time::{Instant, advance};

use crate::support::{ORIGIN_UNIX, clock, failed_ms, ok_ms};

/// Collects `recorder`'s delta into `cumulative` and views it at the clock's now.
fn view(recorder: &Recorder, cumulative: &mut Snapshot) -> RunView {
    cumulative.merge(&recorder.take_delta());
    RunView::new(
        Arc::new(cumulative.clone()),
        RunState::Running,
        1,
        recorder.clock().now_unix_secs(),
    )
}

#[tokio::test(start_paused = true)]
async fn current_rps_averages_the_ten_seconds_before_the_two_newest() {
    let recorder = Recorder::new(clock(Instant::now()));
    let mut cumulative = Snapshot::new(ORIGIN_UNIX as f64);
    // Second k (from the origin) gets k + 1 requests, finishing half-way into the second; every
    // third request of "/" fails.
    let mut seen = Vec::new();
    for k in 0..21u64 {
        advance(Duration::from_millis(500)).await;
        for i in 0..=k {
            if i % 3 == 0 {
                recorder.record("GET", "/", &failed_ms(5, "boom", Instant::now()));
            } else {
                recorder.record("GET", "/", &ok_ms(5, Instant::now()));
            }
        }
        // "/early" only gets requests in the first five seconds.
        if k < 5 {
            recorder.record("GET", "/early", &ok_ms(5, Instant::now()));
        }
        let view = view(&recorder, &mut cumulative);
        seen.push(view.total().current_rps());
        advance(Duration::from_millis(500)).await;
    }

    // Window [max(last − 12, start), last − 2): empty for the first three seconds (Locust's 0.00
    // in the first periodic tables), then growing, then ten seconds wide.
    assert_eq!(&seen[..3], [0.0, 0.0, 0.0]);
    // last = 3: seconds [0, 1) → 1 + 1 ("/" and "/early") = 2.
    assert_eq!(seen[3], 2.0);
    // last = 20: seconds 8..=17, "/" has k + 1 → mean of 9..=18 = 13.5; "/early" none.
    assert_eq!(seen[20], 13.5);

    let view = view(&recorder, &mut cumulative);
    let entries = view.entries();
    let (root, early) = (&entries[0], &entries[1]);
    assert_eq!((root.name(), early.name()), ("/", "/early"));
    assert_eq!(root.current_rps(), 13.5);
    // The window is the total's, so an idle entry reads 0 even though it has requests.
    assert_eq!(early.current_rps(), 0.0);
    // Failures: i % 3 == 0 for i in 0..=k → ceil((k + 1) / 3) for k = 8..=17.
    let fails: u64 = (8..=17u64).map(|k| (k + 1).div_ceil(3)).sum();
    assert_eq!(root.current_fail_per_sec(), fails as f64 / 10.0);
    assert_eq!(view.total().current_fail_per_sec(), fails as f64 / 10.0);
}

#[tokio::test(start_paused = true)]
async fn current_rps_freezes_when_requests_stop() {
    let recorder = Recorder::new(clock(Instant::now()));
    let mut cumulative = Snapshot::new(ORIGIN_UNIX as f64);
    for _ in 0..15 {
        for _ in 0..4 {
            recorder.record("GET", "/", &ok_ms(5, Instant::now()));
        }
        advance(Duration::from_secs(1)).await;
    }
    let before = view(&recorder, &mut cumulative).total().current_rps();
    assert_eq!(before, 4.0);
    advance(Duration::from_secs(60)).await;
    let after = view(&recorder, &mut cumulative);
    // Locust's quirk, kept: the window follows the last request, not "now".
    assert_eq!(after.total().current_rps(), 4.0);
    assert_eq!(after.now(), (ORIGIN_UNIX + 75) as f64);
}

#[tokio::test(start_paused = true)]
async fn total_rps_divides_by_the_span_from_start_to_last_request() {
    let recorder = Recorder::new(clock(Instant::now()));
    let mut cumulative = Snapshot::new(ORIGIN_UNIX as f64);
    advance(Duration::from_secs(2)).await;
    for _ in 0..10 {
        recorder.record("GET", "/", &failed_ms(5, "boom", Instant::now()));
        recorder.record("GET", "/ok", &ok_ms(5, Instant::now()));
    }
    advance(Duration::from_secs(2)).await;
    recorder.record("GET", "/ok", &ok_ms(5, Instant::now()));
    let view = view(&recorder, &mut cumulative);
    // 4 s from the cumulative snapshot's start to the last request.
    assert_eq!(view.total().total_rps(), 21.0 / 4.0);
    assert_eq!(view.total().total_fail_per_sec(), 10.0 / 4.0);
    assert_eq!(view.entries()[0].total_rps(), 10.0 / 4.0);
}

#[tokio::test(start_paused = true)]
async fn rates_are_zero_without_requests() {
    let recorder = Recorder::new(clock(Instant::now()));
    let mut cumulative = Snapshot::new(ORIGIN_UNIX as f64);
    let view = view(&recorder, &mut cumulative);
    let total = view.total();
    assert_eq!(
        (
            total.total_rps(),
            total.current_rps(),
            total.current_fail_per_sec()
        ),
        (0.0, 0.0, 0.0)
    );
}

#[tokio::test(start_paused = true)]
async fn measure_times_the_operation_and_records_errors() {
    let recorder = Recorder::new(clock(Instant::now()));
    let ok: Result<Vec<u8>, String> = recorder
        .measure("rpc", "call", async {
            tokio::time::sleep(Duration::from_millis(250)).await;
            Ok(vec![0; 42])
        })
        .await;
    assert_eq!(ok.unwrap().len(), 42);
    let err: Result<(), String> = recorder
        .measure("rpc", "call", async { Err("refused".to_owned()) })
        .await;
    assert!(err.is_err());

    let snapshot = recorder.take_delta();
    let entry = snapshot.entry("rpc", "call").unwrap();
    assert_eq!(entry.num_requests(), 2);
    assert_eq!(entry.num_failures(), 1);
    assert_eq!(entry.max_response_time_us(), Some(250_000));
    assert_eq!(entry.total_content_length(), 42);
    assert_eq!(snapshot.errors().next().unwrap().0.error, "refused");
}
