//! Our own report of a whole run, as one JSON document (`docs/reports.md`, schema in
//! `docs/schemas/run-report.schema.json`).

use std::io::{self, Write};

use locusta_stats::RunView;
use serde::{Deserialize, Serialize};

use super::run_entry::EntryReport;
use super::run_tables::{
    ClassUsers, ExceptionReport, FailureReport, HistoryReport, ThresholdReport,
};
use crate::RunMeta;
use crate::utc_time::utc_iso;

/// The version of the report's format. It changes only when a field is removed, renamed or
/// changes meaning; new fields may appear without a change, so readers should ignore fields
/// they do not know.
pub const RUN_REPORT_SCHEMA_VERSION: u32 = 1;

/// The whole run report. Field names are stable (see [`RUN_REPORT_SCHEMA_VERSION`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// [`RUN_REPORT_SCHEMA_VERSION`] of the writer.
    pub schema_version: u32,
    /// Where, what and when.
    pub run: RunInfo,
    /// One row per entry, sorted by (name, method).
    pub entries: Vec<EntryReport>,
    /// The Aggregated total over every entry.
    pub aggregated: EntryReport,
    /// Request failures, sorted by (method, name, error).
    pub failures: Vec<FailureReport>,
    /// Errors raised by user code, most frequent first.
    pub exceptions: Vec<ExceptionReport>,
    /// The charts' history, oldest first (bounded: see `locusta_stats::HISTORY_CAPACITY`).
    pub history: Vec<HistoryReport>,
    /// Users per class when the view was taken, in the classes' order.
    pub users_by_class: Vec<ClassUsers>,
    /// Every `--threshold` rule with its outcome, in command-line order.
    pub thresholds: Vec<ThresholdReport>,
}

/// The run's setting and time span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The target host, if one was given.
    pub host: Option<String>,
    /// The locustfile (or program) that defined the users.
    pub locustfile: String,
    /// The run state when the view was taken (`stopped` at the end of a run).
    pub state: String,
    /// Unix time (seconds) the statistics start from: the test's start or the last reset.
    pub start_time: f64,
    /// [`RunInfo::start_time`] as ISO 8601 UTC, whole seconds (`2026-11-23T12:16:20Z`).
    pub start_time_iso: String,
    /// Unix time (seconds) the view was taken: the end of the run for the final view.
    pub end_time: f64,
    /// [`RunInfo::end_time`] as ISO 8601 UTC, whole seconds.
    pub end_time_iso: String,
    /// `end_time - start_time`, in seconds.
    pub duration_secs: f64,
    /// Users running when the view was taken.
    pub user_count: u64,
}

impl RunReport {
    /// The report of `view` (normally the run's final view) described by `meta`.
    pub fn new(view: &RunView, meta: &RunMeta) -> Self {
        let end_time = view.now();
        let start_time = view.total().stats().start_time().unwrap_or(end_time);
        let users = view.users_by_class();
        Self {
            schema_version: RUN_REPORT_SCHEMA_VERSION,
            run: RunInfo {
                host: meta.host.clone(),
                locustfile: meta.locustfile.clone(),
                state: view.state().to_string(),
                start_time,
                start_time_iso: utc_iso(start_time),
                end_time,
                end_time_iso: utc_iso(end_time),
                duration_secs: (end_time - start_time).max(0.0),
                user_count: view.user_count(),
            },
            entries: view.entries().iter().map(EntryReport::new).collect(),
            aggregated: EntryReport::new(&view.total()),
            failures: view.errors().iter().map(FailureReport::new).collect(),
            exceptions: view.exceptions().iter().map(ExceptionReport::new).collect(),
            history: view.history().iter().map(HistoryReport::from).collect(),
            users_by_class: meta
                .class_names
                .iter()
                .enumerate()
                .map(|(index, name)| ClassUsers {
                    name: name.clone(),
                    users: users.get(index).copied().unwrap_or(0),
                })
                .collect(),
            thresholds: meta.thresholds.iter().map(ThresholdReport::from).collect(),
        }
    }
}

/// Writes the [`RunReport`] of `view` and `meta` as JSON indented by 2 spaces, then a newline.
pub fn write_run_json(view: &RunView, meta: &RunMeta, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &RunReport::new(view, meta))?;
    out.write_all(b"\n")
}
