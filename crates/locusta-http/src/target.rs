//! Where a request goes: the session's parsed host, origins, and request targets.
//!
//! The host is parsed once per session ([`Base`]); a relative path is then joined onto it with
//! string operations only, so the common case (`client.get("/item")`) never runs a URL parser.
//! Absolute `http(s)://` URLs are parsed with the `url` crate.

use std::net::IpAddr;
use std::rc::Rc;

use base64::Engine as _;
use bytes::Bytes;
use http::HeaderValue;
use http::uri::PathAndQuery;
use url::{Host, Url};

use crate::Error;

/// Scheme, host and port: what a connection is opened to and reused for.
#[derive(Debug)]
pub(crate) struct Origin {
    /// `https` (true) or `http` (false).
    pub(crate) tls: bool,
    /// Host name or IP literal as written in the URL, without IPv6 brackets.
    pub(crate) host: Box<str>,
    /// Port, the scheme's default when the URL has none.
    pub(crate) port: u16,
    /// The address when the host is an IP literal, which skips name resolution.
    pub(crate) ip: Option<IpAddr>,
    /// The `Host` header value (port omitted when it is the scheme's default).
    pub(crate) host_header: HeaderValue,
}

impl Origin {
    /// The origin of an already parsed absolute URL.
    pub(crate) fn from_url(url: &Url, original: &str) -> Result<Self, Error> {
        let tls = match url.scheme() {
            "http" => false,
            "https" => true,
            _ => return Err(Error::InvalidScheme(original.to_owned())),
        };
        let invalid = |reason: &str| Error::InvalidUrl {
            url: original.to_owned(),
            reason: reason.to_owned(),
        };
        let (host, ip): (Box<str>, Option<IpAddr>) = match url.host() {
            Some(Host::Domain(name)) if !name.is_empty() => (name.into(), None),
            Some(Host::Ipv4(addr)) => (addr.to_string().into(), Some(addr.into())),
            Some(Host::Ipv6(addr)) => (addr.to_string().into(), Some(addr.into())),
            _ => return Err(invalid("no host supplied")),
        };
        let port = url
            .port_or_known_default()
            .ok_or_else(|| invalid("no port"))?;
        let host_str = url.host_str().ok_or_else(|| invalid("no host supplied"))?;
        let host_header = match url.port() {
            Some(port) => HeaderValue::try_from(format!("{host_str}:{port}")),
            None => HeaderValue::try_from(host_str),
        }
        .map_err(|_| invalid("host is not a valid header value"))?;
        Ok(Self {
            tls,
            host,
            port,
            ip,
            host_header,
        })
    }

    /// Whether two origins may share a connection.
    pub(crate) fn same(&self, other: &Origin) -> bool {
        // Usually the very same `Rc` (every relative URL shares the session's origin).
        std::ptr::eq(self, other)
            || (self.tls == other.tls && self.port == other.port && self.host == other.host)
    }

    /// `http` or `https`.
    pub(crate) fn scheme(&self) -> &'static str {
        if self.tls { "https" } else { "http" }
    }

    /// `scheme://host[:port]`, the prefix of every URL on this origin.
    pub(crate) fn url_prefix(&self) -> String {
        let host = self.host_header.to_str().unwrap_or_default();
        format!("{}://{host}", self.scheme())
    }
}

/// The session's host, parsed once: origin, base path and credentials.
#[derive(Debug)]
pub(crate) struct Base {
    /// Origin of the host URL.
    pub(crate) origin: Rc<Origin>,
    /// Path of the host URL without its trailing `/` (`""` for `http://h` or `http://h/`).
    path: Box<str>,
    /// `Authorization: Basic …` from credentials in the host URL, already encoded.
    pub(crate) auth: Option<HeaderValue>,
}

impl Base {
    /// Parses a host such as `http://user:pw@example.com:8080/api`. Query and fragment of the
    /// host are ignored.
    pub(crate) fn parse(host: &str) -> Result<Self, Error> {
        let url = parse_absolute(host)?;
        let origin = Rc::new(Origin::from_url(&url, host)?);
        let auth = basic_auth(&url);
        let path = url.path().trim_end_matches('/').into();
        Ok(Self { origin, path, auth })
    }
}

