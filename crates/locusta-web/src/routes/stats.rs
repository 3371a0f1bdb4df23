//! `/stats/requests`.

use axum::extract::State;
use axum::response::Response;

use super::{Shared, json};
use crate::model::StatsReport;

/// The latest run view as Locust's statistics document.
///
/// Locust memoises this answer for 2 s; ours is computed from the view the runner publishes
/// every stats interval, so it is never older than that.
pub(super) async fn requests(State(state): State<Shared>) -> Response {
    let view = state.runner().view();
    json(&StatsReport::new(&view))
}
