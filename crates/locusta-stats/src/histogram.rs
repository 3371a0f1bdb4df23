//! The response-time histogram every entry keeps: microseconds, bounded, mergeable.

use hdrhistogram::Histogram;

/// Significant decimal digits the histogram keeps.
///
/// Two digits give 128 linear sub-buckets per power of two, so a bucket's highest equivalent
/// value is less than 1/128 (0.79 %) above any value in it: within the 1 % we promise. It costs
/// about 26 KB per histogram (3 328 `u64` counters for 1 µs .. 1 h); three digits would be 188 KB,
/// which matters because every entry of every shard's delta holds one.
pub const SIGNIFICANT_DIGITS: u8 = 2;

/// Largest response time the histogram tells apart, in microseconds (one hour). Longer times are
/// recorded as one hour (saturating), so recording never fails and memory never grows.
pub const HIGHEST_TRACKABLE_US: u64 = 3_600_000_000;

/// A new, empty response-time histogram with auto-resize off.
pub(crate) fn new_histogram() -> Histogram<u64> {
    // Histograms built with the same bounds share a layout, so `Histogram::add` between them is
    // a plain element-wise sum (exact) and can never fail for range reasons.
    Histogram::new_with_bounds(1, HIGHEST_TRACKABLE_US, SIGNIFICANT_DIGITS)
        .expect("constant histogram bounds are valid")
}

/// Adds `source` into `target`; both were built by [`new_histogram`].
pub(crate) fn add(target: &mut Histogram<u64>, source: &Histogram<u64>) {
    target.add(source).expect(
        "histograms built by new_histogram share bounds, so adding cannot overflow the range",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_error_is_below_one_percent() {
        let histogram = new_histogram();
        for value in [
            50,
            255,
            256,
            1_000,
            7_000,
            201_000,
            59_999_999,
            HIGHEST_TRACKABLE_US,
        ] {
            let top = histogram.highest_equivalent(value);
            assert!(top >= value);
            assert!(
                ((top - value) as f64) < value as f64 * 0.01,
                "{value} -> {top}"
            );
        }
    }

    #[test]
    fn values_above_range_saturate() {
        let mut histogram = new_histogram();
        histogram.saturating_record(u64::MAX);
        assert_eq!(histogram.len(), 1);
        assert!(histogram.max() >= HIGHEST_TRACKABLE_US);
    }
}
