//! TaskSets, SequentialTaskSets and tags written with the Rust API, run by the real engine
//! against the demo target under paused time; checked against what the target received.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use locusta::engine::TaskFn;
use locusta::prelude::*;
use locusta_target::{Target, TargetOptions};
use tokio::time::Instant;

use crate::support::{local, run_users};

/// A user whose every task requests one marker path (`/bytes/N`), so the target's counts say
/// which tasks ran.
struct Marker {
    client: HttpSession,
}

impl Marker {
    async fn hit(&mut self, marker: u32) -> TaskResult {
        self.client.get(&format!("/bytes/{marker}")).send().await?;
        Ok(())
    }
}

fn marker_class(name: &str) -> locusta::engine::UserClassBuilder<Marker> {
    UserClass::builder(name, |ctx| {
        Ok(Marker {
            client: ctx.http_client()?,
        })
    })
}

fn count(target: &Target, marker: u32) -> u64 {
    target.count("GET", &format!("/bytes/{marker}"))
}

async fn run(class: UserClass, users: usize, target: &Target, seconds: u64) {
    local(run_users(
        vec![class],
        &vec![0; users],
        Some(target.url()),
        Duration::from_secs(seconds),
        // Running users finish their task: hooks and sequences stay whole.
        Duration::MAX,
    ))
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_sequential_set_runs_its_tasks_in_order_each_weight_times() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let checkout = TaskSetBuilder::<Marker>::sequential("Checkout")
        .task("cart", 2, |u| Box::pin(u.hit(1)))
        .task("pay", 1, |u| Box::pin(u.hit(2)))
        .task("done", 1, |u| {
            Box::pin(async move {
                u.hit(3).await?;
                Err(TaskError::Interrupt { reschedule: false })
            })
        });
    let class = marker_class("Shopper")
        .wait_time(constant(1.0))
        .task_set(1, checkout)
        .build();
    run(class, 2, &target, 30).await;

    let (cart, pay, done) = (count(&target, 1), count(&target, 2), count(&target, 3));
    assert!(done >= 2, "several checkouts: {done}");
    // Each user's cycle is cart, cart, pay, done; a stop may fall inside a cycle.
    assert!(
        (done..=done + 2).contains(&pay),
        "one pay per done: {pay} {done}"
    );
    assert!(
        (2 * pay - 2..=2 * pay + 4).contains(&cart),
        "cart twice per pay: {cart} {pay}"
    );
}

