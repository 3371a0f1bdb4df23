//! The value of a metric over the rows a rule selects.
//!
//! One row (the Aggregated row, or an entry named with its method) is read through
//! [`EntryRow`]'s own accessors, so a rule sees exactly the numbers the reports print, unrounded.
//! Several rows (`for NAME` matching more than one method) are merged as Locust merges entries:
//! counts and sums add up, min/max are taken over all, and the histograms are added before the
//! percentile is read.

use locusta_stats::EntryRow;

use super::metric::Metric;

/// The measured value of `metric` over `rows`, in the metric's unit; `None` when there is no
/// data: no request at all, or, for a response-time metric, no request with a response time.
pub(crate) fn measure(metric: Metric, rows: &[EntryRow<'_>]) -> Option<f64> {
    let requests: u64 = rows.iter().map(EntryRow::num_requests).sum();
    if requests == 0 {
        return None;
    }
    let failures: u64 = rows.iter().map(EntryRow::num_failures).sum();
    let timed: Vec<&EntryRow<'_>> = rows.iter().filter(|row| row.has_timed_samples()).collect();
    let value = match metric {
        // Scale before dividing: the product is exact, so the division is the only rounding and
        // 29 of 100 is exactly 29 (%), not the 28.999999999999996 of `0.29 * 100.0`.
        Metric::ErrorRate => failures as f64 * 100.0 / requests as f64,
        // Every row of a view measures rates over the same span, so they add up.
        Metric::Rps => rows.iter().map(EntryRow::total_rps).sum(),
        Metric::Requests => requests as f64,
        Metric::Failures => failures as f64,
        Metric::Avg => match timed.as_slice() {
            [] => return None,
            [row] => row.avg_response_time_ms(),
            rows => {
                let total_us: u64 = rows
                    .iter()
                    .map(|r| r.stats().total_response_time_us())
                    .sum();
                let count: u64 = rows.iter().map(|r| r.stats().num_timed_requests()).sum();
                // The same arithmetic as `EntryRow::avg_response_time_ms`.
                total_us as f64 / 1000.0 / count as f64
            }
        },
        Metric::Min => min_us(&timed)? as f64 / 1000.0,
        Metric::Max => max_us(&timed)? as f64 / 1000.0,
        Metric::Median => percentile_ms(&timed, 0.5)?,
        Metric::Percentile(p) => percentile_ms(&timed, p.quantile())?,
    };
    Some(value)
}

fn min_us(timed: &[&EntryRow<'_>]) -> Option<u64> {
    timed
        .iter()
        .filter_map(|row| row.stats().min_response_time_us())
        .min()
}

fn max_us(timed: &[&EntryRow<'_>]) -> Option<u64> {
    timed
        .iter()
        .filter_map(|row| row.stats().max_response_time_us())
        .max()
}

/// The `quantile` response time of the timed rows, in ms: `EntryRow::percentile_ms` (the HDR
/// nearest-rank value clamped into the exact `[min, max]`) over their merged histogram.
fn percentile_ms(timed: &[&EntryRow<'_>], quantile: f64) -> Option<f64> {
    match timed {
        [] => None,
        [row] => Some(row.percentile_ms(quantile)),
        rows => {
            let mut merged = rows[0].stats().histogram().clone();
            for row in &rows[1..] {
                merged.add(row.stats().histogram()).expect(
                    "every entry's histogram has the same bounds, so adding them cannot fail",
                );
            }
            let (min, max) = (min_us(rows)?, max_us(rows)?);
            let us = merged.value_at_quantile(quantile).clamp(min, max);
            Some(us as f64 / 1000.0)
        }
    }
}
