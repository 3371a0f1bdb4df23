//! Endpoints for `locusta demo` and the examples: one that sometimes fails, and a
//! prediction-style JSON API.

use std::sync::atomic::Ordering;

use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde::{Deserialize, Serialize};

use crate::body::Body;
use crate::response::{bad_request, json, text};
use crate::service::Shared;

use super::read_body;

/// `/flaky` fails one request in this many.
pub const FLAKY_PERIOD: u64 = 5;

/// Largest `/predict` body read.
const MAX_PREDICT_BODY: usize = 64 * 1024;

/// `GET /flaky`: every [`FLAKY_PERIOD`]-th request (counted across all clients) answers `500`,
/// the others `200`, so a test sees a steady, predictable failure rate.
pub(crate) fn flaky(shared: &Shared) -> Response<Body> {
    let number = shared.flaky_requests.fetch_add(1, Ordering::Relaxed) + 1;
    if number.is_multiple_of(FLAKY_PERIOD) {
        text(StatusCode::INTERNAL_SERVER_ERROR, "flaky failure")
    } else {
        text(StatusCode::OK, "ok")
    }
}

/// A prediction request: `{"features": [numbers]}`.
#[derive(Deserialize)]
struct PredictRequest {
    features: Vec<f64>,
}

/// `{"label": "positive" | "negative", "score": mean of the features}`.
#[derive(Serialize)]
struct Prediction {
    label: &'static str,
    score: f64,
}

/// `POST /predict`: a toy model. The score is the mean of the features; the label says whether
/// it is positive. An empty feature list or a body that is not such JSON answers `400`.
pub(crate) async fn predict(request: Request<Incoming>) -> Response<Body> {
    let body = match read_body(request.into_body(), MAX_PREDICT_BODY).await {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let features = match serde_json::from_slice::<PredictRequest>(&body) {
        Ok(PredictRequest { features }) if !features.is_empty() => features,
        Ok(_) => return bad_request("/predict needs at least one feature"),
        Err(error) => {
            return bad_request(format!(
                "/predict needs a JSON body like {{\"features\": [0.5, 1.5]}}: {error}"
            ));
        }
    };
    let score = features.iter().sum::<f64>() / features.len() as f64;
    let label = if score > 0.0 { "positive" } else { "negative" };
    json(StatusCode::OK, &Prediction { label, score })
}