type Log = Arc<Mutex<Vec<(&'static str, Instant)>>>;

/// A user whose tasks only note when they ran: without I/O, paused time is exact, so the
/// waits can be checked to the millisecond.
struct Clocked {
    log: Log,
}

impl Clocked {
    fn note(&mut self, what: &'static str) {
        self.log.lock().unwrap().push((what, Instant::now()));
    }
}

/// Runs one user of `build(log)` for `seconds` and returns what its tasks noted, with times
/// in seconds since the first note.
async fn timeline(seconds: u64, build: impl FnOnce(Log) -> UserClass) -> Vec<(&'static str, f64)> {
    let log: Log = Arc::default();
    local(run_users(
        vec![build(Arc::clone(&log))],
        &[0],
        None,
        Duration::from_secs(seconds),
        Duration::MAX,
    ))
    .await;
    let log = log.lock().unwrap();
    let start = log[0].1;
    log.iter()
        .map(|&(what, at)| (what, (at - start).as_secs_f64()))
        .collect()
}

/// Browse (its own 1 s wait): view, then leave with `reschedule`; the user waits 10 s.
fn browsing_class(log: Log, reschedule: bool) -> UserClass {
    let leave: TaskFn<Clocked> = if reschedule {
        |u| {
            u.note("leave");
            Box::pin(async { Err(TaskError::Interrupt { reschedule: true }) })
        }
    } else {
        |u| {
            u.note("leave");
            Box::pin(async { Err(TaskError::Interrupt { reschedule: false }) })
        }
    };
    let browse = TaskSetBuilder::<Clocked>::sequential("Browse")
        .wait_time(constant(1.0))
        .task("view", 1, |u| {
            u.note("view");
            Box::pin(async { Ok(()) })
        })
        .task("leave", 1, leave);
    UserClass::builder("Clocked", move |_| {
        Ok(Clocked {
            log: Arc::clone(&log),
        })
    })
    .wait_time(constant(10.0))
    .task_set(1, browse)
    .build()
}

#[tokio::test(start_paused = true)]
async fn a_set_wait_time_overrides_the_users_and_interrupt_reschedule_skips_the_wait() {
    for reschedule in [true, false] {
        let noted = timeline(25, |log| browsing_class(log, reschedule)).await;
        // view, the set's 1 s, leave, then no wait (rescheduled) or the user's 10 s, view, ...
        let gap_after_leave = if reschedule { 0.0 } else { 10.0 };
        // The first 20 s are compared: what happens at the 25 s stop is not the point here.
        let mut expected = Vec::new();
        let mut at = 0.0;
        while at < 20.0 {
            expected.push(("view", at));
            expected.push(("leave", at + 1.0));
            at += 1.0 + gap_after_leave;
        }
        let noted: Vec<(&str, f64)> = noted
            .into_iter()
            .map(|(what, at)| (what, (at * 1000.0).round() / 1000.0))
            .take(expected.len())
            .collect();
        assert_eq!(noted, expected, "reschedule: {reschedule}");
    }
}

#[tokio::test(start_paused = true)]
async fn sets_nest_two_levels_deep_with_hooks_on_every_entry_and_exit() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let inner = TaskSetBuilder::<Marker>::sequential("Inner")
        .on_start(|u| Box::pin(u.hit(8)))
        .on_stop(|u| Box::pin(u.hit(9)))
        .task("inner_view", 1, |u| Box::pin(u.hit(7)))
        .task("inner_leave", 1, |_| {
            Box::pin(async { Err(TaskError::Interrupt { reschedule: true }) })
        });
    let outer = TaskSetBuilder::<Marker>::sequential("Outer")
        .task("outer_view", 1, |u| Box::pin(u.hit(6)))
        .task_set(1, inner)
        .task("outer_leave", 1, |_| {
            Box::pin(async { Err(TaskError::Interrupt { reschedule: false }) })
        });
    let class = marker_class("Nested")
        .wait_time(constant(1.0))
        .task("root", 1, |u| Box::pin(u.hit(10)))
        .task_set(1, outer)
        .build();
    const USERS: usize = 3;
    run(class, USERS, &target, 60).await;

    let (outer_views, inner_views) = (count(&target, 6), count(&target, 7));
    let (inner_starts, inner_stops) = (count(&target, 8), count(&target, 9));
    assert!(count(&target, 10) > 0, "the user's own task ran too");
    assert!(inner_views > 0, "the inner set ran");
    assert_eq!(
        inner_starts, inner_stops,
        "every entry into Inner is left through on_stop"
    );
    assert!(
        inner_starts.abs_diff(inner_views) <= USERS as u64,
        "one inner view per entry: {inner_starts} {inner_views}"
    );
    assert!(
        outer_views.abs_diff(inner_starts) <= USERS as u64,
        "Inner is entered once per Outer cycle: {outer_views} {inner_starts}"
    );
}

fn tagged_class() -> UserClass {
    let admin = TaskSetBuilder::<Marker>::new("Admin")
        .tags(&["admin"])
        .task("settings", 1, |u| Box::pin(u.hit(21)))
        .tagged_task("audit", 1, &["slow"], |u| Box::pin(u.hit(22)));
    marker_class("Tagged")
        .wait_time(constant(1.0))
        .tagged_task("search", 1, &["fast"], |u| Box::pin(u.hit(23)))
        .tagged_task("report", 1, &["slow"], |u| Box::pin(u.hit(24)))
        .task("home", 1, |u| Box::pin(u.hit(25)))
        .task_set(1, admin)
        .build()
}

/// Which markers got requests when the class runs with `filter`.
async fn markers_hit(filter: TagFilter) -> Vec<u32> {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let class = tagged_class().with_tag_filter(&filter);
    run(class, 4, &target, 60).await;
    (21..=25)
        .filter(|&marker| count(&target, marker) > 0)
        .collect()
}

fn tags(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

#[tokio::test(start_paused = true)]
async fn tags_include_exclude_and_both_select_the_tasks_that_run() {
    let include = TagFilter {
        include: tags(&["fast", "admin"]),
        exclude: vec![],
    };
    assert_eq!(markers_hit(include).await, [21, 22, 23]);

    let exclude = TagFilter {
        include: vec![],
        exclude: tags(&["slow"]),
    };
    assert_eq!(markers_hit(exclude).await, [21, 23, 25]);

    let both = TagFilter {
        include: tags(&["admin", "slow"]),
        exclude: tags(&["slow"]),
    };
    assert_eq!(markers_hit(both).await, [21]);

    let nothing = tagged_class().with_tag_filter(&TagFilter {
        include: tags(&["missing"]),
        exclude: vec![],
    });
    assert!(!nothing.has_runnable_tasks());
}
