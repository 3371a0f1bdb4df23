//! Building responses, and the future type every handler returns.

use std::convert::Infallible;
use std::future::{Future, Ready, ready};

use futures_util::future::{BoxFuture, Either};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use serde::Serialize;

use crate::body::Body;

/// What a handler returns: most endpoints answer synchronously without boxing; only
/// those that read a body or sleep pay for a boxed future.
pub(crate) type Reply = Either<Ready<Result<Response<Body>, Infallible>>, Pending>;

/// A boxed handler future.
pub(crate) type Pending = BoxFuture<'static, Result<Response<Body>, Infallible>>;

/// A response that is ready now.
pub(crate) fn now(response: Response<Body>) -> Reply {
    Either::Left(ready(Ok(response)))
}

/// A response computed by `future`.
pub(crate) fn later(future: impl Future<Output = Response<Body>> + Send + 'static) -> Reply {
    Either::Right(Box::pin(async move { Ok(future.await) }))
}

/// `status` with a `text/plain` body.
pub(crate) fn text(status: StatusCode, body: impl Into<bytes::Bytes>) -> Response<Body> {
    with_type(
        status,
        HeaderValue::from_static("text/plain; charset=utf-8"),
        Body::full(body),
    )
}

/// `status` with `value` as a JSON body.
pub(crate) fn json(status: StatusCode, value: &impl Serialize) -> Response<Body> {
    match serde_json::to_vec(value) {
        Ok(bytes) => with_type(
            status,
            HeaderValue::from_static("application/json"),
            Body::full(bytes),
        ),
        Err(error) => text(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    }
}

/// `status` with no body.
pub(crate) fn empty(status: StatusCode) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

/// `400 Bad Request` explaining what was wrong.
pub(crate) fn bad_request(reason: impl Into<String>) -> Response<Body> {
    text(StatusCode::BAD_REQUEST, reason.into())
}

fn with_type(status: StatusCode, content_type: HeaderValue, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, content_type);
    response
}
