//! Errors are data: a task error is recorded with its Lua traceback and the user carries on;
//! an on_start error ends the user; a runaway loop is stopped and reported.

use std::time::Duration;

use locusta_target::{Target, TargetOptions};

use crate::support::{local, locustfile, run_until_done, run_users, view};

#[tokio::test]
async fn task_error_is_recorded_with_traceback_and_the_user_continues() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let file = locustfile(
        r#"
Flaky = HttpUser { wait_time = constant(0.05) }

local function check(cart)
    if #cart == 0 then
        error("the cart was empty")
    end
end

task()
function Flaky:buy()
    self.client:get("/hello")
    check({})
end
"#,
    );
    let path = file.files()[0].display().to_string();
    let snapshot = local(run_users(
        file.user_classes(),
        &[0, 0],
        Some(target.url()),
        Duration::from_millis(600),
        Duration::ZERO,
    ))
    .await;
    // Two users, a task every 50 ms (real time), every one failing after its request, and
    // the users carried on.
    let tasks = target.count("GET", "/hello");
    assert!(tasks >= 8, "{tasks} tasks");
    let view = view(snapshot);
    let exceptions = view.exceptions();
    assert_eq!(exceptions.len(), 1, "grouped by traceback");
    let row = &exceptions[0];
    assert_eq!(row.count(), tasks);
    assert_eq!(row.msg(), format!("{path}:6: the cart was empty"));
    eprintln!("traceback:\n{}", row.traceback());
    assert!(
        row.traceback().contains(&format!("{path}:6")),
        "{}",
        row.traceback()
    );
    assert!(
        row.traceback().contains(&format!("{path}:13")),
        "{}",
        row.traceback()
    );
    assert!(!row.traceback().contains("locusta:"), "{}", row.traceback());
}

#[tokio::test(start_paused = true)]
async fn on_start_error_ends_the_user_without_on_stop() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let file = locustfile(
        r#"
Broken = HttpUser {}

function Broken:on_start()
    self.client:post("/login", { json = { username = "foo" } })
    local token = nil
    self.client:get("/hello?token=" .. token)
end

task()
function Broken:work()
    self.client:get("/world")
end

function Broken:on_stop()
    self.client:get("/item?id=stop")
end
"#,
    );
    let path = file.files()[0].display().to_string();
    let (snapshot, ended) = local(run_until_done(
        file.user_classes(),
        &[0, 0, 0],
        Some(target.url()),
        Duration::from_secs(10),
    ))
    .await;
    assert!(ended, "every user ended");
    assert_eq!(target.count("POST", "/login"), 3);
    assert_eq!(target.count("GET", "/world"), 0, "no task ran");
    assert_eq!(target.count("GET", "/item"), 0, "no on_stop");
    let view = view(snapshot);
    let exceptions = view.exceptions();
    assert_eq!(exceptions.len(), 1);
    assert_eq!(exceptions[0].count(), 3);
    eprintln!(
        "msg: {}\ntraceback:\n{}",
        exceptions[0].msg(),
        exceptions[0].traceback()
    );
    assert!(
        exceptions[0]
            .msg()
            .starts_with(&format!("{path}:7: attempt to concatenate")),
        "{}",
        exceptions[0].msg()
    );
}

#[tokio::test]
async fn runaway_loop_is_reported_and_the_shard_goes_on() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let file = locustfile(
        r#"
Spinner = HttpUser { wait_time = constant(0.05) }

task()
function Spinner:spin()
    self.client:get("/hello")
    local n = 0
    while true do
        n = n + 1
    end
end

Polite = HttpUser { wait_time = constant(0.05) }

task()
function Polite:work()
    self.client:get("/world")
end
"#,
    )
    .with_runaway_limit(Duration::from_millis(200));
    let path = file.files()[0].display().to_string();
    let snapshot = local(run_users(
        file.user_classes(),
        &[0, 1],
        Some(target.url()),
        Duration::from_millis(1500),
        Duration::ZERO,
    ))
    .await;
    let view = view(snapshot);
    let exceptions = view.exceptions();
    assert_eq!(
        exceptions.len(),
        1,
        "{:?}",
        exceptions.iter().map(|e| e.msg()).collect::<Vec<_>>()
    );
    let row = &exceptions[0];
    eprintln!("msg: {}\ntraceback:\n{}", row.msg(), row.traceback());
    assert!(
        row.count() >= 2,
        "the spinner ran again after its error: {}",
        row.count()
    );
    assert!(
        row.msg()
            .contains("Spinner.spin ran for more than 200ms without yielding"),
        "{}",
        row.msg()
    );
    assert!(
        row.traceback().contains(&format!("{path}:8 function spin")),
        "{}",
        row.traceback()
    );
    assert!(target.count("GET", "/world") >= 2, "the other user ran too");
}

#[tokio::test]
async fn a_runaway_that_swallows_its_error_is_stopped_by_force() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let file = locustfile(
        r#"
Stubborn = HttpUser { wait_time = constant(0.05) }

task()
function Stubborn:spin()
    self.client:get("/hello")
    while true do
        pcall(function()
            while true do end
        end)
    end
end
"#,
    )
    .with_runaway_limit(Duration::from_millis(200));
    let snapshot = local(run_users(
        file.user_classes(),
        &[0],
        Some(target.url()),
        Duration::from_millis(2500),
        Duration::ZERO,
    ))
    .await;
    let view = view(snapshot);
    let exceptions = view.exceptions();
    let messages: Vec<&str> = exceptions.iter().map(|e| e.msg()).collect();
    assert_eq!(exceptions.len(), 1, "{messages:?}");
    let row = &exceptions[0];
    assert!(
        row.msg()
            .contains("Stubborn.spin ran for more than 200ms without yielding"),
        "{}",
        row.msg()
    );
    assert!(
        row.traceback().contains("stopped by force after 1s more"),
        "{}",
        row.traceback()
    );
    assert!(target.count("GET", "/hello") >= 1);
}

#[tokio::test]
async fn a_bare_coroutine_yield_lets_the_others_run_and_the_task_goes_on() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let file = locustfile(
        r#"
Yielder = HttpUser { wait_time = constant(0.05) }

task()
function Yielder:work()
    for _ = 1, 3 do
        coroutine.yield()
    end
    self.client:get("/hello")
end
"#,
    );
    let snapshot = local(run_users(
        file.user_classes(),
        &[0, 0],
        Some(target.url()),
        Duration::from_millis(500),
        Duration::ZERO,
    ))
    .await;
    let view = view(snapshot);
    let exceptions: Vec<_> = view
        .exceptions()
        .iter()
        .map(|e| e.msg().to_owned())
        .collect();
    assert!(exceptions.is_empty(), "{exceptions:?}");
    assert!(target.count("GET", "/hello") >= 4);
}
