//! Locust's spawn schedule, class mix and ramp-down order, observed on a real engine under
//! paused tokio time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use locusta_engine::{Engine, EngineConfig, Resources, TaskResult, UserClass, constant};
use locusta_runner::{Runner, RunnerConfig, RunnerHandle, Target};
use locusta_stats::Clock;
use tokio::time::Instant;

#[derive(Debug, Clone, PartialEq)]
enum Event {
    Started {
        user: u64,
        class: &'static str,
        at: Duration,
    },
    Stopped {
        user: u64,
        class: &'static str,
    },
}

type Log = Arc<Mutex<Vec<Event>>>;

struct Probe {
    user: u64,
    class: &'static str,
    origin: Instant,
    log: Log,
}

impl Probe {
    async fn on_start(&mut self) -> TaskResult {
        let at = self.origin.elapsed();
        self.log.lock().unwrap().push(Event::Started {
            user: self.user,
            class: self.class,
            at,
        });
        Ok(())
    }
    async fn on_stop(&mut self) -> TaskResult {
        self.log.lock().unwrap().push(Event::Stopped {
            user: self.user,
            class: self.class,
        });
        Ok(())
    }
    async fn idle(&mut self) -> TaskResult {
        Ok(())
    }
}

fn probe_class(
    name: &'static str,
    weight: f64,
    fixed_count: u32,
    origin: Instant,
    log: &Log,
) -> UserClass {
    let log = Arc::clone(log);
    UserClass::builder(name, move |ctx| {
        Ok(Probe {
            user: ctx.user_id,
            class: name,
            origin,
            log: Arc::clone(&log),
        })
    })
    .weight(weight)
    .fixed_count(fixed_count)
    .wait_time(constant(1.0))
    .on_start(|u| Box::pin(u.on_start()))
    .on_stop(|u| Box::pin(u.on_stop()))
    .task("idle", 1, |u| Box::pin(u.idle()))
    .build()
}

/// Starts a runner over `classes` on the current LocalSet; returns its handle and join handle.
fn start_runner(
    classes: Vec<UserClass>,
) -> (
    RunnerHandle,
    tokio::task::JoinHandle<Arc<locusta_stats::RunView>>,
) {
    let classes: Arc<[UserClass]> = Arc::from(classes);
    let engine = Engine::start_local(EngineConfig {
        threads: 2,
        classes: Arc::clone(&classes),
        host_override: None,
        resources: Resources::default(),
        seed: 7,
        clock: Clock::start(),
    });
    let (runner, handle) = Runner::new(engine, classes, RunnerConfig::default());
    (handle, tokio::task::spawn_local(runner.run()))
}

fn started(log: &Log) -> Vec<(u64, &'static str, Duration)> {
    log.lock()
        .unwrap()
        .iter()
        .filter_map(|event| match event {
            Event::Started { user, class, at } => Some((*user, *class, *at)),
            Event::Stopped { .. } => None,
        })
        .collect()
}

fn stopped(log: &Log) -> Vec<u64> {
    log.lock()
        .unwrap()
        .iter()
        .filter_map(|event| match event {
            Event::Stopped { user, .. } => Some(*user),
            Event::Started { .. } => None,
        })
        .collect()
}

fn count_class(starts: &[(u64, &'static str, Duration)], class: &str) -> usize {
    starts.iter().filter(|(_, name, _)| *name == class).count()
}

#[tokio::test(start_paused = true)]
async fn three_users_at_two_per_second_spawn_two_then_one() {
    let log: Log = Arc::default();
    let origin = Instant::now();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let (handle, runner) = start_runner(vec![probe_class("User", 1.0, 0, origin, &log)]);
            handle.start(Target {
                users: 3,
                spawn_rate: 2.0,
                run_time: None,
            });
            tokio::time::sleep(Duration::from_secs(5)).await;
            handle.quit();
            runner.await.unwrap();
        })
        .await;
    let times: Vec<u128> = started(&log)
        .iter()
        .map(|(_, _, at)| at.as_millis())
        .collect();
    assert_eq!(times, vec![0, 0, 1000]);
}

#[tokio::test(start_paused = true)]
async fn fractional_and_large_spawn_rates_batch_like_locust() {
    for (rate, expected) in [
        (0.5, vec![0, 2000, 4000]),
        (10.0, vec![0; 3]),
        (2.5, vec![0, 0, 800]),
    ] {
        let log: Log = Arc::default();
        let origin = Instant::now();
        let local = tokio::task::LocalSet::new();
        local
            .run_until(async {
                let (handle, runner) =
                    start_runner(vec![probe_class("User", 1.0, 0, origin, &log)]);
                handle.start(Target {
                    users: 3,
                    spawn_rate: rate,
                    run_time: None,
                });
                tokio::time::sleep(Duration::from_secs(6)).await;
                handle.quit();
                runner.await.unwrap();
            })
            .await;
        let times: Vec<u128> = started(&log)
            .iter()
            .map(|(_, _, at)| at.as_millis())
            .collect();
        assert_eq!(times, expected, "spawn rate {rate}");
    }
}

