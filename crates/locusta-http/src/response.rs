//! What a request produced: a response, or the failure that replaced it.

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use http::uri::PathAndQuery;
use http::{HeaderMap, Method};
use locusta_stats::{Outcome, Recorder};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use crate::Error;
use crate::target::Target;

/// The stats name of a request: explicit, or the first URL's path and query.
#[derive(Debug, Clone)]
pub(crate) enum StatsName {
    /// Set with `.name(…)`.
    Named(Box<str>),
    /// The origin-form target of the first request of the redirect chain.
    Path(PathAndQuery),
}

impl StatsName {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            StatsName::Named(name) => name,
            StatsName::Path(path) => path.as_str(),
        }
    }
}

/// The result of a request, successful or not (Locust's response object).
///
/// A request that could not complete (refused connection, timeout, broken body) still yields
/// a `Response`: [`status`](Self::status) is 0 and [`error`](Self::error) says why. An HTTP
/// status of 400–599 after redirects also counts as a failure, with Locust's `HTTPError(...)`
/// text.
#[derive(Debug)]
pub struct Response {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) target: Target,
    pub(crate) elapsed: Duration,
    pub(crate) error: Option<String>,
    pub(crate) method: Method,
    pub(crate) name: StatsName,
}

impl Response {
    /// The HTTP status code after redirects, or 0 when no response was received.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether the request succeeded: a response arrived and its status is below 400
    /// (requests' `response.ok`).
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }

    /// The failure text recorded for this request (e.g. `HTTPError('500 Server Error: …')` or
    /// `ConnectionRefusedError(111, 'Connection refused')`), or `None` if it succeeded.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Response headers (empty when no response was received).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The value of header `name` if it is present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The body as received (no content decoding: `Accept-Encoding` is never sent).
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body, consuming the response.
    pub fn into_bytes(self) -> Bytes {
        self.body
    }

    /// The body as text; invalid UTF-8 is replaced by U+FFFD, never a panic. Borrows when the
    /// body is valid UTF-8.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body parsed as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        Ok(serde_json::from_slice(&self.body)?)
    }

    /// Time from starting the request to having the whole body, redirects included.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The final URL, after redirects (the request URL when no response was received).
    pub fn url(&self) -> String {
        self.target.url()
    }

    /// The name the request is recorded under: the `.name(…)` given, or the path and query of
    /// the first URL of the redirect chain.
    pub fn name(&self) -> &str {
        self.name.as_str()
    }

    /// The request method (also the recorded request type).
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// Records this request into `recorder` with `error` as its failure text (`None` for a
    /// success). The response time is the one measured at receipt.
    pub(crate) fn record(&self, recorder: &Recorder, error: Option<&str>) {
        recorder.record(
            self.method.as_str(),
            self.name.as_str(),
            &Outcome {
                response_time: Some(self.elapsed),
                content_length: self.body.len() as u64,
                error,
                finished_at: Instant::now(),
            },
        );
    }
}
