//! Numbers as the web UI shows them (`Intl.NumberFormat("en-US")`), so the report reads like
//! the UI: thousands grouped with commas, at most two decimals, no trailing zeros.

/// A count: `1,234`.
pub(super) fn count(value: u64) -> String {
    group_thousands(&value.to_string())
}

/// A value rounded to a whole number: `1,235` for 1234.5 (ties away from zero, like the UI's
/// `Math.round` for positive values). Response times in ms are shown this way.
pub(super) fn whole(value: f64) -> String {
    decimals(value, 0)
}

/// A value with at most two decimals: `7.64`, `11`, `1,234.5`.
pub(super) fn two_decimals(value: f64) -> String {
    decimals(value, 2)
}

fn decimals(value: f64, places: usize) -> String {
    if !value.is_finite() {
        return "–".to_owned();
    }
    // `{:.N}` rounds half to even on the exact binary value; scaling first rounds ties away
    // from zero as the UI does. Values here are far below 2^53, so the scaling is exact enough.
    let scale = 10f64.powi(places as i32);
    let rounded = (value * scale).round() / scale;
    let text = format!("{:.places$}", rounded.abs());
    let (integer, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    let sign = if rounded < 0.0 { "-" } else { "" };
    let integer = group_thousands(integer);
    if fraction.is_empty() {
        format!("{sign}{integer}")
    } else {
        format!("{sign}{integer}.{fraction}")
    }
}

/// `1234567` → `1,234,567` (digits only).
fn group_thousands(digits: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn whole_numbers_round_half_away_from_zero() {
        assert_eq!(whole(0.0), "0");
        assert_eq!(whole(2.5), "3");
        assert_eq!(whole(201.4), "201");
        assert_eq!(whole(12_345.6), "12,346");
    }

    #[test]
    fn decimals_drop_trailing_zeros() {
        assert_eq!(two_decimals(7.64), "7.64");
        assert_eq!(two_decimals(11.0), "11");
        assert_eq!(two_decimals(0.5), "0.5");
        assert_eq!(two_decimals(1_234.5), "1,234.5");
        assert_eq!(two_decimals(1.0 / 3.0), "0.33");
        assert_eq!(two_decimals(-2.0), "-2");
        assert_eq!(two_decimals(f64::NAN), "–");
    }
}
