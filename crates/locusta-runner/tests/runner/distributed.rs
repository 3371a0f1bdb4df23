//! A distributed run in one process under paused time: a master's runner over
//! `ClusterUsers`, a master on the in-memory transport, and one to five workers, each a real
//! runner and engine driven through `WorkerUsers`. The class mix (weights, fixed counts) comes
//! from the master's runner; the master spreads each class evenly over the workers.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use locusta_cluster::transport::memory::{MemoryConnector, memory_transport};
use locusta_cluster::{
    ClusterView, Master, MasterConfig, MasterHandle, StatisticsTo, WorkerConfig, run_worker,
};
use locusta_engine::{Engine, EngineConfig, Resources, UserClass, constant};
use locusta_runner::cluster::{ClusterUsers, WorkerUsers};
use locusta_runner::{Runner, RunnerConfig, RunnerHandle, Target};
use locusta_stats::{Clock, RunState};
use tokio::time::Instant;

use crate::support::{Log, alive_by_class, caller_class, local, probe_class, wait_secs};

/// Web (weight 3), Mobile (weight 1) and Admin (fixed count 2).
fn classes(origin: Instant, log: &Log) -> Vec<UserClass> {
    vec![
        probe_class("Web", 3.0, 0, origin, log),
        probe_class("Mobile", 1.0, 0, origin, log),
        probe_class("Admin", 1.0, 2, origin, log),
    ]
}

fn names(classes: &[UserClass]) -> Vec<String> {
    classes.iter().map(|class| class.name.clone()).collect()
}

/// A master on the memory transport, and its runner over `ClusterUsers`.
fn start_master(
    classes: Vec<UserClass>,
    clock: Clock,
) -> (MasterHandle, MemoryConnector, RunnerHandle) {
    start_master_with(classes, clock, Duration::from_secs(1))
}

/// The same, with workers reporting their statistics every `report_interval`.
fn start_master_with(
    classes: Vec<UserClass>,
    clock: Clock,
    report_interval: Duration,
) -> (MasterHandle, MemoryConnector, RunnerHandle) {
    let (listener, connector) = memory_transport();
    let config = MasterConfig {
        clock,
        statistics: StatisticsTo::Taker,
        report_interval,
        ..MasterConfig::new(names(&classes))
    };
    let (master, master_handle) = Master::new(config, listener);
    tokio::task::spawn_local(master.run());
    let users = ClusterUsers::new(
        master_handle.clone(),
        classes.len(),
        Duration::from_secs(5),
        None,
    );
    let config = RunnerConfig {
        clock,
        ..RunnerConfig::default()
    };
    let (runner, handle) = Runner::new(users, Arc::from(classes), config);
    tokio::task::spawn_local(runner.run());
    (master_handle, connector, handle)
}

/// A worker: its own engine and runner, connected through `WorkerUsers`.
fn start_worker(id: &str, classes: Vec<UserClass>, connector: MemoryConnector, clock: Clock) {
    start_worker_with(id, classes, connector, clock, Duration::ZERO);
}

/// The same, whose users may finish their task for `stop_timeout` when stopped.
fn start_worker_with(
    id: &str,
    classes: Vec<UserClass>,
    connector: MemoryConnector,
    clock: Clock,
    stop_timeout: Duration,
) {
    let classes: Arc<[UserClass]> = Arc::from(classes);
    let engine = Engine::start_local(EngineConfig {
        threads: 1,
        classes: Arc::clone(&classes),
        host_override: None,
        resources: Resources::default(),
        seed: 7,
        clock,
    });
    let config = RunnerConfig {
        clock,
        quit_at_run_time: false,
        keep_deltas: true,
        stop_timeout,
        ..RunnerConfig::default()
    };
    let (runner, handle) = Runner::new(engine, Arc::clone(&classes), config);
    tokio::task::spawn_local(runner.run());
    let users = WorkerUsers::new(handle, names(&classes));
    let config = WorkerConfig {
        worker_id: id.to_owned(),
        hostname: "host".to_owned(),
        ..WorkerConfig::new()
    };
    tokio::task::spawn_local(run_worker(
        config,
        connector,
        move |_| Ok(users),
        std::future::pending(),
    ));
}

/// Users per class on each worker, by worker index.
fn per_worker(view: &ClusterView) -> Vec<Vec<u64>> {
    view.workers
        .iter()
        .map(|worker| worker.users_per_class.clone())
        .collect()
}

