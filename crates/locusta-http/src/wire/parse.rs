//! Parsing a response head with `httparse`, into the `HeaderMap` the public `Response` holds.
//!
//! Header values are not copied: the head is split off the read buffer as one `Bytes` and
//! each value is a reference-counted slice of it (what hyper does too). While scanning the
//! headers once, the framing and keep-alive facts are noted, so nothing looks them up again.

use std::mem::MaybeUninit;

use bytes::{Bytes, BytesMut};
use http::header::{CONNECTION, CONTENT_LENGTH, SET_COOKIE, TRANSFER_ENCODING};
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::wire::body::Framing;
use crate::wire::names;

/// Headers parsed without touching the heap; heads with more are parsed again with room for
/// [`MAX_HEADERS`].
const STACK_HEADERS: usize = 32;

/// Most headers a response may have (hyper's default).
pub(crate) const MAX_HEADERS: usize = 100;

/// Largest response head accepted (hyper's default read buffer limit).
pub(crate) const MAX_HEAD: usize = 8192 + 4096 * 100;

/// A parsed response head, with what the connection needs to read the body.
#[derive(Debug)]
pub(crate) struct ResponseHead {
    /// The status code.
    pub(crate) status: StatusCode,
    /// The reason phrase, kept only for codes without a canonical one (e.g. 599), the only
    /// case where an error text uses it.
    pub(crate) reason: Option<Box<str>>,
    /// The headers, values sharing the head's bytes.
    pub(crate) headers: HeaderMap,
    /// How the body is delimited.
    pub(crate) framing: Framing,
    /// Whether the connection may carry another request after this response.
    pub(crate) keep_alive: bool,
    /// Whether a `Set-Cookie` header is present (saves a lookup per response).
    pub(crate) sets_cookie: bool,
}

/// Why a head is not valid HTTP/1.x. The texts are hyper's, as shown before this client
/// replaced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadHead {
    /// The status code is not three digits or below 100.
    Status,
    /// Not `HTTP/1.0` or `HTTP/1.1`.
    Version,
    /// A malformed header line.
    Header,
    /// More than [`MAX_HEADERS`] headers or [`MAX_HEAD`] bytes.
    TooLarge,
    /// A `Content-Length` that is not a number, or several that disagree.
    ContentLength,
    /// `Transfer-Encoding` in an HTTP/1.0 response.
    TransferEncoding,
}

impl BadHead {
    /// hyper's description of the error.
    pub(crate) fn text(self) -> &'static str {
        match self {
            BadHead::Status => "invalid HTTP status-code parsed",
            BadHead::Version => "invalid HTTP version parsed",
            BadHead::Header => "invalid HTTP header parsed",
            BadHead::TooLarge => "message head is too large",
            BadHead::ContentLength => "invalid content-length parsed",
            BadHead::TransferEncoding => "unexpected transfer-encoding parsed",
        }
    }
}

impl From<httparse::Error> for BadHead {
    fn from(e: httparse::Error) -> Self {
        match e {
            httparse::Error::Status => BadHead::Status,
            httparse::Error::Version => BadHead::Version,
            httparse::Error::TooManyHeaders => BadHead::TooLarge,
            _ => BadHead::Header,
        }
    }
}

/// Offsets of one header's name and value within the head.
#[derive(Clone, Copy, Default)]
struct Indices {
    name: (u32, u32),
    value: (u32, u32),
}

/// What `httparse` found, as offsets, so the buffer can be split once the borrow ends.
struct Parsed {
    len: usize,
    code: u16,
    minor: u8,
    reason: (u32, u32),
    count: usize,
}

/// Parses the response head at the front of `buf` and splits it off, skipping interim 1xx
/// responses (`100 Continue`, `103 Early Hints`). `Ok(None)` means more bytes are needed.
/// `head_request` says the request was HEAD, whose response has no body.
pub(crate) fn parse_head(
    buf: &mut BytesMut,
    head_request: bool,
) -> Result<Option<ResponseHead>, BadHead> {
    loop {
        let mut indices = [Indices::default(); STACK_HEADERS];
        let parsed = match scan(buf, &mut indices) {
            Err(BadHead::TooLarge) => return parse_large(buf, head_request),
            other => other?,
        };
        let Some(parsed) = parsed else {
            return Ok(None);
        };
        let status = StatusCode::from_u16(parsed.code).map_err(|_| BadHead::Status)?;
        if status.is_informational() && status != StatusCode::SWITCHING_PROTOCOLS {
            let _ = buf.split_to(parsed.len);
            if buf.is_empty() {
                return Ok(None);
            }
            continue;
        }
        let head = buf.split_to(parsed.len).freeze();
        return build(
            &head,
            &parsed,
            &indices[..parsed.count],
            status,
            head_request,
        )
        .map(Some);
    }
}

