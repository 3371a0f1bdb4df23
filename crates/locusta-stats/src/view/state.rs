//! The run's state, with Locust's names.

use std::fmt;

use serde::Serialize;

/// Run state, as Locust names it (`/stats/requests` `state`, the UI, the history).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    /// No test started yet (or a new one can be started).
    Ready,
    /// Users are being started toward the target count.
    Spawning,
    /// The target user count is reached and the test runs.
    Running,
    /// Stopped users finish (`--stop-timeout`) before the run stops.
    Cleanup,
    /// Users are being stopped.
    Stopping,
    /// The test has ended; statistics are final.
    Stopped,
}

impl RunState {
    /// Locust's lowercase name: `ready`, `spawning`, `running`, `cleanup`, `stopping`, `stopped`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Ready => "ready",
            RunState::Spawning => "spawning",
            RunState::Running => "running",
            RunState::Cleanup => "cleanup",
            RunState::Stopping => "stopping",
            RunState::Stopped => "stopped",
        }
    }
}

impl fmt::Display for RunState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_locust() {
        let all = [
            RunState::Ready,
            RunState::Spawning,
            RunState::Running,
            RunState::Cleanup,
            RunState::Stopping,
            RunState::Stopped,
        ];
        let names: Vec<_> = all.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            names,
            [
                "ready", "spawning", "running", "cleanup", "stopping", "stopped"
            ]
        );
    }
}
