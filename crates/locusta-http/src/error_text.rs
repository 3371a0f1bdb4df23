//! Failure messages in the form Locust shows them (Python `repr` of the root-cause exception),
//! so failure tables, CSVs and dashboards built for Locust keep grouping the same way.

use std::fmt::Write as _;
use std::io;
use std::time::Duration;

use http::StatusCode;
use rustls::CertificateError;

use crate::target::Origin;
use crate::wire::body::BadChunk;
use crate::wire::parse::BadHead;

/// What went wrong with a request that was attempted. Turned into text only when recorded.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Name resolution failed (or returned no address).
    Resolve {
        host: Box<str>,
        source: Option<io::Error>,
    },
    /// The TCP connection could not be established.
    Connect(io::Error),
    /// The TLS handshake failed.
    Tls(io::Error),
    /// Establishing the connection took longer than the connect timeout.
    ConnectTimeout {
        pool: String,
        host: Box<str>,
        timeout: Duration,
    },
    /// The request took longer than its timeout.
    ReadTimeout { pool: String, timeout: Duration },
    /// Sending the request or receiving the response head failed with an I/O error.
    Io(io::Error),
    /// The server closed the connection before a complete response head.
    Disconnected,
    /// The response head is not valid HTTP/1.x.
    BadHead(BadHead),
    /// Reading the body failed after `read` bytes; `expected` is the `Content-Length`, if any.
    /// No `source` means the connection closed before the body was complete.
    Body {
        read: u64,
        expected: Option<u64>,
        source: Option<io::Error>,
    },
    /// A chunked body had a malformed chunk-size line.
    BadChunk(BadChunk),
    /// The redirect limit was reached.
    TooManyRedirects(usize),
    /// A redirect's `Location` could not be followed.
    BadRedirect(String),
}

impl Failure {
    /// The error text Locust would record for this failure.
    pub(crate) fn message(&self) -> String {
        match self {
            Failure::Resolve { host, source } => {
                let why = source
                    .as_ref()
                    .map_or_else(|| "no address found".to_owned(), resolve_reason);
                call(
                    "NameResolutionError",
                    &[&py_str(&format!("Failed to resolve '{host}' ({why})"))],
                )
            }
            Failure::Connect(e) => io_text(e),
            Failure::Tls(e) => tls_text(e),
            Failure::ConnectTimeout {
                pool,
                host,
                timeout,
            } => call(
                "ConnectTimeout",
                &[&py_str(&format!(
                    "{pool}: Connection to {host} timed out. (connect timeout={})",
                    py_float(timeout)
                ))],
            ),
            Failure::ReadTimeout { pool, timeout } => call(
                "ReadTimeout",
                &[&py_str(&format!(
                    "{pool}: Read timed out. (read timeout={})",
                    py_float(timeout)
                ))],
            ),
            Failure::Io(e) => io_text(e),
            Failure::Disconnected => call(
                "RemoteDisconnected",
                &[&py_str("Remote end closed connection without response")],
            ),
            Failure::BadHead(BadHead::Status) => {
                call("BadStatusLine", &[&py_str(BadHead::Status.text())])
            }
            Failure::BadHead(bad) => call("ProtocolError", &[&py_str(bad.text())]),
            Failure::Body {
                read,
                expected,
                source,
            } => body_text(*read, *expected, source.as_ref()),
            Failure::BadChunk(bad) => chunk_text(bad),
            Failure::TooManyRedirects(n) => call(
                "TooManyRedirects",
                &[&py_str(&format!("Exceeded {n} redirects."))],
            ),
            Failure::BadRedirect(location) => call(
                "InvalidURL",
                &[&py_str(&format!("Invalid redirect location '{location}'"))],
            ),
        }
    }
}

/// `HTTPConnectionPool(host='h', port=80)`, urllib3's name for an origin, used in timeouts.
pub(crate) fn pool_name(origin: &Origin) -> String {
    let kind = if origin.tls {
        "HTTPSConnectionPool"
    } else {
        "HTTPConnectionPool"
    };
    format!(
        "{kind}(host={}, port={})",
        py_str(&origin.host),
        origin.port
    )
}

/// requests' `raise_for_status` text, with the URL replaced by the stats name as Locust does:
/// `HTTPError('500 Server Error: Internal Server Error for url: /err')`. `None` below 400.
pub(crate) fn http_error(status: StatusCode, reason: Option<&str>, name: &str) -> Option<String> {
    let kind = match status.as_u16() {
        400..=499 => "Client",
        500..=599 => "Server",
        _ => return None,
    };
    let reason = status.canonical_reason().or(reason).unwrap_or("");
    let text = format!("{} {kind} Error: {reason} for url: {name}", status.as_u16());
    Some(call("HTTPError", &[&py_str(&text)]))
}

/// Locust's text for `response.failure("msg")` inside `catch_response`.
pub(crate) fn catch_response_error(message: &str) -> String {
    call("CatchResponseError", &[&py_str(message)])
}