/// The slow path for heads with more than [`STACK_HEADERS`] headers.
#[cold]
fn parse_large(buf: &mut BytesMut, head_request: bool) -> Result<Option<ResponseHead>, BadHead> {
    let mut indices = vec![Indices::default(); MAX_HEADERS];
    let Some(parsed) = scan(buf, &mut indices)? else {
        return Ok(None);
    };
    // Interim responses never carry that many headers; treat them like any other.
    let status = StatusCode::from_u16(parsed.code).map_err(|_| BadHead::Status)?;
    let head = buf.split_to(parsed.len).freeze();
    build(
        &head,
        &parsed,
        &indices[..parsed.count],
        status,
        head_request,
    )
    .map(Some)
}

/// Runs `httparse` over `buf` and records where each part lies.
fn scan(buf: &[u8], indices: &mut [Indices]) -> Result<Option<Parsed>, BadHead> {
    let mut headers = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; MAX_HEADERS];
    let headers = &mut headers[..indices.len()];
    let mut response = httparse::Response::new(&mut []);
    let len = match httparse::ParserConfig::default().parse_response_with_uninit_headers(
        &mut response,
        buf,
        headers,
    )? {
        httparse::Status::Complete(len) => len,
        httparse::Status::Partial if buf.len() > MAX_HEAD => return Err(BadHead::TooLarge),
        httparse::Status::Partial => return Ok(None),
    };
    if len > MAX_HEAD {
        return Err(BadHead::TooLarge);
    }
    let base = buf.as_ptr() as usize;
    // httparse hands out slices of `buf`, except a missing reason phrase, which is a static
    // `""`: empty parts are recorded as the empty span at 0.
    let span = |part: &[u8]| {
        if part.is_empty() {
            return (0, 0);
        }
        let start = (part.as_ptr() as usize - base) as u32;
        (start, start + part.len() as u32)
    };
    for (header, slot) in response.headers.iter().zip(indices.iter_mut()) {
        *slot = Indices {
            name: span(header.name.as_bytes()),
            value: span(header.value),
        };
    }
    Ok(Some(Parsed {
        len,
        code: response.code.unwrap_or_default(),
        minor: response.version.unwrap_or_default(),
        reason: span(response.reason.unwrap_or_default().as_bytes()),
        count: response.headers.len(),
    }))
}

/// Builds the header map and decides framing and keep-alive (hyper's `Client::decoder`).
fn build(
    head: &Bytes,
    parsed: &Parsed,
    indices: &[Indices],
    status: StatusCode,
    head_request: bool,
) -> Result<ResponseHead, BadHead> {
    names::with_names(|names| build_with(head, parsed, indices, status, head_request, names))
}

