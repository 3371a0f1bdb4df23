//! A graceful stop (`--stop-timeout`) does not freeze the runner: users finishing their task
//! keep recording and the view keeps showing it, and orders given meanwhile are obeyed, in
//! order, once the stop is over.

use std::time::Duration;

use locusta_engine::{TaskResult, UserClass, UserContext, constant};
use locusta_runner::{RunnerConfig, Target};
use locusta_stats::{Recorder, RunState};
use tokio::time::Instant;

use crate::support::{local, record_get, start_runner_with, wait_secs};

/// One long task: after 0.25 s, a request every second, five in all (at 1.25 … 5.25 s from the
/// user's start), so no request coincides with a statistics collection on whole seconds.
struct Slow {
    recorder: Recorder,
}

impl Slow {
    fn new(ctx: &UserContext<'_>) -> Result<Self, locusta_engine::TaskError> {
        Ok(Self {
            recorder: ctx.recorder.clone(),
        })
    }

    async fn five_calls(&mut self) -> TaskResult {
        tokio::time::sleep(Duration::from_millis(250)).await;
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            record_get(&self.recorder, "/slow", Duration::from_millis(5));
        }
        Ok(())
    }
}

fn slow_class() -> UserClass {
    UserClass::builder("Slow", Slow::new)
        .wait_time(constant(0.0))
        .task("five_calls", 1, |u| Box::pin(u.five_calls()))
        .build()
}

fn graceful() -> RunnerConfig {
    RunnerConfig {
        stop_timeout: Duration::from_secs(30),
        ..RunnerConfig::default()
    }
}

#[tokio::test(start_paused = true)]
async fn statistics_keep_coming_while_users_finish_their_tasks() {
    local(async {
        let (handle, runner) = start_runner_with(vec![slow_class()], graceful(), None);
        handle.start(Target::new(2, 100.0));
        wait_secs(0.5).await;
        handle.stop();
        wait_secs(3.0).await;
        // t = 3.5 s: both users are still in their task, and the collection at 3 s saw their
        // calls at 1.25 and 2.25 s.
        let view = handle.view();
        assert_eq!(view.state(), RunState::Stopping);
        assert_eq!(view.snapshot().total().num_requests(), 4);
        assert_eq!(view.user_count(), 2, "users count until they have finished");
        wait_secs(2.5).await;
        let view = handle.view();
        assert_eq!(view.state(), RunState::Stopped);
        assert_eq!(view.snapshot().total().num_requests(), 10);
        assert_eq!(view.user_count(), 0);
        handle.quit();
        runner.await.unwrap();
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn orders_given_during_a_stop_are_obeyed_in_order_once_it_is_over() {
    local(async {
        let (handle, runner) = start_runner_with(vec![slow_class()], graceful(), None);
        handle.start(Target::new(2, 100.0));
        wait_secs(0.5).await;
        handle.stop();
        wait_secs(0.5).await;
        handle.start(Target::new(3, 100.0));
        handle.start(Target::new(1, 100.0));
        // Statistics are still handed over at once (a distributed worker asks every second).
        let asked = Instant::now();
        handle.take_stats().await;
        assert_eq!(asked.elapsed(), Duration::ZERO);
        wait_secs(3.0).await;
        assert_eq!(handle.view().state(), RunState::Stopping);
        // The old users end at 5.25 s; then the first start is a new test and the second edits
        // it down to one user (counted by the collection at 6 s).
        wait_secs(2.5).await;
        let view = handle.view();
        assert_eq!(view.state(), RunState::Running);
        assert_eq!(view.user_count(), 1);
        assert_eq!(
            view.snapshot().total().num_requests(),
            0,
            "a new test starts from nothing"
        );
        handle.quit();
        let end = runner.await.unwrap();
        assert_eq!(end.state(), RunState::Stopped);
    })
    .await;
}