/// The Python exception for an OS-level I/O error: `ConnectionRefusedError(111, 'Connection
/// refused')`, `ConnectionResetError(104, 'Connection reset by peer')`, or `OSError(…)`.
pub(crate) fn io_text(e: &io::Error) -> String {
    if let Some(tls) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return rustls_text(tls);
    }
    let class = match e.kind() {
        io::ErrorKind::ConnectionRefused => "ConnectionRefusedError",
        io::ErrorKind::ConnectionReset => "ConnectionResetError",
        io::ErrorKind::ConnectionAborted => "ConnectionAbortedError",
        io::ErrorKind::BrokenPipe => "BrokenPipeError",
        io::ErrorKind::TimedOut => "TimeoutError",
        io::ErrorKind::PermissionDenied => "PermissionError",
        _ => "OSError",
    };
    match e.raw_os_error() {
        Some(code) => call(class, &[&code.to_string(), &py_str(&strerror(e))]),
        None => call(class, &[&py_str(&e.to_string())]),
    }
}

/// `Connection refused (os error 111)` → `Connection refused` (what Python's strerror says).
fn strerror(e: &io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// `failed to lookup address information: Name or service not known` → the part after `: `.
fn resolve_reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.split_once(": ") {
        Some((_, reason)) => reason.to_owned(),
        None => text,
    }
}

/// Errors of the TLS handshake: certificate problems as Python's ssl module words them.
fn tls_text(e: &io::Error) -> String {
    if e.get_ref().is_some_and(|inner| inner.is::<rustls::Error>()) || e.raw_os_error().is_some() {
        return io_text(e);
    }
    if e.kind() == io::ErrorKind::UnexpectedEof {
        return call(
            "SSLEOFError",
            &["8", &py_str("EOF occurred in violation of protocol")],
        );
    }
    call("SSLError", &[&py_str(&e.to_string())])
}

fn rustls_text(e: &rustls::Error) -> String {
    let reason = match e {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => "unable to get local issuer certificate".to_owned(),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "certificate has expired".to_owned()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "certificate is not yet valid".to_owned()
            }
            CertificateError::Revoked => "certificate revoked".to_owned(),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "Hostname mismatch, certificate is not valid for the requested host".to_owned()
            }
            other => format!("{other:?}"),
        },
        other => return call("SSLError", &["1", &py_str(&format!("[SSL] {other}"))]),
    };
    call(
        "SSLCertVerificationError",
        &[
            "1",
            &py_str(&format!(
                "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {reason}"
            )),
        ],
    )
}

/// What requests shows for a body cut short or broken: `IncompleteRead(…)` when the
/// `Content-Length` was not reached, `ChunkedEncodingError(…)` for a chunked body, or the I/O
/// error (e.g. a reset) that interrupted it.
fn body_text(read: u64, expected: Option<u64>, io: Option<&io::Error>) -> String {
    if io.is_none_or(|io| io.kind() == io::ErrorKind::UnexpectedEof) {
        return match expected {
            Some(total) => format!(
                "IncompleteRead({read} bytes read, {} more expected)",
                total.saturating_sub(read)
            ),
            None => call(
                "ChunkedEncodingError",
                &[&call(
                    "ProtocolError",
                    &[&py_str("Response ended prematurely")],
                )],
            ),
        };
    }
    io.map(io_text).unwrap_or_default()
}

/// urllib3's `InvalidChunkLength` wrapped as requests wraps it:
/// `ChunkedEncodingError(ProtocolError("Connection broken: InvalidChunkLength(got length
/// b'zz\\r\\n', 0 bytes read)", InvalidChunkLength(got length b'zz\\r\\n', 0 bytes read)))`.
fn chunk_text(bad: &BadChunk) -> String {
    let inner = format!(
        "InvalidChunkLength(got length {}, {} bytes read)",
        py_bytes(&bad.line),
        bad.read
    );
    let protocol = call(
        "ProtocolError",
        &[&py_str(&format!("Connection broken: {inner}")), &inner],
    );
    call("ChunkedEncodingError", &[&protocol])
}

/// `Class(arg1, arg2)`.
fn call(class: &str, args: &[&str]) -> String {
    let mut out =
        String::with_capacity(class.len() + 2 + args.iter().map(|a| a.len() + 2).sum::<usize>());
    out.push_str(class);
    out.push('(');
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(arg);
    }
    out.push(')');
    out
}

/// Python's `repr(float)` for a duration in seconds: `1.0`, `0.25`, `60.0`.
fn py_float(d: &Duration) -> String {
    let secs = d.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.1}")
    } else {
        format!("{secs}")
    }
}

