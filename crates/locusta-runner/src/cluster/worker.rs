//! A worker's users: the cluster layer drives a local runner through the `LocalUsers` seam
//! (absolute per-class targets in, statistics deltas out); the engine never learns that it
//! runs on a worker.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use locusta_cluster::LocalUsers;
use locusta_stats::{RunState, RunView, Snapshot};

use crate::runner::RunnerHandle;

/// How long a statistics report waits for the local runner.
const TAKE_STATS_PATIENCE: Duration = Duration::from_millis(200);

/// The local runner, as the cluster layer drives it.
pub struct WorkerUsers {
    runner: RunnerHandle,
    class_names: Vec<String>,
    /// The host last ordered by the master, to pass on only changes.
    host: Option<String>,
    /// While a stop is under way: the runner's view when it was ordered. The stop is done
    /// once a later view says the runner is idle (its user counts are then fresh).
    stop_ordered_at: Option<Arc<RunView>>,
}

impl WorkerUsers {
    /// The users of `runner` (started with `RunnerConfig::keep_deltas`), whose classes are
    /// `class_names` in the runner's order.
    pub fn new(runner: RunnerHandle, class_names: Vec<String>) -> Self {
        Self {
            runner,
            class_names,
            host: None,
            stop_ordered_at: None,
        }
    }
}

impl LocalUsers for WorkerUsers {
    fn classes(&self) -> Vec<String> {
        self.class_names.clone()
    }

    fn set_targets(&mut self, per_class: &[u64], spawn_rate: f64, host: Option<&str>) {
        if let Some(host) = host
            && self.host.as_deref() != Some(host)
        {
            self.host = Some(host.to_owned());
            self.runner.set_host(self.host.clone());
        }
        self.runner.start_exact(per_class.to_vec(), spawn_rate);
        self.stop_ordered_at = None;
    }

    fn users_per_class(&self) -> Vec<u64> {
        let view = self.runner.view();
        let mut counts = vec![0; self.class_names.len()];
        for (count, &alive) in counts.iter_mut().zip(view.users_by_class()) {
            *count = alive;
        }
        counts
    }

    fn take_stats(&mut self) -> impl Future<Output = Snapshot> + Send {
        let runner = self.runner.clone();
        async move {
            // The runner answers between its other work (a ramp step, a collection), even
            // while users stop; still, the heartbeats must never wait on it, so this gives up
            // early: what it has not handed over stays with it for the next report.
            tokio::time::timeout(TAKE_STATS_PATIENCE, runner.take_stats())
                .await
                .unwrap_or_default()
        }
    }

    fn stop(&mut self) {
        self.stop_ordered_at = Some(self.runner.view());
        self.runner.stop();
    }

    fn is_stopping(&mut self) -> bool {
        let Some(ordered_at) = &self.stop_ordered_at else {
            return false;
        };
        let view = self.runner.view();
        let done = !Arc::ptr_eq(&view, ordered_at)
            && matches!(view.state(), RunState::Stopped | RunState::Ready);
        if done {
            self.stop_ordered_at = None;
        }
        !done
    }
}
