//! Statistics of one entry (one `(name, method)` row, or the Aggregated total).

use std::fmt;
use std::time::Duration;

use hdrhistogram::Histogram;

use crate::histogram::{self, new_histogram};
use crate::per_second::PerSecond;

/// One request as an entry sees it, computed once per `record` and applied to the entry and to
/// the total.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    /// Response time in whole microseconds (rounded to nearest); `None` for untimed requests.
    pub(crate) response_time_us: Option<u64>,
    pub(crate) content_length: u64,
    pub(crate) failed: bool,
    /// Unix time the request finished, in seconds.
    pub(crate) finished_at: f64,
}

impl Sample {
    /// Microseconds of `duration`, rounded to nearest (truncating would bias every sample
    /// down by up to 1 µs, which matters for sub-millisecond custom clients).
    pub(crate) fn micros(duration: Duration) -> u64 {
        let nanos = duration.as_nanos().saturating_add(500) / 1_000;
        u64::try_from(nanos).unwrap_or(u64::MAX)
    }
}

/// Statistics of one entry, Locust's `StatsEntry` minus the name (which is the map key).
///
/// Times are kept in whole microseconds (`u64`), so sums and merges are exact; printers convert
/// to Locust's milliseconds through the run view.
#[derive(Clone, PartialEq)]
pub struct EntryStats {
    num_requests: u64,
    num_none_requests: u64,
    num_failures: u64,
    total_response_time_us: u64,
    /// `u64::MAX` while no timed request was recorded (cheaper on the hot path than an Option).
    min_response_time_us: u64,
    max_response_time_us: u64,
    total_content_length: u64,
    start_time: Option<f64>,
    last_request_timestamp: Option<f64>,
    per_second: PerSecond,
    histogram: Histogram<u64>,
}

impl Default for EntryStats {
    fn default() -> Self {
        Self::new(None)
    }
}

impl EntryStats {
    /// An empty entry whose statistics start at `start_time` (Unix seconds), or at its first
    /// request if `None`.
    pub(crate) fn new(start_time: Option<f64>) -> Self {
        Self {
            num_requests: 0,
            num_none_requests: 0,
            num_failures: 0,
            total_response_time_us: 0,
            min_response_time_us: u64::MAX,
            max_response_time_us: 0,
            total_content_length: 0,
            start_time,
            last_request_timestamp: None,
            per_second: PerSecond::default(),
            histogram: new_histogram(),
        }
    }

    /// Adds one request. This is the hot path: plain arithmetic and one histogram increment,
    /// no allocation.
    pub(crate) fn record(&mut self, sample: &Sample) {
        self.num_requests += 1;
        match sample.response_time_us {
            Some(us) => {
                self.total_response_time_us = self.total_response_time_us.saturating_add(us);
                self.min_response_time_us = self.min_response_time_us.min(us);
                self.max_response_time_us = self.max_response_time_us.max(us);
                self.histogram.saturating_record(us);
            }
            None => self.num_none_requests += 1,
        }
        self.total_content_length = self
            .total_content_length
            .saturating_add(sample.content_length);
        if sample.failed {
            self.num_failures += 1;
        }
        self.start_time = Some(min_time(self.start_time, sample.finished_at));
        self.last_request_timestamp =
            Some(max_time(self.last_request_timestamp, sample.finished_at));
        // Timestamps before 1970 cannot happen with `Clock`; `as` saturates them to second 0.
        self.per_second
            .record(sample.finished_at as u64, sample.failed);
    }

