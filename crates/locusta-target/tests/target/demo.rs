//! The endpoints `locusta demo` and the examples use beyond the quickstart.

use hyper::StatusCode;
use locusta_target::{FLAKY_PERIOD, Target, TargetOptions};

use crate::support::Client;

#[tokio::test]
async fn flaky_fails_every_fifth_request() {
    let target = Target::start(TargetOptions::default()).unwrap();
    let mut client = Client::connect(&target).await;
    let mut statuses = Vec::new();
    for _ in 0..2 * FLAKY_PERIOD {
        statuses.push(client.get("/flaky").await.status);
    }
    let failed: Vec<usize> = statuses
        .iter()
        .enumerate()
        .filter(|(_, status)| **status == StatusCode::INTERNAL_SERVER_ERROR)
        .map(|(index, _)| index)
        .collect();
    assert_eq!(failed, vec![4, 9]);
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::INTERNAL_SERVER_ERROR)
    );
    assert_eq!(target.count("GET", "/flaky"), 2 * FLAKY_PERIOD);
}

#[tokio::test]
async fn predict_scores_the_mean_of_the_features() {
    let target = Target::start(TargetOptions::default()).unwrap();
    let mut client = Client::connect(&target).await;
    let positive = client
        .post_json("/predict", r#"{"features": [1.0, 2.0, 3.0]}"#)
        .await;
    assert_eq!(positive.status, StatusCode::OK);
    assert_eq!(
        positive.json(),
        serde_json::json!({"label": "positive", "score": 2.0})
    );
    let negative = client.post_json("/predict", r#"{"features": [-4]}"#).await;
    assert_eq!(negative.json()["label"], "negative");
    for bad in [r#"{"features": []}"#, r#"{"x": 1}"#, "not json"] {
        let reply = client.post_json("/predict", bad).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(target.count("POST", "/predict"), 5);
}
