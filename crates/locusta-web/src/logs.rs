//! The last log lines of this process, for `GET /logs` and the Logs tab.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

/// How many lines are kept, the oldest dropped first (Locust keeps 500 too).
pub const LOG_LINES_KEPT: usize = 500;

/// A shared, bounded ring of formatted log lines: the logger pushes, the API reads. Cloning
/// shares the ring. A lock per log line is fine: lines are rare, never per request.
#[derive(Debug, Clone, Default)]
pub struct LogLines(Arc<Mutex<VecDeque<String>>>);

impl LogLines {
    /// An empty ring.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one line (without its line break), dropping the oldest beyond [`LOG_LINES_KEPT`].
    pub fn push(&self, line: String) {
        let mut lines = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if lines.len() == LOG_LINES_KEPT {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    /// The lines kept, oldest first.
    pub fn lines(&self) -> Vec<String> {
        let lines = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        lines.iter().cloned().collect()
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
