//! `--reset-stats`: the statistics restart when the ramp-up completes.

use std::sync::Arc;
use std::time::Duration;

use locusta_engine::{TaskResult, UserClass, UserContext, constant};
use locusta_runner::{RunnerConfig, Target};
use locusta_stats::{Outcome, Recorder, RunView};
use tokio::time::Instant;

use crate::support::{local, start_runner_with, wait_secs};

/// Records one request per task; starts its tasks 0.1 s after it is spawned, so no request
/// coincides with a spawn step.
struct Caller {
    recorder: Recorder,
}

impl Caller {
    fn new(ctx: &UserContext<'_>) -> Result<Self, locusta_engine::TaskError> {
        Ok(Self {
            recorder: ctx.recorder.clone(),
        })
    }

    async fn settle(&mut self) -> TaskResult {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok(())
    }

    async fn call(&mut self) -> TaskResult {
        self.recorder.record(
            "GET",
            "/",
            &Outcome {
                response_time: Some(Duration::from_millis(5)),
                content_length: 0,
                error: None,
                finished_at: Instant::now(),
            },
        );
        Ok(())
    }
}

fn caller_class() -> UserClass {
    UserClass::builder("Caller", Caller::new)
        .wait_time(constant(0.4))
        .on_start(|u| Box::pin(u.settle()))
        .task("call", 1, |u| Box::pin(u.call()))
        .build()
}

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