#[tokio::test(start_paused = true)]
async fn class_mix_follows_weights_with_fixed_count_first() {
    let log: Log = Arc::default();
    let origin = Instant::now();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let (handle, runner) = start_runner(vec![
                probe_class("Web", 3.0, 0, origin, &log),
                probe_class("Mobile", 1.0, 0, origin, &log),
                probe_class("Admin", 1.0, 1, origin, &log),
            ]);
            handle.start(Target {
                users: 9,
                spawn_rate: 100.0,
                run_time: None,
            });
            tokio::time::sleep(Duration::from_secs(3)).await;
            let view = handle.view();
            assert_eq!(view.user_count(), 9);
            handle.quit();
            runner.await.unwrap();
        })
        .await;
    let starts = started(&log);
    // The fixed-count class is spawned first (user 0), then Web:Mobile = 3:1.
    assert_eq!(
        starts.iter().find(|(user, _, _)| *user == 0).unwrap().1,
        "Admin"
    );
    assert_eq!(count_class(&starts, "Admin"), 1);
    assert_eq!(count_class(&starts, "Web"), 6);
    assert_eq!(count_class(&starts, "Mobile"), 2);
}

#[tokio::test(start_paused = true)]
async fn ramp_down_stops_the_newest_users_first() {
    let log: Log = Arc::default();
    let origin = Instant::now();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let (handle, runner) = start_runner(vec![
                probe_class("Web", 3.0, 0, origin, &log),
                probe_class("Mobile", 1.0, 0, origin, &log),
            ]);
            handle.start(Target {
                users: 8,
                spawn_rate: 100.0,
                run_time: None,
            });
            tokio::time::sleep(Duration::from_secs(2)).await;
            handle.start(Target {
                users: 4,
                spawn_rate: 2.0,
                run_time: None,
            });
            tokio::time::sleep(Duration::from_millis(500)).await;
            // First batch of two removed at once, the next one a second later.
            assert_eq!(stopped(&log), vec![7, 6]);
            tokio::time::sleep(Duration::from_secs(2)).await;
            let mut gone = stopped(&log);
            gone.sort_unstable();
            assert_eq!(gone, vec![4, 5, 6, 7]);
            // The four oldest users remain, with the 3:1 mix of the first four.
            assert_eq!(handle.view().user_count(), 4);
            handle.quit();
            runner.await.unwrap();
        })
        .await;
    let remaining: Vec<&str> = started(&log)
        .iter()
        .filter(|(user, _, _)| *user < 4)
        .map(|(_, class, _)| *class)
        .collect();
    assert_eq!(remaining.iter().filter(|class| **class == "Web").count(), 3);
}

#[tokio::test(start_paused = true)]
async fn run_time_ends_the_run_and_every_user_stops() {
    let log: Log = Arc::default();
    let origin = Instant::now();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let (handle, runner) = start_runner(vec![probe_class("User", 1.0, 0, origin, &log)]);
            handle.start(Target {
                users: 5,
                spawn_rate: 5.0,
                run_time: Some(Duration::from_secs(30)),
            });
            let finished = runner.await.unwrap();
            assert_eq!(origin.elapsed().as_secs(), 30);
            assert_eq!(finished.user_count(), 0);
            assert_eq!(finished.state(), locusta_stats::RunState::Stopped);
        })
        .await;
    assert_eq!(stopped(&log).len(), 5);
}

#[tokio::test(start_paused = true)]
async fn an_edit_without_run_time_keeps_the_deadline_and_huge_values_do_not_panic() {
    let log: Log = Arc::default();
    let origin = Instant::now();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let (handle, runner) = start_runner(vec![probe_class("User", 1.0, 0, origin, &log)]);
            handle.start(Target {
                users: 2,
                spawn_rate: 1e-300,
                run_time: Some(Duration::from_secs(30)),
            });
            tokio::time::sleep(Duration::from_secs(10)).await;
            assert_eq!(
                handle.view().user_count(),
                1,
                "the next batch is centuries away"
            );
            handle.start(Target {
                users: 4,
                spawn_rate: 4.0,
                run_time: None,
            });
            runner.await.unwrap();
            assert_eq!(
                origin.elapsed().as_secs(),
                30,
                "the edit kept the 30 s deadline"
            );
        })
        .await;
    assert_eq!(started(&log).len(), 4);
}

struct HostProbe;

#[tokio::test(start_paused = true)]
async fn set_host_aims_users_spawned_afterwards_at_the_new_host() {
    let hosts: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let seen = Arc::clone(&hosts);
    let class = UserClass::builder("User", move |ctx| {
        seen.lock().unwrap().push(ctx.host.map(str::to_string));
        Ok(HostProbe)
    })
    .host("http://class.example.com")
    .wait_time(constant(1.0))
    .task("idle", 1, |_| Box::pin(async { Ok(()) }))
    .build();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let (handle, runner) = start_runner(vec![class]);
            handle.start(Target {
                users: 1,
                spawn_rate: 1.0,
                run_time: None,
            });
            tokio::time::sleep(Duration::from_secs(2)).await;
            handle.set_host(Some("http://127.0.0.1:9".to_string()));
            handle.start(Target {
                users: 2,
                spawn_rate: 1.0,
                run_time: None,
            });
            tokio::time::sleep(Duration::from_secs(2)).await;
            handle.quit();
            runner.await.unwrap();
        })
        .await;
    let hosts = hosts.lock().unwrap().clone();
    assert_eq!(
        hosts,
        vec![
            Some("http://class.example.com".to_string()),
            Some("http://127.0.0.1:9".to_string())
        ]
    );
}