/// Python's `repr(str)`: single quotes unless the text has a single quote and no double quote.
pub(crate) fn py_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr(bytes)`: `b'…'` with escapes for quotes, backslashes and non-printables.
fn py_bytes(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('b');
    out.push(quote as char);
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b if b == quote => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            b => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push(quote as char);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_repr_of_strings() {
        assert_eq!(py_str("abc"), "'abc'");
        assert_eq!(py_str("it's"), "\"it's\"");
        assert_eq!(py_str("it's \"x\""), "'it\\'s \"x\"'");
        assert_eq!(py_str("a\nb\\"), "'a\\nb\\\\'");
    }

    #[test]
    fn http_errors_name_the_stats_entry() {
        assert_eq!(
            http_error(StatusCode::INTERNAL_SERVER_ERROR, None, "/err").unwrap(),
            "HTTPError('500 Server Error: Internal Server Error for url: /err')"
        );
        assert_eq!(
            http_error(StatusCode::NOT_FOUND, None, "/item?id=[id]").unwrap(),
            "HTTPError('404 Client Error: Not Found for url: /item?id=[id]')"
        );
        let odd = StatusCode::from_u16(599).unwrap();
        assert_eq!(
            http_error(odd, Some("Odd"), "/x").unwrap(),
            "HTTPError('599 Server Error: Odd for url: /x')"
        );
        assert_eq!(http_error(StatusCode::FOUND, None, "/x"), None);
        assert_eq!(
            http_error(StatusCode::from_u16(600).unwrap(), None, "/x"),
            None
        );
    }

    #[test]
    fn os_errors_become_python_exceptions() {
        let refused = io::Error::from_raw_os_error(111);
        assert_eq!(
            io_text(&refused),
            "ConnectionRefusedError(111, 'Connection refused')"
        );
        let reset = io::Error::from_raw_os_error(104);
        assert_eq!(
            io_text(&reset),
            "ConnectionResetError(104, 'Connection reset by peer')"
        );
        let unreachable = io::Error::from_raw_os_error(113);
        assert_eq!(io_text(&unreachable), "OSError(113, 'No route to host')");
    }

    #[test]
    fn timeouts_say_what_timed_out() {
        let failure = Failure::ReadTimeout {
            pool: "HTTPConnectionPool(host='127.0.0.1', port=8000)".into(),
            timeout: Duration::from_millis(250),
        };
        assert_eq!(
            failure.message(),
            "ReadTimeout(\"HTTPConnectionPool(host='127.0.0.1', port=8000): Read timed out. (read timeout=0.25)\")"
        );
    }

    #[test]
    fn connect_phase_failures() {
        let dns = Failure::Resolve {
            host: "nonexistent.invalid".into(),
            source: Some(io::Error::other(
                "failed to lookup address information: Name or service not known",
            )),
        };
        assert_eq!(
            dns.message(),
            "NameResolutionError(\"Failed to resolve 'nonexistent.invalid' (Name or service not known)\")"
        );
        let timeout = Failure::ConnectTimeout {
            pool: "HTTPSConnectionPool(host='10.255.255.1', port=443)".into(),
            host: "10.255.255.1".into(),
            timeout: Duration::from_secs(60),
        };
        assert_eq!(
            timeout.message(),
            "ConnectTimeout(\"HTTPSConnectionPool(host='10.255.255.1', port=443): Connection to 10.255.255.1 timed out. (connect timeout=60.0)\")"
        );
        let expired = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::Expired),
        );
        assert_eq!(
            Failure::Tls(expired).message(),
            "SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired')"
        );
        let eof = io::Error::new(io::ErrorKind::UnexpectedEof, "tls handshake eof");
        assert_eq!(
            Failure::Tls(eof).message(),
            "SSLEOFError(8, 'EOF occurred in violation of protocol')"
        );
    }

    #[test]
    fn truncated_bodies() {
        let short = Failure::Body {
            read: 5,
            expected: Some(100),
            source: None,
        };
        assert_eq!(
            short.message(),
            "IncompleteRead(5 bytes read, 95 more expected)"
        );
        let chunked = Failure::Body {
            read: 5,
            expected: None,
            source: None,
        };
        assert_eq!(
            chunked.message(),
            "ChunkedEncodingError(ProtocolError('Response ended prematurely'))"
        );
    }

    #[test]
    fn malformed_responses() {
        let bad = Failure::BadChunk(BadChunk {
            line: b"zz\r\n"[..].into(),
            read: 3,
        });
        assert_eq!(
            bad.message(),
            r#"ChunkedEncodingError(ProtocolError("Connection broken: InvalidChunkLength(got length b'zz\\r\\n', 3 bytes read)", InvalidChunkLength(got length b'zz\r\n', 3 bytes read)))"#
        );
        assert_eq!(
            Failure::BadHead(BadHead::Status).message(),
            "BadStatusLine('invalid HTTP status-code parsed')"
        );
        assert_eq!(
            Failure::BadHead(BadHead::ContentLength).message(),
            "ProtocolError('invalid content-length parsed')"
        );
        assert_eq!(
            Failure::Disconnected.message(),
            "RemoteDisconnected('Remote end closed connection without response')"
        );
        assert_eq!(py_bytes(b"a'\"\x00\xff"), "b'a\\'\"\\x00\\xff'");
    }

    #[test]
    fn catch_response_errors_wrap_the_message() {
        assert_eq!(
            catch_response_error("Got 404"),
            "CatchResponseError('Got 404')"
        );
    }
}
