//! The master: accepts workers, tells each one its users, merges their statistics, and notices
//! when one goes missing.
//!
//! [`Master::run`] is one task that owns everything (registry, target, cumulative snapshot); a
//! small task per connection forwards the worker's messages to it. Callers act through the
//! cloneable [`MasterHandle`] and read the published [`ClusterView`].

mod core;
mod view;

use std::sync::Arc;
use std::time::Duration;

use locusta_stats::{Clock, Snapshot};
use tokio::sync::{mpsc, oneshot, watch};

pub use view::{ClusterTarget, ClusterView, MasterState, StopReason, WorkerInfo, WorkerStatus};

use crate::protocol::Locustfile;
use crate::transport::Listener;
use crate::{ClusterError, WorkerLogs};

/// Master settings that do not change during its life.
#[derive(Debug, Clone)]
pub struct MasterConfig {
    /// The user classes, in the runner's order (targets are indexed like this). Workers must
    /// have the same.
    pub classes: Vec<String>,
    /// This build's version, for the handshake's messages.
    pub locusta_version: String,
    /// How often workers send heartbeats (told to each worker in its welcome).
    pub heartbeat_interval: Duration,
    /// Silence after which a worker is marked missing and its users go to the others; workers
    /// give the master up after the same silence and stop their users.
    pub heartbeat_timeout: Duration,
    /// How long a missing worker stays in the registry before it is forgotten.
    pub missing_removal: Duration,
    /// How often workers send statistics (told to each worker in its welcome).
    pub report_interval: Duration,
    /// How long a new connection may take to say hello.
    pub hello_timeout: Duration,
    /// How long [`MasterHandle::quit`] waits for the workers' final reports.
    pub quit_timeout: Duration,
    /// At most how often a new view is published for statistics and heartbeats (changes of
    /// state and membership are published at once).
    pub view_interval: Duration,
    /// A worker reporting more CPU than this (percent of one core) is warned about once.
    pub cpu_warning_percent: f32,
    /// The locustfile sent to workers started with `-f -`; `None` refuses them.
    pub locustfile: Option<Locustfile>,
    /// Unix time of test starts and statistics resets (the runner's clock).
    pub clock: Clock,
    /// Where the workers' statistics go: merged into the published view, or kept for
    /// [`MasterHandle::take_stats`] (a runner that keeps its own totals).
    pub statistics: StatisticsTo,
}

/// Where a master puts the statistics the workers report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatisticsTo {
    /// Merged into [`ClusterView::snapshot`], cumulative for the test.
    View,
    /// Merged into a delta that [`MasterHandle::take_stats`] hands over (the view's snapshot
    /// stays empty).
    Taker,
}

impl MasterConfig {
    /// Defaults for `classes`: heartbeats every second, a worker missing after 5 s of silence
    /// and forgotten after another 60 s, statistics every second.
    pub fn new(classes: Vec<String>) -> Self {
        Self {
            classes,
            locusta_version: env!("CARGO_PKG_VERSION").to_owned(),
            heartbeat_interval: Duration::from_secs(1),
            heartbeat_timeout: Duration::from_secs(5),
            missing_removal: Duration::from_secs(60),
            report_interval: Duration::from_secs(1),
            hello_timeout: Duration::from_secs(10),
            quit_timeout: Duration::from_secs(5),
            view_interval: Duration::from_millis(500),
            cpu_warning_percent: 90.0,
            locustfile: None,
            clock: Clock::start(),
            statistics: StatisticsTo::View,
        }
    }
}

pub(crate) enum Command {
    Start(ClusterTarget, oneshot::Sender<Result<(), ClusterError>>),
    Stop,
    ResetStats,
    Quit,
    TakeStats(oneshot::Sender<Snapshot>),
}

/// The master's state machine; [`run`](Master::run) drives it.
pub struct Master<L: Listener> {
    core: core::Core<L>,
}

impl<L: Listener> Master<L> {
    /// A master accepting workers from `listener`, and the handle to control it.
    pub fn new(config: MasterConfig, listener: L) -> (Self, MasterHandle) {
        let (commands_tx, commands) = mpsc::unbounded_channel();
        let worker_logs = WorkerLogs::default();
        let (core, views) = core::Core::new(config, listener, commands, worker_logs.clone());
        (
            Self { core },
            MasterHandle {
                commands: commands_tx,
                views,
                worker_logs,
            },
        )
    }

