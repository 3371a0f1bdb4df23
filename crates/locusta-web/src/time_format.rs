//! Time spans as Locust's forms show them. (Timestamps are `locusta_report::utc_time`'s.)

use std::time::Duration;

/// A span as the start form's "Run time" field takes it: `1h20m5s`, `3m`, `45s` (whole
/// seconds; `0s` for less than one).
pub(crate) fn timespan(span: Duration) -> String {
    let secs = span.as_secs();
    let (hours, minutes, seconds) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut text = String::new();
    for (value, unit) in [(hours, 'h'), (minutes, 'm'), (seconds, 's')] {
        if value > 0 {
            text.push_str(&format!("{value}{unit}"));
        }
    }
    if text.is_empty() {
        text.push_str("0s");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_like_the_run_time_option() {
        assert_eq!(timespan(Duration::from_secs(4_805)), "1h20m5s");
        assert_eq!(timespan(Duration::from_secs(180)), "3m");
        assert_eq!(timespan(Duration::from_secs(7_200)), "2h");
        assert_eq!(timespan(Duration::from_millis(999)), "0s");
    }
}
