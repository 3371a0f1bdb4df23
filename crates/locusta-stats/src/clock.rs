use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// Maps the monotonic `tokio::time::Instant`s that requests are timed with onto wall-clock
/// (Unix epoch) seconds, which Locust's formats use.
///
/// All engine time is `tokio::time`, so under paused time in tests the clock advances only
/// when the test advances it, and per-second statistics stay deterministic.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    origin: Instant,
    origin_unix: Duration,
}

impl Clock {
    /// A clock whose origin is "now" on both the monotonic and the wall clock.
    pub fn start() -> Self {
        let origin_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Self {
            origin: Instant::now(),
            origin_unix,
        }
    }

    /// A clock with an explicit wall-clock origin, for reproducible tests.
    pub fn with_origin(origin: Instant, origin_unix: Duration) -> Self {
        Self {
            origin,
            origin_unix,
        }
    }

    /// Unix time of `at`, in seconds.
    pub fn unix_secs(&self, at: Instant) -> f64 {
        (self.origin_unix + at.saturating_duration_since(self.origin)).as_secs_f64()
    }

    /// Unix time of now, in seconds.
    pub fn now_unix_secs(&self) -> f64 {
        self.unix_secs(Instant::now())
    }
}
