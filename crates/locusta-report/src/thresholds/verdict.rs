//! The outcome of one rule, as every report prints it.

use std::fmt;

/// One `--threshold` rule checked against a run's statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The rule as the user wrote it, e.g. `p95<500ms for GET /checkout`.
    pub rule: String,
    /// The measured value in the rule's unit (ms, %, requests/s); `None` when the statistic
    /// does not exist (for example no requests matched the rule's entry).
    pub actual: Option<f64>,
    /// The limit in the same unit.
    pub limit: f64,
    /// The unit both numbers are in, as printed: `ms`, `%` or `req/s`, and `""` for the counts
    /// `requests` and `failures`.
    pub unit: &'static str,
    /// Whether the rule held.
    pub passed: bool,
}

/// What the console and logs show for a missing [`Verdict::actual`].
pub const NO_DATA: &str = "no data";

impl Verdict {
    /// `PASS` or `FAIL`.
    pub fn status(&self) -> &'static str {
        if self.passed { "PASS" } else { "FAIL" }
    }

    /// The measured value with its unit, e.g. `201.727 ms`, `0.5%`, `198.42 req/s`, `12`, or
    /// [`NO_DATA`].
    pub fn actual_text(&self) -> String {
        self.actual
            .map_or_else(|| NO_DATA.to_owned(), |value| self.with_unit(value))
    }

    /// The limit with its unit, e.g. `500 ms`.
    pub fn limit_text(&self) -> String {
        self.with_unit(self.limit)
    }

    /// `value` in this verdict's unit, with no more decimals than the unit has meaning for
    /// (microseconds for ms, hundredths for rates, none for counts) and no trailing zeros.
    fn with_unit(&self, value: f64) -> String {
        let decimals = match self.unit {
            "ms" | "%" => 3,
            "" => 0,
            _ => 2,
        };
        let number = format!("{value:.decimals$}");
        let number = if number.contains('.') {
            number.trim_end_matches('0').trim_end_matches('.')
        } else {
            &number
        };
        match self.unit {
            "" => number.to_owned(),
            "%" => format!("{number}%"),
            unit => format!("{number} {unit}"),
        }
    }
}

impl fmt::Display for Verdict {
    /// One line for logs: `p95<500ms: FAIL (812.4 ms, limit 500 ms)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} ({}, limit {})",
            self.rule,
            self.status(),
            self.actual_text(),
            self.limit_text()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(actual: Option<f64>, limit: f64, unit: &'static str) -> Verdict {
        Verdict {
            rule: "rule".into(),
            actual,
            limit,
            unit,
            passed: false,
        }
    }

    #[test]
    fn values_print_with_their_unit_and_no_trailing_zeros() {
        let text = |value, unit| verdict(Some(value), 0.0, unit).actual_text();
        assert_eq!(text(201.727, "ms"), "201.727 ms");
        assert_eq!(text(500.0, "ms"), "500 ms");
        assert_eq!(text(0.5, "ms"), "0.5 ms");
        assert_eq!(text(28.571_428_571, "%"), "28.571%");
        assert_eq!(text(0.0, "%"), "0%");
        assert_eq!(text(1.4, "req/s"), "1.4 req/s");
        assert_eq!(text(198.456, "req/s"), "198.46 req/s");
        assert_eq!(text(12.0, ""), "12");
        assert_eq!(text(120.0, ""), "120", "zeros of a whole number stay");
    }

    #[test]
    fn display_is_one_line_with_both_numbers() {
        let mut failed = verdict(Some(812.4), 500.0, "ms");
        failed.rule = "p95<500ms".into();
        assert_eq!(
            failed.to_string(),
            "p95<500ms: FAIL (812.4 ms, limit 500 ms)"
        );
        let no_data = verdict(None, 1.0, "%");
        assert_eq!(no_data.to_string(), "rule: FAIL (no data, limit 1%)");
    }
}