fn build_with(
    head: &Bytes,
    parsed: &Parsed,
    indices: &[Indices],
    status: StatusCode,
    head_request: bool,
    names: &mut names::Names<'_>,
) -> Result<ResponseHead, BadHead> {
    let http11 = parsed.minor == 1;
    let mut keep_alive = http11;
    let mut saw_close = false;
    let mut content_length = None;
    let mut transfer_encoding = None;
    let mut sets_cookie = false;
    let mut headers = HeaderMap::with_capacity(indices.len());
    for (position, at) in indices.iter().enumerate() {
        let name = names
            .get(position, &head[at.name.0 as usize..at.name.1 as usize])
            .map_err(|_| BadHead::Header)?;
        let value =
            HeaderValue::from_maybe_shared(head.slice(at.value.0 as usize..at.value.1 as usize))
                .map_err(|_| BadHead::Header)?;
        if name == CONTENT_LENGTH {
            content_length = Some(merge_length(content_length, value.as_bytes())?);
        } else if name == TRANSFER_ENCODING {
            // Only the last coding of the last header decides (RFC 9112 §6.3).
            transfer_encoding = Some(last_token_is(value.as_bytes(), b"chunked"));
        } else if name == CONNECTION {
            // Once any `Connection` line says close, a later keep-alive must not undo it.
            if saw_close || has_token(value.as_bytes(), b"close") {
                saw_close = true;
                keep_alive = false;
            } else if !http11 {
                keep_alive = has_token(value.as_bytes(), b"keep-alive");
            }
        } else if name == SET_COOKIE {
            sets_cookie = true;
        }
        headers.append(name, value);
    }
    let framing = match status.as_u16() {
        101 => {
            // A protocol switch we never asked for: nothing more to read as HTTP/1.
            keep_alive = false;
            Framing::Empty
        }
        204 | 304 => Framing::Empty,
        _ if head_request => Framing::Empty,
        _ => match (transfer_encoding, content_length) {
            (Some(_), _) if !http11 => return Err(BadHead::TransferEncoding),
            (Some(true), _) => Framing::Chunked,
            (Some(false), _) => Framing::Close,
            (None, Some(length)) => Framing::Length(length),
            (None, None) => Framing::Close,
        },
    };
    if framing == Framing::Close {
        keep_alive = false;
    }
    let reason = match status.canonical_reason() {
        Some(_) => None,
        None => std::str::from_utf8(&head[parsed.reason.0 as usize..parsed.reason.1 as usize])
            .ok()
            .filter(|r| !r.is_empty())
            .map(Into::into),
    };
    Ok(ResponseHead {
        status,
        reason,
        headers,
        framing,
        keep_alive,
        sets_cookie,
    })
}

/// Parses a `Content-Length` value (possibly a list such as `5, 5`) and checks it agrees with
/// an earlier one, as hyper does.
fn merge_length(earlier: Option<u64>, value: &[u8]) -> Result<u64, BadHead> {
    let mut length = earlier;
    for part in value.split(|&b| b == b',') {
        let n = digits(part.trim_ascii()).ok_or(BadHead::ContentLength)?;
        if length.is_some_and(|l| l != n) {
            return Err(BadHead::ContentLength);
        }
        length = Some(n);
    }
    length.ok_or(BadHead::ContentLength)
}

