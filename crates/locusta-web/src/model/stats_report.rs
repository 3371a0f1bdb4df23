//! The `/stats/requests` document (reference §6.1), built from one run view.
//!
//! Fields are declared in alphabetical order because Locust's Flask `jsonify` sorts keys, and
//! some clients compare documents as text.

use locusta_cluster::{ClusterView, WorkerInfo};
use locusta_stats::{EntryRow, ErrorRow, PERCENTILES_TO_STATISTICS, RunState, RunView};
use serde::Serialize;

/// Locust sends at most this many entry rows (plus the Aggregated row) and error rows, because
/// a browser table with more rows becomes too slow.
const MAX_ROWS: usize = 500;

/// The whole `/stats/requests` answer.
#[derive(Debug, Serialize)]
pub(crate) struct StatsReport<'a> {
    current_fail_per_sec: f64,
    /// Legacy (Locust 0.x/1.x) name of the current median, still read by old clients.
    current_response_time_percentile_50: u64,
    /// Legacy name of the current 95th percentile.
    current_response_time_percentile_95: u64,
    current_response_time_percentiles: CurrentPercentiles,
    current_rps: f64,
    errors: Vec<ErrorJson<'a>>,
    fail_ratio: f64,
    state: RunState,
    stats: Vec<StatsRow<'a>>,
    total_fail_per_sec: f64,
    total_rps: f64,
    user_count: u64,
    /// On a master: the workers ready for orders (as `/worker-count`).
    #[serde(skip_serializing_if = "Option::is_none")]
    worker_count: Option<usize>,
    /// On a master: every worker it knows, missing ones included, by index.
    #[serde(skip_serializing_if = "Option::is_none")]
    workers: Option<Vec<WorkerJson<'a>>>,
}

/// One `workers` row: Locust's `{"id", "state", "user_count", "cpu_usage", "memory_usage"}`,
/// plus the worker's host name (ours, for the UI's Workers tab).
#[derive(Debug, Serialize)]
struct WorkerJson<'a> {
    /// Percent of one core, as the worker last reported it (a float, as Locust's).
    cpu_usage: f32,
    hostname: &'a str,
    id: &'a str,
    /// Resident memory in bytes, as the worker last reported it.
    memory_usage: u64,
    /// `connecting`, `ready`, `spawning`, `running`, `stopping` or `missing`.
    state: &'static str,
    /// Users alive on the worker, as it last reported them.
    user_count: u64,
}

/// The Aggregated row's percentiles of `PERCENTILES_TO_CHART` (0.5 and 0.95) over the last
/// 10 seconds, as Locust reports them here (the `stats` rows have the cumulative ones).
#[derive(Debug, Serialize)]
struct CurrentPercentiles {
    #[serde(rename = "response_time_percentile_0.5")]
    p50: u64,
    #[serde(rename = "response_time_percentile_0.95")]
    p95: u64,
}

/// One `stats` row: Locust's `StatsEntry.to_dict()`.
#[derive(Debug, Serialize)]
struct StatsRow<'a> {
    avg_content_length: f64,
    avg_response_time: f64,
    current_fail_per_sec: f64,
    current_rps: f64,
    /// Whole milliseconds, as a float (Locust's `proper_round`).
    max_response_time: f64,
    /// Whole milliseconds.
    median_response_time: u64,
    method: &'a str,
    /// Whole milliseconds, as a float; 0 without requests.
    min_response_time: f64,
    name: &'a str,
    num_failures: u64,
    num_requests: u64,
    #[serde(rename = "response_time_percentile_0.95")]
    p95: u64,
    #[serde(rename = "response_time_percentile_0.99")]
    p99: u64,
    total_fail_per_sec: f64,
    total_rps: f64,
}

/// One `errors` row: Locust's `StatsError.serialize()`.
#[derive(Debug, Serialize)]
struct ErrorJson<'a> {
    error: &'a str,
    first_seen: f64,
    last_seen: f64,
    method: &'a str,
    name: &'a str,
    occurrences: u64,
}

