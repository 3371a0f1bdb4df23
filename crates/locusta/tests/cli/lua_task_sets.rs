//! The Lua TaskSet examples (examples/taskset.lua, examples/checkout.lua) and tags, through
//! the real binary against the demo target.

use std::time::Duration;

use locusta_target::{Target, TargetOptions};

use crate::binary::{Run, example, locusta};

fn run_example(file: &str, target: &Target, extra: &[&str]) -> Run {
    let path = example(file);
    let url = target.url();
    let mut args = vec![
        "-f",
        path.to_str().unwrap(),
        "-H",
        url.as_str(),
        "--headless",
        "--only-summary",
    ];
    args.extend_from_slice(extra);
    locusta(&args, Duration::from_secs(60))
}

#[test]
fn the_browse_taskset_takes_over_the_user_until_it_interrupts() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    // Running tasks finish at the stop, so every visit that started is whole.
    let run = run_example(
        "taskset.lua",
        &target,
        &["-u", "4", "-r", "4", "-t", "4s", "-s", "10s"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let visits = target.count("GET", "/hello");
    let items = target.count("GET", "/item");
    let home = target.count("GET", "/");
    assert!(
        visits > 0 && home > 0,
        "both the user's and the set's tasks ran"
    );
    // Inside Browse: view_item (4) : slow_page (1) : back_home (1), 0.2 s apart, so a visit
    // holds about four items; the user's own 1 s wait applies only outside the set.
    assert!(
        items > 2 * visits,
        "several items per visit, at the set's short wait: {items} items, {visits} visits"
    );
    assert_eq!(run.row("GET", "/item").requests, items);
    assert_eq!(
        run.row("GET", "/hello").requests,
        visits,
        "on_start once per visit"
    );
}

#[test]
fn the_sequential_checkout_runs_its_steps_in_order() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let run = run_example(
        "checkout.lua",
        &target,
        &["-u", "3", "-r", "3", "-t", "3s", "-s", "10s"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(target.count("POST", "/login"), 3);
    let items = target.count("GET", "/item");
    let addresses = target.count("POST", "/echo");
    let payments = target.count("POST", "/predict");
    assert!(
        payments >= 3,
        "every shopper paid at least once: {payments}"
    );
    // add_to_cart twice, address, pay: whole cycles, since running tasks finish.
    assert!(
        (payments..=payments + 3).contains(&addresses),
        "{addresses} {payments}"
    );
    assert!(
        (2 * addresses - 3..=2 * addresses).contains(&items),
        "two items per address: {items} {addresses}"
    );
    assert_eq!(run.row("POST", "/pay").requests, payments);
}

#[test]
fn tags_select_lua_tasks_inside_tasksets() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let run = run_example(
        "taskset.lua",
        &target,
        &["-u", "2", "-r", "2", "-t", "3s", "-T", "slow"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(target.count("GET", "/slow") > 0, "the tagged task ran");
    assert_eq!(target.count("GET", "/item"), 0, "untagged tasks did not");
    assert_eq!(
        target.count("GET", "/"),
        0,
        "nor the user's own untagged task"
    );

    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let run = run_example(
        "taskset.lua",
        &target,
        &["-u", "2", "-r", "2", "-t", "3s", "-E", "slow"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        target.count("GET", "/slow"),
        0,
        "the excluded task did not run"
    );
    assert!(target.count("GET", "/item") > 0);

    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let run = run_example(
        "taskset.lua",
        &target,
        &["-u", "1", "-r", "1", "-t", "1s", "-T", "nothing"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("No tasks left to run after filtering with --tags nothing"),
        "{}",
        run.stderr
    );
}
