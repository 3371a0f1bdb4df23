//! Numbers written the way Python's `csv` module and Locust's format strings write them.

/// Python's `repr` of a float (what `csv.writer` writes for a float): the shortest text that
/// reads back as the same value, always with a fraction or an exponent (`11.0`,
/// `7.364385944950388`, `1e-05`, `1e+16`).
///
/// Rust's `Debug` for `f64` already picks the same digits and the same switch to exponent
/// notation (below 1e-4 and from 1e16); only the exponent is written differently (`1e-5` vs
/// `1e-05`).
pub(crate) fn float(value: f64) -> String {
    let text = format!("{value:?}");
    match text.split_once('e') {
        Some((mantissa, exponent)) => {
            let (sign, digits) = match exponent.strip_prefix('-') {
                Some(digits) => ('-', digits),
                None => ('+', exponent),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => non_finite(value).unwrap_or(text),
    }
}

/// Python's `f"{value:2f}"`, which Locust uses for the history's rates: six decimals (the `2`
/// is a minimum width, not a precision, so `14.75` is written `14.750000`).
pub(crate) fn fixed6(value: f64) -> String {
    non_finite(value).unwrap_or_else(|| format!("{value:.6}"))
}

/// Python's spelling of NaN and the infinities, where Rust's differs.
fn non_finite(value: f64) -> Option<String> {
    match value {
        v if v.is_nan() => Some("nan".to_owned()),
        v if v.is_infinite() => Some(if v > 0.0 { "inf" } else { "-inf" }.to_owned()),
        _ => None,
    }
}

/// Locust's `get_readable_percentiles` label: `0.5` → `50%`, `0.999` → `99.9%` (a fraction is
/// rounded to 6 decimals, printed as Python prints a float without a trailing `.0`).
pub(crate) fn percentile_label(p: f64) -> String {
    let percent = p * 100.0;
    if percent.fract() == 0.0 {
        format!("{}%", percent as i64)
    } else {
        format!("{}%", (percent * 1e6).round() / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_read_like_pythons() {
        assert_eq!(float(11.0), "11.0");
        assert_eq!(float(0.0), "0.0");
        assert_eq!(float(7.364385944950388), "7.364385944950388");
        assert_eq!(float(201.13772700000254), "201.13772700000254");
        assert_eq!(float(0.0001), "0.0001");
        assert_eq!(float(0.00001), "1e-05");
        assert_eq!(float(1.5e-7), "1.5e-07");
        assert_eq!(float(1e16), "1e+16");
        assert_eq!(float(123456789012345680000.0), "1.2345678901234568e+20");
        assert_eq!(float(f64::INFINITY), "inf");
        assert_eq!(float(f64::NAN), "nan");
    }

    #[test]
    fn six_decimals_like_pythons_2f() {
        // Values from the reference's `_stats_history.csv` sample.
        assert_eq!(fixed6(0.0), "0.000000");
        assert_eq!(fixed6(14.75), "14.750000");
        assert_eq!(fixed6(42.75), "42.750000");
        assert_eq!(fixed6(1.0 / 3.0), "0.333333");
        assert_eq!(fixed6(2.0 / 3.0), "0.666667");
        assert_eq!(fixed6(f64::NAN), "nan");
    }

    #[test]
    fn percentile_labels_match_locust() {
        let labels: Vec<String> = [
            0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0,
        ]
        .iter()
        .map(|&p| percentile_label(p))
        .collect();
        assert_eq!(
            labels.join(","),
            "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
        );
    }
}