    /// Runs until [`MasterHandle::quit`] (and the workers' final reports, or the quit timeout),
    /// or until every handle is dropped. Returns the final view.
    pub async fn run(self) -> Arc<ClusterView> {
        self.core.run().await
    }
}

/// A cheap, cloneable remote control of the master, for the CLI, signal handlers and the web
/// API. Orders are queued; the latest [`ClusterView`] is always available.
#[derive(Clone)]
pub struct MasterHandle {
    commands: mpsc::UnboundedSender<Command>,
    views: watch::Receiver<Arc<ClusterView>>,
    worker_logs: WorkerLogs,
}

impl MasterHandle {
    /// The log lines the workers forwarded, by worker id (shared: it fills as they arrive).
    pub fn worker_logs(&self) -> WorkerLogs {
        self.worker_logs.clone()
    }

    /// Starts a test (statistics cleared) or edits the running one: each ready worker gets
    /// its share of `target`. Fails without a ready worker, or when the target does not fit
    /// the master's classes.
    pub async fn start(&self, target: ClusterTarget) -> Result<(), ClusterError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Start(target, reply))
            .map_err(|_| ClusterError::MasterStopped)?;
        answer.await.map_err(|_| ClusterError::MasterStopped)?
    }

    /// Stops every worker's users; the workers stay connected for the next start.
    pub fn stop(&self) {
        let _ = self.commands.send(Command::Stop);
    }

    /// Zeroes the merged statistics (entries are kept, as in Locust).
    pub fn reset_stats(&self) {
        let _ = self.commands.send(Command::ResetStats);
    }

    /// Every statistics delta the workers reported since the previous call, merged, with
    /// [`StatisticsTo::Taker`] (always empty with [`StatisticsTo::View`], and once the master
    /// has ended). A new test drops what the previous one left untaken.
    pub async fn take_stats(&self) -> Snapshot {
        let (reply, taken) = oneshot::channel();
        if self.commands.send(Command::TakeStats(reply)).is_err() {
            return Snapshot::default();
        }
        taken.await.unwrap_or_default()
    }

    /// Tells every worker to quit and ends the master once their final reports are in.
    pub fn quit(&self) {
        let _ = self.commands.send(Command::Quit);
    }

    /// The latest published view.
    pub fn view(&self) -> Arc<ClusterView> {
        Arc::clone(&self.views.borrow())
    }

    /// A receiver notified of each new view.
    pub fn subscribe(&self) -> watch::Receiver<Arc<ClusterView>> {
        self.views.clone()
    }

    /// Waits until `expected` workers are ready (`--expect-workers`), at most `max_wait`
    /// (`--expect-workers-max-wait`; `None` waits forever). Logs Locust's "Waiting for workers
    /// to be ready, X of N connected" every second after the first 5 s.
    pub async fn wait_for_workers(
        &self,
        expected: usize,
        max_wait: Option<Duration>,
    ) -> Result<(), ClusterError> {
        let started = tokio::time::Instant::now();
        let mut views = self.views.clone();
        let mut next_log = started + Duration::from_secs(5);
        loop {
            let ready = views.borrow_and_update().ready_workers();
            if ready >= expected {
                return Ok(());
            }
            let now = tokio::time::Instant::now();
            if now >= next_log {
                tracing::info!("Waiting for workers to be ready, {ready} of {expected} connected");
                next_log = now + Duration::from_secs(1);
            }
            let mut wake = next_log;
            if let Some(max_wait) = max_wait {
                let give_up = started + max_wait;
                if now >= give_up {
                    return Err(ClusterError::GaveUpWaiting {
                        ready,
                        expected,
                        waited: max_wait,
                    });
                }
                wake = wake.min(give_up);
            }
            tokio::select! {
                changed = views.changed() => {
                    if changed.is_err() {
                        return Err(ClusterError::MasterStopped);
                    }
                }
                () = tokio::time::sleep_until(wake) => {}
            }
        }
    }
}
