//! `/exceptions`, `/tasks`, `/worker-count`, `/logs` and the CORS header.

use axum::body::Body;
use axum::http::Request;
use axum::http::header::{ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN};
use serde_json::json;

use locusta_web::{LOG_LINES_KEPT, LogLines};

use crate::support::{get, local, send, start, start_configured, swarm, wait_secs};

#[tokio::test(start_paused = true)]
async fn exceptions_are_grouped_with_their_nodes() {
    local(async {
        let api = start(None);
        assert_eq!(
            get(&api, "/exceptions").await.json(),
            json!({"exceptions": []})
        );
        swarm(&api, "user_count=4&spawn_rate=100").await;
        wait_secs(3.5).await;
        let exceptions = get(&api, "/exceptions").await.json();
        let rows = exceptions["exceptions"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{exceptions}");
        let row = &rows[0];
        assert!(row["count"].as_u64().unwrap() >= 3, "{row}");
        assert_eq!(row["msg"], "login page changed");
        assert_eq!(row["traceback"], "login page changed");
        assert_eq!(row["nodes"], "local");
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn task_ratios_follow_the_alive_users() {
    local(async {
        let api = start(None);
        let idle = get(&api, "/tasks").await.json();
        assert_eq!(idle["per_class"]["Visitor"]["ratio"], 0.0);
        assert_eq!(
            idle["per_class"]["Visitor"]["tasks"]["index"]["ratio"],
            0.75
        );
        assert_eq!(idle["total"]["Visitor"]["tasks"]["index"]["ratio"], 0.0);

        swarm(&api, "user_count=4&spawn_rate=100").await;
        wait_secs(2.0).await;
        let tasks = get(&api, "/tasks").await.json();
        assert_eq!(
            tasks,
            json!({
                "per_class": {
                    "Crasher": {"ratio": 0.25, "tasks": {"login": {"ratio": 1.0}}},
                    "Visitor": {"ratio": 0.75, "tasks": {
                        "broken": {"ratio": 0.25}, "index": {"ratio": 0.75}}}
                },
                "total": {
                    "Crasher": {"ratio": 0.25, "tasks": {"login": {"ratio": 0.25}}},
                    "Visitor": {"ratio": 0.75, "tasks": {
                        "broken": {"ratio": 0.1875}, "index": {"ratio": 0.5625}}}
                }
            })
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn worker_count_is_zero_without_distribution() {
    local(async {
        let api = start(None);
        assert_eq!(
            get(&api, "/worker-count").await.json(),
            json!({"worker_count": 0})
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn logs_are_the_last_lines_under_master() {
    local(async {
        let logs = LogLines::new();
        let api = start_configured(|_| {}, |state| state.with_logs(logs.clone()));
        assert_eq!(
            get(&api, "/logs").await.json(),
            json!({"master": [], "workers": {}})
        );
        for i in 0..LOG_LINES_KEPT + 1 {
            logs.push(format!(
                "[2026-12-07 01:00:00,000] host/INFO/locusta.test: line {i}"
            ));
        }
        let answer = get(&api, "/logs").await.json();
        let master = answer["master"].as_array().unwrap();
        assert_eq!(master.len(), LOG_LINES_KEPT);
        assert_eq!(
            master[0],
            "[2026-12-07 01:00:00,000] host/INFO/locusta.test: line 1"
        );
        assert_eq!(answer["workers"], json!({}));
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn any_origin_may_read_and_preflight() {
    local(async {
        let api = start(None);
        let answer = get(&api, "/stats/requests").await;
        assert_eq!(answer.header(ACCESS_CONTROL_ALLOW_ORIGIN), Some("*"));

        let preflight = Request::options("/swarm")
            .header("origin", "http://dashboard.example")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .body(Body::empty())
            .unwrap();
        let answer = send(&api, preflight).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header(ACCESS_CONTROL_ALLOW_ORIGIN), Some("*"));
        assert!(
            answer
                .header(ACCESS_CONTROL_ALLOW_METHODS)
                .unwrap()
                .contains("POST")
        );
        assert_eq!(
            answer.header(axum::http::header::ACCESS_CONTROL_ALLOW_HEADERS),
            Some("content-type")
        );
    })
    .await;
}
