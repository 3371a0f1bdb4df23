//! A mergeable set of statistics: a shard's one-second delta, or the run's cumulative total.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use crate::entry::Sample;
use crate::failures::LOCAL_NODE;
use crate::key::{EntryKeyView, ErrorKeyView};
use crate::{Clock, EntryKey, EntryStats, ErrorKey, ErrorStats, ExceptionStats, Outcome};

/// Entries, the Aggregated total, failures and exceptions.
///
/// Every request is recorded into its entry *and* into the total, as in Locust, so the total is
/// exact rather than re-derived. Merging is exact too (see [`Snapshot::merge`]), which is what
/// lets each shard record alone and the runner add the deltas up once a second.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    // foldhash instead of SipHash: the entry lookup runs once per request (SipHash was ~850 of
    // a request's instructions under callgrind), and names come from the test, not an attacker.
    entries: HashMap<EntryKey, EntryStats, RandomState>,
    total: EntryStats,
    errors: HashMap<ErrorKey, ErrorStats, RandomState>,
    /// Keyed by traceback text.
    exceptions: HashMap<String, ExceptionStats, RandomState>,
}

/// An empty delta: its total starts at the first request recorded into it.
impl Default for Snapshot {
    fn default() -> Self {
        Self {
            entries: HashMap::default(),
            total: EntryStats::default(),
            errors: HashMap::default(),
            exceptions: HashMap::default(),
        }
    }
}

impl Snapshot {
    /// An empty cumulative snapshot for a run that starts at Unix time `start_time` (seconds).
    ///
    /// The total's start time is what `total_rps` and the current-rate window measure from, so
    /// the runner creates its cumulative snapshot with the test's start (Locust's `clear_all`).
    pub fn new(start_time: f64) -> Self {
        Self {
            total: EntryStats::new(Some(start_time)),
            ..Self::default()
        }
    }

    /// Records one request of `method` under the stats name `name`, stamped by `clock`.
    ///
    /// Hot path: one hash lookup by the borrowed `(method, name)`; allocation happens only for a
    /// new entry or a new `(method, name, error)` failure key.
    pub fn record(&mut self, clock: &Clock, method: &str, name: &str, outcome: &Outcome<'_>) {
        let finished_at = clock.unix_secs(outcome.finished_at);
        let sample = Sample {
            response_time_us: outcome.response_time.map(Sample::micros),
            content_length: outcome.content_length,
            failed: outcome.error.is_some(),
            finished_at,
        };
        self.total.record(&sample);
        match self.entries.get_mut(&(method, name) as &dyn EntryKeyView) {
            Some(entry) => entry.record(&sample),
            None => {
                let mut entry = EntryStats::default();
                entry.record(&sample);
                self.entries.insert(EntryKey::new(method, name), entry);
            }
        }
        if let Some(error) = outcome.error {
            match self
                .errors
                .get_mut(&(method, name, error) as &dyn ErrorKeyView)
            {
                Some(row) => row.occurred(finished_at),
                None => {
                    self.errors.insert(
                        ErrorKey::new(method, name, error),
                        ErrorStats::first(finished_at),
                    );
                }
            }
        }
    }

    /// Records an error raised by user code in the exceptions table, grouped by `traceback`;
    /// `message` is what tables show (the first one seen is kept).
    pub fn record_exception(&mut self, message: &str, traceback: &str) {
        match self.exceptions.get_mut(traceback) {
            Some(row) => row.occurred(LOCAL_NODE),
            None => {
                self.exceptions.insert(
                    traceback.to_owned(),
                    ExceptionStats::first(message, LOCAL_NODE),
                );
            }
        }
    }

    /// Adds `other` into `self` exactly: counts, sums, min/max, histograms, per-second counters,
    /// earliest start time, latest request timestamp, failures and exceptions.
    ///
    /// Merging any split of the same requests gives the same snapshot as recording them all into
    /// one, in any order (Locust's `StatsEntry.extend` and `StatsError` merge).
    pub fn merge(&mut self, other: &Snapshot) {
        self.total.merge(&other.total);
        for (key, stats) in &other.entries {
            match self.entries.get_mut(key) {
                Some(entry) => entry.merge(stats),
                None => {
                    self.entries.insert(key.clone(), stats.clone());
                }
            }
        }
        for (key, stats) in &other.errors {
            match self.errors.get_mut(key) {
                Some(row) => row.merge(stats),
                None => {
                    self.errors.insert(key.clone(), stats.clone());
                }
            }
        }
        for (traceback, stats) in &other.exceptions {
            match self.exceptions.get_mut(traceback) {
                Some(row) => row.merge(stats),
                None => {
                    self.exceptions.insert(traceback.clone(), stats.clone());
                }
            }
        }
    }

    /// Locust's `reset_all` plus the UI reset: every entry and the total are zeroed and restart
    /// at Unix time `now` (entries are kept, so rows stay visible with zeros); failures and
    /// exceptions are cleared.
    pub fn reset(&mut self, now: f64) {
        self.total.reset(now);
        for entry in self.entries.values_mut() {
            entry.reset(now);
        }
        self.errors.clear();
        self.exceptions.clear();
    }

    /// The Aggregated total over all entries.
    pub fn total(&self) -> &EntryStats {
        &self.total
    }

    /// The entry of `method name`, if any request was recorded for it.
    pub fn entry(&self, method: &str, name: &str) -> Option<&EntryStats> {
        self.entries.get(&(method, name) as &dyn EntryKeyView)
    }

    /// All entries, in no particular order (the run view sorts them).
    pub fn entries(&self) -> impl Iterator<Item = (&EntryKey, &EntryStats)> + '_ {
        self.entries.iter()
    }

    /// All failure rows, in no particular order (the run view sorts them).
    pub fn errors(&self) -> impl Iterator<Item = (&ErrorKey, &ErrorStats)> + '_ {
        self.errors.iter()
    }

    /// All exception rows as `(traceback, stats)`, in no particular order.
    pub fn exceptions(&self) -> impl Iterator<Item = (&str, &ExceptionStats)> + '_ {
        self.exceptions
            .iter()
            .map(|(traceback, stats)| (traceback.as_str(), stats))
    }

    /// True when nothing was recorded: no request, failure or exception.
    pub fn is_empty(&self) -> bool {
        self.total.num_requests() == 0 && self.errors.is_empty() && self.exceptions.is_empty()
    }
}

impl Snapshot {
    /// A snapshot of exactly these rows, for the wire format's decoder (`crate::wire`), which
    /// reads them back through the public accessors. A repeated key keeps its last row.
    pub(crate) fn from_parts(
        total: EntryStats,
        entries: Vec<(EntryKey, EntryStats)>,
        errors: Vec<(ErrorKey, ErrorStats)>,
        exceptions: Vec<(String, ExceptionStats)>,
    ) -> Self {
        Self {
            entries: entries.into_iter().collect(),
            total,
            errors: errors.into_iter().collect(),
            exceptions: exceptions.into_iter().collect(),
        }
    }
}
