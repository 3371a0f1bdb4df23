//! Users that end by themselves (`StopUser`) are not counted as alive by the runner: a ramp
//! aims at live users, as Locust's does, and replaces them only when it next spawns.

use locusta_engine::{TaskError, TaskResult, UserClass, UserContext, constant};
use locusta_runner::Target;
use locusta_stats::RunView;

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
