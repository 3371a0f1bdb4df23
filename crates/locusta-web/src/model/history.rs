//! The `/stats/history` document: the chart points the runner recorded (see
//! [`locusta_stats::History`]), oldest first.

use locusta_stats::{HISTORY_INTERVAL, HistoryPoint, RunView};
use serde::Serialize;

/// `{"history": [{"current_fail_per_sec", "current_rps", "response_time_percentile_0.5",
/// "response_time_percentile_0.95", "time", "user_count"}], "interval": 2.0}`.
#[derive(Debug, Serialize)]
pub(crate) struct HistoryReport {
    history: Vec<PointJson>,
    /// Seconds between two points.
    interval: f64,
}

/// One point, with the names `/stats/requests` uses for the same values.
#[derive(Debug, Serialize)]
struct PointJson {
    current_fail_per_sec: f64,
    current_rps: f64,
    /// Median response time (ms) of the last 10 s.
    #[serde(rename = "response_time_percentile_0.5")]
    p50: f64,
    /// 95th percentile response time (ms) of the last 10 s.
    #[serde(rename = "response_time_percentile_0.95")]
    p95: f64,
    /// Unix time, seconds.
    time: f64,
    user_count: u64,
}

impl HistoryReport {
    /// The points of `view` recorded after Unix time `since` (all of them without it).
    pub(crate) fn new(view: &RunView, since: Option<f64>) -> Self {
        let history = view
            .history()
            .iter()
            .filter(|point| since.is_none_or(|since| point.time > since))
            .map(PointJson::new)
            .collect();
        Self {
            history,
            interval: HISTORY_INTERVAL.as_secs_f64(),
        }
    }
}

impl PointJson {
    fn new(point: &HistoryPoint) -> Self {
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

/// Rounded to two decimals: charts need no more, and the answer stays small.
fn hundredths(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use locusta_stats::{RunState, Snapshot};

    use super::*;

    fn view() -> RunView {
        let points: Arc<[HistoryPoint]> = [1.0, 3.0, 5.0]
            .map(|time| HistoryPoint {
                time,
                user_count: 2,
                current_rps: 1.0 / 3.0,
                current_fail_per_sec: 0.0,
                p50_ms: 12.346,
                p95_ms: 40.0,
            })
            .into();
        RunView::new(Arc::new(Snapshot::new(0.0)), RunState::Running, 2, 6.0).with_history(points)
    }

    #[test]
    fn points_after_since_with_rounded_values() {
        let json = serde_json::to_value(HistoryReport::new(&view(), Some(1.0))).unwrap();
        assert_eq!(json["interval"], 2.0);
        let points = json["history"].as_array().unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points[0]["time"], 3.0);
        assert_eq!(points[0]["current_rps"], 0.33);
        assert_eq!(points[0]["response_time_percentile_0.5"], 12.35);
        assert_eq!(points[0]["user_count"], 2);
    }

    #[test]
    fn everything_without_since() {
        let report = HistoryReport::new(&view(), None);
        assert_eq!(report.history.len(), 3);
    }
}
