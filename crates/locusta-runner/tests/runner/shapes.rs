//! Load shapes: ticks about once per second become targets; no result ends the run.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use locusta_runner::{
    LoadShape, RunnerConfig, ShapeContext, ShapeError, ShapeOptions, ShapeResult, ShapeTick, Stage,
    Stages, Target,
};
use locusta_stats::RunState;
use tokio::time::Instant;

use crate::support::{
    Log, RunnerTask, alive, alive_by_class, local, probe_class, start_runner_with, started,
    wait_secs,
};

/// A shape made of a function of the run time, which remembers every context it was given.
struct Scripted<F> {
    script: F,
    seen: Arc<Mutex<Vec<ShapeContext>>>,
    common: bool,
}

impl<F: FnMut(Duration) -> ShapeResult + Send> LoadShape for Scripted<F> {
    fn tick(&mut self, context: &ShapeContext) -> ShapeResult {
        self.seen.lock().unwrap().push(*context);
        (self.script)(context.run_time)
    }

    fn name(&self) -> &str {
        "Scripted"
    }

    fn use_common_options(&self) -> bool {
        self.common
    }
}

type Seen = Arc<Mutex<Vec<ShapeContext>>>;

fn scripted(
    script: impl FnMut(Duration) -> ShapeResult + Send + 'static,
) -> (Box<dyn LoadShape>, Seen) {
    let seen = Seen::default();
    let shape = Scripted {
        script,
        seen: Arc::clone(&seen),
        common: false,
    };
    (Box::new(shape), seen)
}

fn headless() -> RunnerConfig {
    RunnerConfig::default()
}

fn web_ui() -> RunnerConfig {
    RunnerConfig {
        quit_at_run_time: false,
        ..RunnerConfig::default()
    }
}

/// One probe class `User` and a runner driving `shape`.
fn shape_runner(
    log: &Log,
    origin: Instant,
    config: RunnerConfig,
    shape: Box<dyn LoadShape>,
) -> (locusta_runner::RunnerHandle, RunnerTask) {
    start_runner_with(
        vec![probe_class("User", 1.0, 0, origin, log)],
        config,
        Some(shape),
    )
}

#[tokio::test(start_paused = true)]
async fn ticks_become_targets_and_no_result_ends_the_run() {
    let log = Log::default();
    let origin = Instant::now();
    let (shape, seen) = scripted(|run_time| {
        Ok(match run_time.as_secs() {
            0..10 => Some(ShapeTick::new(5, 5.0)),
            10..20 => Some(ShapeTick::new(10, 1.0)),
            20..30 => Some(ShapeTick::new(2, 10.0)),
            _ => None,
        })
    });
    local(async {
        let (handle, runner) = shape_runner(&log, origin, headless(), shape);
        handle.start_shape(ShapeOptions::default());
        wait_secs(0.5).await;
        assert_eq!(alive(&log), 5, "the first tick comes at once");
        assert_eq!(handle.view().state(), RunState::Running);
        wait_secs(10.0).await; // t = 10.5: 5 + 1 at t = 10
        assert_eq!(alive(&log), 6);
        wait_secs(2.0).await; // t = 12.5
        assert_eq!(alive(&log), 8);
        wait_secs(5.0).await; // t = 17.5: 10 reached at t = 14
        assert_eq!(alive(&log), 10);
        wait_secs(3.0).await; // t = 20.5: down to 2 in one batch of 10
        assert_eq!(alive(&log), 2);
        let last = runner.await.unwrap();
        assert_eq!(
            origin.elapsed().as_secs(),
            30,
            "the tick at 30 s ended the run"
        );
        assert_eq!(last.state(), RunState::Stopped);
        assert_eq!(last.user_count(), 0);
    })
    .await;
    let times: Vec<Duration> = seen.lock().unwrap().iter().map(|c| c.run_time).collect();
    let expected: Vec<Duration> = (0..=30).map(Duration::from_secs).collect();
    assert_eq!(
        times, expected,
        "one tick per second, run time from the start"
    );
    assert_eq!(alive(&log), 0);
}

