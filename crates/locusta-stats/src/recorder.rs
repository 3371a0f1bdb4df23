use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use tokio::time::Instant;

use crate::{Clock, Snapshot};

/// What one request (or any timed operation of a custom client) produced.
#[derive(Debug, Clone, Copy)]
pub struct Outcome<'a> {
    /// Time from sending to having the whole response; `None` counts the request without
    /// timing it (Locust's `num_none_requests`).
    pub response_time: Option<Duration>,
    /// Bytes of the (decoded) response body, or whatever a custom client reports.
    pub content_length: u64,
    /// `Some(message)` marks the request as failed; the message keys the failures table.
    pub error: Option<&'a str>,
    /// When the operation finished (drives the per-second counters).
    pub finished_at: Instant,
}

/// The per-shard (per-thread) statistics sink. Cheap to clone: every user of a shard holds one.
///
/// It is deliberately `!Send`: a shard's users and its recorder live on one thread, so
/// recording is a `RefCell` borrow, never a lock or a channel message.
#[derive(Clone)]
pub struct Recorder {
    inner: Rc<RefCell<RecorderState>>,
}

struct RecorderState {
    clock: Clock,
    delta: Snapshot,
}

impl Recorder {
    /// A recorder whose per-second counters are keyed by `clock`'s wall-clock seconds.
    pub fn new(clock: Clock) -> Self {
        Self {
            inner: Rc::new(RefCell::new(RecorderState {
                clock,
                delta: Snapshot::default(),
            })),
        }
    }

    /// Records one request of `request_type` (e.g. `GET`) under the stats name `name`.
    ///
    /// Hot path: a `RefCell` borrow and [`Snapshot::record`] (one hash lookup by the borrowed
    /// names, no allocation once the entry exists in the current delta).
    pub fn record(&self, request_type: &str, name: &str, outcome: &Outcome<'_>) {
        let mut state = self.inner.borrow_mut();
        let clock = state.clock;
        state.delta.record(&clock, request_type, name, outcome);
    }

    /// Records an error raised by user code (not a request failure) in the exceptions table.
    /// `traceback` groups occurrences; `message` is what tables show.
    pub fn record_exception(&self, message: &str, traceback: &str) {
        self.inner
            .borrow_mut()
            .delta
            .record_exception(message, traceback);
    }

    /// Everything recorded since the previous call, leaving the recorder empty.
    ///
    /// Cost: the next delta starts without entries, so the first request of each entry after
    /// a take allocates that entry again (its key and a ~26 KB zeroed histogram), once per entry
    /// per collection, not per request.
    pub fn take_delta(&self) -> Snapshot {
        std::mem::take(&mut self.inner.borrow_mut().delta)
    }

    /// The clock this recorder stamps requests with.
    pub fn clock(&self) -> Clock {
        self.inner.borrow().clock
    }

    /// Convenience for custom clients: times `op` and records its result. An `Err` is recorded
    /// as a failure with the error's `Display` text; the result is returned unchanged.
    pub async fn measure<T, E, F>(&self, request_type: &str, name: &str, op: F) -> Result<T, E>
    where
        F: std::future::Future<Output = Result<T, E>>,
        E: std::fmt::Display,
        T: ContentLength,
    {
        let started = Instant::now();
        let result = op.await;
        let finished_at = Instant::now();
        let response_time = Some(finished_at - started);
        match &result {
            Ok(value) => self.record(
                request_type,
                name,
                &Outcome {
                    response_time,
                    content_length: value.content_length(),
                    error: None,
                    finished_at,
                },
            ),
            Err(error) => {
                let message = error.to_string();
                self.record(
                    request_type,
                    name,
                    &Outcome {
                        response_time,
                        content_length: 0,
                        error: Some(&message),
                        finished_at,
                    },
                )
            }
        }
        result
    }
}

/// How many bytes a measured operation's result counts as (`response_length` in Locust).
pub trait ContentLength {
    /// The length to record.
    fn content_length(&self) -> u64;
}

impl ContentLength for () {
    fn content_length(&self) -> u64 {
        0
    }
}
impl ContentLength for usize {
    fn content_length(&self) -> u64 {
        *self as u64
    }
}
impl ContentLength for Vec<u8> {
    fn content_length(&self) -> u64 {
        self.len() as u64
    }
}
impl ContentLength for String {
    fn content_length(&self) -> u64 {
        self.len() as u64
    }
}
