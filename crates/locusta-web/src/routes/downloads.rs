//! The CSV downloads: `/stats/requests/csv`, `/stats/failures/csv`, `/exceptions/csv`.

use std::io;

use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use locusta_report::csv::{write_exceptions_csv, write_failures_csv, write_stats_csv};
use locusta_stats::RunView;

use super::Shared;
use crate::WebState;
use locusta_report::utc_time::safe_timestamp;

type Writer = fn(&RunView, &mut Vec<u8>) -> io::Result<()>;

/// The `_stats.csv` content.
pub(super) async fn requests_csv(State(state): State<Shared>) -> Response {
    download(&state, "requests", write_stats_csv)
}

/// The `_failures.csv` content.
pub(super) async fn failures_csv(State(state): State<Shared>) -> Response {
    download(&state, "failures", |view, out| {
        write_failures_csv(view, out)
    })
}

/// The `_exceptions.csv` content.
pub(super) async fn exceptions_csv(State(state): State<Shared>) -> Response {
    download(&state, "exceptions", |view, out| {
        write_exceptions_csv(view, out)
    })
}

fn download(state: &WebState, kind: &str, write: Writer) -> Response {
    let view = state.runner().view();
    let mut body = Vec::new();
    if let Err(error) = write(&view, &mut body) {
        return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response();
    }
    let mut response = ([(CONTENT_TYPE, "text/csv")], body).into_response();
    let disposition = format!("attachment;filename={}", file_name(state, &view, kind));
    // A host or locustfile name with characters a header cannot carry loses the name only.
    let disposition = HeaderValue::from_str(&disposition)
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    response
        .headers_mut()
        .insert(CONTENT_DISPOSITION, disposition);
    response
}

/// Locust's download name: `Locust_<start>_<locustfile>[_<host>]_<kind>.csv`, with the test's
/// start as `YYYY-MM-DD-HHhMM` (UTC here, local time in Locust).
fn file_name(state: &WebState, view: &RunView, kind: &str) -> String {
    let start = view.snapshot().total().start_time().unwrap_or(view.now());
    let host = state
        .host()
        .map(|host| format!("_{host}"))
        .unwrap_or_default();
    format!(
        "Locust_{}_{}{host}_{kind}.csv",
        safe_timestamp(start),
        state.run().locustfile
    )
}
