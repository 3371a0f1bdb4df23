//! A keep-alive connection: the socket plus one reusable read buffer and one write buffer.
//!
//! This is the whole HTTP/1.1 client state; there is no connection task, no channel and no
//! per-request handshake. A request is written with one `write` (head and small body from
//! the write buffer), the response is read into the read buffer and parsed in place
//! (`receive.rs`), and the body is split off that buffer without a copy.
//!
//! Memory: the read buffer starts at [`INITIAL_READ`] and is kept between requests unless it
//! grew beyond `HttpConfig::read_buffer_size`; the write buffer keeps the size of a request
//! head. An idle `http://` session with its connection measured 2.2 KiB in all
//! (`examples/idle_memory.rs`). hyper's connection state, by comparison, cost 20–34 KiB per
//! idle connection, which is why the client this one replaced re-handshook hyper for every
//! request (5.3 KiB idle, ~22k instructions a request against ~7k now).

use std::io;
use std::rc::Rc;

use bytes::BytesMut;
use rustls::pki_types::ServerName;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::HttpConfig;
use crate::error_text::{Failure, pool_name};
use crate::stream::Stream;
use crate::target::Origin;

/// Capacity a read buffer starts with: room for a typical response head and a small body in
/// one read, and small enough for glibc's per-thread cache, so allocating it is cheap.
pub(crate) const INITIAL_READ: usize = 1024;

/// Spare capacity below which the read buffer is grown before reading into it, so reads are
/// never tiny.
const MIN_READ: usize = 256;

/// One connection to an origin, owned by one exchange at a time (or idle in the pool).
pub(crate) struct Connection {
    pub(crate) stream: Stream,
    /// Bytes read and not yet consumed, then spare capacity for the next read. Bodies and
    /// header values are split off it and share its allocation.
    pub(crate) read_buf: BytesMut,
    /// The request being written; kept to be reused by the next request.
    pub(crate) write_buf: Vec<u8>,
    /// Whether the read buffer grew past what an idle connection keeps.
    grown: bool,
}

impl Connection {
    /// Connects to `origin` (TCP with `TCP_NODELAY`, then TLS for `https`) within the connect
    /// timeout. The connection is boxed so the pool moves a pointer, not the buffers.
    pub(crate) async fn open(
        origin: &Rc<Origin>,
        config: &HttpConfig,
    ) -> Result<Box<Self>, Failure> {
        let stream = connect(origin, config).await?;
        Ok(Box::new(Self {
            stream,
            read_buf: BytesMut::new(),
            write_buf: Vec::new(),
            grown: false,
        }))
    }

    /// Whether an idle connection is still usable (see [`Stream::is_open`]).
    pub(crate) fn is_open(&mut self) -> bool {
        self.stream.is_open()
    }

    /// Writes the request in `write_buf`, then `body` if it was too large to be copied there.
    pub(crate) async fn send(&mut self, body: Option<&[u8]>) -> io::Result<()> {
        match body {
            None => self.stream.write_all(&self.write_buf).await?,
            Some(body) => self.write_vectored_all(body).await?,
        }
        // A no-op for TCP; TLS may hold the last record until flushed.
        self.stream.flush().await
    }

    /// Writes the head and a large body with as few system calls as the socket allows.
    async fn write_vectored_all(&mut self, body: &[u8]) -> io::Result<()> {
        let (mut head, mut body) = (&self.write_buf[..], body);
        while !head.is_empty() || !body.is_empty() {
            let parts = [io::IoSlice::new(head), io::IoSlice::new(body)];
            let n = self.stream.write_vectored(&parts).await?;
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            let from_head = n.min(head.len());
            head = &head[from_head..];
            body = &body[n - from_head..];
        }
        Ok(())
    }

