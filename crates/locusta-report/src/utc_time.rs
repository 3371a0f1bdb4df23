//! Unix times as Locust writes them in its files and download names, in UTC, without a date
//! crate. One calendar for the CSV, JSON and HTML writers and the web crate's download names.

/// Locust's `format_utc_timestamp`: `2026-11-23T12:16:23Z` (UTC, seconds truncated).
pub fn utc_iso(unix_secs: f64) -> String {
    let (year, month, day, of_day) = civil(unix_secs);
    let (hour, minute, second) = (of_day / 3600, of_day / 60 % 60, of_day % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// Locust's `format_safe_timestamp` (`2026-11-23-12h16`), for file names, in UTC: Locust uses
/// the local time zone, which would need a time-zone database.
pub fn safe_timestamp(unix_secs: f64) -> String {
    let (year, month, day, of_day) = civil(unix_secs);
    let (hour, minute) = (of_day / 3600, of_day / 60 % 60);
    format!("{year:04}-{month:02}-{day:02}-{hour:02}h{minute:02}")
}

/// UTC date of a Unix time (seconds truncated) and the seconds into that day.
fn civil(unix_secs: f64) -> (i64, u32, u32, i64) {
    let secs = unix_secs.floor() as i64;
    let (days, of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    (year, month, day, of_day)
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day) in the
/// proleptic Gregorian calendar.
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
        assert_eq!(utc_iso(1_795_436_183.9), "2026-11-23T12:16:23Z");
        assert_eq!(utc_iso(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_iso(951_782_400.0), "2000-02-29T00:00:00Z");
        assert_eq!(utc_iso(-1.0), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn safe_timestamps_like_locusts_file_names() {
        assert_eq!(safe_timestamp(1_795_436_183.9), "2026-11-23-12h16");
        assert_eq!(safe_timestamp(0.0), "1970-01-01-00h00");
        assert_eq!(safe_timestamp(951_782_400.0), "2000-02-29-00h00");
        assert_eq!(safe_timestamp(-1.0), "1969-12-31-23h59");
    }
}
