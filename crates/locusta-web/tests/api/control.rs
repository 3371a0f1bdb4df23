//! `/stop` and `/stats/reset`, by POST and by the GET old Locust versions used.

use locusta_stats::RunState;
use serde_json::json;

use crate::support::{
    Api, get, local, post_form, row, start, state_and_users, stats, swarm, wait_secs,
};

async fn running(users: u64) -> Api {
    let api = start(None);
    swarm(&api, &format!("user_count={users}&spawn_rate=100")).await;
    wait_secs(4.0).await;
    assert_eq!(state_and_users(&api), (RunState::Running, users));
    api
}

#[tokio::test(start_paused = true)]
async fn post_stop_stops_every_user() {
    local(async {
        let api = running(4).await;
        let answer = post_form(&api, "/stop", "").await;
        assert_eq!(
            answer.json(),
            json!({"message": "Test stopped", "success": true})
        );
        wait_secs(1.0).await;
        assert_eq!(state_and_users(&api), (RunState::Stopped, 0));
        assert_eq!(stats(&api).await["state"], "stopped");
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn get_stop_works_for_old_clients() {
    local(async {
        let api = running(2).await;
        assert_eq!(get(&api, "/stop").await.json()["success"], true);
        wait_secs(1.0).await;
        assert_eq!(state_and_users(&api), (RunState::Stopped, 0));
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn reset_zeroes_stats_but_keeps_rows() {
    local(async {
        let api = running(4).await;
        post_form(&api, "/stop", "").await;
        wait_secs(1.0).await;
        let before = stats(&api).await;
        assert!(row(&before, "Aggregated")["num_requests"].as_u64().unwrap() > 0);
        assert!(!before["errors"].as_array().unwrap().is_empty());

        let answer = post_form(&api, "/stats/reset", "").await;
        assert_eq!(answer.text(), "ok");
        wait_secs(0.1).await;
        let after = stats(&api).await;
        for name in ["/", "/err", "/login", "Aggregated"] {
            assert_eq!(row(&after, name)["num_requests"], 0, "{after:#}");
        }
        assert_eq!(after["errors"], json!([]));
        assert_eq!(
            get(&api, "/exceptions").await.json(),
            json!({"exceptions": []})
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn get_reset_while_running_restarts_the_counts() {
    local(async {
        let api = running(4).await;
        let before = api.handle.view();
        assert_eq!(get(&api, "/stats/reset").await.text(), "ok");
        wait_secs(0.1).await;
        let after = api.handle.view();
        assert!(after.total().num_requests() < before.total().num_requests());
        assert!(after.snapshot().total().start_time() > before.snapshot().total().start_time());
        assert_eq!(state_and_users(&api), (RunState::Running, 4));
    })
    .await;
}
