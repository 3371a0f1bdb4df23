//! One request of a possibly redirected exchange: everything needed to build it, and to build
//! it again for a retry or the next redirect.

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_LENGTH, COOKIE, HOST, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request};
use http_body_util::Full;

use crate::HttpConfig;
use crate::connection::Body;
use crate::target::Target;

/// A request to send, independent of any connection.
#[derive(Debug)]
pub(crate) struct Hop {
    /// The method.
    pub(crate) method: Method,
    /// Where it goes.
    pub(crate) target: Target,
    /// Headers set by the caller (and `Content-Type` from `.json()`/`.form()`), in order.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// The body, possibly empty.
    pub(crate) body: Bytes,
    /// Whether the host's credentials may be sent (cleared after a redirect to another host).
    pub(crate) send_auth: bool,
}

impl Hop {
    /// The hyper request: caller headers first, then defaults for what the caller did not set
    /// (`Host`, `User-Agent`, `Accept: */*`, credentials, cookies, `Content-Length: 0`).
    pub(crate) fn build(
        &self,
        config: &HttpConfig,
        auth: Option<&HeaderValue>,
        cookie: Option<&HeaderValue>,
    ) -> Request<Body> {
        let mut headers = HeaderMap::with_capacity(self.headers.len() + 5);
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        if self.headers.is_empty() {
            headers.insert(HOST, self.target.origin.host_header.clone());
            headers.insert(USER_AGENT, config.user_agent.clone());
            headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        } else {
            let mut default = |name: HeaderName, value: &HeaderValue| {
                headers.entry(name).or_insert_with(|| value.clone());
            };
            default(HOST, &self.target.origin.host_header);
            default(USER_AGENT, &config.user_agent);
            default(ACCEPT, &HeaderValue::from_static("*/*"));
        }
        if let Some(auth) = auth.filter(|_| self.send_auth) {
            headers.entry(AUTHORIZATION).or_insert_with(|| auth.clone());
        }
        if let Some(cookie) = cookie {
            headers.entry(COOKIE).or_insert_with(|| cookie.clone());
        }
        // hyper omits Content-Length for an empty body; requests sends `0` for methods that
        // carry one, and some servers answer 411 Length Required without it.
        if self.body.is_empty() && matches!(self.method, Method::POST | Method::PUT | Method::PATCH)
        {
            headers
                .entry(CONTENT_LENGTH)
                .or_insert(HeaderValue::from_static("0"));
        }
        let mut request = Request::new(Full::new(self.body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.target.uri.clone();
        *request.headers_mut() = headers;
        request
    }
}
