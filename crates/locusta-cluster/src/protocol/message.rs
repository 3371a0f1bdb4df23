//! The messages master and workers exchange, one per frame.
//!
//! Encoded as MessagePack maps with field names (`rmp_serde::to_vec_named`): a few bytes more
//! per message than arrays, but a peer of another version can still read the fields it knows
//! (unknown fields are ignored, missing ones take their default), which is what lets the
//! handshake refuse an incompatible peer with a clear message instead of a decoding error.
//! The statistics inside a [`StatsReport`] are bytes of the `locusta_stats` wire format.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// The version of this protocol; master and worker must speak the same one. Bump it whenever
/// a message changes shape or meaning, or the statistics wire format version changes.
pub const PROTOCOL_VERSION: u32 = 2;

/// A message from a worker to the master.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToMaster {
    /// First message on every connection.
    Hello(Hello),
    /// The worker's user classes are loaded: it can take spawn orders.
    Ready(Ready),
    /// Sent every heartbeat interval, and at once when the worker's state changes.
    Heartbeat(WorkerHeartbeat),
    /// A statistics delta: everything recorded since the previous report.
    Stats(StatsReport),
    /// A spawn order could not be obeyed (e.g. it names a class the worker does not have).
    SpawnFailed {
        /// Why, for the master's log.
        reason: String,
    },
    /// The worker's new log lines (every `LOG_FORWARD_INTERVAL`, when there are any).
    Logs {
        /// Formatted lines, oldest first.
        lines: Vec<String>,
    },
    /// The worker is leaving (after its final statistics report).
    Quit,
}

/// A message from the master to a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// The master accepts the worker (answer to [`Hello`]).
    Welcome(Welcome),
    /// The master refuses the worker; the connection closes after it.
    Refused(Refused),
    /// Absolute user targets for this worker.
    Spawn(Spawn),
    /// Stop all users and wait for the next spawn order.
    Stop,
    /// Stop all users, send a final statistics report, then leave.
    Quit,
    /// The answer to each worker heartbeat, so the worker knows the master is alive.
    Heartbeat,
}

/// Who a worker is and what it speaks.
///
/// Every field but `protocol_version` has a default, so that a `Hello` from another version
/// still decodes far enough to be refused by version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hello {
    /// The worker's [`PROTOCOL_VERSION`].
    pub protocol_version: u32,
    /// The worker's Locusta version, for messages.
    #[serde(default)]
    pub locusta_version: String,
    /// Unique and stable for the life of the worker process (Locust: `<hostname>_<uuid>`); a
    /// worker that reconnects with the same id is the same worker coming back.
    #[serde(default)]
    pub worker_id: String,
    /// The worker's host name: users are spread across hosts first.
    #[serde(default)]
    pub hostname: String,
    /// The worker's process id, for messages.
    #[serde(default)]
    pub pid: u32,
    /// Started with `-f -`: the master should send its locustfile in the [`Welcome`].
    #[serde(default)]
    pub wants_locustfile: bool,
}

/// The master's acceptance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Welcome {
    /// The master's [`PROTOCOL_VERSION`].
    pub protocol_version: u32,
    /// The master's Locusta version.
    #[serde(default)]
    pub locusta_version: String,
    /// The worker's stable 0-based index on this master (Locust's `ack {index}`).
    #[serde(default)]
    pub index: u32,
    /// How often the worker sends heartbeats, in milliseconds.
    pub heartbeat_interval_ms: u64,
    /// Silence after which each side gives the other up, in milliseconds: the master marks the
    /// worker missing, the worker stops its users and reconnects.
    pub heartbeat_timeout_ms: u64,
    /// How often the worker sends statistics, in milliseconds.
    pub report_interval_ms: u64,
    /// The master's locustfile, when the worker asked for it.
    #[serde(default)]
    pub locustfile: Option<Locustfile>,
}

/// A locustfile sent over the wire (`-f -` on the worker).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Locustfile {
    /// The file name on the master (used in tracebacks and messages).
    pub name: String,
    /// The file's text.
    pub source: String,
}

/// The master's refusal. This shape never changes, so any version can read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    /// One sentence saying why and what to do.
    pub reason: String,
}

/// The worker is ready for spawn orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ready {
    /// The user classes the worker loaded, in its order; the master refuses a worker whose
    /// classes differ from its own.
    pub classes: Vec<String>,
}

/// Absolute targets for one worker: after ramping, it should have exactly these users.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spawn {
    /// Users per class, by class name (every class of the master, zeros included), so a
    /// worker can check that it knows each class.
    pub targets: Vec<ClassTarget>,
    /// Users per second this worker starts or stops to get there (its share of the run's
    /// spawn rate).
    pub spawn_rate: f64,
    /// `--host` / the UI's host for users spawned from now on; `None` keeps each class's own.
    pub host: Option<String>,
}

/// Users of one class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassTarget {
    /// The class name.
    pub class: String,
    /// Users of it.
    pub users: u64,
}

/// What a worker is doing, as it reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkerState {
    /// No users and no target.
    Ready,
    /// Ramping towards its targets.
    Spawning,
    /// At its targets.
    Running,
    /// Stopping its users after a stop order.
    Stopping,
}

/// A worker's heartbeat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerHeartbeat {
    /// The worker's state.
    pub state: WorkerState,
    /// Users alive per class, in the order of the worker's [`Ready::classes`].
    pub users_per_class: Vec<u64>,
    /// CPU used by the worker process since its previous heartbeat, in percent of one core.
    pub cpu_percent: f32,
    /// Resident memory of the worker process, in bytes (0 where unknown).
    pub memory_bytes: u64,
}

/// A statistics report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsReport {
    /// A `locusta_stats` wire-format snapshot of what was recorded since the previous report.
    pub snapshot: Bytes,
}
