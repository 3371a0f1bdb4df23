//! The last log lines of this process, for `GET /logs` and the Logs tab, and for a worker to
//! forward to its master.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use locusta_cluster::LogTail;

/// How many lines are kept, the oldest dropped first (Locust keeps 500 too).
pub const LOG_LINES_KEPT: usize = 500;

/// A shared, bounded ring of formatted log lines: the logger pushes, the API reads. Cloning
/// shares the ring. A lock per log line is fine: lines are rare, never per request.
#[derive(Debug, Clone, Default)]
pub struct LogLines(Arc<Mutex<Ring>>);

#[derive(Debug, Default)]
struct Ring {
    lines: VecDeque<String>,
    /// Lines pushed since the start, kept or not.
    written: u64,
}

impl LogLines {
    /// An empty ring.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one line (without its line break), dropping the oldest beyond [`LOG_LINES_KEPT`].
    pub fn push(&self, line: String) {
        let mut ring = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if ring.lines.len() == LOG_LINES_KEPT {
            ring.lines.pop_front();
        }
        ring.lines.push_back(line);
        ring.written += 1;
    }

    /// The lines kept, oldest first.
    pub fn lines(&self) -> Vec<String> {
        let ring = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        ring.lines.iter().cloned().collect()
    }
}

impl LogTail for LogLines {
    fn lines_after(&self, seen: u64) -> (Vec<String>, u64) {
        let ring = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let new = usize::try_from(ring.written.saturating_sub(seen)).unwrap_or(usize::MAX);
        let kept = new.min(ring.lines.len());
        let first = ring.lines.len() - kept;
        (ring.lines.range(first..).cloned().collect(), ring.written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_lines_in_order() {
        let logs = LogLines::new();
        for i in 0..LOG_LINES_KEPT + 3 {
            logs.push(format!("line {i}"));
        }
        let lines = logs.lines();
        assert_eq!(lines.len(), LOG_LINES_KEPT);
        assert_eq!(lines[0], "line 3");
        assert_eq!(
            lines[LOG_LINES_KEPT - 1],
            format!("line {}", LOG_LINES_KEPT + 2)
        );
    }
}
