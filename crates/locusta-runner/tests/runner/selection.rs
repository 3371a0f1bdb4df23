//! Targets restricted to some user classes, and `--equal-weights`.

use std::collections::BTreeMap;

use locusta_runner::{RunnerConfig, Target};
use locusta_stats::RunState;
use tokio::time::Instant;

use crate::support::{
    Log, alive_by_class, count_class, local, probe_class, start_runner, start_runner_with, started,
    stopped, wait_secs,
};

fn only(classes: &[&str]) -> Option<Vec<String>> {
    Some(classes.iter().map(|name| name.to_string()).collect())
}

fn counts(pairs: &[(&'static str, i64)]) -> BTreeMap<&'static str, i64> {
    pairs.iter().copied().collect()
}

#[tokio::test(start_paused = true)]
async fn a_subset_target_spawns_only_its_classes_in_their_weighted_mix() {
    let log: Log = Log::default();
    let origin = Instant::now();
    local(async {
        let (handle, runner) = start_runner(vec![
            probe_class("Web", 3.0, 0, origin, &log),
            probe_class("Mobile", 1.0, 0, origin, &log),
            probe_class("Admin", 1.0, 1, origin, &log),
        ]);
        handle.start(Target {
            user_classes: only(&["Web", "Mobile"]),
            ..Target::new(8, 100.0)
        });
        wait_secs(2.0).await;
        assert_eq!(handle.view().user_count(), 8);
        handle.quit();
        runner.await.unwrap();
    })
    .await;
    let starts = started(&log);
    assert_eq!(count_class(&starts, "Admin"), 0, "not selected");
    assert_eq!(count_class(&starts, "Web"), 6);
    assert_eq!(count_class(&starts, "Mobile"), 2);
}

#[tokio::test(start_paused = true)]
async fn dropping_a_class_mid_run_stops_its_users_newest_first_at_the_spawn_rate() {
    let log: Log = Log::default();
    let origin = Instant::now();
    local(async {
        let (handle, runner) = start_runner(vec![
            probe_class("A", 1.0, 0, origin, &log),
            probe_class("B", 1.0, 0, origin, &log),
        ]);
        handle.start(Target {
            user_classes: only(&["A"]),
            ..Target::new(6, 100.0)
        });
        wait_secs(1.5).await;
        assert_eq!(alive_by_class(&log), counts(&[("A", 6)]));

        // Swap to B at 2 users per second: two A out and two B in at each step.
        handle.start(Target {
            user_classes: only(&["B"]),
            ..Target::new(6, 2.0)
        });
        wait_secs(0.5).await;
        assert_eq!(alive_by_class(&log), counts(&[("A", 4), ("B", 2)]));
        assert_eq!(stopped(&log), [5, 4], "the newest A users go first");
        wait_secs(1.0).await;
        assert_eq!(alive_by_class(&log), counts(&[("A", 2), ("B", 4)]));
        wait_secs(1.0).await;
        assert_eq!(alive_by_class(&log), counts(&[("B", 6)]));
        wait_secs(2.0).await;
        assert_eq!(handle.view().state(), RunState::Running);
        assert_eq!(handle.view().users_by_class(), [0, 6]);

        // An edit without a selection keeps the running test's classes, as in Locust.
        handle.start(Target::new(8, 100.0));
        wait_secs(1.0).await;
        assert_eq!(alive_by_class(&log), counts(&[("B", 8)]));

        // Both classes again: the weighted mix is rebuilt, B users are kept.
        handle.start(Target {
            user_classes: only(&["A", "B"]),
            ..Target::new(6, 100.0)
        });
        wait_secs(1.0).await;
        assert_eq!(alive_by_class(&log), counts(&[("A", 3), ("B", 3)]));

        // A new test without a selection runs every class.
        handle.stop();
        wait_secs(1.0).await;
        handle.start(Target::new(4, 100.0));
        wait_secs(1.0).await;
        assert_eq!(alive_by_class(&log), counts(&[("A", 2), ("B", 2)]));
        handle.quit();
        runner.await.unwrap();
    })
    .await;
    let b_users: Vec<u64> = started(&log)
        .iter()
        .filter(|(_, class, _)| *class == "B")
        .map(|(user, _, _)| *user)
        .collect();
    assert_eq!(b_users.len(), 8 + 2, "no B user was replaced by another");
}

#[tokio::test(start_paused = true)]
async fn unknown_or_empty_selections_are_ignored() {
    let log: Log = Log::default();
    let origin = Instant::now();
    local(async {
        let (handle, runner) = start_runner(vec![probe_class("A", 1.0, 0, origin, &log)]);
        handle.start(Target {
            user_classes: only(&["Nope"]),
            ..Target::new(3, 10.0)
        });
        handle.start(Target {
            user_classes: only(&[]),
            ..Target::new(3, 10.0)
        });
        wait_secs(2.0).await;
        assert_eq!(handle.view().state(), RunState::Ready);
        handle.quit();
        runner.await.unwrap();
    })
    .await;
    assert!(started(&log).is_empty());
}

#[tokio::test(start_paused = true)]
async fn equal_weights_count_every_class_once_and_keep_fixed_counts() {
    let log: Log = Log::default();
    let origin = Instant::now();
    local(async {
        let config = RunnerConfig {
            equal_weights: true,
            ..RunnerConfig::default()
        };
        let (handle, runner) = start_runner_with(
            vec![
                probe_class("Web", 3.0, 0, origin, &log),
                probe_class("Mobile", 1.0, 0, origin, &log),
                probe_class("Admin", 1.0, 1, origin, &log),
            ],
            config,
            None,
        );
        handle.start(Target::new(9, 100.0));
        wait_secs(2.0).await;
        handle.quit();
        runner.await.unwrap();
    })
    .await;
    let starts = started(&log);
    assert_eq!(count_class(&starts, "Admin"), 1);
    assert_eq!(count_class(&starts, "Web"), 4);
    assert_eq!(count_class(&starts, "Mobile"), 4);
}
