//! The TCP transport: one connection per worker, a preamble each way, then length-delimited
//! MessagePack frames (see [`crate::protocol`]).

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, ToSocketAddrs};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::codec::{FramedRead, FramedWrite};

use crate::ClusterError;
use crate::protocol::{
    DEFAULT_MAX_FRAME_BYTES, PREAMBLE, decode_message, encode_message, frame_codec,
    recognise_preamble,
};
use crate::transport::{Connector, LINK_CAPACITY, Link, Listener, MasterLink, WorkerLink};

/// How long a new connection may take to send its preamble.
pub const PREAMBLE_TIMEOUT: Duration = Duration::from_secs(10);

/// The master's TCP listener (`--master-bind-host`, `--master-bind-port`).
///
/// A background task accepts connections and checks each one's preamble on its own task, so a
/// slow or foreign client never delays the others; [`Listener::accept`] yields the connections
/// that passed. Foreign peers are logged with what they seem to be and dropped.
#[derive(Debug)]
pub struct TcpListener {
    accepted: mpsc::Receiver<MasterLink>,
    local_addr: SocketAddr,
    acceptor: JoinHandle<()>,
}

impl TcpListener {
    /// Binds `addr` (e.g. `("0.0.0.0", 5557)`; port 0 picks a free port) with the default
    /// frame limit.
    pub async fn bind(addr: impl ToSocketAddrs) -> Result<Self, ClusterError> {
        Self::bind_with_limit(addr, DEFAULT_MAX_FRAME_BYTES).await
    }

    /// Binds `addr`, accepting frames of at most `max_frame_bytes`.
    pub async fn bind_with_limit(
        addr: impl ToSocketAddrs,
        max_frame_bytes: usize,
    ) -> Result<Self, ClusterError> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let (accepted_tx, accepted) = mpsc::channel(64);
        let acceptor = tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, peer)) => {
                        let accepted_tx = accepted_tx.clone();
                        tokio::spawn(async move {
                            match open(stream, peer.to_string(), max_frame_bytes).await {
                                Ok(link) => {
                                    let _ = accepted_tx.send(link).await;
                                }
                                Err(error) => tracing::warn!("Dropped a connection: {error}"),
                            }
                        });
                    }
                    Err(error) => {
                        // Out of file descriptors and the like: wait, then keep accepting.
                        tracing::warn!("Accepting a worker connection failed: {error}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        });
        Ok(Self {
            accepted,
            local_addr,
            acceptor,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }
}

impl Drop for TcpListener {
    fn drop(&mut self) {
        self.acceptor.abort();
    }
}

impl Listener for TcpListener {
    async fn accept(&mut self) -> Option<MasterLink> {
        self.accepted.recv().await
    }
}

/// A worker's way to its master (`--master-host`, `--master-port`).
#[derive(Debug, Clone)]
pub struct TcpConnector {
    addr: String,
    max_frame_bytes: usize,
}

impl TcpConnector {
    /// Connects to `host:port` (a name is resolved on each attempt, so a master that moved,
    /// e.g. a Kubernetes service, is found again).
    pub fn new(host: &str, port: u16) -> Self {
        let addr = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]:{port}") // a bare IPv6 address
        } else {
            format!("{host}:{port}")
        };
        Self {
            addr,
            max_frame_bytes: DEFAULT_MAX_FRAME_BYTES,
        }
    }

    /// Accepts frames of at most `max_frame_bytes` from the master.
    pub fn with_max_frame_bytes(mut self, max_frame_bytes: usize) -> Self {
        self.max_frame_bytes = max_frame_bytes;
        self
    }
}

impl Connector for TcpConnector {
    async fn connect(&self) -> Result<WorkerLink, ClusterError> {
        let stream = TcpStream::connect(&self.addr).await?;
        open(stream, self.addr.clone(), self.max_frame_bytes).await
    }

    fn address(&self) -> String {
        self.addr.clone()
    }
}

/// Exchanges preambles on a fresh connection and starts its reader and writer tasks.
async fn open<Out, In>(
    mut stream: TcpStream,
    peer: String,
    max_frame_bytes: usize,
) -> Result<Link<Out, In>, ClusterError>
where
    Out: Serialize + Send + 'static,
    In: DeserializeOwned + Send + 'static,
{
    // Heartbeats and orders are small: send them now, not after Nagle's delay.
    stream.set_nodelay(true)?;
    stream.write_all(&PREAMBLE).await?;
    let mut first = [0u8; PREAMBLE.len()];
    // A slow or closing peer may be an overloaded master: worth retrying (a `Protocol`
    // error). Only a wrong preamble says the peer is something else (`NotLocusta`).
    match tokio::time::timeout(PREAMBLE_TIMEOUT, stream.read_exact(&mut first)).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => {
            return Err(ClusterError::Protocol(format!(
                "{peer} closed the connection during the handshake ({error})"
            )));
        }
        Err(_) => {
            return Err(ClusterError::Protocol(format!(
                "{peer} sent nothing within {} s of connecting",
                PREAMBLE_TIMEOUT.as_secs()
            )));
        }
    }
    recognise_preamble(&first).map_err(|reason| ClusterError::NotLocusta {
        peer: peer.clone(),
        reason,
    })?;
    Ok(spawn_link(stream, peer, max_frame_bytes))
}

fn spawn_link<Out, In>(stream: TcpStream, peer: String, max_frame_bytes: usize) -> Link<Out, In>
where
    Out: Serialize + Send + 'static,
    In: DeserializeOwned + Send + 'static,
{
    let (read, write) = stream.into_split();
    let (sender, mut outgoing) = mpsc::channel::<Out>(LINK_CAPACITY);
    let (incoming, receiver) = mpsc::channel::<In>(LINK_CAPACITY);
    let mut frames_out = FramedWrite::new(write, frame_codec(max_frame_bytes));
    let mut frames_in = FramedRead::new(read, frame_codec(max_frame_bytes));

    let writer_peer = peer.clone();
    tokio::spawn(async move {
        // Ends when the link's sender is dropped (after sending what was queued) or the socket
        // fails; closing the sink flushes and shuts the write half down.
        while let Some(message) = outgoing.recv().await {
            let payload = match encode_message(&message) {
                Ok(payload) => payload,
                Err(error) => {
                    tracing::error!("Cannot send to {writer_peer}: {error}");
                    break;
                }
            };
            if let Err(error) = frames_out.send(Bytes::from(payload)).await {
                tracing::debug!("Sending to {writer_peer} failed: {error}");
                break;
            }
        }
        let _ = SinkExt::<Bytes>::close(&mut frames_out).await;
    });

    let reader_peer = peer.clone();
    tokio::spawn(async move {
        // Ends at end of stream, on a bad frame, or when the link's receiver is dropped.
        loop {
            tokio::select! {
                frame = frames_in.next() => match frame {
                    Some(Ok(frame)) => match decode_message::<In>(&frame) {
                        Ok(message) => {
                            if incoming.send(message).await.is_err() {
                                break;
                            }
                        }
                        Err(error) => {
                            tracing::warn!("Closing the connection with {reader_peer}: {error}");
                            break;
                        }
                    },
                    Some(Err(error)) => {
                        tracing::warn!("Closing the connection with {reader_peer}: {error}");
                        break;
                    }
                    None => break,
                },
                () = incoming.closed() => break,
            }
        }
    });

    Link {
        sender,
        receiver,
        peer,
    }
}
