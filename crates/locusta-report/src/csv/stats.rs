//! `_stats.csv`: one row per entry, then Aggregated.

use std::io::{self, Write};

use locusta_stats::{EntryRow, RunView};

use super::columns::{percentile_columns, percentile_fields, summary_fields};
use super::dialect::python_csv_writer;
use super::python;

/// Columns of `_stats.csv` before the percentile columns.
const LEADING_COLUMNS: [&str; 11] = [
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

/// Writes `_stats.csv` (also the web UI's `/stats/requests/csv`): one row per entry sorted by
/// (name, method), then the Aggregated row with an empty Type.
///
/// As in Locust: averages, min, max and rates are unrounded floats; min, max and the average
/// size are `0` without samples; the percentile columns are `N/A` for a row without requests.
/// Median and percentiles are whole milliseconds (rounded HDR values, see
/// `EntryRow::percentile_ms`, where Locust writes its 2-digit bucket values). `Requests/s` and
/// `Failures/s` are rates over the whole run.
pub fn write_stats_csv(view: &RunView, out: &mut impl Write) -> io::Result<()> {
    let mut writer = python_csv_writer(out);
    let header: Vec<String> = LEADING_COLUMNS
        .iter()
        .map(|&column| column.to_owned())
        .chain(percentile_columns())
        .collect();
    writer.write_record(&header)?;
    for row in view.rows_with_total() {
        writer.write_record(record(&row))?;
    }
    writer.flush()
}

fn record(row: &EntryRow<'_>) -> Vec<String> {
    let mut record = vec![
        row.method().to_owned(),
        row.name().to_owned(),
        row.num_requests().to_string(),
        row.num_failures().to_string(),
    ];
    record.extend(summary_fields(row));
    record.push(python::float(row.total_rps()));
    record.push(python::float(row.total_fail_per_sec()));
    record.extend(percentile_fields(row, |p| row.percentile_ms(p)));
    record
}
