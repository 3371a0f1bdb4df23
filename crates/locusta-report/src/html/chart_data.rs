//! The data behind the report's charts: the run's history points, shaped like the web API's
//! `/stats/history` points so that the shared chart code (`assets/charts.js`) reads both.

use locusta_stats::{HistoryPoint, RunView};
use serde::Serialize;

/// `{"history": [{"current_fail_per_sec", "current_rps", "response_time_percentile_0.5",
/// "response_time_percentile_0.95", "time", "user_count"}]}`, oldest first.
#[derive(Debug, Serialize)]
pub(super) struct ChartData {
    history: Vec<ChartPoint>,
}

/// One point, with the names `/stats/history` uses.
#[derive(Debug, Serialize)]
struct ChartPoint {
    current_fail_per_sec: f64,
    current_rps: f64,
    #[serde(rename = "response_time_percentile_0.5")]
    p50: f64,
    #[serde(rename = "response_time_percentile_0.95")]
    p95: f64,
    /// Unix time, seconds.
    time: f64,
    user_count: u64,
}

impl ChartData {
    /// The history of `view`, plus a last point at `end_time` when the history stops before it,
    /// as Locust's report adds one (`update_stats_history` at the end time). That point has the
    /// view's users and current rates; its percentiles repeat the last point's, because the
    /// view holds no sliding window to compute them from.
    pub(super) fn new(view: &RunView, end_time: f64) -> Self {
        let mut history: Vec<ChartPoint> = view.history().iter().map(ChartPoint::from).collect();
        if let Some(last) = view.history().last()
            && last.time < end_time
        {
            let total = view.total();
            history.push(ChartPoint::from(&HistoryPoint {
                time: end_time,
                user_count: view.user_count(),
                current_rps: total.current_rps(),
                current_fail_per_sec: total.current_fail_per_sec(),
                p50_ms: last.p50_ms,
                p95_ms: last.p95_ms,
            }));
        }
        Self { history }
    }

    /// How many points the charts get.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.history.len()
    }
}

impl From<&HistoryPoint> for ChartPoint {
    fn from(point: &HistoryPoint) -> Self {
        Self {
            current_fail_per_sec: hundredths(point.current_fail_per_sec),
            current_rps: hundredths(point.current_rps),
            p50: hundredths(point.p50_ms),
            p95: hundredths(point.p95_ms),
            time: point.time,
            user_count: point.user_count,
        }
    }
}

/// Rounded to two decimals: charts need no more, and the file stays small.
fn hundredths(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use locusta_stats::{RunState, Snapshot};
    use serde_json::json;

    use super::*;

    fn view(times: &[f64], users_now: u64) -> RunView {
        let points: Arc<[HistoryPoint]> = times
            .iter()
            .map(|&time| HistoryPoint {
                time,
                user_count: 3,
                current_rps: 2.0 / 3.0,
                current_fail_per_sec: 0.0,
                p50_ms: 12.0,
                p95_ms: 40.0,
            })
            .collect();
        RunView::new(
            Arc::new(Snapshot::new(0.0)),
            RunState::Stopped,
            users_now,
            10.0,
        )
        .with_history(points)
    }

    #[test]
    fn a_last_point_is_added_at_the_end_time() {
        let data = ChartData::new(&view(&[2.0, 4.0], 0), 5.5);
        let json = serde_json::to_value(&data).unwrap();
        assert_eq!(json["history"].as_array().unwrap().len(), 3);
        assert_eq!(
            json["history"][0],
            json!({"current_fail_per_sec": 0.0, "current_rps": 0.67,
                   "response_time_percentile_0.5": 12.0, "response_time_percentile_0.95": 40.0,
                   "time": 2.0, "user_count": 3})
        );
        let last = &json["history"][2];
        assert_eq!(last["time"], 5.5);
        assert_eq!(last["user_count"], 0, "the view's users at the end");
        assert_eq!(last["response_time_percentile_0.95"], 40.0);
    }

    #[test]
    fn no_point_is_added_to_a_history_that_reaches_the_end_or_is_empty() {
        assert_eq!(ChartData::new(&view(&[2.0, 4.0], 0), 4.0).len(), 2);
        assert_eq!(ChartData::new(&view(&[], 0), 4.0).len(), 0);
    }
}