#[tokio::test(start_paused = true)]
async fn one_to_five_workers_run_the_local_class_mix_spread_evenly() {
    for workers in 1..=5 {
        let log: Log = Log::default();
        let origin = Instant::now();
        local(async {
            let clock = Clock::start();
            let (master, connector, runner) = start_master(classes(origin, &log), clock);
            for index in 0..workers {
                start_worker(
                    &format!("w{index}"),
                    classes(origin, &log),
                    connector.clone(),
                    clock,
                );
            }
            master.wait_for_workers(workers, None).await.unwrap();
            // 14 users: Admin's 2 first, then Web and Mobile 3:1.
            runner.start(Target::new(14, 7.0));
            wait_secs(5.0).await;
            assert_eq!(
                alive_by_class(&log),
                BTreeMap::from([("Admin", 2), ("Mobile", 3), ("Web", 9)]),
                "{workers} workers"
            );
            let view = runner.view();
            assert_eq!(view.state(), RunState::Running);
            assert_eq!(view.users_by_class(), [9, 3, 2], "{workers} workers");
            let shares = per_worker(&master.view());
            for class in 0..3 {
                let counts: Vec<u64> = shares.iter().map(|share| share[class]).collect();
                let (low, high) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
                assert!(
                    high - low <= 1,
                    "{workers} workers, class {class}: {shares:?}"
                );
            }
            let totals: Vec<u64> = shares.iter().map(|share| share.iter().sum()).collect();
            let (low, high) = (totals.iter().min().unwrap(), totals.iter().max().unwrap());
            assert!(high - low <= 1, "{workers} workers: {shares:?}");

            runner.quit();
            wait_secs(1.0).await;
            assert!(
                alive_by_class(&log).is_empty(),
                "{workers} workers: all stopped"
            );
        })
        .await;
    }
}

#[tokio::test(start_paused = true)]
async fn the_ramp_follows_the_spawn_rate_across_workers() {
    let log: Log = Log::default();
    let origin = Instant::now();
    local(async {
        let clock = Clock::start();
        let one = |log: &Log| vec![probe_class("Web", 1.0, 0, origin, log)];
        let (master, connector, runner) = start_master(one(&log), clock);
        for index in 0..3 {
            start_worker(&format!("w{index}"), one(&log), connector.clone(), clock);
        }
        master.wait_for_workers(3, None).await.unwrap();
        // Locust's schedule: 2 users at once, then 2 more each second; looked at half-way
        // between the steps.
        runner.start(Target::new(10, 2.0));
        wait_secs(0.5).await;
        let mut seen = Vec::new();
        for _ in 0..6 {
            seen.push(alive_by_class(&log).get("Web").copied().unwrap_or(0));
            wait_secs(1.0).await;
        }
        assert_eq!(seen, [2, 4, 6, 8, 10, 10]);
        runner.quit();
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_masters_runner_totals_are_the_workers_requests() {
    local(async {
        let clock = Clock::start();
        // No periodic report before the stop: only the workers' last report can count.
        let (master, connector, runner) =
            start_master_with(vec![caller_class()], clock, Duration::from_secs(3600));
        for index in 0..2 {
            start_worker(
                &format!("w{index}"),
                vec![caller_class()],
                connector.clone(),
                clock,
            );
        }
        master.wait_for_workers(2, None).await.unwrap();
        // Two users, one per worker, each calling at 0.1, 0.5, 0.9, ... s after it started.
        runner.start(Target::new(2, 2.0));
        wait_secs(2.95).await;
        runner.quit();
        wait_secs(1.0).await;
        let view = runner.view();
        assert_eq!(view.state(), RunState::Stopped);
        assert_eq!(
            view.total().num_requests(),
            16,
            "8 calls by each user, none lost at the stop"
        );
    })
    .await;
}

/// Users whose one task takes two seconds.
struct Sleeper;

fn sleeper_class() -> UserClass {
    UserClass::builder("Sleeper", |_| Ok(Sleeper))
        .wait_time(constant(0.0))
        .task("nap", 1, |_| {
            Box::pin(async {
                tokio::time::sleep(Duration::from_secs(2)).await;
                Ok(())
            })
        })
        .build()
}

#[tokio::test(start_paused = true)]
async fn a_stop_ends_when_the_workers_users_have_finished_their_tasks() {
    local(async {
        let clock = Clock::start();
        let (master, connector, runner) = start_master(vec![sleeper_class()], clock);
        for index in 0..2 {
            let id = format!("w{index}");
            let connector = connector.clone();
            // Running users may finish their task when stopped.
            start_worker_with(
                &id,
                vec![sleeper_class()],
                connector,
                clock,
                Duration::from_secs(10),
            );
        }
        master.wait_for_workers(2, None).await.unwrap();
        runner.start(Target::new(2, 2.0));
        // Half a second in: the naps end at 2 s, and the workers have not counted their
        // users yet (they do once a second), so their heartbeats still say zero users.
        wait_secs(0.5).await;
        let stopped_at = Instant::now();
        runner.stop();
        let mut views = runner.subscribe();
        let _ = views
            .wait_for(|view| view.state() == RunState::Stopped)
            .await;
        let took = stopped_at.elapsed();
        assert!(
            took >= Duration::from_millis(1400),
            "the stop ended after {took:?}, before the users' tasks did"
        );
        assert!(took < Duration::from_secs(4), "{took:?}");
        runner.quit();
    })
    .await;
}
