//! Running users on a real engine inside the test's own runtime (so paused time works).

use std::sync::Arc;
use std::time::Duration;

use locusta::engine::{Engine, EngineConfig, Resources, UserClass};
use locusta::http::HttpConfig;
use locusta::stats::{Clock, RunState, RunView, Snapshot};

/// Runs one user of each listed class index (user ids 0, 1, ...) for `duration`, then stops
/// them all, giving running users `stop_timeout` to finish their task; returns everything
/// they recorded. Must be called inside a `LocalSet`.
pub async fn run_users(
    classes: Vec<UserClass>,
    users: &[usize],
    host: Option<String>,
    duration: Duration,
    stop_timeout: Duration,
) -> Snapshot {
    let mut resources = Resources::default();
    // Under paused time the clock jumps ahead while a request waits for the network, so a
    // connect timeout could fire spuriously: make it longer than any test.
    let http = HttpConfig::builder()
        .connect_timeout(Duration::from_secs(24 * 3600))
        .build();
    resources.insert(http.expect("HTTP config"));
    let clock = Clock::start();
    let engine = Engine::start_local(EngineConfig {
        threads: 2,
        classes: Arc::from(classes),
        host_override: host,
        resources,
        seed: 42,
        clock,
    });
    for (user_id, &class) in users.iter().enumerate() {
        engine.spawn_user(user_id as u64, class);
    }
    // Small steps: under paused time the clock jumps to the next timer whenever the runtime
    // waits for the network, so one long sleep would end the scenario before any response.
    let end = tokio::time::Instant::now() + duration;
    while tokio::time::Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    engine.stop_all(stop_timeout).await;
    let mut totals = Snapshot::new(clock.now_unix_secs());
    totals.merge(&engine.report().await.delta);
    totals
}

/// Runs one user of each listed class index until every user has ended by itself (each
/// task ends with `TaskError::StopUser`), in real time, at most `limit`.
pub async fn run_until_done(
    classes: Vec<UserClass>,
    users: &[usize],
    host: Option<String>,
    limit: Duration,
) -> Snapshot {
    let clock = Clock::start();
    let mut resources = Resources::default();
    resources.insert(HttpConfig::builder().build().expect("HTTP config"));
    let engine = Engine::start_local(EngineConfig {
        threads: 2,
        classes: Arc::from(classes),
        host_override: host,
        resources,
        seed: 42,
        clock,
    });
    for (user_id, &class) in users.iter().enumerate() {
        engine.spawn_user(user_id as u64, class);
    }
    let mut totals = Snapshot::new(clock.now_unix_secs());
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        tokio::time::sleep(Duration::from_millis(10)).await;
        let report = engine.report().await;
        totals.merge(&report.delta);
        if report.user_count() == 0 {
            return totals;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "users still running after {limit:?}"
        );
    }
}

/// A view over `snapshot`, for the row accessors.
pub fn view(snapshot: Snapshot) -> RunView {
    RunView::new(Arc::new(snapshot), RunState::Stopped, 0, 0.0)
}

/// Runs `scenario` on a fresh `LocalSet`.
pub async fn local<F: std::future::Future>(scenario: F) -> F::Output {
    tokio::task::LocalSet::new().run_until(scenario).await
}