    /// Adds `other` exactly, as Locust's `StatsEntry.extend`: sums, min/max, earliest start,
    /// latest request.
    pub(crate) fn merge(&mut self, other: &EntryStats) {
        self.num_requests += other.num_requests;
        self.num_none_requests += other.num_none_requests;
        self.num_failures += other.num_failures;
        self.total_response_time_us = self
            .total_response_time_us
            .saturating_add(other.total_response_time_us);
        self.min_response_time_us = self.min_response_time_us.min(other.min_response_time_us);
        self.max_response_time_us = self.max_response_time_us.max(other.max_response_time_us);
        self.total_content_length = self
            .total_content_length
            .saturating_add(other.total_content_length);
        if let Some(start) = other.start_time {
            self.start_time = Some(min_time(self.start_time, start));
        }
        if let Some(last) = other.last_request_timestamp {
            self.last_request_timestamp = Some(max_time(self.last_request_timestamp, last));
        }
        self.per_second.merge(&other.per_second);
        histogram::add(&mut self.histogram, &other.histogram);
    }

    /// Zeroes the statistics and restarts them at `start_time`, as Locust's `StatsEntry.reset`.
    /// The histogram's memory is reused.
    pub(crate) fn reset(&mut self, start_time: f64) {
        // Exhaustive destructuring: a new field fails to compile here until reset handles it.
        let EntryStats {
            num_requests,
            num_none_requests,
            num_failures,
            total_response_time_us,
            min_response_time_us,
            max_response_time_us,
            total_content_length,
            start_time: start,
            last_request_timestamp,
            per_second,
            histogram,
        } = self;
        *num_requests = 0;
        *num_none_requests = 0;
        *num_failures = 0;
        *total_response_time_us = 0;
        *min_response_time_us = u64::MAX;
        *max_response_time_us = 0;
        *total_content_length = 0;
        *start = Some(start_time);
        *last_request_timestamp = None;
        *per_second = PerSecond::default();
        histogram.reset();
    }

    /// Requests counted, failed ones included.
    pub fn num_requests(&self) -> u64 {
        self.num_requests
    }

    /// Requests counted without a response time (Locust's `num_none_requests`).
    pub fn num_none_requests(&self) -> u64 {
        self.num_none_requests
    }

    /// Requests with a response time, i.e. the samples in the histogram.
    pub fn num_timed_requests(&self) -> u64 {
        self.num_requests - self.num_none_requests
    }

    /// Failed requests.
    pub fn num_failures(&self) -> u64 {
        self.num_failures
    }

    /// Sum of all response times, in microseconds.
    pub fn total_response_time_us(&self) -> u64 {
        self.total_response_time_us
    }

    /// Shortest response time in microseconds, `None` before the first timed request.
    pub fn min_response_time_us(&self) -> Option<u64> {
        (self.min_response_time_us != u64::MAX).then_some(self.min_response_time_us)
    }

    /// Longest response time in microseconds, `None` before the first timed request.
    pub fn max_response_time_us(&self) -> Option<u64> {
        self.min_response_time_us()
            .map(|_| self.max_response_time_us)
    }

    /// Sum of the content lengths of all requests, in bytes.
    pub fn total_content_length(&self) -> u64 {
        self.total_content_length
    }

    /// Unix time (seconds) the statistics start from: the snapshot's start for the total, the
    /// first request (or the last reset) for an entry; `None` for an empty delta.
    pub fn start_time(&self) -> Option<f64> {
        self.start_time
    }

    /// Unix time (seconds) the latest request finished; `None` before the first request.
    pub fn last_request_timestamp(&self) -> Option<f64> {
        self.last_request_timestamp
    }

    /// The response-time histogram, in microseconds (see [`crate::SIGNIFICANT_DIGITS`]).
    pub fn histogram(&self) -> &Histogram<u64> {
        &self.histogram
    }

    /// `(requests, failures)` that finished in the Unix second `second`; zeros for seconds older
    /// than the last [`crate::SECONDS_KEPT`] seconds this entry saw.
    pub fn per_second(&self, second: u64) -> (u64, u64) {
        self.per_second.get(second)
    }

    /// The recent seconds that counted anything, oldest first, as `(second, requests, failures)`
    /// (Locust's `num_reqs_per_sec`/`num_fail_per_sec`, bounded to [`crate::SECONDS_KEPT`]).
    pub fn recent_seconds(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        self.per_second.iter()
    }
}

