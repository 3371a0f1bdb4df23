//! The wire format round-trips real and random snapshots exactly, and rejects damaged input
//! without panicking.

use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

use super::*;
use crate::{Clock, Outcome, Recorder};

const ORIGIN_UNIX: u64 = 1_795_436_180;

fn clock(origin: Instant) -> Clock {
    Clock::with_origin(origin, Duration::from_secs(ORIGIN_UNIX))
}

fn round_trip(snapshot: &Snapshot, compression: WireCompression) -> Snapshot {
    let bytes = SnapshotEncoder::new(compression).encode(snapshot);
    SnapshotDecoder::new()
        .decode(&bytes)
        .unwrap_or_else(|error| panic!("{compression:?}: {error}"))
}

/// Records `requests` random requests over `seconds` seconds from `origin` into `recorder`:
/// several entries, failures, untimed requests, exceptions, and extreme values.
fn random_workload(
    rng: &mut SmallRng,
    recorder: &Recorder,
    origin: Instant,
    requests: usize,
    seconds: u64,
) {
    const NAMES: [(&str, &str); 5] = [
        ("GET", "/"),
        ("GET", "/item?id=[id]"),
        ("POST", "/item"),
        ("GET", "/é ünïcode"),
        ("grpc", "Service/Method"),
    ];
    const ERRORS: [&str; 3] = ["HTTPError('500')", "ConnectionResetError", ""];
    for _ in 0..requests {
        let at = origin + Duration::from_millis(rng.random_range(0..seconds.max(1) * 1000));
        let (method, name) = NAMES[rng.random_range(0..NAMES.len())];
        let response_time = match rng.random_range(0..20) {
            0 => None,
            1 => Some(Duration::ZERO),
            2 => Some(Duration::from_secs(7_200)), // above the histogram's range
            3 => Some(Duration::from_nanos(rng.random_range(0..2_000))),
            _ => Some(Duration::from_micros(rng.random_range(100..3_000_000))),
        };
        let error = (rng.random_range(0..8) == 0).then(|| ERRORS[rng.random_range(0..3)]);
        let content_length = match rng.random_range(0..10) {
            0 => u64::MAX / 2,
            _ => rng.random_range(0..100_000),
        };
        recorder.record(
            method,
            name,
            &Outcome {
                response_time,
                content_length,
                error,
                finished_at: at,
            },
        );
        if rng.random_range(0..50) == 0 {
            let which = rng.random_range(0..3);
            recorder.record_exception(
                &format!("ValueError({which})"),
                &format!("Traceback:\n  line {which}"),
            );
        }
    }
}

#[test]
fn empty_and_fresh_snapshots_round_trip() {
    for snapshot in [Snapshot::default(), Snapshot::new(ORIGIN_UNIX as f64)] {
        for compression in [WireCompression::None, WireCompression::Deflate] {
            assert_eq!(round_trip(&snapshot, compression), snapshot);
        }
    }
}

