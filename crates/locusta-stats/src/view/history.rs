//! The charts' history: one point every [`HISTORY_INTERVAL`] while a test runs, in a bounded
//! ring, so the web UI can redraw its charts after a page reload.
//!
//! Locust appends a point every 5 s to an unbounded list. Ours is bounded
//! ([`HISTORY_CAPACITY`] points, two hours at one point per 2 s, about 170 KB), so memory does
//! not grow with run length: once full, the oldest point is dropped for each new one.

use std::collections::VecDeque;
use std::iter;
use std::sync::Arc;
use std::time::Duration;

use crate::EntryStats;
use crate::view::{EntryRow, PERCENTILES_TO_CHART, RunView};

/// How often the runner records a point while a test runs (Locust: 5 s). Two seconds is the web
/// UI's polling period, so a chart redrawn from the history after a reload looks like the one
/// drawn live.
pub const HISTORY_INTERVAL: Duration = Duration::from_secs(2);

/// The most points kept: two hours at [`HISTORY_INTERVAL`]. A point is 48 bytes.
pub const HISTORY_CAPACITY: usize = 3_600;

/// The response-time percentiles of a point cover the requests that finished within this span
/// before it (Locust's "current" percentiles use a 10 s window too).
pub const PERCENTILE_WINDOW: Duration = Duration::from_secs(10);

/// One point of the charts: what the header and the charts showed at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HistoryPoint {
    /// Unix time of the point, in seconds.
    pub time: f64,
    /// Running users.
    pub user_count: u64,
    /// The Aggregated row's current requests per second.
    pub current_rps: f64,
    /// The Aggregated row's current failures per second.
    pub current_fail_per_sec: f64,
    /// Median response time (ms) of the requests of the last [`PERCENTILE_WINDOW`]; 0 without
    /// any.
    pub p50_ms: f64,
    /// 95th percentile response time (ms) of the requests of the last [`PERCENTILE_WINDOW`].
    pub p95_ms: f64,
}

/// Records the history of a run; owned by the runner, which attaches [`History::points`] to
/// every view it publishes.
///
/// The points are an immutable `Arc<[HistoryPoint]>`, so publishing a view only bumps a
/// reference count. Appending copies the points into a new slice instead: at most 170 KB every
/// [`HISTORY_INTERVAL`], in exchange for views that never see a half-written ring.
#[derive(Debug, Clone)]
pub struct History {
    points: Arc<[HistoryPoint]>,
    capacity: usize,
    /// The Aggregated rows of the deltas collected within the last [`PERCENTILE_WINDOW`], with
    /// the Unix time each was collected, oldest first. About 27 KB each (one histogram).
    recent: VecDeque<(f64, EntryStats)>,
}

impl Default for History {
    /// An empty history of [`HISTORY_CAPACITY`] points.
    fn default() -> Self {
        Self::new(HISTORY_CAPACITY)
    }
}

impl History {
    /// An empty history that keeps at most `capacity` points.
    pub fn new(capacity: usize) -> Self {
        Self {
            points: Arc::default(),
            capacity,
            recent: VecDeque::new(),
        }
    }

    /// The points recorded so far, oldest first, shared.
    pub fn points(&self) -> Arc<[HistoryPoint]> {
        Arc::clone(&self.points)
    }

    /// Whether a point is due at Unix time `now`: none was recorded yet, or [`HISTORY_INTERVAL`]
    /// has passed since the last one, less half of `period` (how often the caller asks). The
    /// slack keeps a collection timer that fires a little late from skipping a point.
    pub fn is_due(&self, now: f64, period: Duration) -> bool {
        let interval = HISTORY_INTERVAL.as_secs_f64() - period.as_secs_f64() / 2.0;
        self.points
            .last()
            .is_none_or(|last| now - last.time >= interval)
    }

    /// Notes the Aggregated row of a delta collected at Unix time `now`, for the response-time
    /// percentiles of the next points. Call it with every delta merged into the run's totals.
    pub fn observe(&mut self, now: f64, delta_total: &EntryStats) {
        self.forget_before(now);
        if delta_total.num_requests() > 0 {
            self.recent.push_back((now, delta_total.clone()));
        }
    }

    /// Appends a point for `view`: its time, users and current rates, and the percentiles of the
    /// deltas observed within [`PERCENTILE_WINDOW`] before it. Drops the oldest point when full.
    /// A view no newer than the last point adds nothing, so times only increase.
    pub fn record(&mut self, view: &RunView) {
        let now = view.now();
        if self.points.last().is_some_and(|last| last.time >= now) {
            return;
        }
        let [p50_ms, p95_ms] = self.current_percentiles_ms(now);
        let total = view.total();
        self.push(HistoryPoint {
            time: now,
            user_count: view.user_count(),
            current_rps: total.current_rps(),
            current_fail_per_sec: total.current_fail_per_sec(),
            p50_ms,
            p95_ms,
        });
    }

    /// The response times (ms) at [`PERCENTILES_TO_CHART`] of the deltas observed within
    /// [`PERCENTILE_WINDOW`] before Unix time `now` (everything observed, when the run is
    /// younger); 0 without any.
    pub fn current_percentiles_ms(&mut self, now: f64) -> [f64; 2] {
        self.forget_before(now);
        let mut window = EntryStats::default();
        for (_, delta) in &self.recent {
            window.merge(delta);
        }
        let window = EntryRow::new("", "", &window, &window);
        PERCENTILES_TO_CHART.map(|percentile| window.percentile_ms(percentile))
    }

