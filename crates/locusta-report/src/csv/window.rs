//! Response times of the last ten seconds per row (Locust's "current" percentiles), for
//! `_stats_history.csv` with `--csv-full-history`.
//!
//! The run view holds cumulative histograms only. Each time rows are written, the writer keeps
//! a copy of every row's cumulative histogram; the current window is the histogram now minus
//! the copy from [`PERCENTILE_WINDOW`] ago (Locust does the same with its bucket dicts,
//! keeping 20 per entry).
//!
//! Cost: a dense copy of a histogram is 26 KB whatever it holds, so the copies are kept as their
//! non-empty buckets only (a run's latencies usually fill a few hundred of the 3 328 buckets,
//! 16 bytes each), at most 11 per row. Computing a window clones the row's histogram once
//! (26 KB, dropped after the row is written).

use std::collections::{HashMap, VecDeque};

use hdrhistogram::Histogram;
use locusta_stats::{EntryRow, EntryStats, PERCENTILE_WINDOW};

/// Which row a ring belongs to: the total is kept apart, so that no entry (a custom client may
/// record any method, even an empty one) can be mistaken for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum RowKey {
    Entry { method: String, name: String },
    Total,
}

/// A cumulative histogram as of one Unix second, as its non-empty buckets.
#[derive(Debug)]
struct SavedHistogram {
    second: u64,
    /// The entry's start time then: a statistics reset restarts it.
    start_time: Option<f64>,
    samples: u64,
    /// `(value in µs, count)` of each non-empty bucket.
    buckets: Vec<(u64, u64)>,
}

impl SavedHistogram {
    fn of(second: u64, stats: &EntryStats) -> Self {
        let histogram = stats.histogram();
        Self {
            second,
            start_time: stats.start_time(),
            samples: histogram.len(),
            buckets: histogram
                .iter_recorded()
                .map(|bucket| (bucket.value_iterated_to(), bucket.count_at_value()))
                .collect(),
        }
    }

    /// False when `stats` cannot have grown from this copy: the statistics were reset.
    fn precedes(&self, stats: &EntryStats) -> bool {
        self.start_time == stats.start_time() && self.samples <= stats.histogram().len()
    }
}

/// The saved histograms of one row, oldest first: the newest one at least a window old (the base of
/// the next window), then one per second within the window.
#[derive(Debug, Default)]
struct Ring {
    saved: VecDeque<SavedHistogram>,
    /// The second this row was last written, to forget rows that disappear.
    last_written: u64,
}

/// The rings of every row written, and a scratch histogram to rebuild a copy in.
#[derive(Debug, Default)]
pub(super) struct PercentileWindows {
    rings: HashMap<RowKey, Ring>,
    scratch: Option<Histogram<u64>>,
}

impl PercentileWindows {
    /// The response times of `row` recorded within [`PERCENTILE_WINDOW`] before Unix second
    /// `second`, and notes its histogram now for the windows to come. `row` is the total when
    /// `is_total`.
    ///
    /// Until a copy a full window old exists (the first ten seconds, or after a statistics
    /// reset), the window is everything recorded so far, which is then at most that old.
    pub(super) fn window(&mut self, row: &EntryRow<'_>, is_total: bool, second: u64) -> Window {
        let key = if is_total {
            RowKey::Total
        } else {
            RowKey::Entry {
                method: row.method().to_owned(),
                name: row.name().to_owned(),
            }
        };
        let stats = row.stats();
        let ring = self.rings.entry(key).or_default();
        ring.last_written = second;
        if ring
            .saved
            .back()
            .is_some_and(|saved| !saved.precedes(stats))
        {
            ring.saved.clear();
        }
        let oldest_wanted = second.saturating_sub(PERCENTILE_WINDOW.as_secs());
        while ring
            .saved
            .get(1)
            .is_some_and(|saved| saved.second <= oldest_wanted)
        {
            ring.saved.pop_front();
        }

        let mut histogram = stats.histogram().clone();
        if let Some(base) = ring
            .saved
            .front()
            .filter(|base| base.second <= oldest_wanted)
        {
            let scratch = self
                .scratch
                .get_or_insert_with(|| Histogram::new_from(stats.histogram()));
            scratch.reset();
            for &(value, count) in &base.buckets {
                scratch.saturating_record_n(value, count);
            }
            if histogram.subtract(&*scratch).is_err() {
                // Cannot happen for a histogram that only grew; if it does, the base is wrong,
                // and the whole histogram is the honest fallback.
                histogram = stats.histogram().clone();
                ring.saved.clear();
            }
        }

        let newest_saved = SavedHistogram::of(second, stats);
        match ring.saved.back_mut() {
            Some(newest) if newest.second == second => *newest = newest_saved,
            _ => ring.saved.push_back(newest_saved),
        }
        Window {
            histogram,
            min_us: stats.min_response_time_us(),
            max_us: stats.max_response_time_us(),
        }
    }

    /// Forgets the rows not written at `second` (entries gone after a new test started), so
    /// memory follows the rows that exist.
    pub(super) fn forget_rows_not_written_at(&mut self, second: u64) {
        self.rings.retain(|_, ring| ring.last_written == second);
    }
}

/// One row's response times within the window.
#[derive(Debug)]
pub(super) struct Window {
    histogram: Histogram<u64>,
    /// The row's exact extremes over the whole run, which bound any window's.
    min_us: Option<u64>,
    max_us: Option<u64>,
}

impl Window {
    /// The response time in ms that a fraction `p` of the window's requests finished within;
    /// 0 for an empty window (Locust too). Computed like `EntryRow::percentile_ms`: the HDR
    /// nearest-rank value, clamped into the row's exact min and max.
    pub(super) fn percentile_ms(&self, p: f64) -> f64 {
        match (self.min_us, self.max_us) {
            (Some(min), Some(max)) if !self.histogram.is_empty() => {
                self.histogram.value_at_quantile(p).clamp(min, max) as f64 / 1000.0
            }
            _ => 0.0,
        }
    }
}
