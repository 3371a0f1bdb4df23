//! Runs made to measure for the threshold tests: each request is recorded into a real
//! `Snapshot` (histograms, per-second counters, failures), as the runner records them.

use std::sync::Arc;
use std::time::Duration;

use locusta_report::thresholds::Threshold;
use locusta_stats::{Clock, Outcome, RunState, RunView, Snapshot};
use tokio::time::Instant;

use crate::fixture::START_UNIX;

/// One request of a made-up run.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    method: &'static str,
    name: &'static str,
    response_time: Option<Duration>,
    second: u64,
    error: Option<&'static str>,
}

/// A successful, timed request finishing one second into the run.
pub fn request(method: &'static str, name: &'static str, millis: u64) -> Request {
    Request {
        method,
        name,
        response_time: Some(Duration::from_millis(millis)),
        second: 1,
        error: None,
    }
}

impl Request {
    /// The same request, finishing `second` seconds into the run.
    pub fn at(self, second: u64) -> Self {
        Self { second, ..self }
    }

    /// The same request, failed.
    pub fn failed(self) -> Self {
        Self {
            error: Some("HTTPError('500 Server Error')"),
            ..self
        }
    }

    /// The same request, counted without a response time.
    pub fn untimed(self) -> Self {
        Self {
            response_time: None,
            ..self
        }
    }
}

/// `count` copies of `request`.
pub fn times(count: usize, request: Request) -> Vec<Request> {
    vec![request; count]
}

/// A running test that started at [`START_UNIX`] and recorded `requests`, seen `age` seconds
/// after its start.
pub fn view_at(age: u64, requests: &[Request]) -> RunView {
    let origin = Instant::now();
    let clock = Clock::with_origin(origin, Duration::from_secs(START_UNIX));
    let mut snapshot = Snapshot::new(START_UNIX as f64);
    for request in requests {
        let outcome = Outcome {
            response_time: request.response_time,
            content_length: 0,
            error: request.error,
            finished_at: origin + Duration::from_secs(request.second),
        };
        snapshot.record(&clock, request.method, request.name, &outcome);
    }
    RunView::new(
        Arc::new(snapshot),
        RunState::Running,
        1,
        (START_UNIX + age) as f64,
    )
}

/// [`view_at`] ten seconds in.
pub fn view_of(requests: &[Request]) -> RunView {
    view_at(10, requests)
}

/// Parses a rule the test knows to be valid.
pub fn rule(text: &str) -> Threshold {
    text.parse()
        .unwrap_or_else(|error| panic!("{text:?} should parse: {error}"))
}
