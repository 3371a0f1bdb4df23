//! What a distributed worker asks of its runner: exact users per class, and the statistics
//! recorded since it last asked.

use std::collections::BTreeMap;

use locusta_runner::RunnerConfig;
use locusta_stats::RunState;
use tokio::time::Instant;

use crate::support::{
    Log, alive_by_class, caller_class, local, probe_class, start_runner, start_runner_with,
    started, stopped, wait_secs,
};

#[tokio::test(start_paused = true)]
async fn exact_targets_move_only_the_users_that_must_move() {
    let log: Log = Log::default();
    let origin = Instant::now();
    local(async {
        // Weights would give another mix: exact targets ignore them.
        let (handle, runner) = start_runner(vec![
            probe_class("A", 5.0, 0, origin, &log),
            probe_class("B", 1.0, 0, origin, &log),
        ]);
        handle.start_exact(vec![3, 1], 100.0);
        wait_secs(2.0).await;
        assert_eq!(alive_by_class(&log), BTreeMap::from([("A", 3), ("B", 1)]));
        assert_eq!(handle.view().state(), RunState::Running);
        assert_eq!(handle.view().users_by_class(), [3, 1]);
        let first_a: Vec<u64> = started(&log)
            .iter()
            .filter(|(_, class, _)| *class == "A")
            .map(|(user, _, _)| *user)
            .collect();

        handle.start_exact(vec![1, 3], 100.0);
        wait_secs(2.0).await;
        assert_eq!(alive_by_class(&log), BTreeMap::from([("A", 1), ("B", 3)]));
        assert_eq!(started(&log).len(), 6, "only the two new B users started");
        let gone = stopped(&log);
        assert_eq!(gone.len(), 2, "only two A users stopped");
        assert!(
            gone.iter().all(|user| first_a[1..].contains(user)),
            "the newest A users stopped, the oldest stayed: {gone:?} of {first_a:?}"
        );

        handle.start_exact(vec![1], 100.0);
        wait_secs(1.0).await;
        assert_eq!(
            alive_by_class(&log),
            BTreeMap::from([("A", 1), ("B", 3)]),
            "a target for other classes is ignored"
        );
        handle.quit();
        runner.await.unwrap();
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn taken_statistics_are_each_delta_once_and_the_totals_stay_whole() {
    local(async {
        let config = RunnerConfig {
            keep_deltas: true,
            ..RunnerConfig::default()
        };
        let (handle, runner) = start_runner_with(vec![caller_class()], config, None);
        // One user calling at 0.1, 0.5, 0.9, ... s.
        handle.start_exact(vec![1], 1.0);
        wait_secs(1.0).await;
        let first = handle.take_stats().await;
        assert_eq!(first.total().num_requests(), 3);
        wait_secs(1.0).await;
        let second = handle.take_stats().await;
        assert_eq!(second.total().num_requests(), 2, "1.3 and 1.7 s only");
        assert_eq!(handle.take_stats().await.total().num_requests(), 0);
        handle.quit();
        let view = runner.await.unwrap();
        assert_eq!(
            view.total().num_requests(),
            5,
            "the runner's own totals keep everything taken"
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn without_keep_deltas_nothing_is_kept_for_taking() {
    local(async {
        let (handle, runner) = start_runner(vec![caller_class()]);
        handle.start_exact(vec![1], 1.0);
        wait_secs(1.0).await;
        assert!(handle.take_stats().await.is_empty());
        handle.quit();
        assert_eq!(runner.await.unwrap().total().num_requests(), 3);
    })
    .await;
}
