//! Unix times as Locust writes them in download names, and time spans as its forms show them,
//! without a date crate. (The CSV files' timestamps are the report crate's.)

use std::time::Duration;

/// Locust's `format_safe_timestamp` (`2026-11-23-12h16`), in UTC: Locust uses the local time
/// zone, which would need a time-zone database for a file name.
pub(crate) fn safe_timestamp(unix_secs: f64) -> String {
    let (year, month, day, hour, minute, _) = civil(unix_secs);
    format!("{year:04}-{month:02}-{day:02}-{hour:02}h{minute:02}")
}

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

/// UTC calendar date and time of a Unix time (proleptic Gregorian calendar).
fn civil(unix_secs: f64) -> (i64, u32, u32, u32, u32, u32) {
    let secs = unix_secs.floor() as i64;
    let (days, of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let of_day = of_day as u32;
    (
        year,
        month,
        day,
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60,
    )
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // March = 0
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_locust() {
        // From the reference's captured run: history timestamp 1795436183 is 12:16:23 UTC.
        assert_eq!(safe_timestamp(1_795_436_183.9), "2026-11-23-12h16");
        assert_eq!(safe_timestamp(0.0), "1970-01-01-00h00");
        assert_eq!(safe_timestamp(951_782_400.0), "2000-02-29-00h00");
        assert_eq!(safe_timestamp(-1.0), "1969-12-31-23h59");
    }

    #[test]
    fn spans_read_like_the_run_time_option() {
        assert_eq!(timespan(Duration::from_secs(4_805)), "1h20m5s");
        assert_eq!(timespan(Duration::from_secs(180)), "3m");
        assert_eq!(timespan(Duration::from_secs(7_200)), "2h");
        assert_eq!(timespan(Duration::from_millis(999)), "0s");
    }
}
