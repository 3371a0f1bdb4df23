//! Locust's CSV files (reference §5.2) as writers over the run view: `_stats.csv`,
//! `_failures.csv` and `_exceptions.csv`, with Locust's headers, `\r\n` line endings and
//! Python's quoting and number formatting.
//!
//! These writers know nothing of the web; they live here until the report crate takes them
//! (the `--csv` files need the same content).

mod python;

use std::io::{self, Write};

use locusta_stats::{EntryRow, PERCENTILES_TO_REPORT, RunView};

use crate::time_format::utc_iso;

/// Columns of `_stats.csv` before the percentile columns.
const STATS_COLUMNS: [&str; 11] = [
    "Type",
    "Name",
    "Request Count",
    "Failure Count",
    "Median Response Time",
    "Average Response Time",
    "Min Response Time",
    "Max Response Time",
    "Average Content Size",
    "Requests/s",
    "Failures/s",
];

/// Columns of `_failures.csv`.
const FAILURES_COLUMNS: [&str; 6] = [
    "Method",
    "Name",
    "Error",
    "Occurrences",
    "First Seen",
    "Last Seen",
];

/// Columns of `_exceptions.csv`.
const EXCEPTIONS_COLUMNS: [&str; 4] = ["Count", "Message", "Traceback", "Nodes"];

/// Writes `_stats.csv`: one row per entry sorted by (name, method), then the Aggregated row
/// with an empty Type.
///
/// As in Locust: averages, min, max and rates are unrounded floats; min, max and the average
/// size are `0` without samples; the percentile columns are `N/A` for a row without requests.
/// Median and percentiles are whole milliseconds (rounded HDR values, see
/// `EntryRow::percentile_ms`, where Locust writes its 2-digit bucket values). `Requests/s` and
/// `Failures/s` are rates over the whole run.
pub fn write_stats_csv(view: &RunView, out: &mut impl Write) -> io::Result<()> {
    let mut writer = csv_writer(out);
    let percentile_labels = PERCENTILES_TO_REPORT
        .iter()
        .map(|&p| python::percentile_label(p));
    let header: Vec<String> = STATS_COLUMNS
        .iter()
        .map(|&column| column.to_owned())
        .chain(percentile_labels)
        .collect();
    writer.write_record(&header)?;
    for row in view.rows_with_total() {
        writer.write_record(stats_record(&row))?;
    }
    writer.flush()
}

/// Writes `_failures.csv`: one row per (method, name, error), with the error text as
/// recorded and first/last occurrence as UTC `YYYY-MM-DDTHH:MM:SSZ`.
///
/// Rows are in the run view's stable order (method, name, error); Locust's order is that of a
/// hash.
pub fn write_failures_csv(view: &RunView, out: &mut impl Write) -> io::Result<()> {
    let mut writer = csv_writer(out);
    writer.write_record(FAILURES_COLUMNS)?;
    for error in view.errors() {
        writer.write_record([
            error.method(),
            error.name(),
            error.error(),
            &error.occurrences().to_string(),
            &utc_iso(error.first_seen()),
            &utc_iso(error.last_seen()),
        ])?;
    }
    writer.flush()
}

/// Writes `_exceptions.csv`: count, message, traceback (quoted when multi-line) and the nodes
/// it happened on joined by `", "` (`local` when not distributed).
pub fn write_exceptions_csv(view: &RunView, out: &mut impl Write) -> io::Result<()> {
    let mut writer = csv_writer(out);
    writer.write_record(EXCEPTIONS_COLUMNS)?;
    for exception in view.exceptions() {
        let nodes: Vec<&str> = exception.nodes().collect();
        writer.write_record([
            &exception.count().to_string(),
            exception.msg(),
            exception.traceback(),
            &nodes.join(", "),
        ])?;
    }
    writer.flush()
}

/// Python's `csv.writer` defaults: `,`, quotes only where needed, `\r\n` after each row.
fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

fn stats_record(row: &EntryRow<'_>) -> Vec<String> {
    let timed = row.has_timed_samples();
    let mut record = vec![
        row.method().to_owned(),
        row.name().to_owned(),
        row.num_requests().to_string(),
        row.num_failures().to_string(),
        whole_ms(row.median_response_time_ms()).to_string(),
        python::float(row.avg_response_time_ms()),
        // Locust writes `min_response_time or 0` and a max that starts at the integer 0.
        zero_or_float(timed, row.min_response_time_ms()),
        zero_or_float(timed, row.max_response_time_ms()),
        zero_or_float(row.num_requests() > 0, row.avg_content_length()),
        python::float(row.total_rps()),
        python::float(row.total_fail_per_sec()),
    ];
    for &p in &PERCENTILES_TO_REPORT {
        record.push(if row.num_requests() == 0 {
            "N/A".to_owned()
        } else {
            whole_ms(row.percentile_ms(p)).to_string()
        });
    }
    record
}

/// `0` (Python's integer zero) when there is no value, else the float as Python writes it.
fn zero_or_float(present: bool, value: f64) -> String {
    if present && value != 0.0 {
        python::float(value)
    } else {
        "0".to_owned()
    }
}

fn whole_ms(ms: f64) -> u64 {
    ms.round() as u64
}
