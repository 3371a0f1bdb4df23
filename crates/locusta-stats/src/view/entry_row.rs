//! One statistics row as printers show it: Locust's derived `StatsEntry` values.

use std::ops::Range;

use crate::EntryStats;

/// How far back the current-rate window reaches from the newest request's second (Locust's
/// `current_rps`: seconds `[last − 12, last − 2)`).
const CURRENT_WINDOW_BACK: u64 = 12;
/// The newest seconds the current-rate window leaves out, because they may still be filling.
const CURRENT_WINDOW_SKIP_NEWEST: u64 = 2;

/// A read-only row of the run view: one entry, or the Aggregated total, with Locust's derived
/// values (§4.1 of the reference) in Locust's units (milliseconds, per-second rates).
///
/// Rates are measured against the *total*'s start time and last request timestamp, as Locust
/// does, so every row of one view uses the same time base.
#[derive(Debug, Clone, Copy)]
pub struct EntryRow<'a> {
    method: &'a str,
    name: &'a str,
    stats: &'a EntryStats,
    total: &'a EntryStats,
}

impl<'a> EntryRow<'a> {
    pub(crate) fn new(
        method: &'a str,
        name: &'a str,
        stats: &'a EntryStats,
        total: &'a EntryStats,
    ) -> Self {
        Self {
            method,
            name,
            stats,
            total,
        }
    }

    /// The request type (`GET`, …); empty for the Aggregated row.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The stats name; `Aggregated` for the total row.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The raw statistics behind this row (histogram, per-second counters, …).
    pub fn stats(&self) -> &'a EntryStats {
        self.stats
    }

    /// Requests counted, failed and untimed ones included.
    pub fn num_requests(&self) -> u64 {
        self.stats.num_requests()
    }

    /// Requests counted without a response time.
    pub fn num_none_requests(&self) -> u64 {
        self.stats.num_none_requests()
    }

    /// Failed requests.
    pub fn num_failures(&self) -> u64 {
        self.stats.num_failures()
    }

    /// True if the row has response-time samples (Locust prints percentile rows only then).
    pub fn has_timed_samples(&self) -> bool {
        self.stats.num_timed_requests() > 0
    }

    /// `num_failures / num_requests`; 1.0 if there are failures but no requests, else 0.0.
    pub fn fail_ratio(&self) -> f64 {
        match (self.num_requests(), self.num_failures()) {
            (0, 0) => 0.0,
            (0, _) => 1.0,
            (requests, failures) => failures as f64 / requests as f64,
        }
    }

    /// Mean response time of the timed requests, in ms (0 without any).
    pub fn avg_response_time_ms(&self) -> f64 {
        match self.stats.num_timed_requests() {
            0 => 0.0,
            timed => us_to_ms(self.stats.total_response_time_us()) / timed as f64,
        }
    }

    /// Shortest response time in ms (0 without timed requests, as Locust prints it).
    pub fn min_response_time_ms(&self) -> f64 {
        self.stats.min_response_time_us().map_or(0.0, us_to_ms)
    }

    /// Longest response time in ms (0 without timed requests).
    pub fn max_response_time_ms(&self) -> f64 {
        self.stats.max_response_time_us().map_or(0.0, us_to_ms)
    }

    /// The median response time in ms: [`Self::percentile_ms`]`(0.5)`, which is clamped into
    /// `[min, max]` like Locust's median.
    pub fn median_response_time_ms(&self) -> f64 {
        self.percentile_ms(0.5)
    }

    /// The response time in ms that a fraction `p` (0.0..=1.0) of the timed requests finished
    /// within; 0 without timed requests.
    ///
    /// This is the HDR histogram's nearest-rank value (`value_at_quantile`, the highest value
    /// equivalent to the sample at rank `ceil(p·N)`), clamped into the exact `[min, max]`. With
    /// two significant digits that is at most 0.79 % above the exact sorted value, and `p = 1.0`
    /// is the exact maximum. This deliberately improves on Locust, whose percentiles are its
    /// 2-significant-digit bucket values (so its 99 % can exceed the true maximum).
    ///
    /// Unlike Locust, the rank is taken over the timed samples only, not over `num_requests`,
    /// so untimed requests do not skew the percentiles.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        let histogram = self.stats.histogram();
        let (Some(min), Some(max)) = (
            self.stats.min_response_time_us(),
            self.stats.max_response_time_us(),
        ) else {
            return 0.0;
        };
        if histogram.is_empty() {
            return 0.0;
        }
        us_to_ms(histogram.value_at_quantile(p).clamp(min, max))
    }

    /// `total_content_length / num_requests`, in bytes (0 without requests).
    pub fn avg_content_length(&self) -> f64 {
        match self.num_requests() {
            0 => 0.0,
            requests => self.stats.total_content_length() as f64 / requests as f64,
        }
    }

    /// Requests per second over the whole run:
    /// `num_requests / (total.last_request_timestamp − total.start_time)`, 0 if that span is
    /// unknown or not positive.
    pub fn total_rps(&self) -> f64 {
        self.per_total_second(self.num_requests())
    }

    /// Failures per second over the whole run, measured like [`Self::total_rps`].
    pub fn total_fail_per_sec(&self) -> f64 {
        self.per_total_second(self.num_failures())
    }

    /// Locust's `current_rps`: the mean of this row's per-second request counts over the seconds
    /// `[max(int(last) − 12, int(start)), int(last) − 2)`, where `last` and `start` are the
    /// total's last request timestamp and start time. It is 0 until three seconds of requests
    /// exist and, as in Locust, freezes at its last value once requests stop.
    pub fn current_rps(&self) -> f64 {
        self.current_rate(|(requests, _)| requests)
    }

    /// Locust's `current_fail_per_sec`: [`Self::current_rps`]'s window over failures.
    pub fn current_fail_per_sec(&self) -> f64 {
        self.current_rate(|(_, failures)| failures)
    }

    fn per_total_second(&self, count: u64) -> f64 {
        match (self.total.start_time(), self.total.last_request_timestamp()) {
            (Some(start), Some(last)) if last > start => count as f64 / (last - start),
            _ => 0.0,
        }
    }

    fn current_rate(&self, pick: impl Fn((u64, u64)) -> u64) -> f64 {
        let window = self.current_window();
        if window.is_empty() {
            return 0.0;
        }
        let sum: u64 = window
            .clone()
            .map(|second| pick(self.stats.per_second(second)))
            .sum();
        sum as f64 / (window.end - window.start) as f64
    }

    /// The seconds the current-rate window covers (empty before any request).
    fn current_window(&self) -> Range<u64> {
        let Some(last) = self.total.last_request_timestamp() else {
            return 0..0;
        };
        // Python's int() of a positive float is the floor, which `as u64` also gives.
        let last = last as u64;
        let start = self.total.start_time().unwrap_or(0.0) as u64;
        let from = last.saturating_sub(CURRENT_WINDOW_BACK).max(start);
        let to = last.saturating_sub(CURRENT_WINDOW_SKIP_NEWEST);
        from..to
    }
}

/// Microseconds to Locust's milliseconds.
fn us_to_ms(us: u64) -> f64 {
    us as f64 / 1000.0
}
