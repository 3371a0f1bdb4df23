//! Load shapes in Lua: `LoadTestShape { ... }` with a tick method and the `Stages { ... }`
//! helper, found at load, checked, and driven by a real runner under paused time.

use std::sync::Arc;
use std::time::Duration;

use locusta_engine::{Engine, EngineConfig, Resources, UserClass};
use locusta_http::HttpConfig;
use locusta_lua::{LoadError, Locustfile};
use locusta_runner::{
    LoadShape, Runner, RunnerConfig, RunnerHandle, ShapeContext, ShapeOptions, ShapeTick, Stage,
};
use locusta_stats::{Clock, RunState, RunView};
use locusta_target::{Target, TargetOptions};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::support::{load_error, local, locustfile};

/// The repository's examples themselves, so the tests and the examples cannot drift apart.
const STAGES_EXAMPLE: &str = include_str!("../../../../examples/stages_shape.lua");
const CUSTOM_EXAMPLE: &str = include_str!("../../../../examples/custom_shape.lua");

fn at(run_time: f64) -> ShapeContext {
    ShapeContext {
        run_time: Duration::from_secs_f64(run_time),
        user_count: 0,
        options: ShapeOptions::default(),
    }
}

fn shape_of(file: &Locustfile) -> Box<dyn LoadShape> {
    file.shape()
        .unwrap_or_else(|e| panic!("the shape did not start: {e}"))
        .expect("a shape")
}

/// `(users, spawn_rate)` of a tick, or `None` for the end.
fn tick(shape: &mut dyn LoadShape, context: ShapeContext) -> Option<(u64, f64)> {
    shape
        .tick(&context)
        .unwrap_or_else(|e| panic!("tick failed: {e}\n{}", e.traceback))
        .map(|tick| (tick.users, tick.spawn_rate))
}

#[test]
fn a_file_without_a_shape_has_none() {
    let file = locustfile("Web = User {}\ntask()\nfunction Web:run() end\n");
    assert_eq!(file.shape_name(), None);
    assert!(file.shape().unwrap().is_none());
}

#[test]
fn the_stages_example_is_read_as_locusts_cumulative_stages() {
    let file = locustfile(STAGES_EXAMPLE);
    assert_eq!(file.shape_name(), Some("StagesShape"));
    let mut shape = shape_of(&file);
    assert_eq!(shape.name(), "StagesShape");
    assert!(!shape.use_common_options());
    let expected = [
        (0.0, Some((10, 10.0))),
        (59.9, Some((10, 10.0))),
        (60.0, Some((50, 10.0))),
        (150.0, Some((100, 10.0))),
        (200.0, Some((30, 10.0))),
        (225.0, Some((10, 10.0))),
        (235.0, Some((1, 1.0))),
        (240.0, None),
    ];
    for (run_time, wanted) in expected {
        assert_eq!(
            tick(shape.as_mut(), at(run_time)),
            wanted,
            "at {run_time} s"
        );
    }
}

#[test]
fn the_custom_shape_example_ticks_in_its_own_lua_vm() {
    let file = locustfile(CUSTOM_EXAMPLE);
    assert_eq!(file.shape_name(), Some("MyCustomShape"));
    let mut shape = shape_of(&file);
    assert_eq!(shape.name(), "MyCustomShape");
    for (run_time, wanted) in [
        (0.0, Some((0, 20.0))),
        (49.0, Some((0, 20.0))),
        (51.0, Some((100, 20.0))),
        (420.0, Some((400, 20.0))),
        (599.5, Some((600, 20.0))),
        (600.0, None),
    ] {
        assert_eq!(
            tick(shape.as_mut(), at(run_time)),
            wanted,
            "at {run_time} s"
        );
    }
}

#[test]
fn a_tick_shape_reads_its_state_the_common_options_and_resets_its_time() {
    let file = locustfile(
        r#"
Web = User {}
task()
function Web:run() end
Api = User {}
task()
function Api:run() end

Probe = LoadTestShape { use_common_options = true }

function Probe:tick(run_time)
    if run_time >= 3 and not self.was_reset then
        self.was_reset = true
        self:reset_time()
    end
    local users = math.floor(self:get_run_time()) * 10 + self:get_current_user_count()
    local options = self.parsed_options
    return users, options.spawn_rate or 1, { Web, "Api" }
end
"#,
    );
    let mut shape = shape_of(&file);
    assert!(shape.use_common_options());
    let mut context = at(0.0);
    context.user_count = 2;
    context.options.spawn_rate = Some(4.0);
    let mut users = Vec::new();
    for second in 0..6 {
        context.run_time = Duration::from_secs(second);
        let result = shape.tick(&context).unwrap().unwrap();
        assert_eq!(result.spawn_rate, 4.0);
        assert_eq!(
            result.user_classes,
            Some(vec!["Web".to_owned(), "Api".to_owned()])
        );
        users.push(result.users);
    }
    // get_run_time restarts from 0 at the reset (t = 3 s); the user count is added.
    assert_eq!(users, [2, 12, 22, 2, 12, 22]);
}

