//! `POST /swarm`: starting, editing, legacy parameters, class selections, load shapes, and
//! rejected requests.

use std::sync::Arc;
use std::time::Duration;

use locusta_engine::{Engine, EngineConfig, Resources, UserClass};
use locusta_runner::{LoadShape, Runner, RunnerConfig, Stage, Stages};
use locusta_stats::{Clock, RunState};
use locusta_web::{ClassInfo, RunInfo, ShapeInfo, WebState, router};
use serde_json::{Value, json};

use crate::support::{
    Api, HOST, classes, get, local, post_form, row, start, state_and_users, stats, swarm, wait_secs,
};

#[tokio::test(start_paused = true)]
async fn legacy_client_starts_a_test_and_polls_legacy_keys() {
    local(async {
        let api = start(None);
        let answer = swarm(&api, "locust_count=10&hatch_rate=3").await;
        assert_eq!(
            answer,
            json!({"host": HOST, "message": "Swarming started", "success": true})
        );
        // 3 users per second: 3, 6, 9, 10 at t = 0, 1, 2, 3 s.
        wait_secs(5.0).await;
        let stats = stats(&api).await;
        assert_eq!(stats["state"], "running");
        assert_eq!(stats["user_count"], 10);
        let requests: u64 = stats["stats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["num_requests"].as_u64().unwrap())
            .sum();
        assert!(requests > 0, "{stats:#}");
        assert!(stats["total_rps"].as_f64().unwrap() > 0.0);
        let fail_ratio = stats["fail_ratio"].as_f64().unwrap();
        assert!(fail_ratio > 0.0 && fail_ratio < 1.0, "{fail_ratio}");
        // Old clients read these two; they are the Aggregated row's median and 95th percentile.
        let p50 = stats["current_response_time_percentile_50"]
            .as_u64()
            .unwrap();
        let p95 = stats["current_response_time_percentile_95"]
            .as_u64()
            .unwrap();
        let total = row(&stats, "Aggregated");
        assert_eq!(p50, total["median_response_time"].as_u64().unwrap());
        assert_eq!(
            p95,
            total["response_time_percentile_0.95"].as_u64().unwrap()
        );
        assert_eq!(
            stats["current_response_time_percentiles"]["response_time_percentile_0.5"],
            p50
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn swarm_while_running_edits_the_test_and_keeps_stats() {
    local(async {
        let api = start(None);
        swarm(&api, "user_count=8&spawn_rate=100").await;
        wait_secs(3.0).await;
        assert_eq!(state_and_users(&api), (RunState::Running, 8));
        let before = api.handle.view();
        let requests_before = before.total().num_requests();
        let started_at = before.snapshot().total().start_time();

        let answer = swarm(&api, "user_count=2&spawn_rate=100").await;
        assert_eq!(answer["success"], true);
        wait_secs(2.0).await;
        assert_eq!(state_and_users(&api), (RunState::Running, 2));
        let after = api.handle.view();
        assert!(after.total().num_requests() > requests_before);
        assert_eq!(
            after.snapshot().total().start_time(),
            started_at,
            "stats were reset"
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn run_time_is_answered_in_seconds_and_stops_the_test() {
    local(async {
        let api = start(None);
        let answer = swarm(&api, "user_count=2&spawn_rate=10&run_time=1m").await;
        assert_eq!(answer["run_time"], 60);
        wait_secs(30.0).await;
        assert_eq!(state_and_users(&api), (RunState::Running, 2));
        wait_secs(31.0).await;
        assert_eq!(state_and_users(&api), (RunState::Stopped, 0));
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn json_bodies_and_the_runs_own_host_and_classes_are_accepted() {
    local(async {
        let api = start(None);
        let request = axum::http::Request::post("/swarm")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(
                r#"{"user_count": 3, "spawn_rate": 3, "host": "http://127.0.0.1:8000/",
                    "user_classes": ["Visitor", "Crasher"], "run_time": ""}"#,
            ))
            .unwrap();
        let answer = crate::support::send(&api, request).await.json();
        assert_eq!(answer["success"], true, "{answer}");
        wait_secs(2.0).await;
        assert_eq!(state_and_users(&api), (RunState::Running, 3));
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_new_host_is_used_from_then_on_and_shown_by_the_page() {
    local(async {
        let api = start(None);
        let answer = swarm(
            &api,
            "user_count=2&spawn_rate=2&host=http%3A%2F%2F127.0.0.1%3A9%2F",
        )
        .await;
        assert_eq!(answer["success"], true, "{answer}");
        assert_eq!(answer["host"], "http://127.0.0.1:9", "{answer}");
        let page = get(&api, "/").await.text();
        assert!(
            page.contains("http://127.0.0.1:9"),
            "the page shows the new host"
        );
        // Sending the current host again changes nothing.
        let again = swarm(
            &api,
            "user_count=2&spawn_rate=2&host=http%3A%2F%2F127.0.0.1%3A9",
        )
        .await;
        assert_eq!(again["host"], "http://127.0.0.1:9", "{again}");
    })
    .await;
}

/// Bad requests and the words their answer must contain.
const BAD_REQUESTS: [(&str, &str); 14] = [
    (
        "user_count=abc&spawn_rate=1",
        "Invalid user_count value: 'abc' (must be an integer)",
    ),
    (
        "user_count=-5&spawn_rate=1",
        "Invalid user_count value: '-5'",
    ),
    (
        "locust_count=ten&hatch_rate=1",
        "Invalid locust_count value: 'ten'",
    ),
    (
        "user_count=5&spawn_rate=-1",
        "Invalid spawn_rate value: '-1'",
    ),
    ("user_count=5&spawn_rate=0", "Invalid spawn_rate value: '0'"),
    (
        "user_count=5&spawn_rate=inf",
        "Invalid spawn_rate value: 'inf'",
    ),
    ("user_count=5&hatch_rate=", "Invalid hatch_rate value: ''"),
    (
        "user_count=5&spawn_rate=1&run_time=3x",
        "Valid run_time formats are : 20, 20s, 3m",
    ),
    // Would overflow the runner's clock arithmetic: must be refused, not crash the runner.
    (
        "user_count=5&spawn_rate=1e-300",
        "Invalid spawn_rate value: '1e-300'",
    ),
    (
        "user_count=5&spawn_rate=1&run_time=99999999999999h",
        "Invalid run_time value",
    ),
    ("user_count=5", "spawn_rate is missing"),
    (
        "user_count=5&spawn_rate=1&host=ftp%3A%2F%2Felsewhere",
        "Invalid host value: 'ftp://elsewhere'",
    ),
    (
        "user_count=5&spawn_rate=1&user_classes=Visitor&user_classes=Nobody",
        "Invalid user_classes value: 'Nobody' (known classes: Crasher, Visitor)",
    ),
    (
        "user_count=5&spawn_rate=1&shape_class=Stages",
        "Invalid shape_class value: 'Stages'",
    ),
];

async fn assert_all_rejected(api: &crate::support::Api) {
    for (form, expected) in BAD_REQUESTS {
        let answer = post_form(api, "/swarm", form).await;
        assert_eq!(answer.status, 200, "Locust answers errors with HTTP 200");
        let answer = answer.json();
        assert_eq!(answer["success"], false, "{form}: {answer}");
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains(expected), "{form}: {message}");
    }
}

#[tokio::test(start_paused = true)]
async fn bad_input_changes_nothing_before_a_test() {
    local(async {
        let api = start(None);
        assert_all_rejected(&api).await;
        wait_secs(3.0).await;
        assert_eq!(state_and_users(&api), (RunState::Ready, 0));
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn bad_input_changes_nothing_while_running() {
    local(async {
        let api = start(None);
        swarm(&api, "user_count=4&spawn_rate=100").await;
        wait_secs(2.0).await;
        assert_eq!(state_and_users(&api), (RunState::Running, 4));
        let started_at = api.handle.view().snapshot().total().start_time();
        assert_all_rejected(&api).await;
        wait_secs(3.0).await;
        assert_eq!(state_and_users(&api), (RunState::Running, 4));
        assert_eq!(
            api.handle.view().snapshot().total().start_time(),
            started_at
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn user_classes_restrict_the_test_and_a_new_selection_rebuilds_the_mix() {
    local(async {
        let api = start(None);
        let answer = swarm(&api, "user_count=4&spawn_rate=100&user_classes=Visitor").await;
        assert_eq!(
            answer,
            json!({"host": HOST, "message": "Swarming started", "success": true,
                   "user_classes": ["Visitor"]})
        );
        wait_secs(2.0).await;
        assert_eq!(api.handle.view().users_by_class(), [4, 0]);

        // Only Crasher now, two users per second: the Visitors go as the Crashers come.
        let answer = swarm(&api, "user_count=4&spawn_rate=2&user_classes=Crasher").await;
        assert_eq!(answer["success"], true, "{answer}");
        wait_secs(3.0).await;
        assert_eq!(api.handle.view().users_by_class(), [0, 4]);

        // Both, comma-separated: Visitor 3 : Crasher 1.
        let answer = swarm(
            &api,
            "user_count=4&spawn_rate=100&user_classes=Crasher,Visitor",
        )
        .await;
        assert_eq!(answer["user_classes"], json!(["Crasher", "Visitor"]));
        wait_secs(2.0).await;
        assert_eq!(api.handle.view().users_by_class(), [3, 1]);
        assert_eq!(state_and_users(&api), (RunState::Running, 4));
    })
    .await;
}

/// The API over a runner with a stages shape (4 users until 10 s, then 2 until 20 s), in web
/// mode: the end of the shape stops the test, not the runner.
fn start_with_shape(class_picker: bool) -> Api {
    let classes: Arc<[UserClass]> = Arc::from(classes());
    let clock = Clock::start();
    let engine = Engine::start_local(EngineConfig {
        threads: 2,
        classes: Arc::clone(&classes),
        host_override: Some(HOST.to_owned()),
        resources: Resources::default(),
        seed: 7,
        clock,
    });
    let config = RunnerConfig {
        quit_at_run_time: false,
        clock,
        ..RunnerConfig::default()
    };
    let stages = Stages::new(vec![
        Stage::new(Duration::from_secs(10), 4, 4.0),
        Stage::new(Duration::from_secs(20), 2, 2.0),
    ])
    .unwrap()
    .named("Ramp");
    let shape = ShapeInfo {
        name: stages.name().to_owned(),
        use_common_options: stages.use_common_options(),
    };
    let (runner, handle) = Runner::new(engine, Arc::clone(&classes), config);
    tokio::task::spawn_local(runner.with_shape(Box::new(stages)).run());
    let run = RunInfo {
        host: Some(HOST.to_owned()),
        locustfile: "locustfile.lua".to_owned(),
        classes: classes.iter().map(ClassInfo::from).collect(),
    };
    let state = WebState::new(handle.clone(), run)
        .with_shape(shape)
        .with_class_picker(class_picker);
    Api {
        app: router(state),
        handle,
    }
}

#[tokio::test(start_paused = true)]
async fn with_a_shape_swarm_starts_it_and_its_end_stops_the_test() {
    local(async {
        let api = start_with_shape(false);
        // The form hides the user count and spawn rate: the shape decides them.
        let answer = swarm(&api, "host=").await;
        assert_eq!(
            answer,
            json!({"host": HOST, "message": "Swarming started using shape class 'Ramp'",
                   "success": true})
        );
        wait_secs(2.0).await;
        assert_eq!(state_and_users(&api), (RunState::Running, 4));
        // Editing is disabled while the shape runs (Locust says so in its log).
        swarm(&api, "user_count=9&spawn_rate=100&shape_class=Default").await;
        wait_secs(10.0).await;
        assert_eq!(state_and_users(&api), (RunState::Running, 2));
        wait_secs(9.0).await;
        assert_eq!(state_and_users(&api), (RunState::Stopped, 0));

        // With Default chosen, the same request runs a fixed target instead.
        let answer = swarm(&api, "user_count=3&spawn_rate=100&shape_class=Default").await;
        assert_eq!(answer["message"], "Swarming started");
        wait_secs(2.0).await;
        assert_eq!(state_and_users(&api), (RunState::Running, 3));
    })
    .await;
}

/// The settings embedded in the page.
async fn page_config(api: &Api) -> Value {
    const START: &str = r#"<script id="locusta-config" type="application/json">"#;
    let text = get(api, "/").await.text();
    let start = text.find(START).expect("settings element") + START.len();
    let end = start
        + text[start..]
            .find("</script>")
            .expect("end of the settings");
    serde_json::from_str(&text[start..end]).expect("settings are JSON")
}

#[tokio::test(start_paused = true)]
async fn the_page_says_whether_a_shape_and_the_class_picker_are_active() {
    local(async {
        let plain = page_config(&start(None)).await;
        assert_eq!(plain["shape"], Value::Null);
        assert_eq!(plain["class_picker"], false);
        let shaped = page_config(&start_with_shape(true)).await;
        assert_eq!(
            shaped["shape"],
            json!({"name": "Ramp", "use_common_options": false})
        );
        assert_eq!(shaped["class_picker"], true);
    })
    .await;
}
