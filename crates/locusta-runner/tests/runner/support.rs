//! Probe users that log when they start and stop, and a runner over them on the test's
//! `LocalSet` (so paused time drives everything).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use locusta_engine::{
    Engine, EngineConfig, Resources, TaskResult, UserClass, UserContext, constant,
};
use locusta_runner::{LoadShape, Runner, RunnerConfig, RunnerHandle};
use locusta_stats::{Clock, Outcome, Recorder, RunView};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// A user starting or stopping.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Started {
        user: u64,
        class: &'static str,
        at: Duration,
    },
    Stopped {
        user: u64,
        class: &'static str,
        at: Duration,
    },
}

/// What the probe users did, in order.
pub type Log = Arc<Mutex<Vec<Event>>>;

struct Probe {
    user: u64,
    class: &'static str,
    origin: Instant,
    log: Log,
}

impl Probe {
    async fn on_start(&mut self) -> TaskResult {
        self.log.lock().unwrap().push(Event::Started {
            user: self.user,
            class: self.class,
            at: self.origin.elapsed(),
        });
        Ok(())
    }

    async fn on_stop(&mut self) -> TaskResult {
        self.log.lock().unwrap().push(Event::Stopped {
            user: self.user,
            class: self.class,
            at: self.origin.elapsed(),
        });
        Ok(())
    }

    async fn idle(&mut self) -> TaskResult {
        Ok(())
    }
}

/// A class of probe users (one idle task per second) logging into `log`, with times counted
/// from `origin`.
pub fn probe_class(
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

/// Records one request per task; starts its tasks 0.1 s after it is spawned, so no request
/// coincides with a spawn step.
struct Caller {
    recorder: Recorder,
}

impl Caller {
    fn new(ctx: &UserContext<'_>) -> Result<Self, locusta_engine::TaskError> {
        Ok(Self {
            recorder: ctx.recorder.clone(),
        })
    }

    async fn settle(&mut self) -> TaskResult {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok(())
    }

    async fn call(&mut self) -> TaskResult {
        record_get(&self.recorder, "/", Duration::from_millis(5));
        Ok(())
    }
}

/// Records a successful `GET name` that took `took` and finished now.
pub fn record_get(recorder: &Recorder, name: &str, took: Duration) {
    recorder.record(
        "GET",
        name,
        &Outcome {
            response_time: Some(took),
            content_length: 0,
            error: None,
            finished_at: Instant::now(),
        },
    );
}

pub fn caller_class() -> UserClass {
    UserClass::builder("Caller", Caller::new)
        .wait_time(constant(0.4))
        .on_start(|u| Box::pin(u.settle()))
        .task("call", 1, |u| Box::pin(u.call()))
        .build()
}

/// The runner's join handle: resolves to the final view when the runner ends.
pub type RunnerTask = JoinHandle<Arc<RunView>>;

/// Starts a runner over `classes` with default settings on the current `LocalSet`.
pub fn start_runner(classes: Vec<UserClass>) -> (RunnerHandle, RunnerTask) {
    start_runner_with(classes, RunnerConfig::default(), None)
}

/// Starts a runner over `classes` with `config` (its clock replaced by the engine's) and an
/// optional load shape, on the current `LocalSet`.
pub fn start_runner_with(
    classes: Vec<UserClass>,
    config: RunnerConfig,
    shape: Option<Box<dyn LoadShape>>,
) -> (RunnerHandle, RunnerTask) {
    let classes: Arc<[UserClass]> = Arc::from(classes);
    let clock = Clock::start();
    let engine = Engine::start_local(EngineConfig {
        threads: 2,
        classes: Arc::clone(&classes),
        host_override: None,
        resources: Resources::default(),
        seed: 7,
        clock,
    });
    let config = RunnerConfig { clock, ..config };
    let (mut runner, handle) = Runner::new(engine, classes, config);
    if let Some(shape) = shape {
        runner = runner.with_shape(shape);
    }
    (handle, tokio::task::spawn_local(runner.run()))
}

/// Runs `scenario` on a fresh `LocalSet`.
pub async fn local<F: Future>(scenario: F) -> F::Output {
    tokio::task::LocalSet::new().run_until(scenario).await
}

/// Lets (paused) time pass.
pub async fn wait_secs(secs: f64) {
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
}

/// `(user, class, at)` of every start, in order.
pub fn started(log: &Log) -> Vec<(u64, &'static str, Duration)> {
    log.lock()
        .unwrap()
        .iter()
        .filter_map(|event| match event {
            Event::Started { user, class, at } => Some((*user, *class, *at)),
            Event::Stopped { .. } => None,
        })
        .collect()
}

/// The users that stopped, in order.
pub fn stopped(log: &Log) -> Vec<u64> {
    log.lock()
        .unwrap()
        .iter()
        .filter_map(|event| match event {
            Event::Stopped { user, .. } => Some(*user),
            Event::Started { .. } => None,
        })
        .collect()
}

/// How many of `starts` are of `class`.
pub fn count_class(starts: &[(u64, &'static str, Duration)], class: &str) -> usize {
    starts.iter().filter(|(_, name, _)| *name == class).count()
}

/// Users alive now, by class (classes with none are left out).
pub fn alive_by_class(log: &Log) -> BTreeMap<&'static str, i64> {
    let mut alive = BTreeMap::new();
    for event in log.lock().unwrap().iter() {
        match event {
            Event::Started { class, .. } => *alive.entry(*class).or_insert(0) += 1,
            Event::Stopped { class, .. } => *alive.entry(*class).or_insert(0) -= 1,
        }
    }
    alive.retain(|_, count| *count != 0);
    alive
}

/// Users alive now.
pub fn alive(log: &Log) -> i64 {
    alive_by_class(log).values().sum()
}
