//! `_exceptions.csv`: errors raised by user code, grouped by traceback.

use std::io::{self, Write};

use locusta_stats::RunView;

use super::dialect::python_csv_writer;

/// Columns of `_exceptions.csv`.
const COLUMNS: [&str; 4] = ["Count", "Message", "Traceback", "Nodes"];

/// Writes `_exceptions.csv` (also `/exceptions/csv`): count, message, traceback (quoted, as it
/// spans lines) and the nodes it happened on joined by `", "` (`local` when not distributed),
/// most frequent first.
pub fn write_exceptions_csv(view: &RunView, out: &mut impl Write) -> io::Result<()> {
    let mut writer = python_csv_writer(out);
    writer.write_record(COLUMNS)?;
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
