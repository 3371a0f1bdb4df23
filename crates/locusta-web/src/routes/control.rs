//! `/stop` and `/stats/reset`.
//!
//! Both only queue an order with the runner and answer at once; the next published view (at
//! most one stats interval later) shows the result. Locust's `/stats/requests` is cached for
//! 2 s, so its clients already expect that delay.

use axum::extract::State;
use axum::response::Response;
use serde::Serialize;

use super::{Shared, json};

#[derive(Serialize)]
struct Stopped {
    message: &'static str,
    success: bool,
}

/// Stops all users (and any run-time limit); the runner stays ready for a new test.
pub(super) async fn stop(State(state): State<Shared>) -> Response {
    state.runner().stop();
    json(&Stopped {
        message: "Test stopped",
        success: true,
    })
}

/// Zeroes the statistics and clears failures and exceptions; answers `ok` as Locust does.
pub(super) async fn reset(State(state): State<Shared>) -> &'static str {
    state.runner().reset_stats();
    "ok"
}
