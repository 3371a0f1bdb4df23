//! Log forwarding (Locust's `logs` message): each worker sends the master its new log lines
//! every few seconds, and the master keeps the last ones of each worker for its `/logs`.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Debug;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// How often a worker forwards its new lines (Locust: 10 s).
pub const LOG_FORWARD_INTERVAL: Duration = Duration::from_secs(10);

/// At most this many lines are forwarded per interval; a burst beyond it is cut to its newest
/// lines, after a line saying how many were left out (Locust stops forwarding altogether).
pub const FORWARDED_LINES_PER_INTERVAL: usize = 70;

/// The lines the master keeps per worker.
pub const WORKER_LINES_KEPT: usize = 500;

/// A process's log as a worker reads it for forwarding.
pub trait LogTail: Send + Sync + Debug {
    /// The lines written after the first `seen` ones (as many as are still kept), and the
    /// number of lines written so far.
    fn lines_after(&self, seen: u64) -> (Vec<String>, u64);
}

/// The lines to send for `new` lines: all of them, or the newest
/// [`FORWARDED_LINES_PER_INTERVAL`] after a note of how many were left out.
pub(crate) fn capped(mut new: Vec<String>) -> Vec<String> {
    if new.len() <= FORWARDED_LINES_PER_INTERVAL {
        return new;
    }
    let skipped = new.len() - (FORWARDED_LINES_PER_INTERVAL - 1);
    let mut lines = Vec::with_capacity(FORWARDED_LINES_PER_INTERVAL);
    lines.push(format!(
        "({skipped} log lines of this worker were not forwarded: more than {FORWARDED_LINES_PER_INTERVAL} in {} s)",
        LOG_FORWARD_INTERVAL.as_secs()
    ));
    lines.extend(new.drain(skipped..));
    lines
}

/// The master's copy of each worker's forwarded lines, by worker id (the last
/// [`WORKER_LINES_KEPT`] of each). Cloning shares it.
#[derive(Debug, Clone, Default)]
pub struct WorkerLogs(Arc<Mutex<BTreeMap<String, VecDeque<String>>>>);

impl WorkerLogs {
    /// Adds lines a worker forwarded.
    pub(crate) fn append(&self, worker_id: &str, lines: Vec<String>) {
        let mut workers = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = workers.entry(worker_id.to_owned()).or_default();
        kept.extend(lines);
        let excess = kept.len().saturating_sub(WORKER_LINES_KEPT);
        kept.drain(..excess);
    }

    /// Each worker's lines, oldest first, by worker id.
    pub fn lines(&self) -> BTreeMap<String, Vec<String>> {
        let workers = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        workers
            .iter()
            .map(|(id, lines)| (id.clone(), lines.iter().cloned().collect()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_cut_to_its_newest_lines_with_a_note() {
        let few: Vec<String> = (0..3).map(|i| i.to_string()).collect();
        assert_eq!(capped(few.clone()), few);
        let many: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        let sent = capped(many);
        assert_eq!(sent.len(), FORWARDED_LINES_PER_INTERVAL);
        assert!(sent[0].starts_with("(31 log lines of this worker were not forwarded"));
        assert_eq!(sent[1], "31");
        assert_eq!(sent.last().unwrap(), "99");
    }

    #[test]
    fn the_master_keeps_the_newest_lines_of_each_worker() {
        let logs = WorkerLogs::default();
        logs.append(
            "a",
            (0..WORKER_LINES_KEPT + 2).map(|i| i.to_string()).collect(),
        );
        logs.append("b", vec!["hello".to_owned()]);
        let lines = logs.lines();
        assert_eq!(lines["a"].len(), WORKER_LINES_KEPT);
        assert_eq!(lines["a"][0], "2");
        assert_eq!(lines["b"], ["hello"]);
    }
}
