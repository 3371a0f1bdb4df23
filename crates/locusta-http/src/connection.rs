//! One keep-alive HTTP/1.1 connection, driven on the calling task.
//!
//! hyper's `client::conn::http1` splits a connection into a `SendRequest` handle and a
//! `Connection` future that performs the I/O. The usual pattern spawns that future as a task;
//! here it is instead polled alongside whatever the session is waiting for ([`drive`]). A
//! session only waits on its own connection, so nothing is lost, and we save a task per
//! connection plus two cross-task wake-ups per request. Between requests nobody polls the
//! connection; a close by the server is noticed when the connection is next checked out.

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

/// A connection to one origin.
pub(crate) struct Connection {
    /// Where it is connected.
    pub(crate) origin: Rc<Origin>,
    sender: http1::SendRequest<Body>,
    /// The I/O half; `None` once hyper has finished with the connection (closed or failed).
    driver: Option<Driver>,
    /// Whether an exchange has completed on it, so the server may have closed it since.
    pub(crate) reused: bool,
}

impl Connection {
    /// Connects (TCP with `TCP_NODELAY`, then TLS for `https`) within the connect timeout.
    pub(crate) async fn open(origin: Rc<Origin>, config: &HttpConfig) -> Result<Self, Failure> {
        let connecting = async {
            let tcp = connect_tcp(&origin).await?;
            // Request/response traffic: never wait to coalesce small writes.
            let _ = tcp.set_nodelay(true);
            if !origin.tls {
                return Ok(Stream::Plain(tcp));
            }
            let name = ServerName::try_from(origin.host.to_string()).map_err(|e| {
                Failure::Tls(std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
            })?;
            let tls = config.tls.connect(name, tcp).await.map_err(Failure::Tls)?;
            Ok(Stream::Tls(Box::new(tls)))
        };
        let stream = match tokio::time::timeout(config.connect_timeout, connecting).await {
            Ok(stream) => stream?,
            Err(_) => {
                return Err(Failure::ConnectTimeout {
                    pool: pool_name(&origin),
                    host: origin.host.clone(),
                    timeout: config.connect_timeout,
                });
            }
        };
        let (sender, driver) = config
            .h1
            .handshake(TokioIo::new(stream))
            .await
            .map_err(Failure::Exchange)?;
        Ok(Self {
            origin,
            sender,
            driver: Some(driver),
            reused: false,
        })
    }

    /// Whether the connection can take a request now. Drives it, so that a connection the
    /// server closed while idle is seen as closed here rather than failing the request.
    pub(crate) async fn ready(&mut self) -> bool {
        if self.driver.is_none() {
            return false;
        }
        drive(&mut self.driver, self.sender.ready()).await.is_ok()
    }

    /// Whether hyper still considers the connection usable.
    pub(crate) fn is_open(&self) -> bool {
        self.driver.is_some() && !self.sender.is_closed()
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
    #[test]
    fn sizes() {
        eprintln!("Connection {}", size_of::<super::Connection>());
        eprintln!("Driver {}", size_of::<super::Driver>());
        eprintln!("Request {}", size_of::<http::Request<super::Body>>());
        eprintln!("Session {}", size_of::<crate::HttpSession>());
        eprintln!("Response {}", size_of::<crate::Response>());
        eprintln!("TlsStream {}", size_of::<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>());
    }
}
