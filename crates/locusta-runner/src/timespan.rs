use std::time::Duration;

/// Locust's message for a malformed time span.
pub const TIMESPAN_HELP: &str =
    "Invalid time span format. Valid formats: 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.";

/// A malformed time span.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{TIMESPAN_HELP} (got {0:?})")]
pub struct TimespanError(pub String);

/// Parses Locust's time spans: plain seconds (`20`) or `XhYmZs` with any of the parts in that
/// order (`20s`, `3m`, `1h20m`, `3h30m10s`).
pub fn parse_timespan(text: &str) -> Result<Duration, TimespanError> {
    let trimmed = text.trim();
    let error = || TimespanError(text.to_string());
    if trimmed.is_empty() {
        return Err(error());
    }
    if trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return trimmed
            .parse()
            .map(Duration::from_secs)
            .map_err(|_| error());
    }
    let mut seconds: u64 = 0;
    let mut rest = trimmed;
    let mut units = ['h', 'm', 's'].into_iter();
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(error());
        }
        let value: u64 = rest[..digits].parse().map_err(|_| error())?;
        let unit = rest[digits..].chars().next().ok_or_else(error)?;
        // Units must appear in h, m, s order, each at most once.
        let factor = loop {
            match units.next() {
                Some(expected) if expected == unit => break unit_seconds(unit),
                Some(_) => continue,
                None => return Err(error()),
            }
        };
        seconds = value
            .checked_mul(factor)
            .and_then(|v| v.checked_add(seconds))
            .ok_or_else(error)?;
        rest = &rest[digits + unit.len_utf8()..];
    }
    Ok(Duration::from_secs(seconds))
}

fn unit_seconds(unit: char) -> u64 {
    match unit {
        'h' => 3600,
        'm' => 60,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_locusts_formats() {
        for (text, seconds) in [
            ("20", 20),
            ("20s", 20),
            ("3m", 180),
            ("2h", 7200),
            ("1h20m", 4800),
            ("3h30m10s", 12610),
            ("1h5s", 3605),
        ] {
            assert_eq!(
                parse_timespan(text),
                Ok(Duration::from_secs(seconds)),
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_malformed_spans() {
        for text in ["", "abc", "5x", "1m2h", "m", "1.5m", "10s5", "-3", "1h1h"] {
            assert!(parse_timespan(text).is_err(), "{text} should be rejected");
        }
    }
}
