//! The view's current percentiles cover the last ten seconds (Locust's "current" response
//! time percentiles), while the totals keep the whole run.

use std::time::Duration;

use locusta_engine::{TaskResult, UserClass, UserContext, constant};
use locusta_runner::Target;
use locusta_stats::{PERCENTILES_TO_CHART, Recorder};
use tokio::time::Instant;

use crate::support::{local, record_get, start_runner, wait_secs};

/// Answers in 100 ms for its first 30 s, then in 5 ms.
struct GetsFaster {
    recorder: Recorder,
    born: Instant,
}

impl GetsFaster {
    fn new(ctx: &UserContext<'_>) -> Result<Self, locusta_engine::TaskError> {
        Ok(Self {
            recorder: ctx.recorder.clone(),
            born: Instant::now(),
        })
    }

    async fn call(&mut self) -> TaskResult {
        let took = if self.born.elapsed() < Duration::from_secs(30) {
            Duration::from_millis(100)
        } else {
            Duration::from_millis(5)
        };
        record_get(&self.recorder, "/", took);
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn current_percentiles_forget_what_is_older_than_ten_seconds() {
    local(async {
        let class = UserClass::builder("GetsFaster", GetsFaster::new)
            .wait_time(constant(0.5))
            .task("call", 1, |u| Box::pin(u.call()))
            .build();
        let (handle, runner) = start_runner(vec![class]);
        handle.start(Target::new(1, 1.0));
        wait_secs(5.5).await;
        let young = handle.view();
        // Younger than the window: everything so far.
        let [median, p95] = PERCENTILES_TO_CHART;
        assert_eq!(young.current_percentiles_ms(), [100.0, 100.0]);
        assert_eq!(young.total().percentile_ms(median), 100.0);

        wait_secs(40.0).await;
        // t = 45.5 s: 60 slow calls, then 31 fast ones, the last 20 of them within 10 s.
        let view = handle.view();
        assert_eq!(view.current_percentiles_ms(), [5.0, 5.0]);
        let total = view.total();
        assert_eq!(total.percentile_ms(median), 100.0);
        assert_eq!(total.percentile_ms(p95), 100.0);
        handle.quit();
        runner.await.unwrap();
    })
    .await;
}
