//! A master's UI: `/worker-count`, the workers in `/stats/requests`, `/swarm` without workers
//! and the page's Workers tab, over a real master (in-memory transport) and real workers (each
//! a real engine and runner running the test's classes), in real time with short intervals.
//! And the same routes of a local run, without any of it.

use std::sync::Arc;
use std::time::Duration;

use locusta_cluster::{ClusterTarget, LogTail, WorkerStatus};
use locusta_stats::RunState;
use locusta_web::LogLines;
use serde_json::{Value, json};

use crate::support::{
    HOST, get, local, page_config, spawn_worker, spawn_worker_with, start, start_configured,
    start_distributed, start_master, state_and_users, stats, swarm,
};

/// Locust's message for a start without workers.
const NO_WORKERS: &str =
    "You can't start a distributed test before at least one worker processes has connected";

/// `(id, state, user_count)` of each `workers` row.
fn workers(stats: &Value) -> Vec<(String, String, u64)> {
    stats["workers"]
        .as_array()
        .unwrap_or_else(|| panic!("no workers in {stats:#}"))
        .iter()
        .map(|worker| {
            (
                worker["id"].as_str().unwrap().to_owned(),
                worker["state"].as_str().unwrap().to_owned(),
                worker["user_count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn row(id: &str, state: &str, users: u64) -> (String, String, u64) {
    (id.to_owned(), state.to_owned(), users)
}

#[tokio::test]
async fn ready_workers_are_counted_and_every_worker_is_listed() {
    local(async {
        let master = start_master();
        let api = start_distributed(master.handle.subscribe());
        assert_eq!(
            get(&api, "/worker-count").await.json(),
            json!({"worker_count": 0})
        );
        let idle = stats(&api).await;
        assert_eq!(idle["worker_count"], 0);
        assert_eq!(idle["workers"], json!([]));

        // One after the other, so that their indexes (the list's order) are known.
        let _a = spawn_worker(&master, "worker-a");
        master
            .wait_for("worker-a ready", |view| view.ready_workers() == 1)
            .await;
        let _b = spawn_worker(&master, "worker-b");
        master
            .wait_for("two ready workers", |view| view.ready_workers() == 2)
            .await;

        assert_eq!(
            get(&api, "/worker-count").await.json(),
            json!({"worker_count": 2})
        );
        let ready = stats(&api).await;
        assert_eq!(ready["worker_count"], 2);
        assert_eq!(
            workers(&ready),
            [row("worker-a", "ready", 0), row("worker-b", "ready", 0)]
        );
        let first = &ready["workers"][0];
        assert_eq!(first["hostname"], "worker-a.example");
        assert!(first["cpu_usage"].is_f64(), "{first}");
        // Zeroes until the worker's first heartbeat.
        assert!(first["memory_usage"].is_u64(), "{first}");

        // The runner would do this on a master: 3 Visitors and 1 Crasher, 2 users each.
        master
            .handle
            .start(ClusterTarget {
                per_class: vec![3, 1],
                spawn_rate: 100.0,
                host: None,
            })
            .await
            .expect("two ready workers");
        // Each worker's runner spawns real users and reports them with its heartbeats.
        let view = master
            .wait_for("both workers running 2 users", |view| {
                view.workers
                    .iter()
                    .all(|w| w.status == WorkerStatus::Running && w.users() == 2)
            })
            .await;
        assert_eq!(view.users_per_class, [3, 1], "{view:#?}");
        let answer = get(&api, "/stats/requests").await;
        let running = answer.json();
        assert_eq!(running["worker_count"], 2);
        assert_eq!(
            workers(&running),
            [row("worker-a", "running", 2), row("worker-b", "running", 2)]
        );

        // Keys sorted as Locust's: the two worker keys come last.
        let text = answer.text();
        let user_count = text.rfind("\n  \"user_count\"").expect("user_count");
        let worker_count = text.find("\n  \"worker_count\": 2,").expect("worker_count");
        let list = text.find("\n  \"workers\": [").expect("workers");
        assert!(user_count < worker_count && worker_count < list, "{text}");
        assert!(text.ends_with("  ]\n}\n"), "{text}");
    })
    .await;
}

#[tokio::test]
async fn swarm_is_refused_until_a_worker_is_ready() {
    local(async {
        let master = start_master();
        let api = start_distributed(master.handle.subscribe());
        let before = page_config(&get(&api, "/").await);

        let refused = swarm(
            &api,
            "user_count=5&spawn_rate=2&host=http://other.example:1",
        )
        .await;
        assert_eq!(
            refused,
            json!({"host": HOST, "message": NO_WORKERS, "success": false})
        );
        // A bad request is still told what is wrong with it.
        let invalid = swarm(&api, "user_count=abc&spawn_rate=2").await;
        assert_eq!(invalid["success"], false);
        assert!(
            invalid["message"]
                .as_str()
                .unwrap()
                .starts_with("Invalid user_count value: 'abc'"),
            "{invalid}"
        );

        // Nothing changed: no test, the same host and form defaults.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(state_and_users(&api), (RunState::Ready, 0));
        assert_eq!(stats(&api).await["state"], "ready");
        let after = page_config(&get(&api, "/").await);
        assert_eq!(after["host"], before["host"]);
        assert_eq!(after["form"], before["form"]);

        let _worker = spawn_worker(&master, "worker-a");
        master
            .wait_for("a ready worker", |view| view.ready_workers() == 1)
            .await;
        let accepted = swarm(&api, "user_count=5&spawn_rate=2").await;
        assert_eq!(accepted["success"], true, "{accepted}");
        assert_eq!(accepted["message"], "Swarming started");
    })
    .await;
}

#[tokio::test]
async fn a_masters_page_has_the_workers_count_and_tab() {
    local(async {
        let master = start_master();
        let api = start_distributed(master.handle.subscribe());
        let _worker = spawn_worker(&master, "worker-a");
        master
            .wait_for("a ready worker", |view| view.ready_workers() == 1)
            .await;

        let page = get(&api, "/").await;
        let config = page_config(&page);
        assert_eq!(config["is_distributed"], true);
        assert_eq!(config["worker_count"], 1);
        let html = page.text();
        for markup in [
            r#"data-testid="header-workers""#,
            r#"data-testid="tab-workers""#,
            r#"id="panel-workers""#,
            r#"id="workers-body""#,
        ] {
            assert!(html.contains(markup), "{markup} missing");
        }
        assert!(!html.contains("distributed -->"), "markers are not served");
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_local_run_has_no_workers() {
    local(async {
        let api = start(None);
        assert_eq!(
            get(&api, "/worker-count").await.json(),
            json!({"worker_count": 0})
        );
        let stats = stats(&api).await;
        assert!(stats.get("workers").is_none(), "{stats:#}");
        assert!(stats.get("worker_count").is_none(), "{stats:#}");

        let page = get(&api, "/").await;
        let config = page_config(&page);
        assert_eq!(config["is_distributed"], false);
        assert_eq!(config["worker_count"], 0);
        let html = page.text();
        for markup in [
            "header-workers",
            "tab-workers",
            "panel-workers",
            "distributed -->",
        ] {
            assert!(!html.contains(markup), "{markup} on a local page");
        }

        // And /swarm starts without any worker.
        let started = swarm(&api, "user_count=1&spawn_rate=1").await;
        assert_eq!(started["success"], true, "{started}");
    })
    .await;
}

#[tokio::test]
async fn a_masters_logs_carry_the_lines_its_workers_forward() {
    local(async {
        let master = start_master();
        let (views, worker_logs) = (master.handle.subscribe(), master.handle.worker_logs());
        let master_lines = LogLines::new();
        master_lines.push("the master's own line".to_owned());
        let api = start_configured(
            |_| {},
            |state| {
                state
                    .with_cluster(views)
                    .with_worker_logs(worker_logs)
                    .with_logs(master_lines)
            },
        );
        let lines = LogLines::new();
        lines.push("worker-a started".to_owned());
        let tail: Arc<dyn LogTail> = Arc::new(lines.clone());
        let _a = spawn_worker_with(&master, "worker-a", |config| {
            locusta_cluster::WorkerConfig {
                log_tail: Some(tail),
                log_interval: Duration::from_millis(50),
                ..config
            }
        });
        let _b = spawn_worker(&master, "worker-b");
        lines.push("worker-a is <b>busy</b>".to_owned());
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let logs = loop {
            let logs = get(&api, "/logs").await.json();
            if logs["workers"]["worker-a"]
                .as_array()
                .is_some_and(|l| l.len() == 2)
            {
                break logs;
            }
            assert!(tokio::time::Instant::now() < deadline, "{logs:#}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(
            logs,
            json!({
                "master": ["the master's own line"],
                "workers": {"worker-a": ["worker-a started", "worker-a is <b>busy</b>"]},
            }),
            "a worker that logs nothing is not listed"
        );
    })
    .await;
}