/// Credentials in a URL as an `Authorization: Basic` value (percent-decoded, as requests does).
fn basic_auth(url: &Url) -> Option<HeaderValue> {
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let decode = |s: &str| percent_encoding::percent_decode_str(s).collect::<Vec<u8>>();
    let mut credentials = decode(url.username());
    credentials.push(b':');
    credentials.extend(decode(url.password().unwrap_or("")));
    let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
    let mut value = HeaderValue::try_from(format!("Basic {encoded}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// A request URL, split the way a connection needs it.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// Where to connect.
    pub(crate) origin: Rc<Origin>,
    /// The origin-form request target (path and query), also the default stats name. Only
    /// this part of a `Uri` is kept: a `Uri` is twice the size, and targets are cloned and
    /// moved with every response.
    pub(crate) path: PathAndQuery,
}

impl Target {
    /// The full URL, for `Response::url()` and cookie matching.
    pub(crate) fn url(&self) -> String {
        let mut url = self.origin.url_prefix();
        url.push_str(self.path_and_query());
        url
    }

    /// Path and query (`path_url` in requests).
    pub(crate) fn path_and_query(&self) -> &str {
        self.path.as_str()
    }
}

impl Target {
    /// The target of a parsed absolute URL (a redirect's `Location`), sharing `current` when
    /// the origin is the same.
    pub(crate) fn from_url(url: &Url, current: &Rc<Origin>) -> Result<Self, Error> {
        let origin = Origin::from_url(url, url.as_str())?;
        let origin = if current.same(&origin) {
            current.clone()
        } else {
            Rc::new(origin)
        };
        let mut target =
            String::with_capacity(url.path().len() + url.query().map_or(0, |q| q.len() + 1));
        target.push_str(url.path());
        if let Some(q) = url.query() {
            target.push('?');
            target.push_str(q);
        }
        finish(origin, target, None, url.as_str())
    }
}

/// Whether `url` is an absolute `http://` or `https://` URL (Locust's `absolute_http_url_regexp`).
fn is_absolute_http(url: &str) -> bool {
    let b = url.as_bytes();
    let starts =
        |prefix: &[u8]| b.len() >= prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix);
    starts(b"http://") || starts(b"https://")
}

/// Whether `url` starts with some other `scheme://`.
fn has_other_scheme(url: &str) -> bool {
    match url.find("://") {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme.as_bytes()[0].is_ascii_alphabetic()
                && scheme
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        }
        None => false,
    }
}

fn parse_absolute(url: &str) -> Result<Url, Error> {
    if !is_absolute_http(url) {
        return if has_other_scheme(url) {
            Err(Error::InvalidScheme(url.to_owned()))
        } else {
            Err(Error::InvalidUrl {
                url: url.to_owned(),
                reason: "expected http:// or https://".into(),
            })
        };
    }
    Url::parse(url).map_err(|e| Error::InvalidUrl {
        url: url.to_owned(),
        reason: e.to_string(),
    })
}

/// Resolves `url` (a path relative to the host, or an absolute URL) plus optional encoded
/// `query` parameters into a target.
///
/// Relative paths are appended to the host's path as Locust does (`base_url + path`), but
/// without doubling or omitting the `/` between them.
pub(crate) fn resolve(
    base: Option<&Base>,
    url: &str,
    query: Option<&str>,
) -> Result<Target, Error> {
    if is_absolute_http(url) {
        let parsed = parse_absolute(url)?;
        let origin = Origin::from_url(&parsed, url)?;
        let origin = match base {
            Some(base) if base.origin.same(&origin) => base.origin.clone(),
            _ => Rc::new(origin),
        };
        let mut target = String::with_capacity(url.len() + query.map_or(0, |q| q.len() + 1));
        target.push_str(parsed.path());
        if let Some(q) = parsed.query() {
            target.push('?');
            target.push_str(q);
        }
        return finish(origin, target, query, url);
    }
    if has_other_scheme(url) {
        return Err(Error::InvalidScheme(url.to_owned()));
    }
    let base = base.ok_or_else(|| Error::MissingHost(url.to_owned()))?;
    let mut target =
        String::with_capacity(base.path.len() + url.len() + 1 + query.map_or(0, |q| q.len() + 1));
    target.push_str(&base.path);
    // `?q` attaches to the base path itself; anything else is a path segment after it.
    let query_only = url.starts_with('?') && !base.path.is_empty();
    if !url.starts_with('/') && !query_only {
        target.push('/');
    }
    target.push_str(url);
    finish(base.origin.clone(), target, query, url)
}

