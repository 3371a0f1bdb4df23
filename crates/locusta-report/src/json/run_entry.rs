//! One row of the run report's statistics: an entry or the Aggregated total.

use std::collections::BTreeMap;

use locusta_stats::{EntryRow, PERCENTILES_TO_REPORT};
use serde::{Deserialize, Serialize};

/// Statistics of one entry (or of the Aggregated total, method `""`, name `Aggregated`) over
/// the whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryReport {
    /// The request type (`GET`, a custom client's type); empty for the total.
    pub method: String,
    /// The stats name; `Aggregated` for the total.
    pub name: String,
    /// Requests counted, failed and untimed ones included.
    pub num_requests: u64,
    /// Requests counted without a response time.
    pub num_none_requests: u64,
    /// Failed requests.
    pub num_failures: u64,
    /// `num_failures / num_requests` (0 without requests).
    pub fail_ratio: f64,
    /// Requests per second over the whole run.
    pub total_rps: f64,
    /// Failures per second over the whole run.
    pub total_fail_per_sec: f64,
    /// Sum of the response bodies' sizes, in bytes.
    pub total_content_length: u64,
    /// `total_content_length / num_requests` (0 without requests).
    pub avg_content_length: f64,
    /// Response times of the timed requests; `None` (`null`) when there were none.
    pub response_time_ms: Option<ResponseTimes>,
}

/// Response-time statistics of one row, in milliseconds, unrounded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseTimes {
    /// Mean of the timed requests (exact).
    pub avg: f64,
    /// Shortest (exact).
    pub min: f64,
    /// Longest (exact).
    pub max: f64,
    /// The 50th percentile, the same value as `percentiles["0.5"]`.
    pub median: f64,
    /// Every percentile of Locust's `PERCENTILES_TO_REPORT`, keyed by the fraction as Python
    /// prints it (`"0.5"`, `"0.66"`, …, `"0.9999"`, `"1.0"`): the HDR nearest-rank value, within
    /// 1 % of the exact one, clamped into `[min, max]`.
    pub percentiles: BTreeMap<String, f64>,
}

impl EntryReport {
    pub(super) fn new(row: &EntryRow<'_>) -> Self {
        Self {
            method: row.method().to_owned(),
            name: row.name().to_owned(),
            num_requests: row.num_requests(),
            num_none_requests: row.num_none_requests(),
            num_failures: row.num_failures(),
            fail_ratio: row.fail_ratio(),
            total_rps: row.total_rps(),
            total_fail_per_sec: row.total_fail_per_sec(),
            total_content_length: row.stats().total_content_length(),
            avg_content_length: row.avg_content_length(),
            response_time_ms: row.has_timed_samples().then(|| ResponseTimes::new(row)),
        }
    }
}

impl ResponseTimes {
    fn new(row: &EntryRow<'_>) -> Self {
        Self {
            avg: row.avg_response_time_ms(),
            min: row.min_response_time_ms(),
            max: row.max_response_time_ms(),
            median: row.median_response_time_ms(),
            percentiles: PERCENTILES_TO_REPORT
                .iter()
                .map(|&p| (percentile_key(p), row.percentile_ms(p)))
                .collect(),
        }
    }
}

/// `0.5` → `"0.5"`, `1.0` → `"1.0"`: Python's `str` of the fraction, as Locust's HTML report
/// keys its percentiles. (In `PERCENTILES_TO_REPORT` the text order is also numeric order.)
fn percentile_key(p: f64) -> String {
    format!("{p:?}")
}