#[tokio::test(start_paused = true)]
async fn the_same_result_again_does_not_restart_the_ramp() {
    let log = Log::default();
    let origin = Instant::now();
    // One user every 2 s; if each tick restarted the ramp, a user would start every second.
    let (shape, _) = scripted(|_| Ok(Some(ShapeTick::new(4, 0.5))));
    local(async {
        let (handle, runner) = shape_runner(&log, origin, headless(), shape);
        handle.start_shape(ShapeOptions::default());
        wait_secs(7.0).await;
        handle.quit();
        runner.await.unwrap();
    })
    .await;
    let times: Vec<u64> = started(&log)
        .iter()
        .map(|(_, _, at)| at.as_secs())
        .collect();
    assert_eq!(times, [0, 2, 4, 6]);
}

#[tokio::test(start_paused = true)]
async fn in_web_mode_the_end_stops_the_test_and_a_restart_begins_from_zero() {
    let log = Log::default();
    let origin = Instant::now();
    let (shape, seen) = scripted(|run_time| {
        Ok((run_time < Duration::from_secs(3)).then(|| ShapeTick::new(2, 10.0)))
    });
    local(async {
        let (handle, runner) = shape_runner(&log, origin, web_ui(), shape);
        handle.start_shape(ShapeOptions::default());
        wait_secs(5.0).await;
        assert_eq!(handle.view().state(), RunState::Stopped);
        assert_eq!(alive(&log), 0);

        handle.start_shape(ShapeOptions::default());
        wait_secs(1.5).await;
        assert_eq!(alive(&log), 2);
        // A start while the shape drives the test is refused, as in Locust.
        handle.start(Target::new(7, 100.0));
        wait_secs(1.0).await;
        assert_eq!(alive(&log), 2);
        handle.quit();
        runner.await.unwrap();
    })
    .await;
    let times: Vec<u64> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|c| c.run_time.as_secs())
        .collect();
    assert_eq!(times, [0, 1, 2, 3, 0, 1, 2]);
}

