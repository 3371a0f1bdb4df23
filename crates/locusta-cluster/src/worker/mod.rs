//! The worker: connects to the master, runs the users it is told to through [`LocalUsers`],
//! reports heartbeats and statistics, and survives losing the master for a while.
//!
//! Timeline of a connection: preamble and `Hello` → `Welcome` (or `Refused`: exit with its
//! reason) → the users are loaded once (from the master's locustfile with `-f -`) → `Ready` →
//! heartbeats every interval, statistics every report interval, spawn/stop orders as they
//! come. When the master is silent for the heartbeat timeout or the connection closes, the
//! worker stops its users (the master gives them to other workers after the same silence) and
//! tries to reconnect for [`WorkerConfig::reconnect_for`]; statistics not yet sent are kept and
//! sent on the next connection.

mod session;

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::Duration;

use locusta_stats::{Snapshot, WireCompression};

use crate::logs::LOG_FORWARD_INTERVAL;
use crate::protocol::Locustfile;
use crate::transport::Connector;
use crate::{ClusterError, LogTail};

/// The worker's local users, as the distributed layer needs them. The binary implements it
/// over the local runner; the engine never learns that it runs on a worker.
///
/// Methods are orders and readings; none may block (the heartbeat shares the worker's task).
pub trait LocalUsers: Send {
    /// The user classes this worker can run, in the order of every per-class list below.
    fn classes(&self) -> Vec<String>;

    /// Ramp to exactly `per_class` users at `spawn_rate` users per second (start or stop
    /// users as needed, newest first when stopping), with users spawned from now on aiming at
    /// `host` (`None`: each class's own host).
    fn set_targets(&mut self, per_class: &[u64], spawn_rate: f64, host: Option<&str>);

    /// Users alive now, per class.
    fn users_per_class(&self) -> Vec<u64>;

    /// Everything recorded since the previous call (statistics, failures, exceptions), leaving
    /// nothing behind; it may have to collect from the shards first, hence async.
    fn take_stats(&mut self) -> impl Future<Output = Snapshot> + Send;

    /// Stop every user (honouring the stop timeout); a later `set_targets` starts again.
    fn stop(&mut self);

    /// Whether a stop ordered by [`stop`](Self::stop) is still under way. Until it is done,
    /// the worker reports itself stopping even if [`users_per_class`](Self::users_per_class)
    /// already reads zeros (counts that lag behind the users may do so before the stop).
    fn is_stopping(&mut self) -> bool {
        false
    }
}

/// Worker settings.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// This worker's id, unique and stable for its life (see [`default_worker_id`]).
    pub worker_id: String,
    /// This machine's host name (workers are spread across hosts first).
    pub hostname: String,
    /// This build's version, for the handshake.
    pub locusta_version: String,
    /// `-f -`: load the user classes from the locustfile the master sends.
    pub wants_locustfile: bool,
    /// How long to keep trying to connect, at the start and after losing the master.
    pub reconnect_for: Duration,
    /// Pause between connection attempts.
    pub retry_interval: Duration,
    /// How long one connection attempt, and then the master's welcome, may take.
    pub connect_timeout: Duration,
    /// On quit, how long to wait for the users to stop before the final report (set it to the
    /// stop timeout plus a little).
    pub quit_drain: Duration,
    /// The worker's own log, forwarded to the master every `log_interval` (`None`: nothing
    /// is forwarded).
    pub log_tail: Option<Arc<dyn LogTail>>,
    /// How often new log lines are forwarded.
    pub log_interval: Duration,
    /// Whether statistics reports are deflated (see the decision log: they are not by default).
    pub compression: WireCompression,
}

impl WorkerConfig {
    /// Defaults: a fresh id on this host, reconnecting for 60 s once a second.
    pub fn new() -> Self {
        let hostname = hostname();
        Self {
            worker_id: default_worker_id(&hostname),
            hostname,
            locusta_version: env!("CARGO_PKG_VERSION").to_owned(),
            wants_locustfile: false,
            reconnect_for: Duration::from_secs(60),
            retry_interval: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(5),
            quit_drain: Duration::from_secs(5),
            compression: WireCompression::None,
            log_tail: None,
            log_interval: LOG_FORWARD_INTERVAL,
        }
    }
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// Locust's `<hostname>_<32 hex digits>`, random per call.
pub fn default_worker_id(hostname: &str) -> String {
    // std's RandomState is seeded from the OS once per process and varies per instance.
    let random = |salt: u64| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(salt ^ u64::from(std::process::id()));
        hasher.finish()
    };
    format!("{hostname}_{:016x}{:016x}", random(1), random(2))
}

/// This machine's host name, or `localhost` if it cannot be read.
pub fn hostname() -> String {
    let mut buffer = [0u8; 256];
    // SAFETY: gethostname writes at most `len` bytes into the buffer.
    let result = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) };
    if result != 0 {
        return "localhost".to_owned();
    }
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    match std::str::from_utf8(&buffer[..end]) {
        Ok(name) if !name.is_empty() => name.to_owned(),
        _ => "localhost".to_owned(),
    }
}

/// Runs a worker until the master tells it to quit (`Ok`), `shutdown` completes (`Ok`, after
/// a final report to the master), or it gives up: refused, incompatible, the master
/// unreachable for [`WorkerConfig::reconnect_for`], or the users failed to load (`Err`).
///
/// `load` builds the local users once, after the first welcome, from the master's locustfile
/// when the worker asked for it (`-f -`) and `None` otherwise.
pub async fn run_worker<C, U, F>(
    config: WorkerConfig,
    connector: C,
    load: F,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ClusterError>
where
    C: Connector,
    U: LocalUsers,
    F: FnOnce(Option<Locustfile>) -> Result<U, String> + Send,
{
    session::Worker::new(config, connector)
        .run(load, shutdown)
        .await
}
