//! Merging shards' deltas is exact, and the basic numbers (counts, min/max/avg) are right.

use std::sync::Arc;
use std::time::Duration;

use locusta_stats::{Recorder, RunState, RunView, Snapshot};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

use crate::support::{ORIGIN_UNIX, clock, failed_ms, ok_ms, untimed};

const NAMES: [(&str, &str); 4] = [
    ("GET", "/"),
    ("GET", "/item"),
    ("POST", "/item"),
    ("GET", "/slow"),
];
const ERRORS: [&str; 2] = ["HTTPError('500')", "CatchResponseError('bad body')"];

/// Feeds a varied, seeded workload of 40 seconds from `origin` to `record(i, method, name,
/// outcome)`, calling `on_tick` after each second as the runner collects deltas.
fn workload(
    origin: Instant,
    mut record: impl FnMut(usize, &str, &str, &locusta_stats::Outcome<'_>),
    mut on_tick: impl FnMut(),
) {
    let mut rng = SmallRng::seed_from_u64(42);
    for i in 0..20_000usize {
        let at = origin + Duration::from_millis(i as u64 * 2);
        let (method, name) = NAMES[rng.random_range(0..NAMES.len())];
        let ms = rng.random_range(1..2_000);
        let outcome = match rng.random_range(0..10) {
            0 => failed_ms(ms, ERRORS[rng.random_range(0..ERRORS.len())], at),
            1 => untimed(at),
            _ => ok_ms(ms, at),
        };
        record(i, method, name, &outcome);
        if i % 500 == 499 {
            on_tick();
        }
    }
}

#[test]
fn merged_deltas_equal_recording_everything_into_one() {
    let origin = Instant::now();
    let clock = clock(origin);

    let single = Recorder::new(clock);
    workload(
        origin,
        |_, method, name, outcome| single.record(method, name, outcome),
        || {},
    );
    let mut expected = Snapshot::new(ORIGIN_UNIX as f64);
    expected.merge(&single.take_delta());

    let shards: Vec<Recorder> = (0..3).map(|_| Recorder::new(clock)).collect();
    let mut cumulative = Snapshot::new(ORIGIN_UNIX as f64);
    let collect = |cumulative: &mut Snapshot| {
        for shard in &shards {
            cumulative.merge(&shard.take_delta());
        }
    };
    let mut ticks = 0;
    workload(
        origin,
        |i, method, name, outcome| shards[i % 3].record(method, name, outcome),
        || ticks += 1,
    );
    collect(&mut cumulative);
    assert!(ticks > 0);

    assert_eq!(cumulative, expected);
    assert_eq!(cumulative.total().num_requests(), 20_000);
    let entries: u64 = cumulative.entries().map(|(_, e)| e.num_requests()).sum();
    assert_eq!(
        entries, 20_000,
        "every request is in its entry and in the total"
    );
}

#[test]
fn merging_deltas_collected_every_tick_is_exact() {
    let origin = Instant::now();
    let clock = clock(origin);
    let single = Recorder::new(clock);
    let shards: Vec<Recorder> = (0..2).map(|_| Recorder::new(clock)).collect();
    let mut cumulative = Snapshot::new(ORIGIN_UNIX as f64);
    let mut pending = Vec::new();
    workload(
        origin,
        |i, method, name, outcome| {
            single.record(method, name, outcome);
            shards[i % 2].record(method, name, outcome);
        },
        || pending.extend(shards.iter().map(Recorder::take_delta)),
    );
    pending.extend(shards.iter().map(Recorder::take_delta));
    // Deltas arrive in any order (late shards): the result must not depend on it.
    pending.reverse();
    for delta in &pending {
        cumulative.merge(delta);
    }
    let mut expected = Snapshot::new(ORIGIN_UNIX as f64);
    expected.merge(&single.take_delta());
    assert_eq!(cumulative, expected);
}

#[test]
fn min_max_avg_and_content_length() {
    let origin = Instant::now();
    let recorder = Recorder::new(clock(origin));
    for ms in [4, 1, 7, 20] {
        recorder.record("GET", "/", &ok_ms(ms, origin));
    }
    recorder.record("GET", "/", &untimed(origin));
    let view = RunView::new(
        Arc::new(recorder.take_delta()),
        RunState::Running,
        3,
        ORIGIN_UNIX as f64,
    );
    let row = view.entries()[0];
    assert_eq!((row.method(), row.name()), ("GET", "/"));
    assert_eq!(row.num_requests(), 5);
    assert_eq!(row.num_none_requests(), 1);
    assert_eq!(row.min_response_time_ms(), 1.0);
    assert_eq!(row.max_response_time_ms(), 20.0);
    // The untimed request counts as a request but not in the average.
    assert_eq!(row.avg_response_time_ms(), 8.0);
    assert_eq!(row.avg_content_length(), 8.0);
    // 4 ms lies in an HDR bucket of 16 µs whose highest equivalent value is 4.015 ms.
    assert_eq!(row.median_response_time_ms(), 4.015);
}

#[test]
fn sub_millisecond_times_keep_microseconds() {
    let origin = Instant::now();
    let recorder = Recorder::new(clock(origin));
    recorder.record(
        "tcp",
        "connect",
        &locusta_stats::Outcome {
            response_time: Some(Duration::from_nanos(123_456)),
            content_length: 0,
            error: None,
            finished_at: origin,
        },
    );
    let snapshot = recorder.take_delta();
    let entry = snapshot.entry("tcp", "connect").unwrap();
    assert_eq!(entry.min_response_time_us(), Some(123));
    assert_eq!(entry.total_response_time_us(), 123);
}
