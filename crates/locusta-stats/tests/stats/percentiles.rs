//! Percentiles from the HDR histogram are within 1 % of the exact nearest-rank values, before
//! and after merging shards' deltas.

use locusta_stats::{EntryRow, PERCENTILES_TO_REPORT, Recorder, RunState, RunView, Snapshot};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use tokio::time::Instant;

use crate::support::{ORIGIN_UNIX, clock, ok_us};

const SAMPLES: usize = 100_000;
const SHARDS: usize = 4;

/// Response times in whole microseconds, log-uniform between 50 µs and 60 s.
fn log_uniform_samples(seed: u64) -> Vec<u64> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let (low, high) = (50f64.ln(), 60e6f64.ln());
    (0..SAMPLES)
        .map(|_| (low + rng.random::<f64>() * (high - low)).exp().round() as u64)
        .collect()
}

/// The nearest-rank percentile: the sample at rank `ceil(p·N)` (1-based) of the sorted samples.
fn exact_ms(sorted_us: &[u64], p: f64) -> f64 {
    let rank = ((p * sorted_us.len() as f64).ceil() as usize).clamp(1, sorted_us.len());
    sorted_us[rank - 1] as f64 / 1000.0
}

fn assert_within_one_percent(row: &EntryRow<'_>, sorted_us: &[u64], what: &str) {
    for p in PERCENTILES_TO_REPORT {
        let exact = exact_ms(sorted_us, p);
        let reported = row.percentile_ms(p);
        let error = (reported - exact).abs() / exact;
        assert!(
            error <= 0.01,
            "{what} p{p}: reported {reported} ms, exact {exact} ms, error {error}"
        );
    }
    // The maximum and the median are exact bounds after clamping, never past the true range.
    assert_eq!(
        row.percentile_ms(1.0),
        *sorted_us.last().unwrap() as f64 / 1000.0,
        "{what} max"
    );
    assert!(row.median_response_time_ms() >= row.min_response_time_ms());
}

fn view_of(snapshot: Snapshot) -> RunView {
    RunView::new(Arc::new(snapshot), RunState::Stopped, 0, ORIGIN_UNIX as f64)
}

#[test]
fn percentiles_within_one_percent_single_recorder_and_merged_shards() {
    let samples = log_uniform_samples(0x10c05);
    let mut sorted = samples.clone();
    sorted.sort_unstable();
    let origin = Instant::now();
    let clock = clock(origin);

    let single = Recorder::new(clock);
    for &us in &samples {
        single.record("GET", "/x", &ok_us(us, origin));
    }
    let mut whole = Snapshot::new(ORIGIN_UNIX as f64);
    whole.merge(&single.take_delta());

    // Shards get a random share each, as users placed round-robin on threads would.
    let shards: Vec<Recorder> = (0..SHARDS).map(|_| Recorder::new(clock)).collect();
    let mut rng = SmallRng::seed_from_u64(7);
    for &us in &samples {
        shards[rng.random_range(0..SHARDS)].record("GET", "/x", &ok_us(us, origin));
    }
    let mut merged = Snapshot::new(ORIGIN_UNIX as f64);
    for shard in &shards {
        merged.merge(&shard.take_delta());
    }

    assert_eq!(
        merged, whole,
        "merging shards' deltas must equal recording into one"
    );
    for (label, snapshot) in [("single", whole), ("merged", merged)] {
        let view = view_of(snapshot);
        let entries = view.entries();
        assert_eq!(entries.len(), 1);
        assert_within_one_percent(&entries[0], &sorted, &format!("{label} entry"));
        assert_within_one_percent(&view.total(), &sorted, &format!("{label} total"));
    }
}

#[test]
fn percentiles_of_an_entry_without_timed_samples_are_zero() {
    let origin = Instant::now();
    let recorder = Recorder::new(clock(origin));
    recorder.record("GET", "/none", &crate::support::untimed(origin));
    let view = view_of(recorder.take_delta());
    let row = view.entries()[0];
    assert!(!row.has_timed_samples());
    assert_eq!(row.percentile_ms(0.5), 0.0);
    assert_eq!(row.median_response_time_ms(), 0.0);
    assert_eq!(row.min_response_time_ms(), 0.0);
    assert_eq!(row.max_response_time_ms(), 0.0);
}

#[test]
fn response_times_beyond_an_hour_saturate_in_the_histogram_but_not_in_max() {
    let origin = Instant::now();
    let recorder = Recorder::new(clock(origin));
    let two_hours_us = 2 * 3_600_000_000;
    recorder.record("GET", "/slow", &ok_us(two_hours_us, origin));
    recorder.record("GET", "/slow", &ok_us(1_000, origin));
    let view = view_of(recorder.take_delta());
    let row = view.entries()[0];
    assert_eq!(row.max_response_time_ms(), two_hours_us as f64 / 1000.0);
    // 1 ms is in a 4 µs bucket: its highest equivalent value is 1.003 ms.
    assert_eq!(row.percentile_ms(0.5), 1.003);
    // The histogram holds at most an hour; the percentile is still within [min, max].
    assert!(row.percentile_ms(1.0) >= 3_600_000.0);
}
