//! Users that end by themselves (`StopUser`) are not counted as alive by the runner: a ramp
//! aims at live users, as Locust's does, and replaces them only when it next spawns.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use locusta_engine::{TaskError, TaskResult, UserClass, UserContext, constant};
use locusta_runner::Target;
use locusta_stats::{RunState, RunView};

use crate::support::{local, start_runner, wait_secs};

/// User 1 stops itself in its first task; the others idle.
struct Mortal {
    user_id: u64,
}

impl Mortal {
    fn new(ctx: &UserContext<'_>) -> Result<Self, TaskError> {
        Ok(Self {
            user_id: ctx.user_id,
        })
    }

    async fn live(&mut self) -> TaskResult {
        if self.user_id == 1 {
            return Err(TaskError::StopUser);
        }
        Ok(())
    }
}

fn mortal_class() -> UserClass {
    UserClass::builder("Mortal", Mortal::new)
        .wait_time(constant(1.0))
        .task("live", 1, |u| Box::pin(u.live()))
        .build()
}

fn live_users(view: &RunView) -> u64 {
    view.user_count()
}

#[tokio::test(start_paused = true)]
async fn a_ramp_down_ends_at_the_target_in_live_users() {
    local(async {
        let (handle, runner) = start_runner(vec![mortal_class()]);
        handle.start(Target::new(4, 100.0));
        wait_secs(2.5).await;
        assert_eq!(live_users(&handle.view()), 3, "user 1 stopped itself");
        // Locust stops live users until two are left; stopping users 3 and 2 alone would
        // leave one.
        handle.start(Target::new(2, 100.0));
        wait_secs(2.0).await;
        assert_eq!(live_users(&handle.view()), 2);
        handle.quit();
        runner.await.unwrap();
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_new_target_replaces_users_that_stopped_themselves_and_nothing_sooner() {
    local(async {
        let (handle, runner) = start_runner(vec![mortal_class()]);
        handle.start(Target::new(3, 100.0));
        wait_secs(5.5).await;
        assert_eq!(live_users(&handle.view()), 2, "not replaced while running");
        handle.start(Target::new(3, 100.0));
        wait_secs(2.0).await;
        assert_eq!(
            live_users(&handle.view()),
            3,
            "the same target again fills the gap"
        );
        handle.quit();
        runner.await.unwrap();
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn users_that_always_fail_to_start_do_not_respawn_forever() {
    local(async {
        let created = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&created);
        // An on_start that always fails, as against a server that is down.
        let class = UserClass::builder("Doomed", move |_ctx| {
            counter.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .wait_time(constant(1.0))
        .on_start(|_| Box::pin(async { Err(TaskError::StopUser) }))
        .task("never", 1, |_| Box::pin(async { Ok(()) }))
        .build();
        let (handle, runner) = start_runner(vec![class]);
        // Four ramp steps, with the first users' ends noticed while the ramp goes on.
        handle.start(Target::new(8, 2.0));
        wait_secs(10.0).await;
        let view = handle.view();
        assert_eq!(view.state(), RunState::Running, "the ramp ended");
        assert_eq!(live_users(&view), 0);
        assert_eq!(
            created.load(Ordering::Relaxed),
            8,
            "one ramp starts eight users"
        );
        handle.quit();
        runner.await.unwrap();
    })
    .await;
}
