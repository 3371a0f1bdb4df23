//! Serving the web UI and Locust's HTTP API while the runner runs.

use std::time::Duration;

use locusta_cluster::MasterHandle;
use locusta_runner::RunnerHandle;
use locusta_stats::RunState;
use locusta_web::{FormDefaults, RunInfo, ShapeInfo, WebState, router, serve};
use tokio::task::JoinHandle;

use crate::cli::WebPlan;

/// Binds `--web-host:--web-port` and serves the API; with `--autoquit`, also quits that long
/// after the test ends. A master passes its handle (`master`) for the Workers tab and the
/// workers' log lines.
/// Returns the background tasks (aborted when the run ends).
pub async fn start(
    plan: &WebPlan,
    handle: RunnerHandle,
    run: RunInfo,
    defaults: FormDefaults,
    shape: Option<ShapeInfo>,
    master: Option<MasterHandle>,
) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let address = format!("{}:{}", plan.host, plan.port);
    let listener = tokio::net::TcpListener::bind(&address).await.map_err(|error| {
        anyhow::anyhow!("cannot serve the web UI on {address}: {error} (choose another with --web-port, or run --headless)")
    })?;
    let url_host = if plan.host == "0.0.0.0" {
        "127.0.0.1"
    } else {
        plan.host.as_str()
    };
    tracing::info!(
        "Starting web interface at http://{url_host}:{}",
        listener.local_addr()?.port()
    );
    let mut state = WebState::new(handle.clone(), run)
        .with_logs(crate::logging::recent_lines())
        .with_form_defaults(defaults)
        .with_class_picker(plan.class_picker);
    if let Some(shape) = shape {
        state = state.with_shape(shape);
    }
    if let Some(master) = master {
        state = state
            .with_cluster(master.subscribe())
            .with_worker_logs(master.worker_logs());
    }
    if let Some(credentials) = plan.auth.clone() {
        state = state.with_auth(credentials);
    }
    let server = tokio::spawn(async move {
        if let Err(error) = serve(listener, router(state), std::future::pending()).await {
            tracing::error!("the web interface stopped: {error}");
        }
    });
    let mut tasks = vec![server];
    if let Some(delay) = plan.autoquit {
        tasks.push(tokio::spawn(quit_after_test(handle, delay)));
    }
    Ok(tasks)
}

/// Locust's `--autoquit`: once a started test has stopped, wait `delay`, then quit.
async fn quit_after_test(handle: RunnerHandle, delay: Duration) {
    let mut views = handle.subscribe();
    let mut started = false;
    loop {
        let state = views.borrow_and_update().state();
        started |= matches!(state, RunState::Spawning | RunState::Running);
        if started && state == RunState::Stopped {
            break;
        }
        if views.changed().await.is_err() {
            return;
        }
    }
    tracing::info!(
        "--autoquit time reached, shutting down in {} seconds",
        delay.as_secs()
    );
    tokio::time::sleep(delay).await;
    handle.quit();
}