#[tokio::test(start_paused = true)]
async fn stages_reach_each_count_at_their_spawn_rate() {
    let log = Log::default();
    let origin = Instant::now();
    let stages = Stages::new(vec![
        Stage::new(Duration::from_secs(10), 10, 5.0),
        Stage::new(Duration::from_secs(20), 4, 2.0),
        Stage::new(Duration::from_secs(30), 12, 4.0),
    ])
    .unwrap();
    local(async {
        let (handle, runner) = shape_runner(&log, origin, headless(), Box::new(stages));
        handle.start_shape(ShapeOptions::default());
        let mut counts = BTreeMap::new();
        for at in [
            0.5, 1.5, 9.5, 10.5, 11.5, 12.5, 19.5, 20.5, 21.5, 22.5, 29.5,
        ] {
            wait_secs(at - origin.elapsed().as_secs_f64()).await;
            counts.insert((at * 10.0) as u32, alive(&log));
        }
        let finished = runner.await.unwrap();
        assert_eq!(origin.elapsed(), Duration::from_secs(30));
        assert_eq!(finished.state(), RunState::Stopped);
        let expected: BTreeMap<u32, i64> = [
            (5, 5),    // 5 per step: 5 at once,
            (15, 10),  // 10 a second later
            (95, 10),  // held
            (105, 8),  // down by 2 per second from t = 10
            (115, 6),  //
            (125, 4),  // 4 reached at t = 12
            (195, 4),  // held
            (205, 8),  // up by 4 per second from t = 20
            (215, 12), // 12 reached at t = 21
            (225, 12), //
            (295, 12), // until the end at t = 30
        ]
        .into_iter()
        .collect();
        assert_eq!(counts, expected);
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn stages_with_user_classes_run_only_those_classes() {
    let log = Log::default();
    let origin = Instant::now();
    let stages = Stages::new(vec![
        Stage::new(Duration::from_secs(10), 4, 10.0).with_user_classes(["A"]),
        Stage::new(Duration::from_secs(20), 4, 10.0).with_user_classes(["B"]),
        Stage::new(Duration::from_secs(30), 4, 10.0).with_user_classes(["A", "B"]),
        // No classes: the previous stage's, as in Locust.
        Stage::new(Duration::from_secs(40), 8, 10.0),
    ])
    .unwrap();
    local(async {
        let (handle, runner) = start_runner_with(
            vec![
                probe_class("A", 1.0, 0, origin, &log),
                probe_class("B", 1.0, 0, origin, &log),
            ],
            headless(),
            Some(Box::new(stages)),
        );
        handle.start_shape(ShapeOptions::default());
        wait_secs(5.0).await;
        assert_eq!(alive_by_class(&log), [("A", 4)].into_iter().collect());
        wait_secs(10.0).await;
        assert_eq!(alive_by_class(&log), [("B", 4)].into_iter().collect());
        wait_secs(10.0).await;
        assert_eq!(
            alive_by_class(&log),
            [("A", 2), ("B", 2)].into_iter().collect()
        );
        wait_secs(10.0).await;
        assert_eq!(
            alive_by_class(&log),
            [("A", 4), ("B", 4)].into_iter().collect()
        );
        runner.await.unwrap();
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_failing_shape_is_recorded_as_an_exception_and_ends_the_run() {
    let log = Log::default();
    let origin = Instant::now();
    let (shape, _) = scripted(|run_time| {
        if run_time < Duration::from_secs(2) {
            Ok(Some(ShapeTick::new(1, 1.0)))
        } else {
            Err(ShapeError {
                message: "tick exploded".to_owned(),
                traceback: "shape.lua:3".to_owned(),
            })
        }
    });
    local(async {
        let (handle, runner) = shape_runner(&log, origin, headless(), shape);
        handle.start_shape(ShapeOptions::default());
        let finished = runner.await.unwrap();
        assert_eq!(origin.elapsed(), Duration::from_secs(2));
        let exceptions = finished.exceptions();
        assert_eq!(exceptions.len(), 1);
        assert_eq!(exceptions[0].msg(), "load shape Scripted: tick exploded");
        assert_eq!(exceptions[0].traceback(), "shape.lua:3");
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn an_invalid_tick_ends_the_run_with_the_reason() {
    let log = Log::default();
    let origin = Instant::now();
    let (shape, _) = scripted(|_| Ok(Some(ShapeTick::new(1, 1.0).with_user_classes(["Nope"]))));
    local(async {
        let (handle, runner) = shape_runner(&log, origin, headless(), shape);
        handle.start_shape(ShapeOptions::default());
        let finished = runner.await.unwrap();
        let exceptions = finished.exceptions();
        assert_eq!(exceptions.len(), 1);
        assert!(
            exceptions[0]
                .msg()
                .contains("unknown user class 'Nope' (known classes: User)"),
            "{}",
            exceptions[0].msg()
        );
    })
    .await;
    assert!(started(&log).is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_shape_using_the_common_options_reads_them_and_obeys_the_run_time() {
    let log = Log::default();
    let origin = Instant::now();
    let seen = Seen::default();
    let shape = Scripted {
        script: |_| Ok(Some(ShapeTick::new(3, 3.0))),
        seen: Arc::clone(&seen),
        common: true,
    };
    let options = ShapeOptions {
        users: Some(3),
        spawn_rate: Some(3.0),
        run_time: Some(Duration::from_secs(5)),
    };
    local(async {
        let (handle, runner) = shape_runner(&log, origin, headless(), Box::new(shape));
        handle.start_shape(options);
        runner.await.unwrap();
        assert_eq!(origin.elapsed(), Duration::from_secs(5), "-t stopped it");
    })
    .await;
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].options, options);
    assert_eq!(seen[0].user_count, 0);
    assert_eq!(seen[1].user_count, 3, "users the runner has started");
}

#[tokio::test(start_paused = true)]
async fn a_shape_ignoring_the_common_options_ignores_their_run_time() {
    let log = Log::default();
    let origin = Instant::now();
    let (shape, seen) =
        scripted(
            |run_time| Ok((run_time < Duration::from_secs(8)).then(|| ShapeTick::new(1, 1.0))),
        );
    local(async {
        let (handle, runner) = shape_runner(&log, origin, headless(), shape);
        handle.start_shape(ShapeOptions {
            users: Some(50),
            spawn_rate: Some(5.0),
            run_time: Some(Duration::from_secs(3)),
        });
        runner.await.unwrap();
        assert_eq!(
            origin.elapsed(),
            Duration::from_secs(8),
            "the shape ended it"
        );
    })
    .await;
    assert_eq!(seen.lock().unwrap()[0].options, ShapeOptions::default());
}
