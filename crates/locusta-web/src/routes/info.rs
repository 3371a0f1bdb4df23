//! `/exceptions`, `/tasks`, `/worker-count` and `/logs`.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use serde::Serialize;

use super::{Shared, json};
use crate::model::{ExceptionsReport, TaskRatios};

/// Errors raised by user code, grouped by traceback.
pub(super) async fn exceptions(State(state): State<Shared>) -> Response {
    let view = state.runner().view();
    json(&ExceptionsReport::new(&view))
}

/// Task ratios of the users alive now.
pub(super) async fn tasks(State(state): State<Shared>) -> Response {
    let view = state.runner().view();
    let users = state.users_per_class(&view);
    json(&TaskRatios::new(&state.run().classes, &users))
}

#[derive(Serialize)]
struct WorkerCount {
    worker_count: usize,
}

/// Workers ready for orders on a master (connecting and missing ones do not count, as in
/// Locust); always 0 for a local run.
pub(super) async fn worker_count(State(state): State<Shared>) -> Response {
    json(&WorkerCount {
        worker_count: state.ready_workers(),
    })
}

#[derive(Serialize)]
struct Logs {
    master: Vec<String>,
    workers: BTreeMap<String, Vec<String>>,
}

/// This process's last log lines under `master` (as Locust names them even for a local run),
/// and on a master the lines each worker forwarded, by worker id.
pub(super) async fn logs(State(state): State<Shared>) -> Response {
    json(&Logs {
        master: state.logs().lines(),
        workers: state.worker_logs().lines(),
    })
}
