//! The main stats table: one row per entry, then the Aggregated row.

use std::io::{self, Write};

use locusta_stats::{EntryRow, RunView};

use super::layout::{TYPE_WIDTH, dashes, python_widths};

/// Which rates the `req/s` and `failures/s` columns show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rates {
    /// Locust's `current_rps` window (the periodic tables while a test runs).
    Current,
    /// Rates over the whole run (the final table).
    Total,
}

/// Writes Locust's stats table (`print_stats`) for a name budget of `name_width` (see
/// [`super::stats_name_width`]), followed by an empty line.
///
/// Row format, as Locust's `"%-8s %-76s %7d %12s |%7d %7d %7d%7d | %7.2f %11.2f"` at width 80:
/// Avg/Min/Max/Med are truncated to whole milliseconds (Python's `%d` of a float), `# fails` is
/// `"%d(%.2f%%)"`. Long names are not cut, as in Locust.
pub fn write_stats_table(
    view: &RunView,
    out: &mut impl Write,
    name_width: usize,
    rates: Rates,
) -> io::Result<()> {
    // Locust gives the name column 4 of the characters the narrower numeric columns save.
    let (name_pad, name_dashes) = python_widths(name_width as isize - TYPE_WIDTH as isize + 4);
    writeln!(
        out,
        "{:<TYPE_WIDTH$} {:<name_pad$} {:>7} {:>12} |{:>7} {:>7} {:>7}{:>7} | {:>7} {:>11}",
        "Type", "Name", "# reqs", "# fails", "Avg", "Min", "Max", "Med", "req/s", "failures/s"
    )?;
    let separator = [TYPE_WIDTH, name_dashes, 7, 13, 7, 7, 7, 7, 8, 11]
        .map(dashes)
        .join("|");
    writeln!(out, "{separator}")?;
    for row in view.entries() {
        write_row(out, &row, name_pad, rates)?;
    }
    writeln!(out, "{separator}")?;
    write_row(out, &view.total(), name_pad, rates)?;
    writeln!(out)
}

fn write_row(
    out: &mut impl Write,
    row: &EntryRow<'_>,
    name_pad: usize,
    rates: Rates,
) -> io::Result<()> {
    // Locust prints the type as `method + " "` (and nothing for Aggregated), so a method of 8 or
    // more characters pushes the name one column further than in the percentile table.
    let method = if row.method().is_empty() {
        String::new()
    } else {
        format!("{} ", row.method())
    };
    let fails = format!("{}({:.2}%)", row.num_failures(), row.fail_ratio() * 100.0);
    let (rps, fail_per_sec) = match rates {
        Rates::Current => (row.current_rps(), row.current_fail_per_sec()),
        Rates::Total => (row.total_rps(), row.total_fail_per_sec()),
    };
    writeln!(
        out,
        "{:<TYPE_WIDTH$} {:<name_pad$} {:>7} {:>12} |{:>7} {:>7} {:>7}{:>7} | {:>7.2} {:>11.2}",
        method,
        row.name(),
        row.num_requests(),
        fails,
        truncate_ms(row.avg_response_time_ms()),
        truncate_ms(row.min_response_time_ms()),
        truncate_ms(row.max_response_time_ms()),
        truncate_ms(row.median_response_time_ms()),
        rps,
        fail_per_sec,
    )
}

/// Python's `%d` of a float: truncation toward zero.
fn truncate_ms(ms: f64) -> i64 {
    ms.trunc() as i64
}