#[test]
fn errors_in_a_tick_are_reported_with_their_location() {
    let file = locustfile(
        r#"
Web = User {}
task()
function Web:run() end

Broken = LoadTestShape {}
function Broken:tick(run_time)
    if run_time < 1 then
        return 1.5, 1
    elseif run_time < 2 then
        return 1, 1, { "Web", Broken }
    elseif run_time < 3 then
        sleep(1)
    elseif run_time < 4 then
        return 1
    end
    local missing = nil
    return missing.users, 1
end
"#,
    );
    let mut shape = shape_of(&file);
    let message = |shape: &mut Box<dyn LoadShape>, run_time| {
        let error = shape.tick(&at(run_time)).unwrap_err();
        (error.message, error.traceback)
    };
    assert!(
        message(&mut shape, 0.0)
            .0
            .contains("tick() returned 1.5 users")
    );
    assert!(
        message(&mut shape, 1.0)
            .0
            .contains("user_classes tick() returned entry 2 is not a user class")
    );
    assert!(
        message(&mut shape, 2.0)
            .0
            .contains("sleep() can only be called from a user's task")
    );
    assert!(
        message(&mut shape, 3.0)
            .0
            .contains("the spawn rate was nothing")
    );
    let (text, traceback) = message(&mut shape, 9.0);
    assert!(text.contains("locustfile.lua:18:"), "{text}");
    assert!(text.contains("attempt to index nil"), "{text}");
    assert!(traceback.contains("locustfile.lua:18"), "{traceback}");
}

#[test]
fn a_tick_that_never_returns_is_stopped_by_the_runaway_guard() {
    let file = locustfile(
        r#"
Web = User {}
task()
function Web:run() end

Spin = LoadTestShape {}
function Spin:tick()
    while true do end
end
"#,
    )
    .with_runaway_limit(Duration::from_millis(100));
    let mut shape = shape_of(&file);
    let error = shape.tick(&at(0.0)).unwrap_err();
    assert!(
        error.message.contains("Spin.tick ran for more than"),
        "{}",
        error.message
    );
}

#[test]
fn invalid_shapes_are_load_errors_naming_the_file_and_line() {
    let cases = [
        (
            "Shape = LoadTestShape {}\n",
            2,
            "load shape Shape: a load shape needs a tick method",
        ),
        (
            "Shape = Stages {\n  { duration = 60, users = 10, spawn_rate = 1 },\n  { duration = 60, users = 5, spawn_rate = 1 },\n}\n",
            2,
            "load shape Shape: stage 2 ends at 60s, not after stage 1 (60s)",
        ),
        (
            "Shape = Stages { { duration = 10, users = 1.5, spawn_rate = 1 } }\n",
            2,
            "stage 1 needs users as a whole number >= 0, got 1.5",
        ),
        (
            "Shape = Stages { { users = 1, spawn_rate = 1 } }\n",
            2,
            "stage 1 needs a duration",
        ),
        (
            "Shape = Stages { { duration = 10, users = 1, spawn_rate = 0 } }\n",
            2,
            "stage 1: spawn_rate must be a finite number > 0",
        ),
        (
            "Shape = Stages { { duration = 10, users = 1, spawn_rate = 1, user_classes = { \"Nope\" } } }\n",
            2,
            "stage 1 user_classes: 'Nope' is not a user class of the locustfile (known: Web)",
        ),
        (
            "Shape = Stages { { duration = 10, users = 1, spawn_rate = 1, user_classes = { {} } } }\n",
            2,
            "stage 1 user_classes entry 1 is not a user class",
        ),
    ];
    for (shape, line, expected) in cases {
        let source = format!("Web = User {{}}\ntask()\nfunction Web:run() end\n{shape}");
        let (error, path) = load_error("locustfile.lua", &source);
        assert!(
            matches!(error, LoadError::InvalidShape { .. }),
            "{shape}: {error:?}"
        );
        let text = error.to_string();
        let location = format!("{}:{}: ", path.display(), line + 2);
        assert!(text.starts_with(&location), "{text}");
        assert!(text.contains(expected), "{text}");
    }
}

#[test]
fn stages_take_class_tables_time_spans_and_a_last_stage_held_for_ever() {
    let file = locustfile(
        r#"
Web = User {}
task()
function Web:run() end

Base = LoadTestShape { abstract = true }
function Base:tick() return 1, 1 end

Ramp = Stages {
    { duration = "1m", users = 10, spawn_rate = 10, user_classes = { Web } },
    { duration = math.huge, users = 20, spawn_rate = 2 },
}

Later = Stages { { duration = 1, users = 1, spawn_rate = 1 } }
"#,
    );
    assert_eq!(file.shape_name(), Some("Ramp"), "the first shape found");
    let mut shape = shape_of(&file);
    assert_eq!(
        shape.tick(&at(59.0)).unwrap(),
        Some(ShapeTick::new(10, 10.0).with_user_classes(["Web"]))
    );
    assert_eq!(shape.tick(&at(1e9)).unwrap(), Some(ShapeTick::new(20, 2.0)));
    let _ = Stage::new(Duration::ZERO, 0, 1.0);
}