impl<'a> StatsReport<'a> {
    /// The document for `view`.
    pub(crate) fn new(view: &'a RunView) -> Self {
        let total = view.total();
        let mut stats: Vec<StatsRow<'a>> = view
            .entries()
            .iter()
            .take(MAX_ROWS)
            .map(StatsRow::new)
            .collect();
        stats.push(StatsRow::new(&total));
        let errors = view
            .errors()
            .iter()
            .take(MAX_ROWS)
            .map(ErrorJson::new)
            .collect();
        let [p50, p95] = view.current_percentiles_ms().map(whole_ms);
        Self {
            current_fail_per_sec: total.current_fail_per_sec(),
            current_response_time_percentile_50: p50,
            current_response_time_percentile_95: p95,
            current_response_time_percentiles: CurrentPercentiles { p50, p95 },
            current_rps: total.current_rps(),
            errors,
            fail_ratio: total.fail_ratio(),
            state: view.state(),
            stats,
            total_fail_per_sec: total.total_fail_per_sec(),
            total_rps: total.total_rps(),
            user_count: view.user_count(),
            worker_count: None,
            workers: None,
        }
    }

    /// Adds a master's workers: `worker_count` (the ready ones) and `workers` (all of them, by
    /// index).
    pub(crate) fn with_workers(mut self, cluster: &'a ClusterView) -> Self {
        let mut workers: Vec<&'a WorkerInfo> = cluster.workers.iter().map(AsRef::as_ref).collect();
        // The master keeps them by index already; sorting makes the order this document's.
        workers.sort_by_key(|worker| worker.index);
        self.worker_count = Some(cluster.ready_workers());
        self.workers = Some(workers.into_iter().map(WorkerJson::new).collect());
        self
    }
}

impl<'a> WorkerJson<'a> {
    fn new(worker: &'a WorkerInfo) -> Self {
        Self {
            cpu_usage: worker.cpu_percent,
            hostname: &worker.hostname,
            id: &worker.id,
            memory_usage: worker.memory_bytes,
            state: worker.status.as_str(),
            user_count: worker.users(),
        }
    }
}

impl<'a> StatsRow<'a> {
    fn new(row: &EntryRow<'a>) -> Self {
        let [p95, p99] = PERCENTILES_TO_STATISTICS;
        Self {
            avg_content_length: row.avg_content_length(),
            avg_response_time: row.avg_response_time_ms(),
            current_fail_per_sec: row.current_fail_per_sec(),
            current_rps: row.current_rps(),
            max_response_time: row.max_response_time_ms().round(),
            median_response_time: whole_ms(row.median_response_time_ms()),
            method: row.method(),
            min_response_time: row.min_response_time_ms().round(),
            name: row.name(),
            num_failures: row.num_failures(),
            num_requests: row.num_requests(),
            p95: whole_ms(row.percentile_ms(p95)),
            p99: whole_ms(row.percentile_ms(p99)),
            total_fail_per_sec: row.total_fail_per_sec(),
            total_rps: row.total_rps(),
        }
    }
}

impl<'a> ErrorJson<'a> {
    fn new(row: &ErrorRow<'a>) -> Self {
        Self {
            error: row.error(),
            first_seen: row.first_seen(),
            last_seen: row.last_seen(),
            method: row.method(),
            name: row.name(),
            occurrences: row.occurrences(),
        }
    }
}

