//! A real distributed worker for the web tests of a master, shared by the `api` and `browser`
//! test crates (each includes this file with `#[path]`): its own engine and runner on the
//! current `LocalSet`, driven through `WorkerUsers` by `run_worker` on the in-memory transport.
//! The users are the test's own classes, the same as its master's.

use std::sync::Arc;

use locusta_cluster::transport::memory::MemoryConnector;
use locusta_cluster::{ClusterError, WorkerConfig, run_worker};
use locusta_engine::{Engine, EngineConfig, Resources, UserClass};
use locusta_runner::cluster::WorkerUsers;
use locusta_runner::{Runner, RunnerConfig};
use locusta_stats::Clock;
use tokio::task::JoinHandle;

/// Starts a worker as `config` describes, whose users are `classes` aimed at `host`, and
/// connects it through `connector`. Its tasks run on the current `LocalSet` (the engine's
/// shards too) and end with it; the returned task is the worker's conversation with the
/// master. The worker's runner quits when the worker ends, stopping its users.
pub fn spawn_worker(
    config: WorkerConfig,
    classes: Vec<UserClass>,
    host: Option<String>,
    connector: MemoryConnector,
) -> JoinHandle<Result<(), ClusterError>> {
    let classes: Arc<[UserClass]> = Arc::from(classes);
    let clock = Clock::start();
    let engine = Engine::start_local(EngineConfig {
        threads: 1,
        classes: Arc::clone(&classes),
        host_override: host,
        resources: Resources::default(),
        seed: 7,
        clock,
    });
    let runner_config = RunnerConfig {
        keep_deltas: true,
        quit_at_run_time: false,
        clock,
        ..RunnerConfig::default()
    };
    let (runner, handle) = Runner::new(engine, Arc::clone(&classes), runner_config);
    tokio::task::spawn_local(runner.run());
    let names = classes.iter().map(|class| class.name.clone()).collect();
    let users = WorkerUsers::new(handle, names);
    tokio::task::spawn_local(run_worker(
        config,
        connector,
        move |_| Ok(users),
        std::future::pending(),
    ))
}
