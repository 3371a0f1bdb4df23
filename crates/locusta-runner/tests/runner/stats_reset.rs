//! `--reset-stats`: the statistics restart when the ramp-up completes.

use std::sync::Arc;

use locusta_runner::{RunnerConfig, Target};
use locusta_stats::RunView;

use crate::support::{caller_class, local, start_runner_with, wait_secs};

/// Two users at one per second (the ramp completes at t = 1 s), quit at t = 2.45 s.
async fn run(reset_stats: bool) -> Arc<RunView> {
    local(async {
        let config = RunnerConfig {
            reset_stats,
            ..RunnerConfig::default()
        };
        let (handle, runner) = start_runner_with(vec![caller_class()], config, None);
        handle.start(Target::new(2, 1.0));
        wait_secs(2.45).await;
        handle.quit();
        runner.await.unwrap()
    })
    .await
}

#[tokio::test(start_paused = true)]
async fn reset_stats_drops_what_the_ramp_up_recorded() {
    // User 0 calls at 0.1, 0.5, 0.9, 1.3, 1.7, 2.1 s; user 1 at 1.1, 1.5, 1.9, 2.3 s.
    let whole = run(false).await;
    assert_eq!(whole.total().num_requests(), 10);
    let reset = run(true).await;
    assert_eq!(
        reset.total().num_requests(),
        7,
        "the three calls before t = 1 s are gone"
    );
    let started_at = |view: &RunView| view.snapshot().total().start_time().unwrap();
    assert!(
        (started_at(&reset) - started_at(&whole) - 1.0).abs() < 0.01,
        "statistics restart at t = 1 s: {} vs {}",
        started_at(&reset),
        started_at(&whole)
    );
}
