//! `/stats/history`: the chart points the runner records every 2 s while a test runs.

use serde_json::Value;

use crate::support::{Api, get, local, post_form, start, swarm, wait_secs};

/// The history's points.
async fn history(api: &Api, query: &str) -> Vec<Value> {
    let answer = get(api, &format!("/stats/history{query}")).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header(axum::http::header::CONTENT_TYPE),
        Some("application/json")
    );
    let json = answer.json();
    assert_eq!(json["interval"], 2.0);
    json["history"].as_array().expect("history array").clone()
}

fn times(points: &[Value]) -> Vec<f64> {
    points.iter().map(|p| p["time"].as_f64().unwrap()).collect()
}

#[tokio::test(start_paused = true)]
async fn points_are_recorded_every_two_seconds_while_a_test_runs() {
    local(async {
        let api = start(None);
        wait_secs(5.0).await;
        assert!(history(&api, "").await.is_empty(), "nothing before a test");

        swarm(&api, "user_count=4&spawn_rate=100").await;
        wait_secs(10.5).await;
        let points = history(&api, "").await;
        assert!((4..=6).contains(&points.len()), "{points:#?}");
        let times = times(&points);
        assert!(
            times.windows(2).all(|w| (w[1] - w[0] - 2.0).abs() < 0.01),
            "{times:?}"
        );
        let last = points.last().unwrap();
        assert_eq!(last["user_count"], 4);
        assert!(last["current_rps"].as_f64().unwrap() > 0.0, "{last}");
        // Visitor's requests take 10 ms or 2 ms, Crasher's 30 ms.
        let p95 = last["response_time_percentile_0.95"].as_f64().unwrap();
        assert!((2.0..=31.0).contains(&p95), "{last}");

        let since = times[times.len() - 2];
        let newer = history(&api, &format!("?since={since}")).await;
        // The users' requests wait on real sockets, and paused time jumps ahead whenever the
        // runtime waits, so a point may have been added since the first listing.
        assert!((1..=2).contains(&newer.len()), "{newer:#?}");
        assert_eq!(newer[0]["time"].as_f64().unwrap(), times[times.len() - 1]);
        assert!(
            newer
                .iter()
                .all(|point| point["time"].as_f64().unwrap() > since)
        );

        post_form(&api, "/stop", "").await;
        wait_secs(1.5).await;
        let stopped = history(&api, "").await.len();
        wait_secs(6.0).await;
        assert_eq!(
            history(&api, "").await.len(),
            stopped,
            "no points once stopped"
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_new_test_or_a_reset_starts_a_new_history() {
    local(async {
        let api = start(None);
        swarm(&api, "user_count=2&spawn_rate=100").await;
        wait_secs(8.5).await;
        let h = history(&api, "").await;
        assert!(h.len() >= 4, "{h:#?}");

        post_form(&api, "/stats/reset", "").await;
        wait_secs(0.5).await;
        assert!(
            history(&api, "").await.len() <= 1,
            "a reset clears the history"
        );

        wait_secs(6.0).await;
        post_form(&api, "/stop", "").await;
        wait_secs(1.5).await;
        assert!(history(&api, "").await.len() >= 3, "kept after the stop");
        swarm(&api, "user_count=1&spawn_rate=100").await;
        wait_secs(0.5).await;
        assert!(
            history(&api, "").await.len() <= 1,
            "a new test clears the history"
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_bad_since_is_a_client_error() {
    local(async {
        let api = start(None);
        let answer = get(&api, "/stats/history?since=yesterday").await;
        assert_eq!(answer.status, 400);
    })
    .await;
}
