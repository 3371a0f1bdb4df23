//! Locust's `response_times` dict (rounded response time in ms → count), rebuilt from an HDR
//! histogram in microseconds.

use std::collections::BTreeMap;

use locusta_stats::EntryStats;

/// Locust's bucket of a response time in ms (`StatsEntry._log_response_time`): below 100 ms
/// rounded to the millisecond, below 1 s to 10 ms, below 10 s to 100 ms, else to the second;
/// ties to even, as Python's `round` (145 → 140, 155 → 160).
pub(crate) fn locust_bucket(ms: f64) -> u64 {
    let step = match ms {
        ms if ms < 100.0 => 1.0,
        ms if ms < 1_000.0 => 10.0,
        ms if ms < 10_000.0 => 100.0,
        _ => 1_000.0,
    };
    ((ms / step).round_ties_even() * step) as u64
}

/// The entry's response times as Locust's buckets, smallest first.
///
/// Each HDR bucket (at most 0.79 % wide) counts at its middle value, except the buckets of the
/// entry's exact min and max, which count at those values, so that a lone sample lands where
/// Locust would put it. An HDR bucket that straddles a Locust boundary goes whole to one side:
/// samples within 0.4 % of a boundary can land one Locust bucket away from where Locust puts
/// them.
pub(crate) fn locust_response_times(stats: &EntryStats) -> BTreeMap<u64, u64> {
    let mut buckets = BTreeMap::new();
    let (Some(min), Some(max)) = (stats.min_response_time_us(), stats.max_response_time_us())
    else {
        return buckets;
    };
    let histogram = stats.histogram();
    for recorded in histogram.iter_recorded() {
        let value = recorded.value_iterated_to();
        let us = if histogram.equivalent(value, min) {
            min
        } else if histogram.equivalent(value, max) {
            max
        } else {
            histogram.median_equivalent(value)
        };
        *buckets
            .entry(locust_bucket(us as f64 / 1000.0))
            .or_default() += recorded.count_at_value();
    }
    buckets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_like_locust() {
        // The examples of Locust's own comment: 147 → 150, 3432 → 3400, 58760 → 59000.
        assert_eq!(locust_bucket(147.0), 150);
        assert_eq!(locust_bucket(3_432.0), 3_400);
        assert_eq!(locust_bucket(58_760.0), 59_000);
        assert_eq!(locust_bucket(0.4), 0);
        assert_eq!(locust_bucket(24.018952999995236), 24);
        assert_eq!(locust_bucket(99.6), 100);
        assert_eq!(locust_bucket(999.0), 1_000);
        assert_eq!(locust_bucket(12_345.0), 12_000);
    }

    #[test]
    fn ties_go_to_even_like_pythons_round() {
        assert_eq!(locust_bucket(2.5), 2);
        assert_eq!(locust_bucket(3.5), 4);
        assert_eq!(locust_bucket(145.0), 140);
        assert_eq!(locust_bucket(155.0), 160);
        assert_eq!(locust_bucket(2_250.0), 2_200);
    }
}
