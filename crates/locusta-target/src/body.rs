//! The one response body type, so that no response needs a boxed body.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};

/// Served for `/bytes/{n}` in chunks of at most this size, without allocating.
static FILLER: [u8; 16 * 1024] = [b'x'; 16 * 1024];

/// A response body.
#[derive(Debug)]
pub(crate) enum Body {
    /// One chunk, taken when sent.
    Full(Option<Bytes>),
    /// `remaining` bytes of `x`.
    Filler { remaining: u64 },
    /// A prefix of a body, then an error that makes hyper drop the connection.
    Truncated(Truncated),
}

/// Progress of a [`Body::Truncated`].
#[derive(Debug)]
pub(crate) enum Truncated {
    /// The prefix is still to be sent.
    Prefix(Bytes),
    /// The prefix has been handed to hyper; yield once so that hyper flushes it.
    /// (hyper drops its write buffer unflushed when a body fails in the same poll.)
    Flush,
    /// Fail the body: hyper closes the connection mid-response.
    Abort,
}

impl Body {
    /// No body.
    pub(crate) fn empty() -> Self {
        Self::Full(None)
    }

    /// A body of exactly `bytes`.
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        Self::Full((!bytes.is_empty()).then_some(bytes))
    }

    /// `len` bytes of filler.
    pub(crate) fn filler(len: u64) -> Self {
        Self::Filler { remaining: len }
    }

    /// Sends `prefix`, then breaks the connection.
    pub(crate) fn truncated(prefix: &'static [u8]) -> Self {
        Self::Truncated(Truncated::Prefix(Bytes::from_static(prefix)))
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let frame = match self.get_mut() {
            Self::Full(chunk) => chunk.take().map(Frame::data),
            Self::Filler { remaining } => {
                if *remaining == 0 {
                    None
                } else {
                    let len = FILLER
                        .len()
                        .min(usize::try_from(*remaining).unwrap_or(usize::MAX));
                    *remaining -= len as u64;
                    Some(Frame::data(Bytes::from_static(&FILLER[..len])))
                }
            }
            Self::Truncated(state) => match std::mem::replace(state, Truncated::Abort) {
                Truncated::Prefix(prefix) => {
                    *state = Truncated::Flush;
                    Some(Frame::data(prefix))
                }
                Truncated::Flush => {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Truncated::Abort => {
                    return Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "response deliberately truncated",
                    ))));
                }
            },
        };
        Poll::Ready(frame.map(Ok))
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Self::Full(chunk) => chunk.is_none(),
            Self::Filler { remaining } => *remaining == 0,
            Self::Truncated(_) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Full(chunk) => SizeHint::with_exact(chunk.as_ref().map_or(0, |c| c.len() as u64)),
            Self::Filler { remaining } => SizeHint::with_exact(*remaining),
            // Unknown, so that hyper trusts the handler's (false) `content-length` header.
            Self::Truncated(_) => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn filler_yields_exactly_the_requested_length_in_chunks() {
        let len = FILLER.len() as u64 * 2 + 5;
        let body = Body::filler(len);
        assert_eq!(hyper::body::Body::size_hint(&body).exact(), Some(len));
        let bytes = body.collect().await.unwrap().to_bytes();
        assert_eq!(bytes.len() as u64, len);
        assert!(bytes.iter().all(|&b| b == b'x'));
    }

    #[tokio::test]
    async fn full_and_empty() {
        let bytes = Body::full("hi").collect().await.unwrap().to_bytes();
        assert_eq!(&bytes[..], b"hi");
        assert!(hyper::body::Body::is_end_stream(&Body::empty()));
    }

    #[tokio::test]
    async fn truncated_sends_the_prefix_then_fails() {
        let mut body = Body::truncated(b"abc");
        let first = body.frame().await.unwrap().unwrap();
        assert_eq!(first.into_data().unwrap(), "abc");
        assert!(body.frame().await.unwrap().is_err());
    }
}
