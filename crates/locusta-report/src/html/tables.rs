//! The rows of the report's tables, with every number already formatted as the web UI shows
//! it, so the template only places text (which it escapes).

use locusta_stats::{EntryRow, ErrorRow, ExceptionRow, RunView};
use serde::Serialize;

use super::numbers::{count, two_decimals, whole};
use crate::thresholds::Verdict;

/// The response-time percentiles of the report's table (Locust's
/// `PERCENTILES_FOR_HTML_REPORT`).
pub(super) const PERCENTILES_FOR_HTML_REPORT: [f64; 8] = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0];

/// A row of "Request Statistics": the UI's Statistics columns, with whole-run rates (the
/// UI's "current" rates mean nothing once the run is over).
#[derive(Debug, Serialize)]
pub(super) struct RequestRow<'a> {
    method: &'a str,
    name: &'a str,
    /// Whether this is the Aggregated row (drawn in bold).
    is_total: bool,
    requests: String,
    failures: String,
    has_failures: bool,
    median: String,
    p95: String,
    p99: String,
    average: String,
    min: String,
    max: String,
    average_size: String,
    rps: String,
    failures_per_sec: String,
}

impl<'a> RequestRow<'a> {
    pub(super) fn new(row: &EntryRow<'a>, is_total: bool) -> Self {
        Self {
            method: row.method(),
            name: row.name(),
            is_total,
            requests: count(row.num_requests()),
            failures: count(row.num_failures()),
            has_failures: row.num_failures() > 0,
            median: whole(row.median_response_time_ms()),
            p95: whole(row.percentile_ms(0.95)),
            p99: whole(row.percentile_ms(0.99)),
            average: two_decimals(row.avg_response_time_ms()),
            min: whole(row.min_response_time_ms()),
            max: whole(row.max_response_time_ms()),
            average_size: two_decimals(row.avg_content_length()),
            rps: two_decimals(row.total_rps()),
            failures_per_sec: two_decimals(row.total_fail_per_sec()),
        }
    }
}

/// A row of "Response Time Statistics": one value per [`PERCENTILES_FOR_HTML_REPORT`], in
/// whole ms, or `N/A` for a row without timed requests (as the CSV files write it).
#[derive(Debug, Serialize)]
pub(super) struct PercentileRow<'a> {
    method: &'a str,
    name: &'a str,
    is_total: bool,
    values: Vec<String>,
}

impl<'a> PercentileRow<'a> {
    pub(super) fn new(row: &EntryRow<'a>, is_total: bool) -> Self {
        let values = PERCENTILES_FOR_HTML_REPORT
            .iter()
            .map(|&p| match row.has_timed_samples() {
                true => whole(row.percentile_ms(p)),
                false => "N/A".to_owned(),
            })
            .collect();
        Self {
            method: row.method(),
            name: row.name(),
            is_total,
            values,
        }
    }
}

/// The percentile columns' headings: `50%ile (ms)` … `100%ile (ms)`.
pub(super) fn percentile_headings() -> Vec<String> {
    PERCENTILES_FOR_HTML_REPORT
        .iter()
        .map(|&p| format!("{}%ile (ms)", two_decimals(p * 100.0)))
        .collect()
}

/// A row of "Failures Statistics", with the message as the UI shows it (a `failure("msg")` is
/// its `msg`).
#[derive(Debug, Serialize)]
pub(super) struct FailureRow<'a> {
    occurrences: String,
    method: &'a str,
    name: &'a str,
    message: String,
}

impl<'a> From<&ErrorRow<'a>> for FailureRow<'a> {
    fn from(row: &ErrorRow<'a>) -> Self {
        Self {
            occurrences: count(row.occurrences()),
            method: row.method(),
            name: row.name(),
            message: row.message().into_owned(),
        }
    }
}

/// A row of "Exceptions Statistics".
#[derive(Debug, Serialize)]
pub(super) struct ExceptionsRow<'a> {
    count: String,
    message: &'a str,
    traceback: &'a str,
    nodes: String,
}

impl<'a> From<&ExceptionRow<'a>> for ExceptionsRow<'a> {
    fn from(row: &ExceptionRow<'a>) -> Self {
        Self {
            count: count(row.count()),
            message: row.msg(),
            traceback: row.traceback(),
            nodes: row.nodes().collect::<Vec<_>>().join(", "),
        }
    }
}

/// A row of "Final ratio": one user class, its users and their share of all users.
#[derive(Debug, Serialize)]
pub(super) struct ClassRow<'a> {
    name: &'a str,
    users: String,
    share: String,
}

/// The users per class of `view` named by `class_names`; empty when no class has users (the
/// view may come from after the users were stopped) or the names are unknown.
pub(super) fn class_rows<'a>(view: &RunView, class_names: &'a [String]) -> Vec<ClassRow<'a>> {
    let users = view.users_by_class();
    let total: u64 = users.iter().sum();
    if total == 0 {
        return Vec::new();
    }
    class_names
        .iter()
        .zip(users)
        .map(|(name, &users)| ClassRow {
            name,
            users: count(users),
            share: format!("{}%", two_decimals(users as f64 * 100.0 / total as f64)),
        })
        .collect()
}

/// A row of "Thresholds", worded as the console prints it (`201.727 ms`, `no data`).
#[derive(Debug, Serialize)]
pub(super) struct ThresholdRow<'a> {
    rule: &'a str,
    actual: String,
    limit: String,
    passed: bool,
    status: &'static str,
}

impl<'a> From<&'a Verdict> for ThresholdRow<'a> {
    fn from(verdict: &'a Verdict) -> Self {
        Self {
            rule: &verdict.rule,
            actual: verdict.actual_text(),
            limit: verdict.limit_text(),
            passed: verdict.passed,
            status: verdict.status(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_headings_read_like_locusts() {
        assert_eq!(
            percentile_headings(),
            [
                "50%ile (ms)",
                "60%ile (ms)",
                "70%ile (ms)",
                "80%ile (ms)",
                "90%ile (ms)",
                "95%ile (ms)",
                "99%ile (ms)",
                "100%ile (ms)"
            ]
        );
    }
}
