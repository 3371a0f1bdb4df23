//! Lock-free request counters that do not bounce one cache line between cores.
//!
//! A single shared `AtomicU64` per route would be correct, but every increment from a
//! different core moves the cache line (~50-100 ns under load, more than serving `GET /`
//! costs). Instead each thread adds into its own row of counters, picked once per thread,
//! and a read sums the rows. Reads are rare (tests and reports), writes are per request.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Rows of counters; threads beyond this share rows round-robin, which stays correct and
/// only costs some contention.
const ROWS: usize = 16;

/// `N` counters, striped by thread.
pub(crate) struct StripedCounters<const N: usize> {
    rows: Box<[Row<N>; ROWS]>,
}

/// One thread's counters, aligned so that two rows never share a cache line (128 bytes
/// also covers the adjacent-line prefetcher on x86).
#[repr(align(128))]
struct Row<const N: usize>([AtomicU64; N]);

impl<const N: usize> StripedCounters<N> {
    /// All counters at zero.
    pub(crate) fn new() -> Self {
        Self {
            rows: Box::new(std::array::from_fn(|_| {
                Row(std::array::from_fn(|_| AtomicU64::new(0)))
            })),
        }
    }

    /// Adds one to counter `index`. Panics if `index >= N`.
    #[inline]
    pub(crate) fn increment(&self, index: usize) {
        // Relaxed: counts are independent tallies; nothing else is published through them.
        self.rows[row_of_this_thread()].0[index].fetch_add(1, Ordering::Relaxed);
    }

    /// The current value of counter `index` (the sum over all rows).
    pub(crate) fn get(&self, index: usize) -> u64 {
        self.rows
            .iter()
            .map(|row| row.0[index].load(Ordering::Relaxed))
            .sum()
    }
}

/// This thread's row, assigned round-robin the first time the thread counts.
fn row_of_this_thread() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static ROW: usize = NEXT.fetch_add(1, Ordering::Relaxed) % ROWS;
    }
    ROW.with(|row| *row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn sums_increments_from_many_threads() {
        let counters = Arc::new(StripedCounters::<3>::new());
        let threads: Vec<_> = (0..20)
            .map(|_| {
                let counters = Arc::clone(&counters);
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        counters.increment(1);
                    }
                    counters.increment(2);
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(counters.get(0), 0);
        assert_eq!(counters.get(1), 20_000);
        assert_eq!(counters.get(2), 20);
    }
}
