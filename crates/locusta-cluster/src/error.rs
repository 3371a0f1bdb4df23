//! The crate's one error type.

use std::time::Duration;

/// What can go wrong in a distributed run. Every message is a sentence a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// A message could not be encoded or decoded.
    #[error("protocol error: {0}")]
    Protocol(String),
    /// A socket operation failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The peer is not a Locusta master or worker of a compatible framing.
    #[error("{peer} is not a Locusta master/worker: {reason}")]
    NotLocusta {
        /// The peer's address.
        peer: String,
        /// What it seems to be instead.
        reason: String,
    },
    /// The master refused this worker (the reason comes from the master).
    #[error("the master at {addr} refused this worker: {reason}")]
    Refused {
        /// The master's address.
        addr: String,
        /// The master's reason.
        reason: String,
    },
    /// The master speaks another protocol version (and did not refuse us itself).
    #[error("the master at {addr} is incompatible: {reason}")]
    Incompatible {
        /// The master's address.
        addr: String,
        /// What differs.
        reason: String,
    },
    /// The first connection to the master could not be made in time.
    #[error(
        "failed to connect to the Locusta master at {addr} within {} s: {last_error}",
        waited.as_secs()
    )]
    ConnectFailed {
        /// The master's address.
        addr: String,
        /// How long the worker kept trying.
        waited: Duration,
        /// The error of the last attempt.
        last_error: String,
    },
    /// The master went away and did not come back in time.
    #[error(
        "lost the Locusta master at {addr} and could not reconnect within {} s: {last_error}",
        waited.as_secs()
    )]
    MasterLost {
        /// The master's address.
        addr: String,
        /// How long the worker kept trying.
        waited: Duration,
        /// The error of the last attempt.
        last_error: String,
    },
    /// The worker could not load its user classes (for example from the master's locustfile).
    #[error("could not load the user classes: {0}")]
    Users(String),
    /// `--expect-workers` were not all ready before `--expect-workers-max-wait`.
    #[error(
        "gave up waiting for workers to connect: {ready} of {expected} ready after {} s",
        waited.as_secs()
    )]
    GaveUpWaiting {
        /// Workers ready when giving up.
        ready: usize,
        /// Workers expected.
        expected: usize,
        /// How long the master waited.
        waited: Duration,
    },
    /// A start was asked for with no ready worker (Locust's message in the web UI).
    #[error(
        "You can't start a distributed test before at least one worker processes has connected"
    )]
    NoWorkers,
    /// A target whose per-class list does not match the master's classes.
    #[error("the target has {given} user classes, the master has {expected}")]
    TargetClasses {
        /// Classes in the target.
        given: usize,
        /// Classes of the master.
        expected: usize,
    },
    /// The master's run loop has ended; its handle can no longer act.
    #[error("the master has stopped")]
    MasterStopped,
}