/// A decimal number without sign, or `None`.
fn digits(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() {
        return None;
    }
    bytes.iter().try_fold(0u64, |n, &b| {
        if b.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

/// Whether the comma-separated list `value` contains `token` (case-insensitive).
fn has_token(value: &[u8], token: &[u8]) -> bool {
    value
        .split(|&b| b == b',')
        .any(|t| t.trim_ascii().eq_ignore_ascii_case(token))
}

/// Whether the last element of the comma-separated list `value` is `token`.
fn last_token_is(value: &[u8], token: &[u8]) -> bool {
    value
        .rsplit(|&b| b == b',')
        .next()
        .is_some_and(|t| t.trim_ascii().eq_ignore_ascii_case(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(wire: &str, head_request: bool) -> Result<Option<(ResponseHead, BytesMut)>, BadHead> {
        let mut buf = BytesMut::from(wire.as_bytes());
        Ok(parse_head(&mut buf, head_request)?.map(|head| (head, buf)))
    }

    fn framing(wire: &str) -> (Framing, bool) {
        let (head, _) = parse(wire, false).unwrap().unwrap();
        (head.framing, head.keep_alive)
    }

    #[test]
    fn splits_the_head_off_and_keeps_the_rest() {
        let wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello";
        let (head, rest) = parse(wire, false).unwrap().unwrap();
        assert_eq!(head.status, 200);
        assert_eq!(head.framing, Framing::Length(5));
        assert!(head.keep_alive);
        assert_eq!(head.headers.get_all("x-a").iter().count(), 2);
        assert_eq!(&rest[..], b"hello");
        assert!(head.reason.is_none());
    }

    #[test]
    fn partial_heads_ask_for_more() {
        let wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
        for end in 0..wire.len() {
            assert!(parse(&wire[..end], false).unwrap().is_none(), "{end}");
        }
    }

    #[test]
    fn interim_responses_are_skipped() {
        let wire = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";
        let (head, rest) = parse(wire, false).unwrap().unwrap();
        assert_eq!(head.status, 201);
        assert!(rest.is_empty());
        let mut buf = BytesMut::from("HTTP/1.1 100 Continue\r\n\r\n");
        assert!(parse_head(&mut buf, false).unwrap().is_none());
        assert!(buf.is_empty(), "the interim response is consumed");
    }

    #[test]
    fn framing_follows_rfc_9112() {
        assert_eq!(
            framing(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n\r\n"
            ),
            (Framing::Chunked, true)
        );
        assert_eq!(
            framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"),
            (Framing::Close, false)
        );
        assert_eq!(framing("HTTP/1.1 200 OK\r\n\r\n"), (Framing::Close, false));
        assert_eq!(
            framing("HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n"),
            (Framing::Empty, true)
        );
        assert_eq!(
            framing("HTTP/1.1 304 Not Modified\r\n\r\n"),
            (Framing::Empty, true)
        );
        let (head, _) = parse("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", true)
            .unwrap()
            .unwrap();
        assert_eq!(head.framing, Framing::Empty, "HEAD responses have no body");
        assert_eq!(
            framing("HTTP/1.1 200 OK\r\nContent-Length: 4, 4\r\nContent-Length: 4\r\n\r\n"),
            (Framing::Length(4), true)
        );
    }

    #[test]
    fn keep_alive_by_version_and_connection_header() {
        let cl = "Content-Length: 0\r\n";
        let ka = |wire: String| framing(&wire).1;
        assert!(ka(format!("HTTP/1.1 200 OK\r\n{cl}\r\n")));
        assert!(!ka(format!(
            "HTTP/1.1 200 OK\r\nConnection: Close\r\n{cl}\r\n"
        )));
        assert!(!ka(format!(
            "HTTP/1.1 200 OK\r\nConnection: close\r\nConnection: keep-alive\r\n{cl}\r\n"
        )));
        assert!(!ka(format!("HTTP/1.0 200 OK\r\n{cl}\r\n")));
        assert!(ka(format!(
            "HTTP/1.0 200 OK\r\nConnection: foo, Keep-Alive\r\n{cl}\r\n"
        )));
    }

    #[test]
    fn malformed_heads_are_errors_with_hypers_words() {
        let err = |wire: &str| parse(wire, false).unwrap_err().text();
        assert_eq!(
            err("SSH-2.0-OpenSSH\r\n\r\n"),
            "invalid HTTP version parsed"
        );
        assert_eq!(
            err("HTTP/1.1 20 OK\r\n\r\n"),
            "invalid HTTP status-code parsed"
        );
        assert_eq!(
            err("HTTP/1.1 099 Odd\r\n\r\n"),
            "invalid HTTP status-code parsed"
        );
        assert_eq!(
            err("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n"),
            "invalid HTTP header parsed"
        );
        assert_eq!(
            err("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n"),
            "invalid content-length parsed"
        );
        assert_eq!(
            err("HTTP/1.1 200 OK\r\nContent-Length: +4\r\n\r\n"),
            "invalid content-length parsed"
        );
        assert_eq!(
            err("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
            "unexpected transfer-encoding parsed"
        );
        let many: String = (0..MAX_HEADERS + 1)
            .map(|i| format!("X-{i}: v\r\n"))
            .collect();
        assert_eq!(
            err(&format!("HTTP/1.1 200 OK\r\n{many}\r\n")),
            "message head is too large"
        );
    }

    #[test]
    fn many_headers_take_the_slow_path() {
        let many: String = (0..60).map(|i| format!("X-{i}: v{i}\r\n")).collect();
        let (head, _) = parse(
            &format!("HTTP/1.1 200 OK\r\n{many}Content-Length: 0\r\n\r\n"),
            false,
        )
        .unwrap()
        .unwrap();
        assert_eq!(head.headers.len(), 61);
        assert_eq!(head.headers["x-59"], "v59");
    }

    #[test]
    fn unknown_statuses_keep_their_reason() {
        let (head, _) = parse("HTTP/1.1 599 Odd Thing\r\nContent-Length: 0\r\n\r\n", false)
            .unwrap()
            .unwrap();
        assert_eq!(head.reason.as_deref(), Some("Odd Thing"));
    }
}