/// An engine and runner over `file`'s classes and shape, on the current `LocalSet`, aiming
/// HTTP users at `host`.
fn start_runner(
    file: &Locustfile,
    host: Option<String>,
) -> (RunnerHandle, JoinHandle<Arc<RunView>>) {
    let classes: Arc<[UserClass]> = Arc::from(file.user_classes());
    let clock = Clock::start();
    let mut resources = Resources::default();
    // Under paused time the clock jumps ahead while a request waits for the network, so a
    // connect timeout could fire spuriously: make it longer than any test.
    resources.insert(
        HttpConfig::builder()
            .connect_timeout(Duration::from_secs(24 * 3600))
            .build()
            .expect("HTTP config"),
    );
    let engine = Engine::start_local(EngineConfig {
        threads: 2,
        classes: Arc::clone(&classes),
        host_override: host,
        resources,
        seed: 11,
        clock,
    });
    let config = RunnerConfig {
        clock,
        ..RunnerConfig::default()
    };
    let (runner, handle) = Runner::new(engine, classes, config);
    let runner = runner.with_shape(shape_of(file));
    (handle, tokio::task::spawn_local(runner.run()))
}

/// Lets paused time reach `origin + secs` in 10 ms steps: under paused time the clock jumps to
/// the next timer whenever the runtime waits for the network, and a step bounds that jump.
async fn until(origin: Instant, secs: f64) {
    let end = origin + Duration::from_secs_f64(secs);
    while Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_lua_tick_shape_drives_the_runner_and_its_end_ends_the_run() {
    let file = locustfile(
        r#"
Worker = User { wait_time = constant(1) }
task()
function Worker:work() end

Other = User { wait_time = constant(1) }
task()
function Other:work() end

Wave = LoadTestShape { spawn_rate = 10 }
function Wave:tick(run_time)
    if run_time < 5 then
        return 4, self.spawn_rate, { Worker }
    elseif run_time < 10 then
        return 6, 2, { "Worker", Other }
    end
    return nil
end
"#,
    );
    let origin = Instant::now();
    local(async {
        let (handle, runner) = start_runner(&file, None);
        // The shape starts half a second after the runner, so its steps (at x.5 s) never
        // coincide with the statistics collections (whole seconds) the views come from.
        until(origin, 0.5).await;
        handle.start_shape(ShapeOptions::default());
        until(origin, 3.75).await;
        assert_eq!(handle.view().users_by_class(), [4, 0]);
        // At shape time 5 s: 6 users of both classes at 2 per second; the mix is rebuilt (one
        // Worker too many stops, three Others start).
        until(origin, 9.75).await;
        assert_eq!(handle.view().users_by_class(), [3, 3]);
        let finished = runner.await.unwrap();
        assert_eq!(origin.elapsed(), Duration::from_millis(10_500));
        assert_eq!(finished.state(), RunState::Stopped);
        assert!(finished.exceptions().is_empty());
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_stages_example_runs_against_the_demo_target() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let file = locustfile(STAGES_EXAMPLE);
    let origin = Instant::now();
    let finished = local(async {
        let (handle, runner) = start_runner(&file, Some(target.url()));
        until(origin, 0.5).await;
        handle.start_shape(ShapeOptions::default());
        // (time since the shape started, users): well after each stage's ramp at its rate.
        for (shape_time, users, state) in [
            (30.0, 10, RunState::Running),
            (90.0, 50, RunState::Running),
            (170.0, 100, RunState::Running),
            (210.0, 30, RunState::Running),
            (228.0, 10, RunState::Running),
            // The last stage goes from 10 to 1 at one user per second (9 at 230 s, ..., 1 at
            // 238 s); a view shows the counts of the last whole second, here 233.5 s.
            (234.0, 6, RunState::Spawning),
            (238.5, 1, RunState::Running),
        ] {
            until(origin, shape_time + 0.75).await;
            let view = handle.view();
            assert_eq!(view.state(), state, "at {shape_time} s");
            assert_eq!(view.user_count(), users, "at {shape_time} s");
        }
        runner.await.unwrap()
    })
    .await;
    assert_eq!(
        origin.elapsed(),
        Duration::from_millis(240_500),
        "the shape ended the run"
    );
    assert_eq!(finished.user_count(), 0);
    let served = target.count("GET", "/");
    assert!(served > 1000, "{served} requests");
    // Users are stopped at once (Locust's default stop timeout of 0): a request in flight is
    // abandoned, not recorded. 100 users are stopped in all (100 -> 30 -> 10 -> 1 -> 0).
    let recorded = finished.total().num_requests();
    assert!(
        recorded <= served && served - recorded <= 100,
        "recorded {recorded}, served {served}"
    );
    assert_eq!(finished.total().num_failures(), 0);
    let exceptions: Vec<String> = finished
        .exceptions()
        .iter()
        .map(|row| format!("{} ({}x)\n{}", row.msg(), row.count(), row.traceback()))
        .collect();
    assert!(exceptions.is_empty(), "{}", exceptions.join("\n"));
}
