//! What the report's template reads: the run's facts and tables, computed from the view and
//! the run's metadata. Every value is plain text or a number; the template escapes it.

use locusta_stats::RunView;
use serde::Serialize;

use super::duration::format_duration;
use super::tables::{
    ClassRow, ExceptionsRow, FailureRow, PercentileRow, RequestRow, ThresholdRow, class_rows,
    percentile_headings,
};
use crate::RunMeta;
use crate::utc_time::utc_iso;

/// The template's `report` value.
#[derive(Debug, Serialize)]
pub(super) struct ReportContext<'a> {
    locustfile: &'a str,
    host: Option<&'a str>,
    period: Period,
    requests: Vec<RequestRow<'a>>,
    percentile_headings: Vec<String>,
    response_times: Vec<PercentileRow<'a>>,
    failures: Vec<FailureRow<'a>>,
    exceptions: Vec<ExceptionsRow<'a>>,
    classes: Vec<ClassRow<'a>>,
    thresholds: Vec<ThresholdRow<'a>>,
    thresholds_total: usize,
    thresholds_failed: usize,
    version: &'static str,
}

/// The "During" line: when the statistics start and the last request finished, as Locust's
/// report has it.
#[derive(Debug, Serialize)]
struct Period {
    /// ISO 8601 UTC, for the `<time>` element.
    start_iso: String,
    /// `2026-11-23 12:16:20 UTC`.
    start: String,
    end_iso: String,
    end: String,
    /// `1 minute and 5 seconds`.
    duration: String,
}

impl<'a> ReportContext<'a> {
    pub(super) fn new(view: &'a RunView, meta: &'a RunMeta) -> Self {
        let entries = view.entries();
        let total = view.total();
        let rows = entries
            .iter()
            .map(|row| (row, false))
            .chain([(&total, true)]);
        Self {
            locustfile: &meta.locustfile,
            host: meta.host.as_deref(),
            period: Period::new(run_span(view)),
            requests: rows
                .clone()
                .map(|(row, is_total)| RequestRow::new(row, is_total))
                .collect(),
            percentile_headings: percentile_headings(),
            response_times: rows
                .map(|(row, is_total)| PercentileRow::new(row, is_total))
                .collect(),
            failures: view.errors().iter().map(FailureRow::from).collect(),
            exceptions: view.exceptions().iter().map(ExceptionsRow::from).collect(),
            classes: class_rows(view, &meta.class_names),
            thresholds: meta.thresholds.iter().map(ThresholdRow::from).collect(),
            thresholds_total: meta.thresholds.len(),
            thresholds_failed: meta.thresholds.iter().filter(|v| !v.passed).count(),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// `(start, end)` of the run in Unix seconds, as Locust's report takes them: the statistics'
/// start time and the last request's time (the start when nothing was requested).
pub(super) fn run_span(view: &RunView) -> (f64, f64) {
    let total = view.total().stats();
    let start = total.start_time().unwrap_or(view.now());
    let end = total.last_request_timestamp().unwrap_or(start);
    (start, end)
}

impl Period {
    fn new((start, end): (f64, f64)) -> Self {
        let (start_iso, end_iso) = (utc_iso(start), utc_iso(end));
        Self {
            start: readable(&start_iso),
            end: readable(&end_iso),
            duration: format_duration(start, end),
            start_iso,
            end_iso,
        }
    }
}

/// `2026-11-23T12:16:20Z` → `2026-11-23 12:16:20 UTC`.
fn readable(iso: &str) -> String {
    let text = iso.replacen('T', " ", 1);
    match text.strip_suffix('Z') {
        Some(text) => format!("{text} UTC"),
        None => text,
    }
}
