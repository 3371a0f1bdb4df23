//! The "Thresholds" table: each `--threshold` rule with its measured value, limit and outcome.
//!
//! Locust has no such table; it is laid out like Locust's: space-separated columns under a
//! header, with `-|-` separators whose `|` fall in the spaces between columns.

use std::io::{self, Write};

use crate::thresholds::Verdict;

use super::layout::dashes;

const RULE: &str = "Rule";
const ACTUAL: &str = "Actual";
const LIMIT: &str = "Limit";
const RESULT: &str = "Result";

/// Writes the verdicts in order, then `N of M thresholds passed` and an empty line; writes
/// nothing when there are no rules, as the error report does without failures.
///
/// Columns are as wide as their longest cell (rules are never cut); values are right-aligned
/// with their unit (see [`Verdict::actual_text`]), and a rule with nothing to measure shows
/// `no data` and `FAIL`.
pub fn write_thresholds(verdicts: &[Verdict], out: &mut impl Write) -> io::Result<()> {
    if verdicts.is_empty() {
        return Ok(());
    }
    let cells: Vec<[String; 4]> = verdicts
        .iter()
        .map(|v| {
            [
                v.rule.clone(),
                v.actual_text(),
                v.limit_text(),
                v.status().to_owned(),
            ]
        })
        .collect();
    let width = |column: usize, header: &str| {
        cells
            .iter()
            .map(|row| row[column].chars().count())
            .chain([header.len()])
            .max()
            .unwrap_or_default()
    };
    let [rule_w, actual_w, limit_w, result_w] = [
        width(0, RULE),
        width(1, ACTUAL),
        width(2, LIMIT),
        width(3, RESULT),
    ];

    writeln!(out, "Thresholds")?;
    writeln!(
        out,
        "{RULE:<rule_w$} {ACTUAL:>actual_w$} {LIMIT:>limit_w$} {RESULT}"
    )?;
    let separator = [rule_w, actual_w, limit_w, result_w].map(dashes).join("|");
    writeln!(out, "{separator}")?;
    for [rule, actual, limit, result] in &cells {
        writeln!(
            out,
            "{rule:<rule_w$} {actual:>actual_w$} {limit:>limit_w$} {result}"
        )?;
    }
    writeln!(out, "{separator}")?;
    let passed = verdicts.iter().filter(|v| v.passed).count();
    let noun = if verdicts.len() == 1 {
        "threshold"
    } else {
        "thresholds"
    };
    writeln!(out, "{passed} of {} {noun} passed", verdicts.len())?;
    writeln!(out)
}
