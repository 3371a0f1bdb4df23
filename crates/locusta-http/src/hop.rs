//! One request of a possibly redirected exchange: everything needed to write it, and to write
//! it again for a retry or the next redirect.

use bytes::Bytes;
use http::header::{
    ACCEPT, AUTHORIZATION, CONNECTION, CONTENT_LENGTH, COOKIE, HOST, TRANSFER_ENCODING, USER_AGENT,
};
use http::{HeaderName, HeaderValue, Method};

use crate::HttpConfig;
use crate::wire::head;

/// Bodies up to this size are copied behind the head, so the request goes out in one
/// `write`; larger ones are written from their own buffer (a vectored write), so the
/// connection's write buffer never grows to a body's size.
const INLINE_BODY: usize = 4096;

/// A request to send, independent of any connection.
#[derive(Debug)]
pub(crate) struct Hop {
    /// The method.
    pub(crate) method: Method,
    /// Where it goes.
    pub(crate) target: crate::target::Target,
    /// Headers set by the caller (and `Content-Type` from `.json()`/`.form()`), in order.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// The body, possibly empty.
    pub(crate) body: Bytes,
    /// Whether the host's credentials may be sent (cleared after a redirect to another host).
    pub(crate) send_auth: bool,
}

/// What [`Hop::write_head`] left for the connection to do.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Written {
    /// The body still has to be written after the head (it was too large to copy).
    pub(crate) body_follows: bool,
    /// The caller asked for `Connection: close`, so the connection is not reused.
    pub(crate) close: bool,
}

/// The default headers a caller replaced by setting its own.
#[derive(Default)]
struct Replaced {
    host: bool,
    user_agent: bool,
    accept: bool,
    authorization: bool,
    cookie: bool,
    length: bool,
    chunked: bool,
    close: bool,
}

impl Replaced {
    fn scan(headers: &[(HeaderName, HeaderValue)]) -> Self {
        let mut set = Self::default();
        for (name, value) in headers {
            match *name {
                HOST => set.host = true,
                USER_AGENT => set.user_agent = true,
                ACCEPT => set.accept = true,
                AUTHORIZATION => set.authorization = true,
                COOKIE => set.cookie = true,
                CONTENT_LENGTH => set.length = true,
                TRANSFER_ENCODING => {
                    set.chunked = value.as_bytes().eq_ignore_ascii_case(b"chunked");
                    set.length = true;
                }
                CONNECTION => set.close |= value.as_bytes().eq_ignore_ascii_case(b"close"),
                _ => {}
            }
        }
        set
    }
}

impl Hop {
    /// Writes the request head into `out` (cleared first), followed by the body when it is
    /// small: `Host` first, then the caller's headers in order, then the defaults the caller
    /// did not set (`User-Agent`, `Accept: */*`, credentials, cookies, `Content-Length`).
    pub(crate) fn write_head(
        &self,
        config: &HttpConfig,
        auth: Option<&HeaderValue>,
        cookie: Option<&HeaderValue>,
        out: &mut Vec<u8>,
    ) -> Written {
        out.clear();
        head::request_line(out, self.method.as_str(), self.target.path_and_query());
        let set = if self.headers.is_empty() {
            Replaced::default()
        } else {
            Replaced::scan(&self.headers)
        };
        if !set.host {
            head::header(out, b"Host", self.target.origin.host_header.as_bytes());
        }
        for (name, value) in &self.headers {
            head::header(out, name.as_str().as_bytes(), value.as_bytes());
        }
        match (set.user_agent, set.accept) {
            (false, false) => out.extend_from_slice(&config.default_lines),
            (false, true) => head::header(out, b"User-Agent", config.user_agent.as_bytes()),
            (true, false) => head::header(out, b"Accept", b"*/*"),
            (true, true) => {}
        }
        if let Some(auth) = auth.filter(|_| self.send_auth && !set.authorization) {
            head::header(out, b"Authorization", auth.as_bytes());
        }
        if let Some(cookie) = cookie.filter(|_| !set.cookie) {
            head::header(out, b"Cookie", cookie.as_bytes());
        }
        // requests sends `Content-Length: 0` for methods that carry a body even when it is
        // empty; some servers answer 411 Length Required without it.
        let sends_length = !self.body.is_empty()
            || matches!(self.method, Method::POST | Method::PUT | Method::PATCH);
        if sends_length && !set.length {
            head::content_length(out, self.body.len());
        }
        head::end(out);
        let body_follows = if set.chunked {
            head::chunked_body(out, &self.body);
            false
        } else if self.body.len() <= INLINE_BODY {
            out.extend_from_slice(&self.body);
            false
        } else {
            true
        };
        Written {
            body_follows,
            close: set.close,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::{Base, resolve};

    fn hop(method: Method, headers: Vec<(HeaderName, HeaderValue)>, body: &'static str) -> Hop {
        let base = Base::parse("http://h:81").unwrap();
        Hop {
            method,
            target: resolve(Some(&base), "/p?q=1", None).unwrap(),
            headers,
            body: Bytes::from_static(body.as_bytes()),
            send_auth: true,
        }
    }

    fn written(hop: &Hop, cookie: Option<&HeaderValue>) -> (String, Written) {
        let config = HttpConfig::builder().user_agent("ua").build().unwrap();
        let mut out = b"stale".to_vec();
        let auth = HeaderValue::from_static("Basic x");
        let written = hop.write_head(&config, Some(&auth), cookie, &mut out);
        (String::from_utf8(out).unwrap(), written)
    }

    #[test]
    fn a_plain_get() {
        let (text, w) = written(&hop(Method::GET, vec![], ""), None);
        assert_eq!(
            text,
            "GET /p?q=1 HTTP/1.1\r\nHost: h:81\r\nUser-Agent: ua\r\nAccept: */*\r\nAuthorization: Basic x\r\n\r\n"
        );
        assert!(!w.body_follows && !w.close);
    }

    #[test]
    fn caller_headers_replace_defaults() {
        let headers = vec![
            (USER_AGENT, HeaderValue::from_static("mine")),
            (AUTHORIZATION, HeaderValue::from_static("Bearer t")),
            (CONNECTION, HeaderValue::from_static("close")),
        ];
        let cookie = HeaderValue::from_static("a=1");
        let (text, w) = written(&hop(Method::POST, headers, ""), Some(&cookie));
        assert_eq!(
            text,
            "POST /p?q=1 HTTP/1.1\r\nHost: h:81\r\nuser-agent: mine\r\nauthorization: Bearer t\r\nconnection: close\r\nAccept: */*\r\nCookie: a=1\r\nContent-Length: 0\r\n\r\n"
        );
        assert!(w.close);
    }

    #[test]
    fn bodies_follow_the_head() {
        let (text, w) = written(&hop(Method::PUT, vec![], "abc"), None);
        assert!(text.ends_with("Content-Length: 3\r\n\r\nabc"), "{text}");
        assert!(!w.body_follows);
        let chunked = vec![(TRANSFER_ENCODING, HeaderValue::from_static("chunked"))];
        let (text, _) = written(&hop(Method::PUT, chunked, "abc"), None);
        assert!(
            text.ends_with("transfer-encoding: chunked\r\nUser-Agent: ua\r\nAccept: */*\r\nAuthorization: Basic x\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
            "{text}"
        );
        let large = hop(Method::PUT, vec![], "x".repeat(5000).leak());
        let (text, w) = written(&large, None);
        assert!(w.body_follows && text.ends_with("\r\n\r\n"));
    }
}
