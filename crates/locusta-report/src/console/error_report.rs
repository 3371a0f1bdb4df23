//! The "Error report" table.

use std::io::{self, Write};

use locusta_stats::RunView;

use super::layout::dashes;

/// Writes Locust's error report (`print_error_report`), followed by an empty line; writes
/// nothing when there are no failures, as Locust does.
///
/// Rows are `"%-18i %-100s"` with `"<METHOD> <name>: <error>"`, where a
/// `CatchResponseError('msg')` shows as its plain `msg` (see `ErrorRow::message`). Rows come
/// sorted by (method, name, error) rather than in Locust's hash order.
pub fn write_error_report(
    view: &RunView,
    out: &mut impl Write,
    name_width: usize,
) -> io::Result<()> {
    let errors = view.errors();
    if errors.is_empty() {
        return Ok(());
    }
    writeln!(out, "Error report")?;
    writeln!(out, "{:<18} {:<100}", "# occurrences", "Error")?;
    let separator = format!("{}|{}", dashes(18), dashes(80 + name_width - 19));
    writeln!(out, "{separator}")?;
    for error in &errors {
        writeln!(
            out,
            "{:<18} {:<100}",
            error.occurrences(),
            error.display_name()
        )?;
    }
    writeln!(out, "{separator}")?;
    writeln!(out)
}
