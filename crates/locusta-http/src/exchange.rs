//! One request/response on a keep-alive connection: check out or open a connection, send,
//! read the whole body, return the connection to the pool.

use std::cell::Cell;
use std::io;

use bytes::Bytes;
use http::{HeaderValue, Request};
use hyper::client::conn::TrySendError;

use crate::HttpConfig;
use crate::connection::{Body, Connection, connect};
use crate::error_text::{Failure, find_io};
use crate::hop::Hop;
use crate::pool::Pool;

/// A response whose body has been read completely.
pub(crate) struct Exchanged {
    /// Status, headers and extensions.
    pub(crate) head: http::response::Parts,
    /// The body as received.
    pub(crate) body: Bytes,
}

/// Performs `hop` once (plus at most one transparent retry).
///
/// A server may close an idle keep-alive connection at any moment, and a request racing that
/// close fails before any response byte arrives. Such a failure on a *reused* connection is
/// not the server's answer, so, like browsers and urllib3's stale-connection check, we
/// reconnect and send again, once. `connecting` is set while a new connection is being
/// established, so a timeout can say which phase it interrupted.
pub(crate) async fn exchange(
    pool: &Pool,
    config: &HttpConfig,
    hop: &Hop,
    auth: Option<&HeaderValue>,
    cookie: Option<&HeaderValue>,
    connecting: &Cell<bool>,
) -> Result<Exchanged, Failure> {
    let origin = &hop.target.origin;
    let mut retried = false;
    loop {
        let pooled = if retried { None } else { pool.checkout(origin) };
        let reused = pooled.is_some();
        let stream = match pooled {
            Some(stream) => stream,
            None => {
                connecting.set(true);
                let stream = connect(origin, config).await?;
                connecting.set(false);
                stream
            }
        };
        let mut conn = Connection::handshake(stream, config).await?;
        match conn.send(hop.build(config, auth, cookie)).await {
            Ok(response) => {
                let (head, body) = response.into_parts();
                let body = conn.read_body(body).await?;
                if let Some(stream) = conn.take_idle().await {
                    pool.checkin(origin.clone(), stream);
                }
                return Ok(Exchanged { head, body });
            }
            Err(error) if reused && !retried && is_stale(&error) => {
                tracing::debug!(error = %error.error(), "reused connection failed before a response; reconnecting");
                retried = true;
            }
            Err(error) => return Err(Failure::Exchange(error.into_error())),
        }
    }
}

/// Whether a send failed in the way a connection closed by the server fails: the request was
/// never written, or the connection closed or was reset before any response byte.
fn is_stale(error: &TrySendError<Request<Body>>) -> bool {
    if error.message().is_some() {
        return true;
    }
    let error = error.error();
    if error.is_incomplete_message() || error.is_canceled() || error.is_closed() {
        return true;
    }
    find_io(error).is_some_and(|io| {
        matches!(
            io.kind(),
            io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof
        )
    })
}
