//! Loading locustfiles from text and running their users on a real engine inside the test's
//! own runtime (so paused time works), as crates/locusta/tests/cli/support.rs does.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use locusta_engine::{Engine, EngineConfig, Resources, UserClass};
use locusta_http::HttpConfig;
use locusta_lua::{LoadError, Locustfile};
use locusta_stats::{Clock, RunState, RunView, Snapshot};

static NEXT: AtomicU64 = AtomicU64::new(0);

/// Writes `source` to `name` in a fresh temporary directory and returns its path.
pub fn write_file(name: &str, source: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "locusta-lua-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, source).unwrap();
    path
}

/// Removes the temporary directory of a file made by [`write_file`] (the loaded sources are
/// kept in memory, so a loaded locustfile no longer needs it).
pub fn remove_file(path: &std::path::Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Loads `source` as `locustfile.lua`, panicking with the load error's text if it fails.
pub fn locustfile(source: &str) -> Locustfile {
    let path = write_file("locustfile.lua", source);
    let loaded = Locustfile::load(std::slice::from_ref(&path));
    remove_file(&path);
    loaded.unwrap_or_else(|e| panic!("locustfile did not load: {e}"))
}

/// The error loading `source` as `name`, and the path it was written to.
pub fn load_error(name: &str, source: &str) -> (LoadError, PathBuf) {
    let path = write_file(name, source);
    let loaded = Locustfile::load(std::slice::from_ref(&path));
    remove_file(&path);
    match loaded {
        Ok(_) => panic!("{name} loaded, expected an error"),
        Err(error) => (error, path),
    }
}

fn resources() -> Resources {
    let mut resources = Resources::default();
    // Under paused time the clock jumps ahead while a request waits for the network, so a
    // connect timeout could fire spuriously: make it longer than any test.
    let http = HttpConfig::builder()
        .connect_timeout(Duration::from_secs(24 * 3600))
        .build()
        .expect("HTTP config");
    resources.insert(http);
    resources
}

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
    let clock = Clock::start();
    let engine = Engine::start_local(EngineConfig {
        threads: 2,
        classes: Arc::from(classes),
        host_override: host,
        resources: resources(),
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

/// Runs one user of each listed class index until every user has ended by itself, at most
/// `limit` of (test) time; returns what they recorded and whether they all ended.
pub async fn run_until_done(
    classes: Vec<UserClass>,
    users: &[usize],
    host: Option<String>,
    limit: Duration,
) -> (Snapshot, bool) {
    let clock = Clock::start();
    let engine = Engine::start_local(EngineConfig {
        threads: 2,
        classes: Arc::from(classes),
        host_override: host,
        resources: resources(),
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
            return (totals, true);
        }
        if tokio::time::Instant::now() >= deadline {
            engine.stop_all(Duration::ZERO).await;
            totals.merge(&engine.report().await.delta);
            return (totals, false);
        }
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

/// `(method, name, requests, failures)` for every statistics row, sorted.
pub fn rows(view: &RunView) -> Vec<(String, String, u64, u64)> {
    view.entries()
        .iter()
        .map(|row| {
            (
                row.method().to_string(),
                row.name().to_string(),
                row.num_requests(),
                row.num_failures(),
            )
        })
        .collect()
}

/// Runs one user of each class of `source` (a script whose tasks check things with
/// `assert` and end with `error(StopUser)`) against a fresh target until they all end.
/// Panics if a user did not end or raised an error; returns the statistics view and the
/// target, for assertions on what was recorded and received.
pub async fn run_script(source: &str) -> (RunView, locusta_target::Target) {
    let target =
        locusta_target::Target::spawn_thread(locusta_target::TargetOptions::default()).unwrap();
    let file = locustfile(source);
    let classes = file.user_classes();
    let users: Vec<usize> = (0..classes.len()).collect();
    let (snapshot, ended) = local(run_until_done(
        classes,
        &users,
        Some(target.url()),
        Duration::from_secs(60),
    ))
    .await;
    let view = view(snapshot);
    let errors: Vec<String> = view
        .exceptions()
        .iter()
        .map(|row| format!("{} ({}x)\n{}", row.msg(), row.count(), row.traceback()))
        .collect();
    assert!(
        errors.is_empty(),
        "the script raised errors:\n{}",
        errors.join("\n")
    );
    assert!(ended, "the script's users did not all end");
    (view, target)
}
