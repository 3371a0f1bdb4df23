//! Requests and failures per wall-clock second, for the last few seconds only.
//!
//! Locust keeps `num_reqs_per_sec`/`num_fail_per_sec` dictionaries that grow by one key per second
//! for the whole run. The only reader of old seconds is the current-rate window (at most 12 s back
//! from the newest request), so we keep a fixed ring instead and memory does not grow with run
//! length.

use std::fmt;

/// Seconds of per-second counters each entry remembers (older ones are dropped): a power of two
/// comfortably above the 13 seconds the current-rate window can reach back.
pub const SECONDS_KEPT: u64 = 32;

/// Counters of one second.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Slot {
    second: u64,
    requests: u64,
    failures: u64,
}

/// A ring of per-second counters, slot `second % SECONDS_KEPT`.
///
/// A slot holds the newest second that mapped to it. Adding counts for an older second than the
/// slot holds drops them (they are at least `SECONDS_KEPT` seconds older than something already
/// seen, so no window needs them). This rule is commutative and associative, which is what makes
/// merging shards' deltas equal to recording everything in one place.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PerSecond {
    slots: [Slot; SECONDS_KEPT as usize],
}

impl Default for PerSecond {
    fn default() -> Self {
        Self {
            slots: [Slot::default(); SECONDS_KEPT as usize],
        }
    }
}

/// Only the seconds that counted anything, as `second: (requests, failures)`.
impl fmt::Debug for PerSecond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(s, r, fl)| (s, (r, fl))))
            .finish()
    }
}

impl PerSecond {
    /// Counts one request (and a failure if `failed`) in `second`.
    pub(crate) fn record(&mut self, second: u64, failed: bool) {
        self.add(Slot {
            second,
            requests: 1,
            failures: u64::from(failed),
        });
    }

    /// Adds every second of `other` into `self`.
    pub(crate) fn merge(&mut self, other: &PerSecond) {
        for slot in &other.slots {
            if slot.requests != 0 || slot.failures != 0 {
                self.add(*slot);
            }
        }
    }

    fn add(&mut self, incoming: Slot) {
        let slot = &mut self.slots[(incoming.second % SECONDS_KEPT) as usize];
        if slot.second == incoming.second {
            slot.requests += incoming.requests;
            slot.failures += incoming.failures;
        } else if slot.second < incoming.second {
            *slot = incoming;
        }
    }

    /// `(requests, failures)` counted in `second`, or zeros if it is not (or no longer) kept.
    pub(crate) fn get(&self, second: u64) -> (u64, u64) {
        let slot = &self.slots[(second % SECONDS_KEPT) as usize];
        if slot.second == second {
            (slot.requests, slot.failures)
        } else {
            (0, 0)
        }
    }

    /// The kept seconds that counted anything, oldest first, as `(second, requests, failures)`.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        let mut slots: Vec<Slot> = self
            .slots
            .iter()
            .copied()
            .filter(|s| s.requests != 0 || s.failures != 0)
            .collect();
        slots.sort_by_key(|s| s.second);
        slots
            .into_iter()
            .map(|s| (s.second, s.requests, s.failures))
    }
}

impl PerSecond {
    /// The ring holding `seconds`, given as [`PerSecond::iter`] yields them: the decoder of
    /// the snapshot wire format (`crate::wire`), so `from_seconds(ring.iter()) == ring`.
    pub(crate) fn from_seconds(seconds: impl IntoIterator<Item = (u64, u64, u64)>) -> Self {
        let mut ring = Self::default();
        for (second, requests, failures) in seconds {
            // Empty slots stay `Slot::default()`, as recording and merging leave them.
            if requests != 0 || failures != 0 {
                ring.add(Slot {
                    second,
                    requests,
                    failures,
                });
            }
        }
        ring
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_second() {
        let mut ring = PerSecond::default();
        ring.record(100, false);
        ring.record(100, true);
        ring.record(101, false);
        assert_eq!(ring.get(100), (2, 1));
        assert_eq!(ring.get(101), (1, 0));
        assert_eq!(ring.get(102), (0, 0));
        assert_eq!(ring.iter().collect::<Vec<_>>(), [(100, 2, 1), (101, 1, 0)]);
    }

    #[test]
    fn newer_second_evicts_older_and_older_is_dropped() {
        let mut ring = PerSecond::default();
        ring.record(100, false);
        ring.record(100 + SECONDS_KEPT, false);
        assert_eq!(ring.get(100), (0, 0));
        ring.record(100, false);
        assert_eq!(ring.get(100 + SECONDS_KEPT), (1, 0));
        assert_eq!(ring.get(100), (0, 0));
    }

    #[test]
    fn merge_is_order_independent() {
        let seconds = [5, 5 + SECONDS_KEPT, 7, 5, 8, 7 + 2 * SECONDS_KEPT, 7];
        let mut all = PerSecond::default();
        let mut a = PerSecond::default();
        let mut b = PerSecond::default();
        for (i, &s) in seconds.iter().enumerate() {
            all.record(s, i % 3 == 0);
            if i % 2 == 0 { &mut a } else { &mut b }.record(s, i % 3 == 0);
        }
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, all);
        assert_eq!(ba, all);
    }
}
