//! One HTTP/1.1 exchange on hyper's connection API, driven on the calling task.
//!
//! hyper's `client::conn::http1` splits a connection into a `SendRequest` handle and a
//! `Connection` future that performs the I/O. The usual pattern spawns that future as a task;
//! here it is instead polled alongside whatever the session is waiting for ([`drive`]). A
//! session only waits on its own connection, so nothing is lost, and we save a task per
//! connection plus two cross-task wake-ups per request.
//!
//! hyper's per-connection state is only kept for the duration of one exchange. Its request
//! channel retains up to two ~9 KiB blocks and its write buffer 8 KiB, so keeping it on an
//! idle keep-alive connection measured 20–34 KiB per user (growing with requests made).
//! Instead, once a response is complete, [`Connection::take_idle`] takes the socket back out
//! of hyper ([`Stream`]) and the pool keeps only that: an idle session with its connection
//! measured 5.4 KiB (`examples/idle_memory.rs`). The price is a new, I/O-free hyper handshake
//! per request: ~0.5 µs, about 2k instructions, mostly those buffers' allocations.

use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::task::Poll;

use bytes::{Bytes, BytesMut};
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::{Body as _, Incoming};
use hyper::client::conn::{TrySendError, http1};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;

use crate::HttpConfig;
use crate::error_text::{Failure, pool_name};
use crate::stream::Stream;
use crate::target::Origin;

/// The request body type: requests are fully buffered before sending.
pub(crate) type Body = Full<Bytes>;

type Driver = http1::Connection<TokioIo<Stream>, Body>;

/// Connects to `origin` (TCP with `TCP_NODELAY`, then TLS for `https`) within the connect
/// timeout.
pub(crate) async fn connect(origin: &Rc<Origin>, config: &HttpConfig) -> Result<Stream, Failure> {
    let connecting = async {
        let tcp = connect_tcp(origin).await?;
        // Request/response traffic: never wait to coalesce small writes.
        let _ = tcp.set_nodelay(true);
        if !origin.tls {
            return Ok(Stream::Plain(tcp));
        }
        let name = ServerName::try_from(origin.host.to_string())
            .map_err(|e| Failure::Tls(std::io::Error::new(std::io::ErrorKind::InvalidInput, e)))?;
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

/// hyper's client state for one exchange on a connected stream.
pub(crate) struct Connection {
    sender: http1::SendRequest<Body>,
    /// The I/O half; `None` once hyper has finished with the connection (closed or failed).
    driver: Option<Driver>,
}

impl Connection {
    /// Hands `stream` to hyper. This performs no I/O for HTTP/1.
    pub(crate) async fn handshake(stream: Stream, config: &HttpConfig) -> Result<Self, Failure> {
        let (sender, driver) = config
            .h1
            .handshake(TokioIo::new(stream))
            .await
            .map_err(Failure::Exchange)?;
        Ok(Self {
            sender,
            driver: Some(driver),
        })
    }

    /// Sends `request` and waits for the response head. On failure hyper hands the request
    /// back if it was never written, which makes a retry safe.
    pub(crate) async fn send(
        &mut self,
        request: Request<Body>,
    ) -> Result<Response<Incoming>, TrySendError<Request<Body>>> {
        let response = self.sender.try_send_request(request);
        drive(&mut self.driver, response).await
    }

    /// After a complete exchange: takes the socket out, if it can carry another request. hyper must
    /// be idle and ready for the next request (not closing because of `Connection: close`,
    /// an error or an unfinished request body), and must not hold unread bytes.
    pub(crate) async fn take_idle(&mut self) -> Option<Stream> {
        self.driver.as_ref()?;
        if !self.sender.is_ready() {
            drive(&mut self.driver, self.sender.ready()).await.ok()?;
        }
        let parts = self.driver.take()?.into_parts();
        parts.read_buf.is_empty().then(|| parts.io.into_inner())
    }

    /// Reads the whole body. One chunk is kept as is (no copy); several are joined into one
    /// buffer sized from `Content-Length`.
    pub(crate) async fn read_body(&mut self, mut body: Incoming) -> Result<Bytes, Failure> {
        let expected = body.size_hint().exact();
        let mut first: Option<Bytes> = None;
        let mut joined: Option<BytesMut> = None;
        let mut read: u64 = 0;
        loop {
            let frame = match drive(&mut self.driver, body.frame()).await {
                None => break,
                Some(Ok(frame)) => frame,
                Some(Err(source)) => {
                    return Err(Failure::Body {
                        read,
                        expected,
                        source: Some(source),
                    });
                }
            };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            read += data.len() as u64;
            match (&mut first, &mut joined) {
                (None, None) => first = Some(data),
                (Some(_), None) => {
                    let head = first.take().unwrap_or_default();
                    let capacity = expected
                        .map_or(0, |n| n.min(64 << 20) as usize)
                        .max(head.len() + data.len());
                    let mut buf = BytesMut::with_capacity(capacity);
                    buf.extend_from_slice(&head);
                    buf.extend_from_slice(&data);
                    joined = Some(buf);
                }
                (_, Some(buf)) => buf.extend_from_slice(&data),
            }
        }
        if let Some(expected) = expected.filter(|&n| read < n) {
            return Err(Failure::Body {
                read,
                expected: Some(expected),
                source: None,
            });
        }
        Ok(match (first, joined) {
            (_, Some(buf)) => buf.freeze(),
            (Some(bytes), None) => bytes,
            (None, None) => Bytes::new(),
        })
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

/// Polls `fut` to completion while also polling the connection's I/O half, on this task.
///
/// `fut` is polled before and after the driver, so a response the driver has just received
/// is picked up in the same wake-up. When the driver finishes (connection closed or failed)
/// it is dropped, which fails any pending request or body with hyper's error.
async fn drive<F: Future>(driver: &mut Option<Driver>, fut: F) -> F::Output {
    let mut fut = pin!(fut);
    poll_fn(|cx| {
        if let Poll::Ready(out) = fut.as_mut().poll(cx) {
            return Poll::Ready(out);
        }
        if let Some(io) = driver.as_mut()
            && let Poll::Ready(result) = Pin::new(io).poll(cx)
        {
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            *driver = None;
        }
        fut.as_mut().poll(cx)
    })
    .await
}

#[cfg(test)]
mod tests {
    /// What an idle session keeps per connection is only this; hyper's state (~700 bytes
    /// inline plus its buffers) lives only during an exchange.
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
