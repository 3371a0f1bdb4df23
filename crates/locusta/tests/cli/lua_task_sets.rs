//! The Lua TaskSet examples (examples/taskset.lua, examples/checkout.lua) and tags, through
//! the real binary against the demo target.

use locusta_target::{Target, TargetOptions};

use crate::binary::{example, run_headless};

#[test]
fn the_browse_taskset_takes_over_the_user_until_it_interrupts() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    // Running tasks finish at the stop, so every visit that started is whole.
    let run = run_headless(
        &example("taskset.lua"),
        &target,
        &["-u", "4", "-r", "4", "-t", "4s", "-s", "10s", "--seed", "7"],
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
    // holds four items on average (a visit cut by the stop, fewer); the user's own 1 s wait
    // applies only outside the set.
    assert!(
        items >= visits,
        "items are viewed during visits, at the set's short wait: {items} items, {visits} visits"
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
    let run = run_headless(
        &example("checkout.lua"),
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
    // add_to_cart twice, address, pay. A running task finishes at the stop but the waits
    // between steps do not, so each of the 3 shoppers may stop anywhere in its last cycle:
    // after one or two items (up to 2 items more than two per address) or after the address
    // (one address more than payments).
    assert!(
        (payments..=payments + 3).contains(&addresses),
        "{addresses} {payments}"
    );
    assert!(
        (2 * addresses..=2 * addresses + 6).contains(&items),
        "two items per address: {items} {addresses}"
    );
    assert_eq!(run.row("POST", "/pay").requests, payments);
}

#[test]
fn tags_select_lua_tasks_inside_tasksets() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let run = run_headless(
        &example("taskset.lua"),
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
    let run = run_headless(
        &example("taskset.lua"),
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
    let run = run_headless(
        &example("taskset.lua"),
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

const NESTED: &str = r#"
Inner = SequentialTaskSet {}
function Inner:on_start() self.client:get("/bytes/1") end
function Inner:on_stop() self.client:get("/bytes/2") end
task() function Inner:view()
    assert(self.parent.user == self.user, "the parent is the Outer instance")
    self.client:get("/bytes/3")
end
task() function Inner:leave() self:interrupt() end

Outer = SequentialTaskSet { wait_time = constant(0.05) }
task() function Outer:view() self.client:get("/bytes/4") end
task() Outer.inner = Inner
task() function Outer:leave() self:interrupt(false) end

Nested = HttpUser { wait_time = constant(0.2) }
task() Nested.outer = Outer
"#;

#[test]
fn lua_tasksets_nest_two_levels_with_hooks_on_every_entry_and_exit() {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let dir = crate::binary::scratch_dir("lua-nested-sets");
    let file = dir.join("nested.lua");
    std::fs::write(&file, NESTED).unwrap();
    let run = run_headless(
        &file,
        &target,
        &["-u", "2", "-r", "2", "-t", "3s", "-s", "10s"],
    );
    assert_eq!(run.code, Some(0), "no task error:\n{}", run.stderr);
    let (starts, stops) = (
        target.count("GET", "/bytes/1"),
        target.count("GET", "/bytes/2"),
    );
    let (inner_views, outer_views) = (
        target.count("GET", "/bytes/3"),
        target.count("GET", "/bytes/4"),
    );
    assert!(starts >= 4, "Inner was entered again and again: {starts}");
    assert_eq!(starts, stops, "every entry into Inner left through on_stop");
    assert_eq!(starts, inner_views, "one view per Inner visit");
    assert!(
        outer_views.abs_diff(starts) <= 2,
        "Inner once per Outer cycle: {outer_views} {starts}"
    );
}
