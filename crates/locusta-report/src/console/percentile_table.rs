//! The "Response time percentiles (approximated)" table.

use std::io::{self, Write};

use locusta_stats::{EntryRow, PERCENTILES_TO_REPORT, RunView};

use super::layout::{TYPE_WIDTH, dashes};

/// Writes Locust's percentile table (`print_percentile_stats`) for a name column of
/// `name_width`, followed by an empty line. Only rows with timed samples are listed.
///
/// Row format, as Locust's `"%-8s %-80s %8d" + " %6d" * 11` (ten more percentiles, then
/// `# reqs`). Locust prints its bucket values (2 significant digits); we print the HDR value in
/// milliseconds (within 1 % of the exact percentile, see `EntryRow::percentile_ms`) rounded to
/// the nearest whole millisecond, so e.g. a 201.7 ms median shows as 202 where Locust shows 200.
pub fn write_percentile_table(
    view: &RunView,
    out: &mut impl Write,
    name_width: usize,
) -> io::Result<()> {
    writeln!(out, "Response time percentiles (approximated)")?;
    let labels: Vec<String> = PERCENTILES_TO_REPORT
        .iter()
        .map(|&p| percentile_label(p))
        .collect();
    write!(
        out,
        "{:<TYPE_WIDTH$} {:<name_width$} {:>8}",
        "Type", "Name", labels[0]
    )?;
    for label in labels[1..].iter().map(String::as_str).chain(["# reqs"]) {
        write!(out, " {label:>6}")?;
    }
    writeln!(out)?;

    // One 6-wide column per percentile after the first, plus `# reqs`.
    let separator = format!(
        "{}|{}|{}|{}",
        dashes(TYPE_WIDTH),
        dashes(name_width),
        dashes(8),
        vec![dashes(6); PERCENTILES_TO_REPORT.len()].join("|")
    );
    writeln!(out, "{separator}")?;
    for row in view.entries().iter().filter(|row| row.has_timed_samples()) {
        write_row(out, row, name_width)?;
    }
    writeln!(out, "{separator}")?;
    let total = view.total();
    if total.has_timed_samples() {
        write_row(out, &total, name_width)?;
    }
    writeln!(out)
}

fn write_row(out: &mut impl Write, row: &EntryRow<'_>, name_width: usize) -> io::Result<()> {
    let (first, rest) = PERCENTILES_TO_REPORT
        .split_first()
        .expect("the percentile list is not empty");
    write!(
        out,
        "{:<TYPE_WIDTH$} {:<name_width$} {:>8}",
        row.method(),
        row.name(),
        whole_ms(row, *first)
    )?;
    for &p in rest {
        write!(out, " {:>6}", whole_ms(row, p))?;
    }
    writeln!(out, " {:>6}", row.num_requests())
}

fn whole_ms(row: &EntryRow<'_>, p: f64) -> i64 {
    row.percentile_ms(p).round() as i64
}

/// Locust's `get_readable_percentiles`: `0.5` → `50%`, `0.999` → `99.9%`; a fraction is
/// rounded to 6 decimals and printed the way Python prints a float.
pub(crate) fn percentile_label(p: f64) -> String {
    let percent = p * 100.0;
    if percent.fract() == 0.0 {
        return format!("{}%", percent as i64);
    }
    let rounded = (percent * 1e6).round() / 1e6;
    // Python's `str(58.0)` keeps the `.0` that Rust's `{}` drops.
    if rounded.fract() == 0.0 {
        format!("{rounded:.1}%")
    } else {
        format!("{rounded}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_locust() {
        let labels: Vec<_> = PERCENTILES_TO_REPORT
            .iter()
            .map(|&p| percentile_label(p))
            .collect();
        assert_eq!(
            labels,
            [
                "50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%"
            ]
        );
        assert_eq!(percentile_label(0.58), "58.0%");
    }
}