    /// Readies the read buffer for a new response: reuses the kept allocation from its start
    /// when no earlier body still shares it, else takes a fresh one.
    pub(crate) fn prepare_read(&mut self, keep: usize) {
        debug_assert!(
            self.read_buf.is_empty(),
            "responses never leave bytes behind"
        );
        let initial = INITIAL_READ.min(keep);
        if !self.read_buf.try_reclaim(initial) && self.spare() < MIN_READ {
            self.read_buf = BytesMut::with_capacity(initial);
        }
    }

    /// Makes sure a read has room: at least `MIN_READ` spare bytes, doubling the buffer when
    /// it is full.
    pub(crate) fn make_room(&mut self, keep: usize) {
        if self.spare() < MIN_READ {
            self.grow(self.read_buf.len().max(INITIAL_READ), keep);
        }
    }

    /// Reserves room for `additional` more bytes.
    pub(crate) fn grow(&mut self, additional: usize, keep: usize) {
        self.read_buf.reserve(additional);
        if self.read_buf.capacity() > keep {
            self.grown = true;
        }
    }

    /// Room left in the read buffer without growing it.
    pub(crate) fn spare(&self) -> usize {
        self.read_buf.capacity() - self.read_buf.len()
    }

    /// Trims the buffers before the connection goes idle in the pool: a read buffer that grew
    /// past `keep` bytes is let go (a body still using it keeps it alive until dropped), and
    /// so is a write buffer that held an unusually large head.
    pub(crate) fn park(&mut self, keep: usize) {
        if self.grown {
            self.read_buf = BytesMut::new();
            self.grown = false;
        }
        if self.write_buf.capacity() > keep {
            self.write_buf = Vec::new();
        }
    }
}

/// Connects to `origin` within the connect timeout.
async fn connect(origin: &Rc<Origin>, config: &HttpConfig) -> Result<Stream, Failure> {
    let connecting = async {
        let tcp = connect_tcp(origin).await?;
        // Request/response traffic: never wait to coalesce small writes.
        let _ = tcp.set_nodelay(true);
        if !origin.tls {
            return Ok(Stream::Plain(tcp));
        }
        let name = ServerName::try_from(origin.host.to_string())
            .map_err(|e| Failure::Tls(io::Error::new(io::ErrorKind::InvalidInput, e)))?;
        let tls = config.tls.connect(name, tcp).await.map_err(Failure::Tls)?;
        Ok(Stream::Tls(Box::new(tls)))
    };
    match tokio::time::timeout(config.connect_timeout, connecting).await {
        Ok(stream) => stream,
        Err(_) => Err(Failure::ConnectTimeout {
            pool: pool_name(origin),
            host: origin.host.clone(),
            timeout: config.connect_timeout,
        }),
    }
}

/// Resolves the host (unless it is an IP literal) and connects to the first address that
/// accepts, as urllib3's `create_connection` does.
async fn connect_tcp(origin: &Origin) -> Result<TcpStream, Failure> {
    if let Some(ip) = origin.ip {
        return TcpStream::connect((ip, origin.port))
            .await
            .map_err(Failure::Connect);
    }
    let addrs = tokio::net::lookup_host((&*origin.host, origin.port))
        .await
        .map_err(|e| Failure::Resolve {
            host: origin.host.clone(),
            source: Some(e),
        })?;
    let mut last_error = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last_error = Some(e),
        }
    }
    Err(match last_error {
        Some(e) => Failure::Connect(e),
        None => Failure::Resolve {
            host: origin.host.clone(),
            source: None,
        },
    })
}

#[cfg(test)]
mod tests {
    /// What an idle session keeps per connection is a pointer to the boxed connection; the
    /// session itself stays small too.
    #[test]
    fn idle_state_stays_small() {
        assert!(
            size_of::<crate::pool::Idle>() <= 64,
            "{}",
            size_of::<crate::pool::Idle>()
        );
        assert!(
            size_of::<crate::HttpSession>() <= 256,
            "{}",
            size_of::<crate::HttpSession>()
        );
    }
}
