//! Routing a request to its handler, counting it on the way.
//!
//! A hand-written `match` rather than a router crate: the table is small and fixed,
//! `GET /` is answered without allocating or boxing, and `/close` needs control of the
//! response body that a framework would hide.

mod control;
mod demo;
mod echo;
mod quickstart;

use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{ALLOW, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::body::Body;
use crate::endpoint::Endpoint;
use crate::response::{Reply, later, now, text};
use crate::service::Shared;

pub use demo::FLAKY_PERIOD;
pub(crate) use quickstart::root;

/// Counts `request`, then answers it.
pub(crate) fn dispatch(shared: &std::sync::Arc<Shared>, request: Request<Incoming>) -> Reply {
    let method = request.method();
    let path = request.uri().path();
    let Some(endpoint) = Endpoint::lookup(method, path) else {
        shared.counter.count_other(method, path);
        return now(other(method, path));
    };
    shared.counter.count_endpoint(endpoint);
    let query = request.uri().query();
    match endpoint {
        Endpoint::Root => now(root()),
        Endpoint::Hello => now(text(StatusCode::OK, "hello")),
        Endpoint::World => now(text(StatusCode::OK, "world")),
        Endpoint::Item => now(quickstart::item(query)),
        Endpoint::Login => later(quickstart::login(shared.clone(), request)),
        Endpoint::CookieCheck => now(quickstart::cookie_check(request.headers())),
        Endpoint::Slow => control::slow(query, &shared.shutdown),
        Endpoint::Redirect => now(control::redirect(query)),
        Endpoint::Close => now(control::close()),
        Endpoint::EchoGet | Endpoint::EchoPost => later(echo::echo(request)),
        Endpoint::Flaky => now(demo::flaky(shared)),
        Endpoint::Predict => later(demo::predict(request)),
    }
}

/// Answers a request that is not to a fixed endpoint.
fn other(method: &Method, path: &str) -> Response<Body> {
    if let Some(code) = path.strip_prefix("/status/") {
        return get_only(method, || control::status(code));
    }
    if let Some(len) = path.strip_prefix("/bytes/") {
        return get_only(method, || control::bytes(len));
    }
    let allowed: Vec<String> = Endpoint::ALL
        .iter()
        .filter(|endpoint| endpoint.path() == path)
        .map(|endpoint| endpoint.method().to_string())
        .collect();
    if allowed.is_empty() {
        text(StatusCode::NOT_FOUND, "not found")
    } else {
        method_not_allowed(&allowed.join(", "))
    }
}

/// `handler()` for `GET`, else `405`.
fn get_only(method: &Method, handler: impl FnOnce() -> Response<Body>) -> Response<Body> {
    if method == Method::GET {
        handler()
    } else {
        method_not_allowed("GET")
    }
}

fn method_not_allowed(allow: &str) -> Response<Body> {
    let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    if let Ok(allow) = HeaderValue::from_str(allow) {
        response.headers_mut().insert(ALLOW, allow);
    }
    response
}

/// Reads a whole request body of at most `limit` bytes.
async fn read_body(body: Incoming, limit: usize) -> Result<Bytes, BodyError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(BodyError::TooLarge { limit }),
        Err(error) => Err(BodyError::Broken(error.to_string())),
    }
}

/// Why a request body could not be read.
enum BodyError {
    /// Longer than the endpoint reads.
    TooLarge { limit: usize },
    /// The client failed mid-body.
    Broken(String),
}

impl BodyError {
    /// `413` or `400`.
    fn into_response(self) -> Response<Body> {
        match self {
            Self::TooLarge { limit } => text(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request body larger than {limit} bytes"),
            ),
            Self::Broken(error) => {
                crate::response::bad_request(format!("cannot read the request body: {error}"))
            }
        }
    }
}
