//! Building a request: `client.get("/item").query(&q).header(k, v).send().await`.

use std::marker::PhantomData;
use std::pin::pin;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderName, HeaderValue, Method};
use serde::Serialize;

use crate::catch::CatchResponse;
use crate::hop::Hop;
use crate::session::{HttpSession, Options};
use crate::{Error, Response};

/// Mode of a [`RequestBuilder`] whose `send()` records the request itself (the default).
#[derive(Debug)]
pub enum Immediate {}

/// Mode of a [`RequestBuilder`] after [`catch_response`](RequestBuilder::catch_response):
/// `send()` returns a [`CatchResponse`] and the caller decides the verdict.
#[derive(Debug)]
pub enum Catch {}

/// A request being built. Nothing is sent until [`send`](RequestBuilder::send) is awaited.
///
/// Builder errors (an invalid header, an unserialisable body) are kept and returned by
/// `send()`, so calls can be chained.
#[must_use = "a request is only sent by .send().await"]
pub struct RequestBuilder<'a, M = Immediate> {
    session: &'a HttpSession,
    method: Method,
    url: &'a str,
    query: Option<String>,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// `Content-Type` of a `.json()`/`.form()` body (always one of two static values).
    content_type: Option<&'static str>,
    body: Bytes,
    options: Options,
    /// The first builder error, boxed: it is rare, and the builder is moved several times
    /// per request.
    error: Option<Box<Error>>,
    mode: PhantomData<M>,
}

impl<'a> RequestBuilder<'a, Immediate> {
    pub(crate) fn new(session: &'a HttpSession, method: Method, url: &'a str) -> Self {
        Self {
            session,
            method,
            url,
            query: None,
            headers: Vec::new(),
            content_type: None,
            body: Bytes::new(),
            options: Options {
                name: None,
                timeout: None,
                allow_redirects: true,
            },
            error: None,
            mode: PhantomData,
        }
    }

    /// Lets the caller decide success or failure (Locust's `catch_response=True`): `send()`
    /// then returns a [`CatchResponse`] and nothing is recorded until it is resolved or dropped.
    pub fn catch_response(self) -> RequestBuilder<'a, Catch> {
        RequestBuilder {
            session: self.session,
            method: self.method,
            url: self.url,
            query: self.query,
            headers: self.headers,
            content_type: self.content_type,
            body: self.body,
            options: self.options,
            error: self.error,
            mode: PhantomData,
        }
    }

    /// Sends the request, follows redirects, reads the whole body and records the result.
    ///
    /// Returns `Err` only when the request cannot be made at all (invalid URL, no host, bad
    /// header or body); a request that fails on the network or with an HTTP error status is a
    /// `Response` whose [`error`](Response::error) tells why.
    pub async fn send(self) -> Result<Response, Error> {
        let session = self.session;
        let (hop, options) = self.prepare()?;
        // Awaited through a pin where it is built: a request's future is large, and
        // `.await` on it by value would copy it.
        let response = pin!(session.perform(hop, options)).await;
        response.record(session.recorder(), response.error.as_deref());
        Ok(response)
    }
}

impl RequestBuilder<'_, Catch> {
    /// Sends the request like [`RequestBuilder::send`], but leaves the verdict (and so the
    /// recording) to the returned guard.
    pub async fn send(self) -> Result<CatchResponse, Error> {
        let session = self.session;
        let (hop, options) = self.prepare()?;
        // Awaited through a pin where it is built: a request's future is large, and
        // `.await` on it by value would copy it.
        let response = pin!(session.perform(hop, options)).await;
        Ok(CatchResponse::new(response, session.recorder().clone()))
    }
}

impl<M> RequestBuilder<'_, M> {
    /// Adds a header. A header set here replaces the default of the same name (`User-Agent`,
    /// `Accept`, `Host`, host credentials, jar cookies, the body's `Content-Type`).
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        K::Error: Into<http::Error>,
        V: TryInto<HeaderValue>,
        V::Error: Into<http::Error>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => self.headers.push((name, value)),
            (Err(e), _) => self.fail(Error::InvalidHeader(e.into().to_string())),
            (_, Err(e)) => self.fail(Error::InvalidHeader(e.into().to_string())),
        }
        self
    }

    /// Sends `Authorization: Basic …` for these credentials (requests' `auth=(user, pw)`).
    pub fn basic_auth(self, user: &str, password: &str) -> Self {
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        match HeaderValue::try_from(format!("Basic {encoded}")) {
            Ok(mut value) => {
                value.set_sensitive(true);
                self.header(AUTHORIZATION, value)
            }
            Err(e) => {
                let mut this = self;
                this.fail(Error::InvalidHeader(e.to_string()));
                this
            }
        }
    }

    /// Appends URL-encoded query parameters (requests' `params=`), e.g. `&[("page", 2)]` or a
    /// struct. They become part of the default stats name.
    pub fn query<T: Serialize + ?Sized>(mut self, params: &T) -> Self {
        match serde_urlencoded::to_string(params) {
            Ok(encoded) if encoded.is_empty() => {}
            Ok(encoded) => match &mut self.query {
                Some(query) => {
                    query.push('&');
                    query.push_str(&encoded);
                }
                None => self.query = Some(encoded),
            },
            Err(e) => self.fail(e.into()),
        }
        self
    }

    /// Sends `value` as a JSON body with `Content-Type: application/json`.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => {
                self.body = body.into();
                self.content_type = Some("application/json");
            }
            Err(e) => self.fail(e.into()),
        }
        self
    }

    /// Sends `value` as a form body (`application/x-www-form-urlencoded`, requests' `data=`
    /// with a dict).
    pub fn form<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_urlencoded::to_string(value) {
            Ok(body) => {
                self.body = body.into();
                self.content_type = Some("application/x-www-form-urlencoded");
            }
            Err(e) => self.fail(e.into()),
        }
        self
    }

    /// Sends these bytes as the body, with no `Content-Type` unless a header sets one.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self.content_type = None;
        self
    }

    /// Limits the whole request (connect, send, redirects, reading the body) to `timeout`,
    /// instead of the configuration's default. Exceeding it is a failure (`ReadTimeout(...)`).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Whether redirects are followed (default `true`; HEAD requests never follow them).
    pub fn allow_redirects(mut self, allow: bool) -> Self {
        self.options.allow_redirects = allow;
        self
    }

    /// Records the request under `name` instead of its path, to group dynamic URLs
    /// (`name="/item?id=[id]"`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.options.name = Some(name.into().into_boxed_str());
        self
    }

    fn fail(&mut self, error: Error) {
        self.error.get_or_insert_with(|| Box::new(error));
    }

    /// Resolves the URL and assembles the first hop.
    fn prepare(self) -> Result<(Hop, Options), Error> {
        if let Some(error) = self.error {
            return Err(*error);
        }
        let target = self.session.resolve(self.url, self.query.as_deref())?;
        let mut headers = self.headers;
        if let Some(content_type) = self.content_type
            && !headers.iter().any(|(name, _)| *name == CONTENT_TYPE)
        {
            headers.push((CONTENT_TYPE, HeaderValue::from_static(content_type)));
        }
        let hop = Hop {
            method: self.method,
            target,
            headers,
            body: self.body,
            send_auth: true,
        };
        Ok((hop, self.options))
    }
}

impl<M> std::fmt::Debug for RequestBuilder<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}
