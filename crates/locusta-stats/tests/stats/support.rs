//! Shared helpers: a clock with a fixed Unix origin and outcome builders.

use std::time::Duration;

use locusta_stats::{Clock, Outcome};
use tokio::time::Instant;

/// Unix second the test clocks start at.
pub const ORIGIN_UNIX: u64 = 1_795_436_180;

/// A clock mapping `origin` to [`ORIGIN_UNIX`].
pub fn clock(origin: Instant) -> Clock {
    Clock::with_origin(origin, Duration::from_secs(ORIGIN_UNIX))
}

/// A successful request of `us` microseconds and 10 bytes, finished at `at`.
pub fn ok_us(us: u64, at: Instant) -> Outcome<'static> {
    Outcome {
        response_time: Some(Duration::from_micros(us)),
        content_length: 10,
        error: None,
        finished_at: at,
    }
}

/// A successful request of `ms` milliseconds and 10 bytes, finished at `at`.
pub fn ok_ms(ms: u64, at: Instant) -> Outcome<'static> {
    ok_us(ms * 1000, at)
}

/// A failed request of `ms` milliseconds without a body, finished at `at`.
pub fn failed_ms<'a>(ms: u64, error: &'a str, at: Instant) -> Outcome<'a> {
    Outcome {
        response_time: Some(Duration::from_millis(ms)),
        content_length: 0,
        error: Some(error),
        finished_at: at,
    }
}

/// A request counted without a response time.
pub fn untimed(at: Instant) -> Outcome<'static> {
    Outcome {
        response_time: None,
        content_length: 0,
        error: None,
        finished_at: at,
    }
}
