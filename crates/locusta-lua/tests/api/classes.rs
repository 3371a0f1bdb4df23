//! User classes: attributes, the forms of `tasks`, inheritance, per-user state, control flow.

use std::time::Duration;

use locusta_engine::{TaskSpec, WaitTime};
use locusta_target::{Target, TargetOptions};

use crate::support::{local, locustfile, run_script, run_users, view};

fn tasks(specs: &[TaskSpec]) -> Vec<(&str, u32)> {
    specs.iter().map(|t| (t.name.as_str(), t.weight)).collect()
}

#[test]
fn attributes_wait_times_and_task_forms() {
    let file = locustfile(
        r#"
Paced = HttpUser {
    host = "http://127.0.0.1:1",
    weight = 3,
    wait_time = constant_pacing(2),
}
task(2)
function Paced:a() end

Fixed = HttpUser { fixed_count = 4, wait_time = constant_throughput(4) }
function Fixed:one() end
function Fixed:two() end
Fixed.tasks = { "one", { Fixed.two, 5 } }

local function third(self) end
Keyed = User { wait_time = constant(0.5) }
function Keyed:first() end
function Keyed:second() end
Keyed.tasks = { second = 2, first = 1, [third] = 3 }

Base = HttpUser { abstract = true, wait_time = between(2, 1) }
task()
function Base:inherited() end
Child = Base {}
task(4)
function Child:own() end
"#,
    );
    assert_eq!(file.class_names(), ["Paced", "Fixed", "Keyed", "Child"]);
    let classes = file.user_classes();
    let paced = &classes[0];
    assert_eq!(paced.host.as_deref(), Some("http://127.0.0.1:1"));
    assert_eq!(paced.weight, 3.0);
    assert_eq!(
        paced.wait_time,
        WaitTime::ConstantPacing(Duration::from_secs(2))
    );
    assert_eq!(tasks(&paced.tasks), [("a", 2)]);
    let fixed = &classes[1];
    assert_eq!(fixed.fixed_count, 4);
    assert_eq!(
        fixed.wait_time,
        WaitTime::ConstantPacing(Duration::from_millis(250))
    );
    assert_eq!(tasks(&fixed.tasks), [("one", 1), ("two", 5)]);
    let keyed = &classes[2];
    assert_eq!(
        keyed.wait_time,
        WaitTime::Constant(Duration::from_millis(500))
    );
    assert_eq!(
        tasks(&keyed.tasks),
        [("third", 3), ("first", 1), ("second", 2)]
    );
    let child = &classes[3];
    assert_eq!(child.wait_time, locusta_engine::between(1.0, 2.0));
    assert_eq!(tasks(&child.tasks), [("inherited", 1), ("own", 4)]);
}

#[tokio::test(start_paused = true)]
async fn per_user_state_and_control_flow() {
    let (_view, target) = run_script(
        r#"
Counter = HttpUser {}

function Counter:on_start()
    self.count = 0
end

task()
function Counter:count_up()
    self.count = self.count + 1
    if self.count < 3 then
        error(RescheduleTaskImmediately)
    end
    self.client:get("/item?id=" .. self.count)
    error(StopUser)
end

function Counter:on_stop()
    self.client:get("/world")
end
"#,
    )
    .await;
    assert_eq!(
        target.count("GET", "/item"),
        1,
        "three runs, the third requests"
    );
    assert_eq!(target.count("GET", "/world"), 1, "on_stop ran once");
}

#[tokio::test(start_paused = true)]
async fn killed_user_still_runs_on_stop_with_its_state() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let file = locustfile(
        r#"
Sleeper = HttpUser {}

function Sleeper:on_start()
    self.name = "kept"
end

task()
function Sleeper:nap()
    self.client:get("/hello")
    sleep(3600)
end

function Sleeper:on_stop()
    self.client:get("/echo", { params = { name = self.name } })
end
"#,
    );
    let snapshot = local(run_users(
        file.user_classes(),
        &[0, 0],
        Some(target.url()),
        Duration::from_secs(5),
        Duration::ZERO,
    ))
    .await;
    assert_eq!(target.count("GET", "/hello"), 2);
    assert_eq!(
        target.count("GET", "/echo"),
        2,
        "on_stop ran after the kill"
    );
    let view = view(snapshot);
    assert!(view.exceptions().is_empty());
    assert!(
        view.entries()
            .iter()
            .any(|row| row.name() == "/echo?name=kept")
    );
}

#[tokio::test(start_paused = true)]
async fn host_comes_from_the_class_or_the_command_line() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let source = format!(
        r#"
Own = HttpUser {{ host = "{}" }}
task()
function Own:go()
    assert(self.host == "{}", tostring(self.host))
    self.client:get("/hello")
    error(StopUser)
end
"#,
        target.url(),
        target.url()
    );
    let file = locustfile(&source);
    local(crate::support::run_until_done(
        file.user_classes(),
        &[0],
        None,
        Duration::from_secs(10),
    ))
    .await;
    assert_eq!(target.count("GET", "/hello"), 1);
}
