//! Writing a request head: `GET /path HTTP/1.1\r\nHost: …\r\n…\r\n\r\n`, by appending slices.
//!
//! No formatting machinery: each piece is an `extend_from_slice` into the connection's
//! reusable write buffer, and numbers go through `itoa`. Which headers to send is decided by
//! [`Hop`](crate::hop::Hop); this module only knows the syntax.

/// Appends the request line, origin-form (`target` is the path and query).
pub(crate) fn request_line(out: &mut Vec<u8>, method: &str, target: &str) {
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");
}

/// Appends `name: value\r\n`. Both are already valid (they come from `HeaderName` and
/// `HeaderValue`, which reject CR and LF).
pub(crate) fn header(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

/// Appends `Content-Length: n\r\n`.
pub(crate) fn content_length(out: &mut Vec<u8>, n: usize) {
    header(
        out,
        b"Content-Length",
        itoa::Buffer::new().format(n).as_bytes(),
    );
}

/// Ends the head.
pub(crate) fn end(out: &mut Vec<u8>) {
    out.extend_from_slice(b"\r\n");
}

/// Appends `body` in the chunked transfer coding, as one chunk and the last chunk. Only used
/// when the caller set `Transfer-Encoding: chunked` on a body we hold whole anyway.
pub(crate) fn chunked_body(out: &mut Vec<u8>, body: &[u8]) {
    if !body.is_empty() {
        out.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_head() {
        let mut out = Vec::new();
        request_line(&mut out, "GET", "/a?b=1");
        header(&mut out, b"Host", b"h:81");
        content_length(&mut out, 1234);
        end(&mut out);
        assert_eq!(
            out,
            b"GET /a?b=1 HTTP/1.1\r\nHost: h:81\r\nContent-Length: 1234\r\n\r\n"
        );
    }

    #[test]
    fn chunk_encodes_a_whole_body() {
        let mut out = Vec::new();
        chunked_body(&mut out, &[b'x'; 26]);
        assert_eq!(
            out,
            [&b"1a\r\n"[..], &[b'x'; 26], b"\r\n0\r\n\r\n"].concat()
        );
        out.clear();
        chunked_body(&mut out, b"");
        assert_eq!(out, b"0\r\n\r\n");
    }
}
