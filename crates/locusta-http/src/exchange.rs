//! One request/response on a keep-alive connection: check out or open a connection, send,
//! read the whole response, return the connection to the pool.

use std::cell::Cell;
use std::io;

use bytes::Bytes;
use http::{HeaderValue, Method};

use crate::HttpConfig;
use crate::connection::Connection;
use crate::error_text::Failure;
use crate::hop::Hop;
use crate::pool::Pool;
use crate::receive::HeadFailure;
use crate::wire::parse::ResponseHead;

/// A response whose body has been read completely.
pub(crate) struct Exchanged {
    /// Status, headers and framing facts.
    pub(crate) head: ResponseHead,
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
    let keep = config.read_buffer_size;
    let head_request = hop.method == Method::HEAD;
    let mut retried = false;
    loop {
        let pooled = if retried { None } else { pool.checkout(origin) };
        let reused = pooled.is_some();
        let mut conn = match pooled {
            Some(conn) => conn,
            None => {
                connecting.set(true);
                // Boxed: connecting (TCP, TLS handshake) is a large future, and inline it
                // would make every request's future that large, and every move of it a copy.
                let conn = Box::pin(Connection::open(origin, config)).await?;
                connecting.set(false);
                conn
            }
        };
        let written = hop.write_head(config, auth, cookie, &mut conn.write_buf);
        let body = written.body_follows.then_some(&hop.body[..]);
        let head = match conn.send(body).await {
            Ok(()) => conn.read_head(head_request, keep).await,
            Err(e) => Err(HeadFailure {
                before_response: true,
                failure: Failure::Io(e),
            }),
        };
        let head = match head {
            Ok(head) => head,
            Err(e) if reused && !retried && is_stale(&e) => {
                tracing::debug!(error = %e.failure.message(), "reused connection failed before a response; reconnecting");
                retried = true;
                continue;
            }
            Err(e) => return Err(e.failure),
        };
        let (body, reusable) = conn.read_body(head.framing, keep).await?;
        if reusable && head.keep_alive && !written.close {
            conn.park(keep);
            pool.checkin(origin.clone(), conn);
        }
        return Ok(Exchanged { head, body });
    }
}

/// Whether a request failed the way one on a connection closed by the server fails: the
/// connection closed or was reset before any response byte.
fn is_stale(e: &HeadFailure) -> bool {
    e.before_response
        && match &e.failure {
            Failure::Disconnected => true,
            Failure::Io(io) => matches!(
                io.kind(),
                io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
                    | io::ErrorKind::BrokenPipe
                    | io::ErrorKind::UnexpectedEof
            ),
            _ => false,
        }
}