/// Summarises the histogram (its 3 328 counters would drown any assertion message).
impl fmt::Debug for EntryStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntryStats")
            .field("num_requests", &self.num_requests)
            .field("num_none_requests", &self.num_none_requests)
            .field("num_failures", &self.num_failures)
            .field("total_response_time_us", &self.total_response_time_us)
            .field("min_response_time_us", &self.min_response_time_us())
            .field("max_response_time_us", &self.max_response_time_us())
            .field("total_content_length", &self.total_content_length)
            .field("start_time", &self.start_time)
            .field("last_request_timestamp", &self.last_request_timestamp)
            .field("per_second", &self.per_second)
            .field("histogram_len", &self.histogram.len())
            .field("histogram_min", &self.histogram.min())
            .field("histogram_max", &self.histogram.max())
            .finish()
    }
}

fn min_time(current: Option<f64>, candidate: f64) -> f64 {
    current.map_or(candidate, |c| c.min(candidate))
}

fn max_time(current: Option<f64>, candidate: f64) -> f64 {
    current.map_or(candidate, |c| c.max(candidate))
}

impl EntryStats {
    /// Rebuilds an entry from the fields the snapshot wire format carries (`crate::wire`),
    /// which reads them back through the public accessors.
    pub(crate) fn from_parts(parts: crate::wire::EntryParts) -> Self {
        Self {
            num_requests: parts.num_requests,
            num_none_requests: parts.num_none_requests,
            num_failures: parts.num_failures,
            total_response_time_us: parts.total_response_time_us,
            min_response_time_us: parts.min_response_time_us.unwrap_or(u64::MAX),
            max_response_time_us: parts.max_response_time_us.unwrap_or(0),
            total_content_length: parts.total_content_length,
            start_time: parts.start_time,
            last_request_timestamp: parts.last_request_timestamp,
            per_second: PerSecond::from_seconds(parts.seconds),
            histogram: parts.histogram,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(ms: Option<u64>, failed: bool, at: f64) -> Sample {
        Sample {
            response_time_us: ms.map(|ms| ms * 1000),
            content_length: 10,
            failed,
            finished_at: at,
        }
    }

    #[test]
    fn records_counts_times_and_bounds() {
        let mut entry = EntryStats::default();
        entry.record(&sample(Some(5), false, 100.5));
        entry.record(&sample(Some(1), true, 101.2));
        entry.record(&sample(None, false, 99.9));
        assert_eq!(entry.num_requests(), 3);
        assert_eq!(entry.num_none_requests(), 1);
        assert_eq!(entry.num_timed_requests(), 2);
        assert_eq!(entry.num_failures(), 1);
        assert_eq!(entry.total_response_time_us(), 6_000);
        assert_eq!(entry.min_response_time_us(), Some(1_000));
        assert_eq!(entry.max_response_time_us(), Some(5_000));
        assert_eq!(entry.total_content_length(), 30);
        assert_eq!(entry.start_time(), Some(99.9));
        assert_eq!(entry.last_request_timestamp(), Some(101.2));
        assert_eq!(entry.per_second(101), (1, 1));
        assert_eq!(entry.histogram().len(), 2);
    }

    #[test]
    fn empty_entry_has_no_bounds() {
        let entry = EntryStats::default();
        assert_eq!(entry.min_response_time_us(), None);
        assert_eq!(entry.max_response_time_us(), None);
    }

    #[test]
    fn micros_round_to_nearest() {
        assert_eq!(Sample::micros(Duration::from_nanos(1_499)), 1);
        assert_eq!(Sample::micros(Duration::from_nanos(1_500)), 2);
        assert_eq!(Sample::micros(Duration::from_secs(2)), 2_000_000);
    }

    #[test]
    fn reset_zeroes_and_restarts() {
        let mut entry = EntryStats::default();
        entry.record(&sample(Some(5), true, 100.0));
        entry.reset(200.0);
        assert_eq!(entry, EntryStats::new(Some(200.0)));
    }
}
