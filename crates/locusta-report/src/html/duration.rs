//! A run's length in words, as Locust's report writes it (`locust.util.date.format_duration`,
//! taken from python-humanfriendly): `6.42 seconds`, `1 minute and 5 seconds`,
//! `2 hours, 1 minute and 3.5 seconds`.

/// The units above seconds, largest first, with their length in seconds.
const UNITS: [(&str, f64); 5] = [
    ("year", 60.0 * 60.0 * 24.0 * 7.0 * 52.0),
    ("week", 60.0 * 60.0 * 24.0 * 7.0),
    ("day", 60.0 * 60.0 * 24.0),
    ("hour", 60.0 * 60.0),
    ("minute", 60.0),
];

/// The time from `start` to `end` (Unix seconds) in Locust's words. Under a minute it is the
/// seconds with up to two decimals; otherwise the non-zero units from years down to seconds
/// (seconds keep two decimals), of which the first three are joined with `, ` and ` and `.
/// A negative span (clocks disagreeing) reads as `0 seconds` instead of Locust's negative one.
pub(super) fn format_duration(start: f64, end: f64) -> String {
    let mut remaining = (end - start).max(0.0);
    if remaining < 60.0 {
        return pluralize(&round_number(remaining), "second");
    }
    let mut parts = Vec::new();
    for (unit, length) in UNITS {
        let count = (remaining / length).floor();
        remaining -= count * length;
        if count > 0.0 {
            parts.push(pluralize(&format!("{count}"), unit));
        }
    }
    let seconds = round_number(remaining);
    if seconds != "0" {
        parts.push(pluralize(&seconds, "second"));
    }
    parts.truncate(3);
    match parts.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => pluralize("0", "second"),
    }
}

/// humanfriendly's `round_number`: two decimals, trailing zeros and a trailing point removed.
fn round_number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `1 minute`, `2 minutes`, `1.5 seconds`: singular only for exactly one.
fn pluralize(count: &str, unit: &str) -> String {
    let plural = if count == "1" { "" } else { "s" };
    format!("{count} {unit}{plural}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(seconds: f64) -> String {
        format_duration(1_000.0, 1_000.0 + seconds)
    }

    #[test]
    fn under_a_minute_is_seconds_with_two_decimals() {
        assert_eq!(span(6.0), "6 seconds");
        assert_eq!(span(1.0), "1 second");
        assert_eq!(span(0.0), "0 seconds");
        assert_eq!(span(6.4249), "6.42 seconds");
        assert_eq!(span(59.5), "59.5 seconds");
        assert_eq!(span(-3.0), "0 seconds");
    }

    #[test]
    fn longer_spans_name_their_units() {
        assert_eq!(span(65.0), "1 minute and 5 seconds");
        assert_eq!(span(60.0), "1 minute");
        assert_eq!(span(120.25), "2 minutes and 0.25 seconds");
        assert_eq!(
            span(3_600.0 + 60.0 + 3.5),
            "1 hour, 1 minute and 3.5 seconds"
        );
        assert_eq!(span(2.0 * 3_600.0), "2 hours");
        assert_eq!(
            span(86_400.0 + 7_200.0 + 5.0),
            "1 day, 2 hours and 5 seconds"
        );
    }

    #[test]
    fn only_the_three_largest_units_are_kept() {
        assert_eq!(
            span(86_400.0 + 3_600.0 + 60.0 + 1.0),
            "1 day, 1 hour and 1 minute"
        );
    }
}
