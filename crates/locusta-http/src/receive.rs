//! Reading a response off a connection: the head, then the body by its framing.
//!
//! Everything is read into the connection's one read buffer; the head is parsed in place and
//! split off, and the body is split off the same buffer, so a response that fits costs no
//! copy and no allocation beyond its `HeaderMap`.

use std::io;

use bytes::Bytes;
use tokio::io::AsyncReadExt;

use crate::connection::Connection;
use crate::error_text::Failure;
use crate::wire::body::{Chunked, Framing};
use crate::wire::parse::{ResponseHead, parse_head};

/// Most memory reserved at once for a body on the strength of its `Content-Length`, so a
/// bogus length cannot make us allocate gigabytes up front.
const MAX_PREALLOC: u64 = 64 << 20;

/// A failure while waiting for the response head.
#[derive(Debug)]
pub(crate) struct HeadFailure {
    /// What went wrong.
    pub(crate) failure: Failure,
    /// Nothing at all was received: the server closed or reset the connection instead of
    /// answering, as it does when it times out an idle keep-alive connection just as we
    /// reuse it. Only then is it safe to send the request again.
    pub(crate) before_response: bool,
}

impl Connection {
    /// Reads until a complete response head has arrived (interim 1xx responses skipped) and
    /// parses it. `keep` is the read buffer size an idle connection may keep.
    pub(crate) async fn read_head(
        &mut self,
        head_request: bool,
        keep: usize,
    ) -> Result<ResponseHead, HeadFailure> {
        self.prepare_read(keep);
        let mut received = false;
        loop {
            if !self.read_buf.is_empty() {
                match parse_head(&mut self.read_buf, head_request) {
                    Ok(Some(head)) => return Ok(head),
                    Ok(None) => {}
                    Err(bad) => {
                        return Err(HeadFailure {
                            failure: Failure::BadHead(bad),
                            before_response: false,
                        });
                    }
                }
            }
            self.make_room(keep);
            let failure = match self.stream.read_buf(&mut self.read_buf).await {
                Ok(0) => Failure::Disconnected,
                Ok(_) => {
                    received = true;
                    continue;
                }
                // TLS without close_notify: to HTTP, still just a closed connection.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Failure::Disconnected,
                Err(e) => Failure::Io(e),
            };
            return Err(HeadFailure {
                failure,
                before_response: !received,
            });
        }
    }

    /// Reads the body delimited by `framing`. Returns it with whether the connection can
    /// carry another request: not after a read-to-close body, nor when the server sent
    /// bytes beyond the response (we never pipeline, so they are garbage).
    pub(crate) async fn read_body(
        &mut self,
        framing: Framing,
        keep: usize,
    ) -> Result<(Bytes, bool), Failure> {
        match framing {
            Framing::Empty => Ok((Bytes::new(), self.read_buf.is_empty())),
            Framing::Length(length) => self.read_sized(length, keep).await,
            Framing::Chunked => self.read_chunked(keep).await,
            Framing::Close => Ok((self.read_to_close(keep).await?, false)),
        }
    }

    /// A `Content-Length` body: the buffer is grown once to hold all of it, then filled.
    async fn read_sized(&mut self, length: u64, keep: usize) -> Result<(Bytes, bool), Failure> {
        let mut read = self.read_buf.len() as u64;
        while read < length {
            let want = (length - read).min(MAX_PREALLOC) as usize;
            if self.spare() < want {
                self.grow(want, keep);
            }
            match self.stream.read_buf(&mut self.read_buf).await {
                Ok(0) => return Err(body_failure(read, Some(length), None)),
                Ok(n) => read += n as u64,
                Err(e) => return Err(body_failure(read, Some(length), Some(e))),
            }
        }
        let body = self.read_buf.split_to(length as usize).freeze();
        Ok((body, self.read_buf.is_empty()))
    }

    /// A chunked body, decoded in place in the read buffer (see [`Chunked`]).
    async fn read_chunked(&mut self, keep: usize) -> Result<(Bytes, bool), Failure> {
        let mut chunked = Chunked::new();
        while !chunked
            .decode(&mut self.read_buf)
            .map_err(Failure::BadChunk)?
        {
            chunked.compact(&mut self.read_buf);
            self.make_room(keep);
            let read = chunked.decoded() as u64;
            match self.stream.read_buf(&mut self.read_buf).await {
                Ok(0) => return Err(body_failure(read, None, None)),
                Ok(_) => {}
                Err(e) => return Err(body_failure(read, None, Some(e))),
            }
        }
        let reusable = !chunked.has_leftover(&self.read_buf);
        self.read_buf.truncate(chunked.decoded());
        Ok((self.read_buf.split().freeze(), reusable))
    }

    /// A body delimited by the end of the connection.
    async fn read_to_close(&mut self, keep: usize) -> Result<Bytes, Failure> {
        loop {
            self.make_room(keep);
            match self.stream.read_buf(&mut self.read_buf).await {
                Ok(0) => break,
                Ok(_) => {}
                // Servers often close TLS without close_notify; Python's ssl module treats
                // that as the end of the stream too.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
                Err(e) => {
                    let read = self.read_buf.len() as u64;
                    return Err(body_failure(read, None, Some(e)));
                }
            }
        }
        Ok(self.read_buf.split().freeze())
    }
}

fn body_failure(read: u64, expected: Option<u64>, source: Option<io::Error>) -> Failure {
    Failure::Body {
        read,
        expected,
        source,
    }
}