/// Appends the query, drops any fragment, percent-encodes what requests would, and parses.
fn finish(
    origin: Rc<Origin>,
    mut target: String,
    query: Option<&str>,
    original: &str,
) -> Result<Target, Error> {
    if let Some(hash) = target.find('#') {
        target.truncate(hash);
    }
    if let Some(query) = query.filter(|q| !q.is_empty()) {
        target.push(if target.contains('?') { '&' } else { '?' });
        target.push_str(query);
    }
    let target = requote(target);
    let path =
        PathAndQuery::from_maybe_shared(Bytes::from(target)).map_err(|e| Error::InvalidUrl {
            url: original.to_owned(),
            reason: e.to_string(),
        })?;
    Ok(Target { origin, path })
}

/// Characters requests' `requote_uri` leaves alone; everything else is percent-encoded.
fn is_uri_safe(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~!#$%&'()*+,/:;=?@[]".contains(&c)
}

/// Percent-encodes bytes that may not appear in a request target (spaces, quotes, non-ASCII),
/// without allocating when there are none (the usual case).
pub(crate) fn requote(target: String) -> String {
    if target.bytes().all(is_uri_safe) {
        return target;
    }
    let mut out = String::with_capacity(target.len() + 16);
    for &c in target.as_bytes() {
        if is_uri_safe(c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(base: &str, url: &str) -> String {
        let base = Base::parse(base).unwrap();
        resolve(Some(&base), url, None)
            .unwrap()
            .path_and_query()
            .to_owned()
    }

    #[test]
    fn joins_paths_onto_the_base() {
        assert_eq!(path("http://h", "/a"), "/a");
        assert_eq!(path("http://h/", "/a"), "/a");
        assert_eq!(path("http://h/api", "/a"), "/api/a");
        assert_eq!(path("http://h/api/", "/a?x=1"), "/api/a?x=1");
        assert_eq!(path("http://h/api", "a"), "/api/a");
        assert_eq!(path("http://h/api", "?x=1"), "/api?x=1");
        assert_eq!(path("http://h", "?x=1"), "/?x=1");
        assert_eq!(path("http://h", ""), "/");
        assert_eq!(path("http://h", "/a b#frag"), "/a%20b");
        assert_eq!(path("http://h", "/é"), "/%C3%A9");
    }

    #[test]
    fn appends_query_parameters() {
        let base = Base::parse("http://h").unwrap();
        let t = resolve(Some(&base), "/a?x=1", Some("y=2")).unwrap();
        assert_eq!(t.path_and_query(), "/a?x=1&y=2");
        let t = resolve(Some(&base), "/a", Some("y=2")).unwrap();
        assert_eq!(t.path_and_query(), "/a?y=2");
    }

    #[test]
    fn absolute_urls_keep_the_base_origin_when_equal() {
        let base = Base::parse("http://127.0.0.1:8080/api").unwrap();
        let t = resolve(Some(&base), "HTTP://127.0.0.1:8080/x?q", None).unwrap();
        assert!(Rc::ptr_eq(&t.origin, &base.origin));
        assert_eq!(t.path_and_query(), "/x?q");
        let t = resolve(Some(&base), "https://example.com/y", None).unwrap();
        assert_eq!(t.url(), "https://example.com/y");
        assert_eq!(t.origin.port, 443);
    }

    #[test]
    fn host_credentials_become_basic_auth() {
        let base = Base::parse("http://us%40er:p%20w@h:81/").unwrap();
        let expected = base64::engine::general_purpose::STANDARD.encode("us@er:p w");
        assert_eq!(
            base.auth.unwrap().to_str().unwrap(),
            format!("Basic {expected}")
        );
        assert_eq!(base.origin.host_header, "h:81");
    }

    #[test]
    fn ipv6_hosts() {
        let base = Base::parse("http://[::1]:9000").unwrap();
        assert_eq!(base.origin.host_header, "[::1]:9000");
        assert_eq!(base.origin.ip, Some("::1".parse().unwrap()));
    }

    #[test]
    fn rejects_bad_urls() {
        assert!(matches!(
            resolve(None, "/a", None),
            Err(Error::MissingHost(_))
        ));
        assert!(matches!(
            Base::parse("ftp://h"),
            Err(Error::InvalidScheme(_))
        ));
        assert!(matches!(
            Base::parse("localhost:8000"),
            Err(Error::InvalidUrl { .. })
        ));
        assert!(matches!(
            Base::parse("http://"),
            Err(Error::InvalidUrl { .. })
        ));
        let base = Base::parse("http://h").unwrap();
        assert!(matches!(
            resolve(Some(&base), "ftp://x/y", None),
            Err(Error::InvalidScheme(_))
        ));
    }
}
