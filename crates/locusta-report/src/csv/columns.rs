//! Column values that `_stats.csv` and `_stats_history.csv` share, formatted as Locust writes
//! them.

use locusta_stats::{EntryRow, PERCENTILES_TO_REPORT};

use super::python;

/// The percentile column names, `50%` … `100%` (Locust's `PERCENTILES_TO_REPORT`).
pub(super) fn percentile_columns() -> impl Iterator<Item = String> {
    PERCENTILES_TO_REPORT
        .iter()
        .map(|&p| python::percentile_label(p))
}

/// The percentile columns of `row`, from `percentile_ms(p)`: whole milliseconds, or `N/A` for
/// every column when the row has no requests (Locust's `_percentile_fields`).
pub(super) fn percentile_fields(
    row: &EntryRow<'_>,
    mut percentile_ms: impl FnMut(f64) -> f64,
) -> Vec<String> {
    PERCENTILES_TO_REPORT
        .iter()
        .map(|&p| {
            if row.num_requests() == 0 {
                "N/A".to_owned()
            } else {
                whole_ms(percentile_ms(p)).to_string()
            }
        })
        .collect()
}

/// Median, average, min and max response time and average content size, as Locust writes
/// them: the median in whole milliseconds (see `EntryRow::percentile_ms`; Locust writes its
/// 2-digit bucket value, clamped into the raw min/max), the others unrounded. Without samples
/// min, max and size are Python's integer `0` (`min_response_time or 0`, a max that starts at
/// `0`, an average size of `0` without requests); the average is the float `0.0`.
pub(super) fn summary_fields(row: &EntryRow<'_>) -> [String; 5] {
    let timed = row.has_timed_samples();
    [
        whole_ms(row.median_response_time_ms()).to_string(),
        python::float(row.avg_response_time_ms()),
        // `min or 0` turns a 0.0 minimum into the integer 0 too; `max(0, 0.0)` keeps the 0.
        float_or_zero(
            timed && row.min_response_time_ms() != 0.0,
            row.min_response_time_ms(),
        ),
        float_or_zero(
            timed && row.max_response_time_ms() != 0.0,
            row.max_response_time_ms(),
        ),
        // `total_content_length / num_requests` is a float whenever there are requests.
        float_or_zero(row.num_requests() > 0, row.avg_content_length()),
    ]
}

/// The float as Python writes it when `present`, else Python's integer `0`.
fn float_or_zero(present: bool, value: f64) -> String {
    if present {
        python::float(value)
    } else {
        "0".to_owned()
    }
}

/// Milliseconds rounded to a whole number, as our tables print percentiles.
pub(super) fn whole_ms(ms: f64) -> u64 {
    ms.round() as u64
}
