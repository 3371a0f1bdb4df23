//! Body framing of a response, and the chunked transfer coding decoded in place.

use bytes::BytesMut;

/// How the body of a response is delimited (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// No body: a response to HEAD, or status 1xx, 204 or 304.
    Empty,
    /// Exactly this many bytes (`Content-Length`).
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Everything until the server closes the connection (neither of the above).
    Close,
}

/// A malformed chunk-size line (or the bytes where a chunk's closing CRLF should be).
#[derive(Debug)]
pub(crate) struct BadChunk {
    /// The offending line as urllib3 reports it: up to `;` or through the line end.
    pub(crate) line: Box<[u8]>,
    /// Body bytes decoded before it.
    pub(crate) read: u64,
}

/// Longest chunk-size or trailer line accepted, so garbage cannot grow the buffer forever.
const MAX_LINE: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Expecting a chunk-size line.
    Size,
    /// Inside chunk data, this many bytes to go.
    Data(u64),
    /// Expecting the CRLF that ends chunk data.
    DataEnd,
    /// After the last chunk: trailer lines until an empty line (trailers are discarded, as
    /// python-requests does).
    Trailers,
    /// The body is complete.
    Done,
}

/// Decodes a chunked body inside the connection's read buffer, without a second buffer.
///
/// The buffer holds `[decoded body | consumed framing | raw bytes not yet decoded]`. Chunk
/// data is moved down to the end of the decoded part as it arrives (a `memmove` within the
/// buffer), so when the body is complete `buf[..decoded]` is the body, ready to be split off
/// without a copy. [`compact`](Self::compact) closes the gap before reading more.
#[derive(Debug)]
pub(crate) struct Chunked {
    state: State,
    /// Length of the decoded body at the front of the buffer.
    decoded: usize,
    /// Offset of the first raw byte not yet decoded.
    raw: usize,
}

impl Chunked {
    /// A decoder at the start of a chunked body that starts at the front of the buffer.
    pub(crate) fn new() -> Self {
        Self {
            state: State::Size,
            decoded: 0,
            raw: 0,
        }
    }

    /// Body bytes decoded so far; once [`decode`](Self::decode) returned `true`, the body is
    /// `buf[..decoded()]`.
    pub(crate) fn decoded(&self) -> usize {
        self.decoded
    }

    /// Whether bytes follow the end of the complete body (a protocol error: we never
    /// pipeline, so the connection must not be reused).
    pub(crate) fn has_leftover(&self, buf: &BytesMut) -> bool {
        buf.len() > self.raw
    }

    /// Decodes what `buf` holds; `Ok(true)` once the body and its trailers are complete.
    pub(crate) fn decode(&mut self, buf: &mut BytesMut) -> Result<bool, BadChunk> {
        loop {
            let raw = &buf[self.raw..];
            match self.state {
                State::Done => return Ok(true),
                State::Size => {
                    let Some(end) = line_end(raw) else {
                        return self.partial_line(raw);
                    };
                    let size = match httparse::parse_chunk_size(&raw[..end]) {
                        // httparse accepts an empty size; urllib3 does not.
                        Ok(httparse::Status::Complete((_, size))) if raw[0].is_ascii_hexdigit() => {
                            size
                        }
                        _ => return Err(self.bad(&raw[..end])),
                    };
                    self.raw += end;
                    self.state = if size == 0 {
                        State::Trailers
                    } else {
                        State::Data(size)
                    };
                }
                State::Data(left) => {
                    if raw.is_empty() {
                        return Ok(false);
                    }
                    let n = left.min(raw.len() as u64) as usize;
                    buf.copy_within(self.raw..self.raw + n, self.decoded);
                    self.decoded += n;
                    self.raw += n;
                    let left = left - n as u64;
                    self.state = if left == 0 {
                        State::DataEnd
                    } else {
                        State::Data(left)
                    };
                }
                State::DataEnd => {
                    if raw.len() < 2 {
                        return Ok(false);
                    }
                    if &raw[..2] != b"\r\n" {
                        let end = line_end(raw).unwrap_or(raw.len().min(MAX_LINE));
                        return Err(self.bad(&raw[..end]));
                    }
                    self.raw += 2;
                    self.state = State::Size;
                }
                State::Trailers => {
                    let Some(end) = line_end(raw) else {
                        return self.partial_line(raw);
                    };
                    self.raw += end;
                    if raw[..end].trim_ascii().is_empty() {
                        self.state = State::Done;
                    }
                }
            }
        }
    }