/// Rounded to the nearest whole millisecond, halves up (Locust's `proper_round`).
fn whole_ms(ms: f64) -> u64 {
    ms.round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    use locusta_stats::PERCENTILES_TO_CHART;

    use std::sync::Arc;
    use std::time::Duration;

    use locusta_cluster::{MasterState, WorkerStatus};
    use locusta_stats::{Clock, Outcome, Snapshot};
    use tokio::time::Instant;

    fn view_with_entries(count: usize) -> RunView {
        let clock = Clock::with_origin(Instant::now(), Duration::from_secs(1_000));
        let mut snapshot = Snapshot::new(1_000.0);
        for i in 0..count {
            let outcome = Outcome {
                response_time: Some(Duration::from_millis(5)),
                content_length: 0,
                error: Some("boom"),
                finished_at: Instant::now(),
            };
            snapshot.record(&clock, "GET", &format!("/item/{i:04}"), &outcome);
        }
        RunView::new(Arc::new(snapshot), RunState::Running, 1, 1_001.0)
    }

    #[test]
    fn at_most_500_entries_and_errors_then_aggregated() {
        let view = view_with_entries(600);
        let json = serde_json::to_value(StatsReport::new(&view)).unwrap();
        let stats = json["stats"].as_array().unwrap();
        assert_eq!(stats.len(), 501);
        assert_eq!(stats[499]["name"], "/item/0499");
        assert_eq!(stats[500]["name"], "Aggregated");
        assert_eq!(stats[500]["num_requests"], 600);
        assert_eq!(json["errors"].as_array().unwrap().len(), 500);
    }

    #[test]
    fn current_percentiles_are_the_views_window_rounded() {
        // The rows hold 5 ms responses; the last ten seconds were slower.
        let view = view_with_entries(3).with_current_percentiles_ms([7.4, 12.5]);
        let json = serde_json::to_value(StatsReport::new(&view)).unwrap();
        assert_eq!(json["current_response_time_percentile_50"], 7);
        assert_eq!(json["current_response_time_percentile_95"], 13);
        assert_eq!(
            json["current_response_time_percentiles"],
            serde_json::json!({"response_time_percentile_0.5": 7, "response_time_percentile_0.95": 13})
        );
        assert_eq!(json["stats"][3]["median_response_time"], 5);
    }

    #[test]
    fn small_runs_are_not_cut() {
        let view = view_with_entries(3);
        let json = serde_json::to_value(StatsReport::new(&view)).unwrap();
        assert_eq!(json["stats"].as_array().unwrap().len(), 4);
        assert_eq!(json["errors"].as_array().unwrap().len(), 3);
    }

    fn worker(index: u32, id: &str, status: WorkerStatus, users: Vec<u64>) -> Arc<WorkerInfo> {
        Arc::new(WorkerInfo {
            id: id.to_owned(),
            hostname: format!("host-{index}"),
            index,
            status,
            users_per_class: users,
            cpu_percent: 12.5,
            memory_bytes: 48 << 20,
            last_heard: Instant::now(),
            assigned: None,
        })
    }

    #[test]
    fn a_master_adds_its_workers_by_index_after_the_user_count() {
        let view = view_with_entries(1);
        let cluster = ClusterView {
            state: MasterState::Running,
            stop_reason: None,
            target: None,
            workers: vec![
                worker(1, "b", WorkerStatus::Missing, vec![0, 0]),
                worker(0, "a", WorkerStatus::Running, vec![2, 1]),
                worker(2, "c", WorkerStatus::Connecting, vec![]),
            ],
            snapshot: Arc::new(Snapshot::default()),
            users_per_class: vec![2, 1],
            cpu_warning: false,
        };
        let text = serde_json::to_string(&StatsReport::new(&view).with_workers(&cluster)).unwrap();
        // Keys in alphabetical order, as Locust's; only the running worker is ready.
        let expected = concat!(
            r#""user_count":1,"worker_count":1,"workers":["#,
            r#"{"cpu_usage":12.5,"hostname":"host-0","id":"a","memory_usage":50331648,"#,
            r#""state":"running","user_count":3},"#,
            r#"{"cpu_usage":12.5,"hostname":"host-1","id":"b","memory_usage":50331648,"#,
            r#""state":"missing","user_count":0},"#,
            r#"{"cpu_usage":12.5,"hostname":"host-2","id":"c","memory_usage":50331648,"#,
            r#""state":"connecting","user_count":0}]}"#,
        );
        assert!(text.ends_with(expected), "{text}");
    }

    #[test]
    fn a_local_run_has_no_worker_keys() {
        let view = view_with_entries(1);
        let json = serde_json::to_value(StatsReport::new(&view)).unwrap();
        assert!(json.get("workers").is_none());
        assert!(json.get("worker_count").is_none());
    }

    /// The renamed percentile fields spell out these constants.
    #[test]
    fn percentile_keys_follow_locusts_constants() {
        assert_eq!(PERCENTILES_TO_CHART, [0.5, 0.95]);
        assert_eq!(PERCENTILES_TO_STATISTICS, [0.95, 0.99]);
    }
}
