//! `_failures.csv`: one row per (method, name, error).

use std::io::{self, Write};

use locusta_stats::RunView;

use super::dialect::python_csv_writer;
use crate::utc_time::utc_iso;

/// Columns of `_failures.csv`.
const COLUMNS: [&str; 6] = [
    "Method",
    "Name",
    "Error",
    "Occurrences",
    "First Seen",
    "Last Seen",
];

/// Writes `_failures.csv` (also `/stats/failures/csv`): one row per (method, name, error), with
/// the error text as recorded and the first/last occurrence as UTC `YYYY-MM-DDTHH:MM:SSZ`.
///
/// Rows are in the run view's stable order (method, name, error). Locust's order is that of a
/// hash, effectively random from run to run; a stable order lets runs be diffed.
pub fn write_failures_csv(view: &RunView, out: &mut impl Write) -> io::Result<()> {
    let mut writer = python_csv_writer(out);
    writer.write_record(COLUMNS)?;
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
