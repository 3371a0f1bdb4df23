//! `/stats/requests` and `/stats/history`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Shared, json};
use crate::model::{HistoryReport, StatsReport};

/// The latest run view as Locust's statistics document.
///
/// Locust memoises this answer for 2 s; ours is computed from the view the runner publishes
/// every stats interval, so it is never older than that. On a master it also lists the
/// workers, from the master's latest view.
pub(super) async fn requests(State(state): State<Shared>) -> Response {
    let view = state.runner().view();
    let cluster = state.cluster_view();
    let mut report = StatsReport::new(&view);
    if let Some(cluster) = &cluster {
        report = report.with_workers(cluster);
    }
    json(&report)
}

/// `/stats/history`'s query.
#[derive(Debug, Deserialize)]
pub(super) struct HistoryQuery {
    /// Only points after this Unix time (seconds): what a polling chart has not drawn yet.
    since: Option<f64>,
}

/// The chart history of the current test (ours; Locust embeds its history in the page).
///
/// Compact JSON, unlike the Locust documents: a full history is a few thousand points.
pub(super) async fn history(
    State(state): State<Shared>,
    Query(query): Query<HistoryQuery>,
) -> Response {
    let view = state.runner().view();
    match serde_json::to_vec(&HistoryReport::new(&view, query.since)) {
        Ok(body) => ([(CONTENT_TYPE, "application/json")], body).into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}
