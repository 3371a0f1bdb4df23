//! `_stats_history.csv`: rows appended once a second, a time series of the run.

use std::io::{self, Write};

use locusta_stats::{EntryRow, RunView};

use super::columns::{percentile_columns, percentile_fields, summary_fields};
use super::dialect::python_csv_writer;
use super::python;
use super::window::PercentileWindows;

/// Columns before the percentile columns.
const LEADING_COLUMNS: [&str; 6] = [
    "Timestamp",
    "User Count",
    "Type",
    "Name",
    "Requests/s",
    "Failures/s",
];

/// Columns after the percentile columns.
const TRAILING_COLUMNS: [&str; 7] = [
    "Total Request Count",
    "Total Failure Count",
    "Total Median Response Time",
    "Total Average Response Time",
    "Total Min Response Time",
    "Total Max Response Time",
    "Total Average Content Size",
];

/// Writes the rows of `_stats_history.csv`, one call per second. It keeps state between calls:
/// with full history, the histograms it needs for the current-window percentiles.
///
/// Each call writes, for the view's time and user count, the Aggregated row, or with full
/// history every entry sorted by (name, method) and then Aggregated. Rows are written whatever
/// the run state, idle included, as in Locust.
///
/// Columns as in Locust: the timestamp is the view's Unix time in whole seconds; `Requests/s`
/// and `Failures/s` are the current rates (Locust's `current_rps` window) with six decimals;
/// the percentiles are `N/A` for a row without requests, else whole milliseconds over the last
/// ten seconds with full history and over the whole run without it; the `Total …` columns are
/// those of `_stats.csv`. Until a row has ten seconds of history, its window is everything
/// recorded so far (Locust writes 0 for a row's first two seconds, then uses what it has).
#[derive(Debug, Default)]
pub struct StatsHistoryWriter {
    full_history: bool,
    windows: PercentileWindows,
}

impl StatsHistoryWriter {
    /// A writer of Aggregated rows only, or of every entry's rows with `full_history`
    /// (`--csv-full-history`).
    pub fn new(full_history: bool) -> Self {
        Self {
            full_history,
            windows: PercentileWindows::default(),
        }
    }

    /// Writes the header line (once, at the top of the file).
    pub fn write_header(out: &mut impl Write) -> io::Result<()> {
        let header: Vec<String> = LEADING_COLUMNS
            .iter()
            .map(|&column| column.to_owned())
            .chain(percentile_columns())
            .chain(TRAILING_COLUMNS.iter().map(|&column| column.to_owned()))
            .collect();
        let mut writer = python_csv_writer(out);
        writer.write_record(&header)?;
        writer.flush()
    }

    /// Writes the rows for `view` (see the type's documentation).
    pub fn write_rows(&mut self, view: &RunView, out: &mut impl Write) -> io::Result<()> {
        // Python's int() of a Unix time: the whole second.
        let second = view.now() as u64;
        let leading = [second.to_string(), view.user_count().to_string()];
        let mut writer = python_csv_writer(out);
        if self.full_history {
            for row in view.entries() {
                let record = self.record(&leading, &row, false, second);
                writer.write_record(record)?;
            }
        }
        let record = self.record(&leading, &view.total(), true, second);
        writer.write_record(record)?;
        if self.full_history {
            self.windows.forget_rows_not_written_at(second);
        }
        writer.flush()
    }

    fn record(
        &mut self,
        leading: &[String; 2],
        row: &EntryRow<'_>,
        is_total: bool,
        second: u64,
    ) -> Vec<String> {
        let mut record = leading.to_vec();
        record.extend([
            row.method().to_owned(),
            row.name().to_owned(),
            python::fixed6(row.current_rps()),
            python::fixed6(row.current_fail_per_sec()),
        ]);
        if self.full_history {
            let window = self.windows.window(row, is_total, second);
            record.extend(percentile_fields(row, |p| window.percentile_ms(p)));
        } else {
            record.extend(percentile_fields(row, |p| row.percentile_ms(p)));
        }
        record.push(row.num_requests().to_string());
        record.push(row.num_failures().to_string());
        record.extend(summary_fields(row));
        record
    }
}
