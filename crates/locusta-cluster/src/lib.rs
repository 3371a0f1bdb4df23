//! Distributed runs: one master, any number of workers, and exactly one set of statistics.
//!
//! - [`protocol`]: the typed messages, their framing and the version handshake.
//! - [`transport`]: how a master and its workers reach each other (TCP, or in memory for tests).
//! - [`dispatch`]: which worker runs how many users of each class.
//! - [`Master`] and [`run_worker`]: the two state machines, generic over the transport. The
//!   worker drives its local users through the [`LocalUsers`] trait; the master merges the
//!   workers' statistics deltas into one cumulative `Snapshot`.
//!
//! The engine does not know it runs on a worker: the binary implements [`LocalUsers`] over the
//! local runner. See `docs/distributed.md` for the protocol and its timing.

#![warn(missing_docs)]

pub mod dispatch;
mod error;
mod logs;
mod master;
pub mod protocol;
pub mod transport;
mod usage;
mod worker;

pub use error::ClusterError;
pub use logs::{
    FORWARDED_LINES_PER_INTERVAL, LOG_FORWARD_INTERVAL, LogTail, WORKER_LINES_KEPT, WorkerLogs,
};
pub use master::{
    ClusterTarget, ClusterView, Master, MasterConfig, MasterHandle, MasterState, StatisticsTo,
    StopReason, WorkerInfo, WorkerStatus,
};
pub use usage::{ProcessUsage, UsageSample};
pub use worker::{LocalUsers, WorkerConfig, default_worker_id, hostname, run_worker};
