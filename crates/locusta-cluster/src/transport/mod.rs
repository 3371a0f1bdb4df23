//! How master and workers reach each other, behind two small traits so the state machines can
//! be tested in one process ([`memory`]) and deployed over TCP ([`tcp`]).
//!
//! A connection is a [`Link`]: a pair of channels of typed messages. The TCP transport runs a
//! reader and a writer task per connection that translate between the channels and frames; the
//! memory transport hands the channels over directly. Dropping both halves of a link closes
//! the connection.

pub mod memory;
pub mod tcp;

use std::future::Future;

use tokio::sync::mpsc;

use crate::ClusterError;
use crate::protocol::{ToMaster, ToWorker};

/// Messages each direction of a link buffers. A master never waits on a full link: it gives
/// up a worker that does not read 256 messages (minutes of heartbeats).
pub const LINK_CAPACITY: usize = 256;

/// One connection, seen from one side: what it sends and what it receives.
#[derive(Debug)]
pub struct Link<Out, In> {
    /// Messages to the peer.
    pub sender: mpsc::Sender<Out>,
    /// Messages from the peer; `None` once the connection is closed.
    pub receiver: mpsc::Receiver<In>,
    /// The peer's address, for messages.
    pub peer: String,
}

/// A connection as the master sees it.
pub type MasterLink = Link<ToWorker, ToMaster>;

/// A connection as a worker sees it.
pub type WorkerLink = Link<ToMaster, ToWorker>;

/// Where a master gets worker connections.
pub trait Listener: Send + 'static {
    /// The next connection that passed the transport's checks; `None` once the listener is
    /// closed. Cancel-safe.
    fn accept(&mut self) -> impl Future<Output = Option<MasterLink>> + Send;
}

/// How a worker reaches its master.
pub trait Connector: Send + Sync + 'static {
    /// Opens one connection to the master.
    fn connect(&self) -> impl Future<Output = Result<WorkerLink, ClusterError>> + Send;

    /// The master's address, for messages.
    fn address(&self) -> String;
}
