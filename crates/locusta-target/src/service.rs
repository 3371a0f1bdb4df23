//! The hyper services: one per mode, created once per connection.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use hyper::body::Incoming;
use hyper::service::Service;
use hyper::{Request, Response};
use tokio_util::sync::CancellationToken;

use crate::body::Body;
use crate::counts::Counter;
use crate::response::{Reply, now};
use crate::routes;

/// State shared by every connection of one server.
pub(crate) struct Shared {
    /// What the server received.
    pub(crate) counter: Counter,
    /// Source of unique session cookie values.
    pub(crate) sessions: AtomicU64,
    /// Cancelled when the server shuts down; cuts `/slow` sleeps short.
    pub(crate) shutdown: CancellationToken,
    /// Requests to `/flaky` so far: decides which ones fail.
    pub(crate) flaky_requests: AtomicU64,
}

/// [`Mode::Full`](crate::Mode::Full): routes each request to its endpoint.
#[derive(Clone)]
pub(crate) struct Full(pub(crate) Arc<Shared>);

impl Service<Request<Incoming>> for Full {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Reply;

    fn call(&self, request: Request<Incoming>) -> Reply {
        routes::dispatch(&self.0, request)
    }
}

/// [`Mode::Fast`](crate::Mode::Fast): counts the request and answers like `GET /`.
#[derive(Clone)]
pub(crate) struct Fast(pub(crate) Arc<Shared>);

impl Service<Request<Incoming>> for Fast {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Reply;

    #[inline]
    fn call(&self, request: Request<Incoming>) -> Reply {
        self.0.counter.count(request.method(), request.uri().path());
        now(routes::root())
    }
}
