//! The run report's other tables: failures, exceptions, history, users and thresholds.

use locusta_stats::{ErrorRow, ExceptionRow, HistoryPoint};
use serde::{Deserialize, Serialize};

use crate::thresholds::Verdict;

/// One failure row: how often a request failed in one way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureReport {
    /// The request type.
    pub method: String,
    /// The stats name.
    pub name: String,
    /// The error text as recorded (`CatchResponseError('…')` for a `failure("…")`).
    pub error: String,
    /// How many requests failed this way.
    pub occurrences: u64,
    /// Unix time (seconds) of the first occurrence.
    pub first_seen: f64,
    /// Unix time (seconds) of the latest occurrence.
    pub last_seen: f64,
}

impl FailureReport {
    pub(super) fn new(row: &ErrorRow<'_>) -> Self {
        Self {
            method: row.method().to_owned(),
            name: row.name().to_owned(),
            error: row.error().to_owned(),
            occurrences: row.occurrences(),
            first_seen: row.first_seen(),
            last_seen: row.last_seen(),
        }
    }
}

/// One exception row: an error raised by user code, grouped by traceback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExceptionReport {
    /// How many times this traceback was seen.
    pub count: u64,
    /// The message of the first occurrence.
    pub message: String,
    /// The traceback text.
    pub traceback: String,
    /// The nodes it happened on, sorted (`local` when not distributed).
    pub nodes: Vec<String>,
}

impl ExceptionReport {
    pub(super) fn new(row: &ExceptionRow<'_>) -> Self {
        Self {
            count: row.count(),
            message: row.msg().to_owned(),
            traceback: row.traceback().to_owned(),
            nodes: row.nodes().map(str::to_owned).collect(),
        }
    }
}

/// One point of the charts' history (recorded every `locusta_stats::HISTORY_INTERVAL`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryReport {
    /// Unix time of the point, in seconds.
    pub time: f64,
    /// Running users.
    pub user_count: u64,
    /// The Aggregated row's current requests per second.
    pub current_rps: f64,
    /// The Aggregated row's current failures per second.
    pub current_fail_per_sec: f64,
    /// Median response time (ms) of the 10 s before the point; 0 without requests.
    pub p50_ms: f64,
    /// 95th percentile response time (ms) of the 10 s before the point; 0 without requests.
    pub p95_ms: f64,
}

impl From<&HistoryPoint> for HistoryReport {
    fn from(point: &HistoryPoint) -> Self {
        Self {
            time: point.time,
            user_count: point.user_count,
            current_rps: point.current_rps,
            current_fail_per_sec: point.current_fail_per_sec,
            p50_ms: point.p50_ms,
            p95_ms: point.p95_ms,
        }
    }
}

/// The users of one user class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassUsers {
    /// The class name.
    pub name: String,
    /// Users of the class alive when the view was taken.
    pub users: u64,
}

/// One `--threshold` rule and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdReport {
    /// The rule as written, e.g. `p95<500ms for GET /checkout`.
    pub rule: String,
    /// The measured value in `unit`; `None` (`null`) when the statistic does not exist.
    pub actual: Option<f64>,
    /// The limit in `unit`.
    pub limit: f64,
    /// `ms`, `%` or `req/s`.
    pub unit: String,
    /// Whether the rule held.
    pub passed: bool,
}

impl From<&Verdict> for ThresholdReport {
    fn from(verdict: &Verdict) -> Self {
        Self {
            rule: verdict.rule.clone(),
            actual: verdict.actual,
            limit: verdict.limit,
            unit: verdict.unit.to_owned(),
            passed: verdict.passed,
        }
    }
}
