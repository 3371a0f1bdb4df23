//! What a rule measures, and the unit its limit is written in.

use std::fmt;

/// A whole-run statistic of the requests a rule selects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Metric {
    /// Mean response time.
    Avg,
    /// Shortest response time.
    Min,
    /// Longest response time.
    Max,
    /// Median response time (the 50th percentile).
    Median,
    /// A response-time percentile.
    Percentile(Percentile),
    /// Failed requests as a percentage of all requests.
    ErrorRate,
    /// Requests per second over the whole run (Locust's `total_rps`).
    Rps,
    /// Number of requests.
    Requests,
    /// Number of failed requests.
    Failures,
}

/// A percentile between 0 (excluded) and 100, e.g. 99.9.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Percentile {
    /// As written, e.g. `99.9` (for printing the rule).
    percent: f64,
    /// `percent / 100`, parsed from the decimal text so that `p99.9` gives exactly the `0.999`
    /// the percentile tables use (dividing the binary 99.9 by 100 can land one ulp away, which
    /// moves the nearest rank at exact boundaries).
    quantile: f64,
}

impl Percentile {
    /// The fraction of requests, 0.0 (excluded) ..= 1.0.
    pub(crate) fn quantile(self) -> f64 {
        self.quantile
    }

    /// True for `p100`, which is the exact maximum.
    pub(crate) fn is_maximum(self) -> bool {
        self.quantile == 1.0
    }
}

/// What kind of quantity a metric is, which fixes the units its limit may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dimension {
    /// Milliseconds; written `ms` (or bare) or `s`.
    ResponseTime,
    /// Percent; the `%` sign is required.
    Percentage,
    /// Requests per second; written bare, `/s` or `req/s`.
    Rate,
    /// A whole number, written bare.
    Count,
}

impl Dimension {
    /// The unit limits and values are kept and printed in.
    pub(crate) fn unit(self) -> &'static str {
        match self {
            Self::ResponseTime => "ms",
            Self::Percentage => "%",
            Self::Rate => "req/s",
            Self::Count => "",
        }
    }

    /// A typical limit, for the examples in error messages.
    pub(crate) fn example(self) -> &'static str {
        match self {
            Self::ResponseTime => "500ms",
            Self::Percentage => "1%",
            Self::Rate => "200",
            Self::Count => "1000",
        }
    }
}

/// The metric names `Metric::from_name` accepts, for error messages.
pub(crate) const METRIC_NAMES: &str =
    "avg, min, max, med, pNN (e.g. p95, p99.9), error-rate, rps, requests or failures";

impl Metric {
    /// The metric called `name` (case-insensitive; `_` may replace `-`), or why there is none.
    pub(crate) fn from_name(name: &str) -> Result<Self, String> {
        let name = name.to_ascii_lowercase().replace('_', "-");
        let metric = match name.as_str() {
            "avg" => Self::Avg,
            "min" => Self::Min,
            "max" => Self::Max,
            "med" | "median" => Self::Median,
            // Locust calls it `fail_ratio`; k6 and most dashboards say error rate.
            "error-rate" | "fail-ratio" | "failure-rate" => Self::ErrorRate,
            "rps" => Self::Rps,
            "requests" => Self::Requests,
            "failures" => Self::Failures,
            _ => match name.strip_prefix('p') {
                Some(digits) if digits.starts_with(|c: char| c.is_ascii_digit()) => {
                    Self::Percentile(parse_percentile(digits)?)
                }
                _ => return Err(format!("unknown metric '{name}'; expected {METRIC_NAMES}")),
            },
        };
        Ok(metric)
    }

    /// What kind of quantity the metric is.
    pub(crate) fn dimension(self) -> Dimension {
        match self {
            Self::Avg | Self::Min | Self::Max | Self::Median | Self::Percentile(_) => {
                Dimension::ResponseTime
            }
            Self::ErrorRate => Dimension::Percentage,
            Self::Rps => Dimension::Rate,
            Self::Requests | Self::Failures => Dimension::Count,
        }
    }
}

fn parse_percentile(digits: &str) -> Result<Percentile, String> {
    let out_of_range = || {
        format!(
            "'p{digits}' is not a percentile; write p followed by a number above 0 and at most 100, e.g. p95 or p99.9"
        )
    };
    if !is_decimal(digits) {
        return Err(out_of_range());
    }
    let percent: f64 = digits.parse().map_err(|_| out_of_range())?;
    if !(percent > 0.0 && percent <= 100.0) {
        return Err(out_of_range());
    }
    let quantile = format!("{digits}e-2").parse().map_err(|_| out_of_range())?;
    Ok(Percentile { percent, quantile })
}

/// `digits` or `digits.digits`: the only number syntax rules accept (no sign, no exponent, no
/// bare leading or trailing dot), so that what is accepted is obviously what was meant.
pub(crate) fn is_decimal(text: &str) -> bool {
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    match text.split_once('.') {
        None => all_digits(text),
        Some((whole, fraction)) => all_digits(whole) && all_digits(fraction),
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Avg => f.write_str("avg"),
            Self::Min => f.write_str("min"),
            Self::Max => f.write_str("max"),
            Self::Median => f.write_str("med"),
            Self::Percentile(p) => write!(f, "p{}", p.percent),
            Self::ErrorRate => f.write_str("error-rate"),
            Self::Rps => f.write_str("rps"),
            Self::Requests => f.write_str("requests"),
            Self::Failures => f.write_str("failures"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn percentile(name: &str) -> Percentile {
        match Metric::from_name(name) {
            Ok(Metric::Percentile(p)) => p,
            other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn percentile_quantiles_are_the_report_constants() {
        // The same literals as `PERCENTILES_TO_REPORT`, so ranks agree with the printed tables.
        assert_eq!(percentile("p50").quantile(), 0.5);
        assert_eq!(percentile("p95").quantile(), 0.95);
        assert_eq!(percentile("p99.9").quantile(), 0.999);
        assert_eq!(percentile("p99.99").quantile(), 0.9999);
        assert_eq!(percentile("P100").quantile(), 1.0);
        assert!(percentile("p100").is_maximum());
        assert!(!percentile("p99.99").is_maximum());
    }

    #[test]
    fn percentiles_print_as_written() {
        assert_eq!(Metric::from_name("p99.9").unwrap().to_string(), "p99.9");
        assert_eq!(Metric::from_name("p95.0").unwrap().to_string(), "p95");
    }

    #[test]
    fn aliases_and_case_are_tolerated() {
        for name in ["error-rate", "ERROR_RATE", "fail_ratio", "failure-rate"] {
            assert_eq!(Metric::from_name(name), Ok(Metric::ErrorRate), "{name}");
        }
        assert_eq!(Metric::from_name("Median"), Ok(Metric::Median));
        assert_eq!(Metric::from_name("AVG"), Ok(Metric::Avg));
    }

    #[test]
    fn decimals_are_strict() {
        for good in ["0", "500", "0.5", "99.99"] {
            assert!(is_decimal(good), "{good}");
        }
        for bad in [
            "", ".", ".5", "5.", "1.2.3", "-1", "+1", "1e3", " 1", "1_000",
        ] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }
}
