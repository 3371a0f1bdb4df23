//! The master process: listens for workers, and gives the runner `ClusterUsers`, so the
//! console, web UI, reports and thresholds read one merged view exactly as for a local run.
//! Also Locust's behaviours around it: `--expect-workers`, and stopping when the last worker
//! is gone.

use std::sync::Arc;
use std::time::Duration;

use locusta_cluster::protocol::Locustfile;
use locusta_cluster::transport::tcp::TcpListener;
use locusta_cluster::{ClusterView, Master, MasterConfig, MasterHandle, StatisticsTo, StopReason};
use locusta_runner::RunnerHandle;
use locusta_runner::cluster::ClusterUsers;
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
        // The workers stop their users within the stop timeout, then report it.
        let stop_wait = stop_timeout + Duration::from_secs(5);
        ClusterUsers::new(self.handle.clone(), class_count, stop_wait, host)
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