    /// Appends `point`, dropping the oldest points beyond the capacity.
    pub fn push(&mut self, point: HistoryPoint) {
        let keep = self.capacity.saturating_sub(1).min(self.points.len());
        let kept = &self.points[self.points.len() - keep..];
        let added = iter::once(point).take(usize::from(self.capacity > 0));
        // `Chain` of a slice iterator and `Once` has an exact length: one allocation.
        self.points = kept.iter().copied().chain(added).collect();
    }

    /// Forgets every point and observed delta: a new test starts, or the statistics were reset.
    pub fn clear(&mut self) {
        self.points = Arc::default();
        self.recent.clear();
    }

    fn forget_before(&mut self, now: f64) {
        let oldest = now - PERCENTILE_WINDOW.as_secs_f64();
        while self.recent.front().is_some_and(|(at, _)| *at <= oldest) {
            self.recent.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::Instant;

    use super::*;
    use crate::{Clock, Outcome, RunState, Snapshot};

    fn point(time: f64) -> HistoryPoint {
        HistoryPoint {
            time,
            ..HistoryPoint::default()
        }
    }

    fn times(history: &History) -> Vec<f64> {
        history.points().iter().map(|point| point.time).collect()
    }

    /// A delta with one request per response time, finished at Unix time `at`.
    fn delta(at: u64, millis: &[u64]) -> Snapshot {
        let origin = Instant::now();
        let clock = Clock::with_origin(origin, Duration::from_secs(at));
        let mut snapshot = Snapshot::default();
        for &ms in millis {
            let outcome = Outcome {
                response_time: Some(Duration::from_millis(ms)),
                content_length: 0,
                error: None,
                finished_at: origin,
            };
            snapshot.record(&clock, "GET", "/", &outcome);
        }
        snapshot
    }

    /// Within the histogram's 1 % bucket error.
    fn assert_close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() <= expected * 0.01,
            "{actual} is not within 1 % of {expected}"
        );
    }

    fn view_at(now: f64, users: u64) -> RunView {
        RunView::new(Arc::new(Snapshot::new(0.0)), RunState::Running, users, now)
    }

    #[test]
    fn keeps_the_newest_points_up_to_its_capacity() {
        let mut history = History::new(3);
        assert!(history.points().is_empty());
        for time in 1..=5 {
            history.push(point(f64::from(time)));
        }
        assert_eq!(times(&history), [3.0, 4.0, 5.0]);
    }

    #[test]
    fn a_history_of_no_capacity_stays_empty() {
        let mut history = History::new(0);
        history.push(point(1.0));
        assert!(history.points().is_empty());
    }

    #[test]
    fn published_points_do_not_change_when_more_are_recorded() {
        let mut history = History::new(2);
        history.push(point(1.0));
        let published = history.points();
        history.push(point(2.0));
        history.push(point(3.0));
        assert_eq!(published.len(), 1);
        assert_eq!(times(&history), [2.0, 3.0]);
    }

    #[test]
    fn a_point_carries_the_views_users_and_time() {
        let mut history = History::default();
        history.record(&view_at(1_000.0, 7));
        let points = history.points();
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].time, 1_000.0);
        assert_eq!(points[0].user_count, 7);
        assert_eq!(points[0].p50_ms, 0.0, "no requests, no percentiles");
    }

    #[test]
    fn a_view_no_newer_than_the_last_point_adds_nothing() {
        let mut history = History::default();
        history.record(&view_at(1_000.0, 1));
        history.record(&view_at(1_000.0, 2));
        history.record(&view_at(999.0, 3));
        assert_eq!(times(&history), [1_000.0]);
    }

    #[test]
    fn a_point_is_due_every_interval_even_when_the_timer_is_late() {
        let second = Duration::from_secs(1);
        let mut history = History::default();
        assert!(history.is_due(1_000.0, second));
        history.record(&view_at(1_000.0, 1));
        assert!(!history.is_due(1_001.0, second));
        assert!(
            history.is_due(1_001.99, second),
            "a timer 10 ms late still records"
        );
        assert!(history.is_due(1_002.0, second));
    }

    #[test]
    fn percentiles_cover_the_last_ten_seconds_only() {
        let mut history = History::default();
        history.observe(1_000.0, delta(999, &[500, 500, 500]).total());
        history.observe(1_005.0, delta(1_004, &[10, 20, 30, 40]).total());
        history.record(&view_at(1_006.0, 1));
        // Both deltas are in the window: 7 samples, the median is the fourth (40 ms).
        let first = history.points()[0];
        assert_close(first.p50_ms, 40.0);
        assert_eq!(first.p95_ms, 500.0, "the maximum is exact");

        history.record(&view_at(1_012.0, 1));
        // The delta collected at 1 000 s is more than 10 s old now.
        let second = history.points()[1];
        assert_close(second.p50_ms, 20.0);
        assert_eq!(second.p95_ms, 40.0);
    }

    #[test]
    fn clear_forgets_points_and_observed_deltas() {
        let mut history = History::default();
        history.observe(1_000.0, delta(999, &[500]).total());
        history.record(&view_at(1_001.0, 1));
        history.clear();
        assert!(history.points().is_empty());
        history.record(&view_at(1_002.0, 1));
        assert_eq!(history.points()[0].p95_ms, 0.0);
    }
}
