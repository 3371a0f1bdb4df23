//! `POST /swarm`: start a test (or the load shape), or edit the running one.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use locusta_cluster::ClusterError;
use serde::Serialize;

use super::{Shared, json};
use crate::swarm_request::{Order, decode_fields, parse_swarm};

/// Locust's answer, always with HTTP 200 (clients read `success`).
#[derive(Debug, Serialize)]
struct SwarmAnswer {
    host: Option<String>,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_time: Option<u64>,
    success: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_classes: Option<Vec<String>>,
}

/// Checks the whole request first and only then gives the runner its new target (or starts the
/// load shape), so a rejected request changes nothing. While a test runs, the runner treats a
/// target as an edit: the user count moves at the new spawn rate and the statistics are kept.
///
/// On a master a valid request is refused while no worker is ready, with Locust's message
/// (Locust's UI answers success and only logs it).
pub(super) async fn swarm(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let current_host = state.host();
    let checked = decode_fields(content_type, &body)
        .and_then(|fields| {
            parse_swarm(&fields, state.run(), state.shape(), current_host.as_deref())
        })
        .map_err(|error| error.to_string())
        .and_then(|request| {
            if state.is_distributed() && state.ready_workers() == 0 {
                Err(ClusterError::NoWorkers.to_string())
            } else {
                Ok(request)
            }
        });
    let answer = match checked {
        Ok(request) => {
            if let Some(host) = request.new_host {
                // Sent before the start, so the users of this start already use it.
                state.change_host(host);
            }
            let (message, user_classes) = match request.order {
                Order::Start(target) => {
                    state.remember_swarm(target.users, target.spawn_rate, target.run_time);
                    let user_classes = target.user_classes.clone();
                    state.runner().start(target);
                    ("Swarming started".to_owned(), user_classes)
                }
                Order::Shape { name, options } => {
                    state.runner().start_shape(options);
                    (format!("Swarming started using shape class '{name}'"), None)
                }
            };
            SwarmAnswer {
                host: state.host(),
                message,
                run_time: request.run_time_secs,
                success: true,
                user_classes,
            }
        }
        Err(error) => {
            tracing::warn!("/swarm request rejected: {error}");
            SwarmAnswer {
                host: current_host,
                message: error,
                run_time: None,
                success: false,
                user_classes: None,
            }
        }
    };
    json(&answer)
}
