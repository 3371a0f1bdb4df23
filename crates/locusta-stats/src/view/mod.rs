//! The run view: an immutable, computed picture of a run that every printer reads.

mod entry_row;
mod error_row;
mod history;
mod state;

use std::sync::Arc;

pub use entry_row::EntryRow;
pub use error_row::{ErrorRow, ExceptionRow};
pub use history::{HISTORY_CAPACITY, HISTORY_INTERVAL, History, HistoryPoint, PERCENTILE_WINDOW};
pub use state::RunState;

use crate::Snapshot;

/// Name of the total row.
pub const AGGREGATED_NAME: &str = "Aggregated";

/// Percentiles of the console percentile table and the CSV files (Locust's
/// `PERCENTILES_TO_REPORT`).
pub const PERCENTILES_TO_REPORT: [f64; 11] = [
    0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0,
];

/// Percentiles of the UI table and `/stats/requests` (Locust's `PERCENTILES_TO_STATISTICS`).
pub const PERCENTILES_TO_STATISTICS: [f64; 2] = [0.95, 0.99];

/// Percentiles of the UI charts and the history (Locust's `PERCENTILES_TO_CHART`).
pub const PERCENTILES_TO_CHART: [f64; 2] = [0.5, 0.95];

/// What printers (console, CSV, JSON, web UI) read: the cumulative statistics plus the run's
/// state at one instant. A writer is `fn(&RunView, &mut impl Write)`.
///
/// The view never changes once built, so every value derived from it (rates, percentiles,
/// orderings) is reproducible, and one view can be handed to several printers (clone is cheap:
/// the snapshot is shared). Orderings are computed on each call to the row accessors; that
/// costs `O(n log n)` in the number of rows, paid once per printed output.
#[derive(Debug, Clone)]
pub struct RunView {
    snapshot: Arc<Snapshot>,
    state: RunState,
    user_count: u64,
    now: f64,
    history: Arc<[HistoryPoint]>,
    users_by_class: Arc<[u64]>,
    current_percentiles_ms: [f64; 2],
}

impl RunView {
    /// A view of `snapshot` (the run's cumulative statistics) while the run is in `state` with
    /// `user_count` users, taken at Unix time `now` (seconds).
    pub fn new(snapshot: Arc<Snapshot>, state: RunState, user_count: u64, now: f64) -> Self {
        Self {
            snapshot,
            state,
            user_count,
            now,
            history: Arc::default(),
            users_by_class: Arc::default(),
            current_percentiles_ms: [0.0; 2],
        }
    }

    /// This view with the Aggregated row's current response times (ms) at
    /// [`PERCENTILES_TO_CHART`]: see [`History::current_percentiles_ms`].
    pub fn with_current_percentiles_ms(mut self, percentiles_ms: [f64; 2]) -> Self {
        self.current_percentiles_ms = percentiles_ms;
        self
    }

    /// The Aggregated row's response times (ms) at [`PERCENTILES_TO_CHART`] over the last
    /// [`PERCENTILE_WINDOW`] (Locust's "current" percentiles); zeros unless the runner attached
    /// them.
    pub fn current_percentiles_ms(&self) -> [f64; 2] {
        self.current_percentiles_ms
    }

    /// This view with the users alive in each user class, indexed like the runner's class list.
    pub fn with_users_by_class(mut self, users_by_class: Arc<[u64]>) -> Self {
        self.users_by_class = users_by_class;
        self
    }

    /// Users alive in each user class, indexed like the runner's class list (empty unless the
    /// runner attached them).
    pub fn users_by_class(&self) -> &[u64] {
        &self.users_by_class
    }

    /// This view with the run's chart history (see [`History`]); views have none otherwise.
    pub fn with_history(mut self, history: Arc<[HistoryPoint]>) -> Self {
        self.history = history;
        self
    }

    /// The chart history up to this view, oldest first (empty unless the runner attached it).
    pub fn history(&self) -> &[HistoryPoint] {
        &self.history
    }

    /// The cumulative statistics.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The run state when the view was taken.
    pub fn state(&self) -> RunState {
        self.state
    }

    /// Running users when the view was taken.
    pub fn user_count(&self) -> u64 {
        self.user_count
    }

    /// Unix time (seconds) the view was taken.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// The entry rows sorted by `(name, method)` as Locust sorts them, without the total.
    pub fn entries(&self) -> Vec<EntryRow<'_>> {
        let total = self.snapshot.total();
        let mut keyed: Vec<_> = self.snapshot.entries().collect();
        keyed.sort_unstable_by(|a, b| a.0.cmp(b.0));
        keyed
            .into_iter()
            .map(|(key, stats)| EntryRow::new(&key.method, &key.name, stats, total))
            .collect()
    }

    /// The Aggregated total row (method `""`, name `Aggregated`).
    pub fn total(&self) -> EntryRow<'_> {
        let total = self.snapshot.total();
        EntryRow::new("", AGGREGATED_NAME, total, total)
    }

    /// [`Self::entries`] followed by [`Self::total`], the order of every Locust table.
    pub fn rows_with_total(&self) -> Vec<EntryRow<'_>> {
        let mut rows = self.entries();
        rows.push(self.total());
        rows
    }

    /// The failure rows sorted by `(method, name, error)`.
    ///
    /// Locust orders them by its dictionary (effectively by a hash of the key), which is not
    /// stable between runs; we use this stable order instead, so outputs can be compared.
    pub fn errors(&self) -> Vec<ErrorRow<'_>> {
        let mut keyed: Vec<_> = self.snapshot.errors().collect();
        keyed.sort_unstable_by(|a, b| a.0.cmp(b.0));
        keyed
            .into_iter()
            .map(|(key, stats)| ErrorRow::new(key, stats))
            .collect()
    }

    /// The exception rows, most frequent first, ties by traceback text (Locust uses insertion
    /// order, which merged shards do not have).
    pub fn exceptions(&self) -> Vec<ExceptionRow<'_>> {
        let mut rows: Vec<_> = self
            .snapshot
            .exceptions()
            .map(|(traceback, stats)| ExceptionRow::new(traceback, stats))
            .collect();
        rows.sort_unstable_by(|a, b| {
            b.count()
                .cmp(&a.count())
                .then_with(|| a.traceback().cmp(b.traceback()))
        });
        rows
    }
}
