//! Locust's HTTP API over a run (reference §6): start, edit and stop a test, read its
//! statistics as JSON or CSV; and the web UI that drives it.
//!
//! The web layer owns nothing of the run. It reads the runner's latest
//! [`locusta_stats::RunView`] — the same value the console and the reports print, so every
//! output agrees — and sends orders through the [`locusta_runner::RunnerHandle`].
//!
//! The binary builds a [`WebState`], turns it into a [`router`] and hands that to [`serve`]
//! with a listener bound to `--web-host:--web-port`:
//!
//! ```no_run
//! # async fn example(handle: locusta_runner::RunnerHandle) -> std::io::Result<()> {
//! use locusta_web::{RunInfo, WebState, router, serve};
//!
//! let state = WebState::new(handle, RunInfo::default());
//! let listener = tokio::net::TcpListener::bind(("127.0.0.1", 8089)).await?;
//! serve(listener, router(state), std::future::pending()).await
//! # }
//! ```
//!
//! Routes: `GET /` (the UI page), `GET /assets/{path}` (its scripts, styles and the vendored
//! uPlot, embedded in the binary), `POST /swarm`, `POST|GET /stop`, `POST|GET /stats/reset`,
//! `GET /stats/requests`, `GET /stats/history`, `GET /stats/requests/csv`,
//! `GET /stats/failures/csv`, `GET /stats/report` (the HTML report), `GET /exceptions`,
//! `GET /exceptions/csv`, `GET /tasks`, `GET /worker-count`, `GET /logs` (the last 500 lines of
//! the program's log, given with [`WebState::with_logs`], and on a master its workers' lines,
//! [`WebState::with_worker_logs`]). Every response allows any origin
//! (CORS), as Locust's do; with credentials configured every route requires HTTP basic auth.
//!
//! # On a master
//! [`WebState::with_cluster`] gives the routes the master's worker registry (the run itself is
//! still driven through the runner's handle). Then `/worker-count` counts the ready workers
//! (0 for a local run), `/stats/requests` ends with `"worker_count"` (the ready workers) and
//! `"workers"` (every known worker by index: `{"cpu_usage", "hostname", "id", "memory_usage",
//! "state", "user_count"}`), `/swarm` refuses to start while no worker is ready, and the page
//! shows a Workers count in its header and a Workers tab. A local run's documents and page have
//! none of these.
//!
//! # The UI
//! Plain HTML, CSS and JavaScript modules under `assets/` (no build step), polling the API
//! every 2 s. `GET /` embeds the run's settings (host, locustfile, form defaults, classes) as
//! JSON in a `<script type="application/json">` element, escaped so that no run text can end
//! it; the scripts insert every server-provided text with `textContent`.
//!
//! `GET /stats/history[?since=<unix seconds>]` is ours (Locust embeds its history in the page):
//! `{"history": [{"current_fail_per_sec", "current_rps", "response_time_percentile_0.5",
//! "response_time_percentile_0.95", "time", "user_count"}], "interval": 2.0}`, the points the
//! runner recorded for the current test (one every 2 s, at most two hours of them), oldest
//! first, only those after `since` when given. The charts load it whole, then poll for new
//! points, so they survive page reloads.
//!
//! # Differences from Locust
//! - `/swarm` accepts a form or a JSON object, not `multipart/form-data`. A new `host` aims
//!   the users spawned from then on at it, as in Locust. `user_classes` (repeated or
//!   comma-separated) restricts the test to those classes even without `--class-picker`; when
//!   a running test's selection changes, users of dropped classes are stopped and the mix is
//!   rebuilt at the spawn rate (Locust keeps them, its issue #2714). With a load shape, `/swarm`
//!   starts the shape (`shape_class=Default` runs without it); the user count, spawn rate and
//!   run time are used only by a shape with `use_common_options`. Other Locust fields
//!   (`profile`, custom options) are ignored. Answers, errors included, carry `host` (Locust's
//!   do only for some errors). On a master with no ready worker it answers
//!   `{"success": false, "message": "You can't start a distributed test before at least one
//!   worker processes has connected"}` and changes nothing (Locust answers success and only
//!   logs that message).
//! - A master's `/stats/requests` workers also carry their `hostname`; their `state` may be
//!   `connecting` (welcomed, loading its classes) and is never `cleanup` or `stopped`.
//! - `/stop` and `/stats/reset` queue the order and answer at once; the effect shows in the
//!   next published view (within one stats interval; Locust caches `/stats/requests` for 2 s).
//! - `/stats/requests` also carries the legacy `current_response_time_percentile_50`/`_95`.
//!   Its `current_response_time_percentiles` cover the last 10 s as Locust's do, but during a
//!   test's first 10 s they cover everything so far (Locust: 0 until it has a 10 s old
//!   snapshot); all percentiles are HDR values rounded to whole milliseconds (Locust: 2-digit
//!   buckets). Failure rows are in a stable order instead of hash order.
//! - The history's percentiles cover the last 10 s, like Locust's; it is bounded (Locust's
//!   grows without limit) and recorded every 2 s (Locust: 5 s).
//! - CSV download names use UTC for the start time (Locust: local time).
//! - `/logs`: a master's workers forward at most 70 lines per 10 s, a burst cut to its newest
//!   lines after a note (Locust stops forwarding a worker's logs after such a burst).

#![warn(missing_docs)]

mod assets;
mod auth;
mod cors;
mod error;
mod logs;
mod model;
mod routes;
mod state;
mod swarm_request;
mod time_format;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::middleware;

pub use auth::Credentials;
pub use error::Error;
pub use logs::{LOG_LINES_KEPT, LogLines};
pub use state::{ClassInfo, FormDefaults, RunInfo, ShapeInfo, WebState};

/// The whole API as an axum router, ready for [`serve`] (or, in tests, for
/// `tower::ServiceExt::oneshot`).
pub fn router(state: WebState) -> Router {
    let credentials = state.credentials().cloned();
    let mut router = routes::api().with_state(Arc::new(state));
    if let Some(credentials) = credentials {
        router = router.layer(middleware::from_fn_with_state(
            Arc::new(credentials),
            auth::require_basic_auth,
        ));
    }
    // Outermost, so that 401 answers carry the CORS header too and preflight requests (which
    // browsers send without credentials) are answered before authentication, as Flask-CORS does.
    router.layer(middleware::from_fn(cors::allow_any_origin))
}

/// Serves `router` on `listener` until `shutdown` completes, then lets open requests finish.
///
/// The binary binds the listener (`--web-host`, default `127.0.0.1`; `--web-port`, default
/// 8089), so tests and embedders can pass a listener on port 0.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}
