//! `GET /stats/report[?download=1]`: the HTML report of the current test (Locust's "Download
//! Report"), the same page `--html` writes at the end of a headless run.

use axum::extract::{Query, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use locusta_report::RunMeta;
use locusta_report::html::write_html_report;
use locusta_stats::RunView;
use serde::Deserialize;

use super::Shared;
use crate::WebState;
use locusta_report::utc_time::safe_timestamp;

/// The report runs its own inline scripts and styles (it must also work as a file, with no
/// server to send a policy), and loads nothing: served, it may not reach the network either.
/// The page's safety does not rest on this: everything from the run in it is escaped.
const CSP: &str = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                   img-src data:; base-uri 'none'; form-action 'none'";

/// `/stats/report`'s query.
#[derive(Debug, Deserialize)]
pub(super) struct ReportQuery {
    /// Any non-empty value asks for an attachment (Locust tests the argument's truth).
    #[serde(default)]
    download: String,
}

/// The report of the latest view, with the run's host, locustfile and classes. It has no
/// thresholds section: `--threshold` rules are checked by the command line at the end of a run.
pub(super) async fn report(
    State(state): State<Shared>,
    Query(query): Query<ReportQuery>,
) -> Response {
    let view = state.runner().view();
    let meta = RunMeta {
        host: state.host(),
        locustfile: state.run().locustfile.clone(),
        class_names: state
            .run()
            .classes
            .iter()
            .map(|class| class.name.clone())
            .collect(),
        thresholds: Vec::new(),
    };
    let mut body = Vec::new();
    if let Err(error) = write_html_report(&view, &meta, &mut body) {
        return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response();
    }
    let mut response = (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
            (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        body,
    )
        .into_response();
    if !query.download.is_empty() {
        let disposition = format!("attachment;filename={}", file_name(&state, &view));
        // A host or locustfile name with characters a header cannot carry loses the name only.
        let disposition = HeaderValue::from_str(&disposition)
            .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
        response
            .headers_mut()
            .insert(CONTENT_DISPOSITION, disposition);
    }
    response
}

/// Locust's report download name, `Locust_<start>_<locustfile>[_<host>].html`, with the
/// test's start as `YYYY-MM-DD-HHhMM` in UTC, as the CSV downloads are named.
fn file_name(state: &WebState, view: &RunView) -> String {
    let start = view.snapshot().total().start_time().unwrap_or(view.now());
    let host = state
        .host()
        .map(|host| format!("_{host}"))
        .unwrap_or_default();
    format!(
        "Locust_{}_{}{host}.html",
        safe_timestamp(start),
        state.run().locustfile
    )
}
