//! The master's side: the runner's users live on the workers.
//!
//! The runner ramps exactly as in a local run (its roster decides who starts and stops, at the
//! spawn rate, with shapes, run times and class selection); [`ClusterUsers`] turns each ramp
//! step into per-class totals for the master to dispatch, and hands the runner the workers'
//! statistics deltas. So the console, web UI, reports and thresholds read one merged view,
//! exactly as for a local run.

use std::sync::Arc;
use std::time::Duration;

use locusta_cluster::protocol::Locustfile;
use locusta_cluster::transport::tcp::TcpListener;
use locusta_cluster::{
    ClusterError, ClusterTarget, ClusterView, Master, MasterConfig, MasterHandle, MasterState,
    StatisticsTo, StopReason,
};
use locusta_engine::EngineReport;
use locusta_runner::{Population, RunnerHandle};
use locusta_stats::Clock;
use tokio::task::JoinHandle;

use crate::cli::MasterPlan;

/// The master, running: its remote control and its task.
pub struct RunningMaster {
    /// The master's remote control.
    pub handle: MasterHandle,
    task: JoinHandle<Arc<ClusterView>>,
    quit_timeout: Duration,
    port: u16,
}

/// Starts listening for workers on `plan`'s address.
pub async fn start(
    plan: &MasterPlan,
    classes: Vec<String>,
    locustfile: Option<Locustfile>,
    stop_timeout: Duration,
    clock: Clock,
) -> anyhow::Result<RunningMaster> {
    let address = plan.bind_address();
    let listener = TcpListener::bind(address.as_str()).await.map_err(|error| {
        anyhow::anyhow!(
            "cannot listen for workers on {address}: {error} (is another master running? choose another --master-bind-port)"
        )
    })?;
    let port = listener.local_addr().port();
    tracing::info!(
        "Waiting for workers on {} (--master-bind-host/--master-bind-port)",
        listener.local_addr()
    );
    let mut config = MasterConfig::new(classes);
    config.heartbeat_timeout = plan.heartbeat_timeout;
    config.locustfile = locustfile;
    config.clock = clock;
    // The runner keeps the totals from the deltas it takes.
    config.statistics = StatisticsTo::Taker;
    // Workers stop their users within the stop timeout before their final report.
    config.quit_timeout = stop_timeout + Duration::from_secs(5);
    let quit_timeout = config.quit_timeout;
    let (master, handle) = Master::new(config, listener);
    Ok(RunningMaster {
        handle,
        task: tokio::spawn(master.run()),
        quit_timeout,
        port,
    })
}

impl RunningMaster {
    /// The port workers connect to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The runner's population: users on the workers, aiming at `host` (`--host`; `None`:
    /// each class's own, or the workers' `--host`).
    pub fn users(
        &self,
        class_count: usize,
        stop_timeout: Duration,
        host: Option<String>,
    ) -> ClusterUsers {
        ClusterUsers {
            master: self.handle.clone(),
            per_class: vec![0; class_count],
            host,
            stop_wait: stop_timeout + Duration::from_secs(5),
        }
    }

    /// Tells the workers to quit and waits (bounded) for them and the master to end.
    pub async fn quit(self) {
        self.handle.quit();
        let bound = self.quit_timeout + Duration::from_secs(1);
        if tokio::time::timeout(bound, self.task).await.is_err() {
            tracing::warn!("The master did not end within {} s", bound.as_secs());
        }
    }
}

/// Users on the workers, as the runner's [`Population`].
pub struct ClusterUsers {
    master: MasterHandle,
    /// Users the runner has started and not stopped, per class: the cluster's target.
    per_class: Vec<u64>,
    host: Option<String>,
    /// How long stopping may take before the runner is told it is done anyway.
    stop_wait: Duration,
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

    fn set_host(&mut self, host: Option<String>) {
        self.host = host;
    }

    async fn stop_all(&mut self, _stop_timeout: Duration) {
        self.per_class.fill(0);
        let mut views = self.master.subscribe();
        if matches!(views.borrow().state, MasterState::Ready) {
            return;
        }
        self.master.stop();
        // Workers send their last statistics before saying they have stopped, so once the
        // master is `Stopped` the next report holds everything they recorded.
        let stopped = async {
            let _ = views
                .wait_for(|view| matches!(view.state, MasterState::Stopped | MasterState::Quitting))
                .await;
        };
        if tokio::time::timeout(self.stop_wait, stopped).await.is_err() {
            tracing::warn!(
                "Timeout waiting for all workers to stop ({} s)",
                self.stop_wait.as_secs()
            );
        }
    }

    async fn report(&mut self) -> EngineReport {
        let delta = self.master.take_stats().await;
        EngineReport {
            delta,
            users_by_class: self.master.view().users_per_class.clone(),
        }
    }
}

/// Stops the test (and, headless, the run) when the last worker is gone, as Locust does.
pub fn stop_when_workers_are_gone(
    master: &MasterHandle,
    runner: RunnerHandle,
    headless: bool,
) -> JoinHandle<()> {
    let mut views = master.subscribe();
    tokio::spawn(async move {
        loop {
            let lost = views
                .wait_for(|view| view.stop_reason == Some(StopReason::LastWorkerLost))
                .await
                .is_ok();
            if !lost {
                return;
            }
            tracing::warn!("The last worker is gone, stopping the test");
            if headless {
                runner.quit();
                return;
            }
            runner.stop();
            // Wait for the next test before watching again.
            if views
                .wait_for(|view| view.stop_reason != Some(StopReason::LastWorkerLost))
                .await
                .is_err()
            {
                return;
            }
        }
    })
}

/// Starts the test once `--expect-workers` are ready (headless or `--autostart`); gives up
/// after `--expect-workers-max-wait`, quitting the run with an error.
pub fn start_when_workers_are_ready(
    master: &MasterHandle,
    plan: &MasterPlan,
    runner: RunnerHandle,
    start: impl FnOnce() + Send + 'static,
    gave_up: Arc<std::sync::atomic::AtomicBool>,
) -> JoinHandle<()> {
    let master = master.clone();
    let (expected, max_wait) = (plan.expect_workers, plan.expect_workers_max_wait);
    tokio::spawn(async move {
        match master.wait_for_workers(expected, max_wait).await {
            Ok(()) => start(),
            Err(error) => {
                tracing::error!("{error}");
                gave_up.store(true, std::sync::atomic::Ordering::Relaxed);
                runner.quit();
            }
        }
    })
}
