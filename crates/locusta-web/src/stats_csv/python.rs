//! Numbers written the way Python's `csv` module writes them (`str()` of the value).

/// Python's `repr` of a float: the shortest text that reads back as the same value, always
/// with a fraction or an exponent (`11.0`, `7.364385944950388`, `1e-05`, `1e+16`).
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
        None => match value {
            v if v.is_nan() => "nan".to_owned(),
            v if v.is_infinite() => if v > 0.0 { "inf" } else { "-inf" }.to_owned(),
            _ => text,
        },
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