#[test]
fn a_recorded_delta_round_trips_exactly() {
    let origin = Instant::now();
    let recorder = Recorder::new(clock(origin));
    let mut rng = SmallRng::seed_from_u64(7);
    // 70 s of requests: more seconds than the per-second ring keeps, so eviction is covered.
    random_workload(&mut rng, &recorder, origin, 20_000, 70);
    let delta = recorder.take_delta();
    assert!(delta.entries().count() >= 5 && delta.errors().count() > 0);
    assert!(delta.exceptions().count() > 0);
    for compression in [WireCompression::None, WireCompression::Deflate] {
        let decoded = round_trip(&delta, compression);
        assert_eq!(decoded, delta, "{compression:?}");
        for (key, entry) in delta.entries() {
            let got = decoded.entry(&key.method, &key.name).unwrap();
            // `==` on histograms compares counts; check the percentiles readers use too.
            for q in [0.5, 0.95, 0.99, 1.0] {
                assert_eq!(
                    got.histogram().value_at_quantile(q),
                    entry.histogram().value_at_quantile(q)
                );
            }
            assert_eq!(
                got.recent_seconds().collect::<Vec<_>>(),
                entry.recent_seconds().collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn merging_decoded_deltas_equals_merging_the_originals() {
    let origin = Instant::now();
    let clock = clock(origin);
    let mut rng = SmallRng::seed_from_u64(11);
    let workers: Vec<Recorder> = (0..3).map(|_| Recorder::new(clock)).collect();
    let mut merged_originals = Snapshot::new(ORIGIN_UNIX as f64);
    let mut merged_decoded = Snapshot::new(ORIGIN_UNIX as f64);
    let mut encoder = SnapshotEncoder::default();
    let mut decoder = SnapshotDecoder::new();
    for second in 0..40u64 {
        for worker in &workers {
            let start = origin + Duration::from_secs(second);
            random_workload(&mut rng, worker, start, 300, 1);
            let delta = worker.take_delta();
            merged_originals.merge(&delta);
            let bytes = encoder.encode(&delta);
            merged_decoded.merge(&decoder.decode(&bytes).unwrap());
        }
    }
    assert_eq!(merged_decoded, merged_originals);
    assert!(merged_decoded.total().num_requests() == 40 * 3 * 300);
}

/// Property: for many random snapshots (sizes, values, timestamps, resets, merges), decoding
/// the encoding gives back the snapshot, and merging decoded copies equals merging originals.
#[test]
fn random_snapshots_round_trip_and_merge_exactly() {
    let mut encoder = SnapshotEncoder::default();
    let mut deflating = SnapshotEncoder::new(WireCompression::Deflate);
    let mut decoder = SnapshotDecoder::new();
    for seed in 0..300u64 {
        let mut rng = SmallRng::seed_from_u64(seed);
        let origin = Instant::now();
        let clock = Clock::with_origin(
            origin,
            Duration::from_secs(rng.random_range(0..2_000_000_000)),
        );
        let mut original = Snapshot::default();
        let mut decoded = Snapshot::default();
        for _ in 0..rng.random_range(1..4) {
            let recorder = Recorder::new(clock);
            let requests = rng.random_range(0..400);
            let seconds = rng.random_range(1..100);
            random_workload(&mut rng, &recorder, origin, requests, seconds);
            let mut delta = recorder.take_delta();
            if rng.random_range(0..10) == 0 {
                delta.reset(clock.unix_secs(origin) + 0.25);
            }
            let bytes = if seed % 2 == 0 {
                encoder.encode(&delta)
            } else {
                deflating.encode(&delta)
            };
            let copy = decoder.decode(&bytes).unwrap();
            assert_eq!(copy, delta, "seed {seed}");
            original.merge(&delta);
            decoded.merge(&copy);
        }
        assert_eq!(decoded, original, "seed {seed}");
    }
}

#[test]
fn exceptions_can_be_attributed_to_the_sending_node() {
    let recorder = Recorder::new(clock(Instant::now()));
    recorder.record_exception("boom", "Traceback: boom");
    let bytes = SnapshotEncoder::default().encode(&recorder.take_delta());
    let snapshot = SnapshotDecoder::new()
        .decode_from_node(&bytes, "host_1")
        .unwrap();
    let (_, row) = snapshot.exceptions().next().unwrap();
    assert_eq!(row.nodes().collect::<Vec<_>>(), ["host_1"]);
    assert_eq!(row.count(), 1);
}

fn sample_bytes(compression: WireCompression) -> Vec<u8> {
    let origin = Instant::now();
    let recorder = Recorder::new(clock(origin));
    random_workload(&mut SmallRng::seed_from_u64(3), &recorder, origin, 500, 3);
    SnapshotEncoder::new(compression).encode(&recorder.take_delta())
}

#[test]
fn every_truncation_is_an_error() {
    for compression in [WireCompression::None, WireCompression::Deflate] {
        let bytes = sample_bytes(compression);
        for len in 0..bytes.len() {
            assert!(
                decode_snapshot(&bytes[..len]).is_err(),
                "{compression:?}: prefix of {len} bytes decoded"
            );
        }
    }
}

#[test]
fn damaged_bytes_never_panic() {
    let mut rng = SmallRng::seed_from_u64(5);
    for compression in [WireCompression::None, WireCompression::Deflate] {
        let bytes = sample_bytes(compression);
        for _ in 0..3_000 {
            let mut damaged = bytes.clone();
            for _ in 0..rng.random_range(1..4) {
                let at = rng.random_range(0..damaged.len());
                damaged[at] = rng.random();
            }
            // Either an error or some snapshot; merging what decodes must not panic either.
            if let Ok(snapshot) = decode_snapshot(&damaged) {
                let mut total = Snapshot::default();
                total.merge(&snapshot);
            }
        }
    }
}

#[test]
fn headers_and_foreign_histograms_are_refused_clearly() {
    let mut bytes = sample_bytes(WireCompression::None);
    assert!(matches!(
        decode_snapshot(b"JSON{}"),
        Err(WireError::BadMagic)
    ));
    bytes[3] = WIRE_VERSION + 1;
    let error = decode_snapshot(&bytes).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "statistics snapshot format version {}, this build reads version {WIRE_VERSION}",
            WIRE_VERSION + 1
        )
    );

    // A histogram with other bounds (3 digits) in place of the total's.
    let mut other = Histogram::<u64>::new_with_bounds(1, HIGHEST_TRACKABLE_US, 3).unwrap();
    other.record(5).unwrap();
    let mut forged = Vec::new();
    V2Serializer::new().serialize(&other, &mut forged).unwrap();
    let mut total_only = Vec::from(*b"LSW");
    total_only.extend([WIRE_VERSION, 0]);
    // A total of 1 timed request of 5 µs, no seconds.
    total_only.extend([1, 0, 0, 5, 1, 5, 5, 0, 0, 0, 0]);
    total_only.extend(&forged);
    total_only.extend([0, 0, 0]);
    let error = decode_snapshot(&total_only).unwrap_err();
    assert!(matches!(error, WireError::Histogram(_)), "{error}");
    assert!(error.to_string().contains("bounds differ"), "{error}");
}
