//! Each wait-time strategy, observed as the times at which a real engine starts tasks,
//! under paused tokio time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use locusta_engine::{
    Engine, EngineConfig, Resources, TaskResult, UserClass, WaitTime, between, constant,
    constant_pacing, constant_throughput,
};
use locusta_stats::Clock;
use tokio::time::Instant;

/// A user that logs when each task starts and then "works" for the next scripted duration.
struct Timed {
    origin: Instant,
    starts: Arc<Mutex<Vec<Duration>>>,
    work: Vec<Duration>,
    runs: usize,
}

impl Timed {
    async fn tick(&mut self) -> TaskResult {
        self.starts.lock().unwrap().push(self.origin.elapsed());
        let work = self.work.get(self.runs).copied().unwrap_or(Duration::ZERO);
        self.runs += 1;
        tokio::time::sleep(work).await;
        Ok(())
    }
}

/// Runs one user with `wait_time` for `duration` and returns its task start times.
async fn task_starts(
    wait_time: WaitTime,
    work: Vec<Duration>,
    duration: Duration,
) -> Vec<Duration> {
    let starts = Arc::new(Mutex::new(Vec::new()));
    let origin = Instant::now();
    let log = Arc::clone(&starts);
    let class = UserClass::builder("Timed", move |_ctx| {
        Ok(Timed {
            origin,
            starts: Arc::clone(&log),
            work: work.clone(),
            runs: 0,
        })
    })
    .wait_time(wait_time)
    .task("tick", 1, |user| Box::pin(user.tick()))
    .build();
    run_one_user(class, duration).await;
    starts.lock().unwrap().clone()
}

/// Runs one user of `class` on a one-shard engine for `duration`, then kills it.
async fn run_one_user(class: UserClass, duration: Duration) {
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async move {
            let engine = Engine::start_local(EngineConfig {
                threads: 1,
                classes: Arc::from(vec![class]),
                host_override: None,
                resources: Resources::default(),
                seed: 1,
                clock: Clock::start(),
            });
            engine.spawn_user(0, 0);
            tokio::time::sleep(duration).await;
            engine.stop_all(Duration::ZERO).await;
        })
        .await;
}

fn secs(values: &[f64]) -> Vec<Duration> {
    values.iter().map(|&s| Duration::from_secs_f64(s)).collect()
}

/// Start times are compared at millisecond precision (the paused clock is exact, but the
/// scheduler may add a tick of a few microseconds).
fn millis(times: &[Duration]) -> Vec<u128> {
    times.iter().map(Duration::as_millis).collect()
}

#[tokio::test(start_paused = true)]
async fn constant_waits_the_same_after_every_task() {
    let starts = task_starts(
        constant(2.0),
        vec![Duration::from_millis(500); 10],
        Duration::from_millis(7600),
    )
    .await;
    // Task 0.5 s + wait 2 s: starts every 2.5 s.
    assert_eq!(millis(&starts), vec![0, 2500, 5000, 7500]);
}

#[tokio::test(start_paused = true)]
async fn between_waits_within_bounds() {
    let starts = task_starts(between(1.0, 3.0), vec![], Duration::from_secs(300)).await;
    let gaps: Vec<f64> = starts
        .windows(2)
        .map(|w| (w[1] - w[0]).as_secs_f64())
        .collect();
    assert!(gaps.len() > 100, "only {} tasks ran", gaps.len());
    assert!(
        gaps.iter().all(|&gap| (1.0..=3.0).contains(&gap)),
        "{gaps:?}"
    );
    let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
    assert!((mean - 2.0).abs() < 0.15, "mean gap {mean}");
    assert!(
        gaps.iter().any(|&gap| gap < 1.5) && gaps.iter().any(|&gap| gap > 2.5),
        "not spread: {gaps:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn constant_pacing_aims_at_task_starts_without_catching_up() {
    let work = secs(&[0.3, 1.5, 0.2, 0.4, 0.1]);
    let starts = task_starts(constant_pacing(1.0), work, Duration::from_millis(4600)).await;
    // 0.3 s task -> start at 1.0; 1.5 s overrun -> next at 2.5 with no wait; then back to a
    // 1 s period from there (2.5 -> 3.5 -> 4.5), the overrun is not caught up.
    assert_eq!(millis(&starts), vec![0, 1000, 2500, 3500, 4500]);
}

#[tokio::test(start_paused = true)]
async fn constant_throughput_is_pacing_per_user() {
    let starts = task_starts(
        constant_throughput(4.0),
        vec![Duration::from_millis(100); 20],
        Duration::from_millis(1900),
    )
    .await;
    assert_eq!(
        millis(&starts),
        vec![0, 250, 500, 750, 1000, 1250, 1500, 1750]
    );
}

#[tokio::test(start_paused = true)]
async fn default_wait_is_zero_and_tasks_run_back_to_back() {
    let starts = task_starts(
        WaitTime::default(),
        vec![Duration::from_millis(100); 50],
        Duration::from_millis(950),
    )
    .await;
    assert_eq!(
        millis(&starts),
        (0..10).map(|i| i * 100).collect::<Vec<_>>()
    );
}

/// A user whose task never awaits anything.
struct Busy {
    runs: Arc<Mutex<u64>>,
}

impl Busy {
    async fn spin(&mut self) -> TaskResult {
        *self.runs.lock().unwrap() += 1;
        Ok(())
    }
}

// Real time: under paused time a runtime that always has work never advances its clock.
#[tokio::test]
async fn a_user_that_never_awaits_does_not_starve_its_shard() {
    let runs = Arc::new(Mutex::new(0));
    let counter = Arc::clone(&runs);
    let class = UserClass::builder("Busy", move |_ctx| {
        Ok(Busy {
            runs: Arc::clone(&counter),
        })
    })
    .task("spin", 1, |user| Box::pin(user.spin()))
    .build();
    // Only returns if the busy user yields now and then.
    run_one_user(class, Duration::from_millis(20)).await;
    assert!(*runs.lock().unwrap() > 100);
}
