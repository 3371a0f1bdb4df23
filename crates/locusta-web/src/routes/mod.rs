//! The routes, one small module per concern, and the JSON answer they share.

mod control;
mod downloads;
mod index;
mod info;
mod report;
mod stats;
mod swarm;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;

use crate::WebState;

/// The shared state as handlers receive it.
type Shared = Arc<WebState>;

/// Every route of the API and the UI. `/stop` and `/stats/reset` also answer `GET`, as Locust's did before
/// 2.x, so old scripts keep working.
pub(crate) fn api() -> Router<Shared> {
    Router::new()
        .route("/", get(index::page))
        .route("/assets/{*path}", get(crate::assets::asset))
        .route("/swarm", post(swarm::swarm))
        .route("/stop", get(control::stop).post(control::stop))
        .route("/stats/reset", get(control::reset).post(control::reset))
        .route("/stats/requests", get(stats::requests))
        .route("/stats/history", get(stats::history))
        .route("/stats/requests/csv", get(downloads::requests_csv))
        .route("/stats/failures/csv", get(downloads::failures_csv))
        .route("/stats/report", get(report::report))
        .route("/exceptions", get(info::exceptions))
        .route("/exceptions/csv", get(downloads::exceptions_csv))
        .route("/tasks", get(info::tasks))
        .route("/worker-count", get(info::worker_count))
        .route("/logs", get(info::logs))
}

/// `value` as `application/json`, pretty-printed with a 2-space indent and a final newline
/// like Locust's Flask `jsonify` in debug mode.
fn json<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec_pretty(value) {
        Ok(mut body) => {
            body.push(b'\n');
            ([(CONTENT_TYPE, "application/json")], body).into_response()
        }
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}
