//! What the master publishes: the workers, the run's state and the merged statistics.

use std::sync::Arc;

use locusta_stats::Snapshot;
use tokio::time::Instant;

/// Where the master wants the cluster to be.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterTarget {
    /// Users per class for the whole cluster, indexed like the master's classes (the runner's
    /// class mix for the user count: fixed-count classes first, weights after).
    pub per_class: Vec<u64>,
    /// Users started (or stopped) per second by the whole cluster; finite and > 0.
    pub spawn_rate: f64,
    /// The host users spawned from now on aim at; `None` keeps each class's own.
    pub host: Option<String>,
}

impl ClusterTarget {
    /// All users of the target.
    pub fn users(&self) -> u64 {
        self.per_class.iter().sum()
    }
}

/// The master's run state (Locust's runner states; "missing" is a worker state here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MasterState {
    /// No test has started yet.
    Ready,
    /// Workers are ramping to their targets.
    Spawning,
    /// Every worker reported its target.
    Running,
    /// Workers were told to stop and not all reported zero users yet.
    Stopping,
    /// The test stopped (by order, or because the last worker was lost).
    Stopped,
    /// Workers were told to quit; the master ends once they have (or after the quit timeout).
    Quitting,
}

/// Why the last test stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// [`MasterHandle::stop`](super::MasterHandle::stop) or quit.
    Requested,
    /// No ready worker was left (the last one quit, went missing or disconnected).
    LastWorkerLost,
}

/// A worker's state as the master sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerStatus {
    /// Connected and welcomed, its user classes not loaded yet.
    Connecting,
    /// Ready for spawn orders, no users.
    Ready,
    /// Ramping to its target.
    Spawning,
    /// At its target.
    Running,
    /// Stopping its users.
    Stopping,
    /// Silent for longer than the heartbeat timeout, or disconnected; its users were given to
    /// the others. It heals if it speaks again (or reconnects with the same id).
    Missing,
}

impl WorkerStatus {
    /// Whether the worker takes part in dispatch (connected, loaded and not missing).
    pub fn is_ready(self) -> bool {
        !matches!(self, WorkerStatus::Connecting | WorkerStatus::Missing)
    }

    /// Locust's lower-case name (`ready`, `spawning`, `running`, `stopping`, `missing`), as
    /// the web UI shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerStatus::Connecting => "connecting",
            WorkerStatus::Ready => "ready",
            WorkerStatus::Spawning => "spawning",
            WorkerStatus::Running => "running",
            WorkerStatus::Stopping => "stopping",
            WorkerStatus::Missing => "missing",
        }
    }
}

/// One worker in the master's registry.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerInfo {
    /// The worker's id (from its hello).
    pub id: String,
    /// The worker's host name.
    pub hostname: String,
    /// Its stable index on this master.
    pub index: u32,
    /// Its state.
    pub status: WorkerStatus,
    /// Users alive per class, as last reported.
    pub users_per_class: Vec<u64>,
    /// CPU use in percent of one core, as last reported.
    pub cpu_percent: f32,
    /// Resident memory in bytes, as last reported.
    pub memory_bytes: u64,
    /// When the master last heard from it.
    pub last_heard: Instant,
    /// The users per class the master last told it to have (`None` before the first spawn
    /// order, and while missing).
    pub assigned: Option<Vec<u64>>,
}

impl WorkerInfo {
    /// Users alive on the worker, as last reported.
    pub fn users(&self) -> u64 {
        self.users_per_class.iter().sum()
    }
}

/// The master's published state: cheap to clone, replaced (not mutated) on each change.
#[derive(Debug, Clone)]
pub struct ClusterView {
    /// The run state.
    pub state: MasterState,
    /// Why the last test stopped, once one has.
    pub stop_reason: Option<StopReason>,
    /// The current target, while a test runs.
    pub target: Option<ClusterTarget>,
    /// Every known worker, by index (shared with the master's registry: cloning a view is cheap).
    pub workers: Vec<Arc<WorkerInfo>>,
    /// The run's cumulative statistics: every delta any worker reported since the test
    /// started (or the statistics were reset), including workers lost since. Empty with
    /// [`StatisticsTo::Taker`](super::StatisticsTo::Taker).
    pub snapshot: Arc<Snapshot>,
    /// Users alive per class on the ready workers, as they last reported.
    pub users_per_class: Vec<u64>,
    /// Whether a worker reported more CPU than the warning threshold during this master's life
    /// (Locust's end-of-test warning).
    pub cpu_warning: bool,
}

impl ClusterView {
    /// Workers ready for orders (`/worker-count`; what `--expect-workers` waits for).
    pub fn ready_workers(&self) -> usize {
        self.workers.iter().filter(|w| w.status.is_ready()).count()
    }

    /// Users alive on the ready workers.
    pub fn user_count(&self) -> u64 {
        self.users_per_class.iter().sum()
    }
}
