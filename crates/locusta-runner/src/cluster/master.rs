//! A master's users: the runner ramps as for a local run, and after each ramp step the
//! master dispatches the new per-class totals to its workers (Locust's master, too, ramps and
//! sends absolute counts). The workers' statistics deltas come back as the runner's reports.

use std::time::Duration;

use locusta_cluster::{ClusterError, ClusterTarget, MasterHandle, MasterState};
use locusta_engine::EngineReport;

use crate::population::Population;

/// Users on the workers, as the runner's [`Population`].
pub struct ClusterUsers {
    master: MasterHandle,
    /// Users the runner has started and not stopped, per class: the cluster's target.
    per_class: Vec<u64>,
    host: Option<String>,
    /// How long stopping may take before the runner is told it is done anyway.
    stop_wait: Duration,
}

impl ClusterUsers {
    /// Users of `class_count` classes on `master`'s workers, aiming at `host` (`None`: each
    /// class's own, or the workers' `--host`). A stop waits at most `stop_wait` for the
    /// workers to report their users stopped (the stop timeout and a little).
    pub fn new(
        master: MasterHandle,
        class_count: usize,
        stop_wait: Duration,
        host: Option<String>,
    ) -> Self {
        Self {
            master,
            per_class: vec![0; class_count],
            host,
            stop_wait,
        }
    }
}

impl Population for ClusterUsers {
    fn spawn_user(&mut self, _user_id: u64, class: usize) {
        self.per_class[class] += 1;
    }

    fn stop_user(&mut self, _user_id: u64, class: usize, _stop_timeout: Duration) {
        self.per_class[class] = self.per_class[class].saturating_sub(1);
    }

    async fn step_done(&mut self, spawn_rate: f64) {
        let target = ClusterTarget {
            per_class: self.per_class.clone(),
            spawn_rate,
            host: self.host.clone(),
        };
        match self.master.start(target).await {
            Ok(()) => {}
            Err(ClusterError::NoWorkers) => tracing::error!(
                "You can't start a distributed test before at least one worker processes has connected"
            ),
            Err(error) => tracing::error!("The workers were not told their users: {error}"),
        }
    }

    fn is_remote(&self) -> bool {
        true
    }

    fn set_host(&mut self, host: Option<String>) {
        self.host = host;
    }

    fn stop_all(&mut self, _stop_timeout: Duration) -> impl Future<Output = ()> + Send + 'static {
        self.per_class.fill(0);
        let master = self.master.clone();
        let stop_wait = self.stop_wait;
        let mut views = master.subscribe();
        let idle = matches!(views.borrow().state, MasterState::Ready);
        if !idle {
            master.stop();
        }
        async move {
            if idle {
                return;
            }
            // Workers send their last statistics before saying they have stopped, so once the
            // master is `Stopped` the next report holds everything they recorded.
            let stopped = views.wait_for(|view| {
                matches!(view.state, MasterState::Stopped | MasterState::Quitting)
            });
            if tokio::time::timeout(stop_wait, stopped).await.is_err() {
                tracing::warn!(
                    "Timeout waiting for all workers to stop ({} s)",
                    stop_wait.as_secs()
                );
            }
        }
    }

    async fn report(&mut self) -> EngineReport {
        let delta = self.master.take_stats().await;
        EngineReport {
            delta,
            users_by_class: self.master.view().users_per_class.clone(),
            // The workers' runners forget their own users that ended.
            ended: Vec::new(),
        }
    }
}