    /// Moves the raw bytes not yet decoded down to the end of the decoded body, so the
    /// buffer only holds what is still needed before it is read into again.
    pub(crate) fn compact(&mut self, buf: &mut BytesMut) {
        if self.raw == self.decoded {
            return;
        }
        let pending = buf.len() - self.raw;
        buf.copy_within(self.raw.., self.decoded);
        buf.truncate(self.decoded + pending);
        self.raw = self.decoded;
    }

    fn partial_line(&self, raw: &[u8]) -> Result<bool, BadChunk> {
        if raw.len() > MAX_LINE {
            return Err(self.bad(&raw[..MAX_LINE]));
        }
        Ok(false)
    }

    fn bad(&self, line: &[u8]) -> BadChunk {
        // urllib3 reports the line split at the extension's `;`.
        let line = match line.iter().position(|&b| b == b';') {
            Some(i) => &line[..i],
            None => line,
        };
        BadChunk {
            line: line.into(),
            read: self.decoded as u64,
        }
    }
}

/// Length of the first line of `raw` including its `\n`, if it is complete.
fn line_end(raw: &[u8]) -> Option<usize> {
    raw.iter().position(|&b| b == b'\n').map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `wire` to a decoder in pieces of `step` bytes, as reads would deliver it.
    fn decode_in_steps(wire: &[u8], step: usize) -> Result<(Vec<u8>, bool), BadChunk> {
        let mut buf = BytesMut::new();
        let mut chunked = Chunked::new();
        for piece in wire.chunks(step) {
            chunked.compact(&mut buf);
            buf.extend_from_slice(piece);
            if chunked.decode(&mut buf)? {
                let leftover = chunked.has_leftover(&buf);
                return Ok((buf[..chunked.decoded()].to_vec(), leftover));
            }
        }
        panic!("body incomplete after {} bytes", wire.len());
    }

    #[test]
    fn decodes_chunks_in_place_whatever_the_read_sizes() {
        let wire = b"5\r\nhello\r\n7;ext=1\r\n, world\r\nA\r\n0123456789\r\n0\r\n\r\n";
        for step in 1..=wire.len() {
            let (body, leftover) = decode_in_steps(wire, step).unwrap();
            assert_eq!(body, b"hello, world0123456789", "step {step}");
            assert!(!leftover);
        }
    }

    #[test]
    fn skips_trailers_and_notices_leftover_bytes() {
        let wire = b"3\r\nabc\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\nHTTP/1.1";
        for step in [1, 4, wire.len()] {
            let (body, leftover) = decode_in_steps(wire, step).unwrap();
            assert_eq!(body, b"abc");
            // In small steps the body completes before the extra bytes arrive.
            assert_eq!(leftover, step == wire.len(), "step {step}");
        }
    }

    #[test]
    fn rejects_bad_size_lines_like_urllib3() {
        let err = decode_in_steps(b"3\r\nabc\r\nzz\r\n", 100).unwrap_err();
        assert_eq!((&*err.line, err.read), (&b"zz\r\n"[..], 3));
        let err = decode_in_steps(b"\r\n", 100).unwrap_err();
        assert_eq!(&*err.line, b"\r\n");
        let err = decode_in_steps(b"q;ext\r\n", 100).unwrap_err();
        assert_eq!(&*err.line, b"q");
        let err = decode_in_steps(b"3\r\nabcXY\r\n", 100).unwrap_err();
        assert_eq!(&*err.line, b"XY\r\n");
    }
}
