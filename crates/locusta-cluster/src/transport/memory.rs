//! The in-memory transport: links are channel pairs, for tests of whole conversations in one
//! process under paused time.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;

use crate::ClusterError;
use crate::transport::{Connector, LINK_CAPACITY, Link, Listener, MasterLink, WorkerLink};

/// A listener and a connector wired to it. Dropping the listener makes connecting fail, as a
/// stopped master would.
pub fn memory_transport() -> (MemoryListener, MemoryConnector) {
    let (incoming, accepted) = mpsc::unbounded_channel();
    (
        MemoryListener { accepted },
        MemoryConnector {
            incoming,
            next_peer: Arc::new(AtomicU64::new(1)),
        },
    )
}

/// The master's end of the memory transport.
#[derive(Debug)]
pub struct MemoryListener {
    accepted: mpsc::UnboundedReceiver<MasterLink>,
}

impl Listener for MemoryListener {
    async fn accept(&mut self) -> Option<MasterLink> {
        self.accepted.recv().await
    }
}

/// The workers' end of the memory transport; clones connect to the same listener.
#[derive(Debug, Clone)]
pub struct MemoryConnector {
    incoming: mpsc::UnboundedSender<MasterLink>,
    next_peer: Arc<AtomicU64>,
}

impl Connector for MemoryConnector {
    async fn connect(&self) -> Result<WorkerLink, ClusterError> {
        let (to_master, from_worker) = mpsc::channel(LINK_CAPACITY);
        let (to_worker, from_master) = mpsc::channel(LINK_CAPACITY);
        let number = self.next_peer.fetch_add(1, Ordering::Relaxed);
        self.incoming
            .send(Link {
                sender: to_worker,
                receiver: from_worker,
                peer: format!("memory-worker-{number}"),
            })
            .map_err(|_| io::Error::from(io::ErrorKind::ConnectionRefused))?;
        Ok(Link {
            sender: to_master,
            receiver: from_master,
            peer: self.address(),
        })
    }

    fn address(&self) -> String {
        "memory-master".to_owned()
    }
}
