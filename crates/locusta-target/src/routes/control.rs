//! Endpoints that let a test choose the server's behaviour: a status code, a delay,
//! a redirect, a body size, or a broken connection.

use std::time::Duration;

use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION};
use hyper::{Response, StatusCode};
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use crate::body::Body;
use crate::response::{Reply, bad_request, empty, later, now, text};

/// Longest `/slow` delay: an hour, enough for any timeout test.
const MAX_SLOW: Duration = Duration::from_secs(3600);

/// Largest `/bytes/{n}`: 1 GiB.
const MAX_BYTES: u64 = 1 << 30;

/// What `/close` sends before breaking the connection.
const CLOSE_PREFIX: &[u8] = b"partial";

/// The `content-length` `/close` claims, longer than what it sends.
const CLOSE_CLAIMED_LENGTH: u64 = 1024;

/// `GET /status/{code}`: answers with that status (200 to 599), the reason phrase as a
/// body (none for 204 and 304).
pub(crate) fn status(code: &str) -> Response<Body> {
    let status = match code.parse::<u16>().map(StatusCode::from_u16) {
        Ok(Ok(status)) if (200..600).contains(&status.as_u16()) => status,
        _ => {
            return bad_request(format!(
                "/status/{{code}} needs a code from 200 to 599, not {code:?}"
            ));
        }
    };
    if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED {
        empty(status)
    } else {
        text(
            status,
            status.canonical_reason().unwrap_or("unknown status"),
        )
    }
}

/// `GET /slow?ms=N`: answers after N milliseconds of `tokio::time` (so paused-time tests
/// need no real waiting), or at once with `503` when the server shuts down, so that a
/// pending slow request never holds up a graceful shutdown.
pub(crate) fn slow(query: Option<&str>, shutdown: &CancellationToken) -> Reply {
    #[derive(Deserialize)]
    struct Query {
        ms: u64,
    }
    let delay = match serde_urlencoded::from_str::<Query>(query.unwrap_or_default()) {
        Ok(Query { ms }) if Duration::from_millis(ms) <= MAX_SLOW => Duration::from_millis(ms),
        Ok(_) => return now(bad_request(format!("/slow waits at most {MAX_SLOW:?}"))),
        Err(error) => {
            return now(bad_request(format!(
                "/slow needs ?ms=<milliseconds>: {error}"
            )));
        }
    };
    let shutdown = shutdown.clone();
    later(async move {
        tokio::select! {
            () = tokio::time::sleep(delay) => text(StatusCode::OK, "slow"),
            () = shutdown.cancelled() => text(StatusCode::SERVICE_UNAVAILABLE, "shutting down"),
        }
    })
}

/// `GET /redirect?to=URL[&status=30x]`: redirects to `to` (any URL or path), with `302`
/// unless `status` is one of 301, 302, 303, 307 or 308.
pub(crate) fn redirect(query: Option<&str>) -> Response<Body> {
    #[derive(Deserialize)]
    struct Query {
        to: String,
        status: Option<u16>,
    }
    let Query { to, status } = match serde_urlencoded::from_str(query.unwrap_or_default()) {
        Ok(query) => query,
        Err(error) => return bad_request(format!("/redirect needs ?to=<url>: {error}")),
    };
    let status = match status.unwrap_or(302) {
        code @ (301 | 302 | 303 | 307 | 308) => {
            StatusCode::from_u16(code).unwrap_or(StatusCode::FOUND)
        }
        code => {
            return bad_request(format!(
                "/redirect status must be 301, 302, 303, 307 or 308, not {code}"
            ));
        }
    };
    let Ok(location) = HeaderValue::from_str(&to) else {
        return bad_request("/redirect target is not a valid header value");
    };
    let mut response = empty(status);
    response.headers_mut().insert(LOCATION, location);
    response
}

/// `GET /bytes/{n}`: `n` bytes of `x` (at most 1 GiB), streamed without allocating.
pub(crate) fn bytes(len: &str) -> Response<Body> {
    match len.parse::<u64>() {
        Ok(len) if len <= MAX_BYTES => {
            let mut response = Response::new(Body::filler(len));
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            response
        }
        _ => bad_request(format!(
            "/bytes/{{n}} needs n from 0 to {MAX_BYTES}, not {len:?}"
        )),
    }
}

/// `GET /close`: `200` with `content-length: 1024`, the 7 bytes `partial`, then the
/// connection is closed: a response cut short, as when a server crashes mid-response.
pub(crate) fn close() -> Response<Body> {
    let mut response = Response::new(Body::truncated(CLOSE_PREFIX));
    response
        .headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(CLOSE_CLAIMED_LENGTH));
    response
}
