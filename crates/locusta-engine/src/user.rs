//! The life of one simulated user: on_start, then task, wait, task, ... until stopped.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use locusta_stats::Recorder;
use rand::rngs::SmallRng;
use tokio::time::Instant;

use crate::behaviour::BoxedUser;
use crate::picker::TaskPicker;
use crate::stop::StopSignals;
use crate::wait::Waiter;
use crate::{TaskError, WaitTime};

/// Everything a user needs to run, besides itself.
pub(crate) struct UserRun {
    pub(crate) class_name: std::sync::Arc<str>,
    pub(crate) picker: TaskPicker,
    pub(crate) wait_time: WaitTime,
    pub(crate) recorder: Recorder,
    pub(crate) rng: SmallRng,
    pub(crate) signals: StopSignals,
}

/// Runs `user` until it is stopped or stops itself.
pub(crate) async fn run_user(mut user: BoxedUser, mut run: UserRun) {
    let mut waiter = Waiter::new(run.wait_time, Instant::now());
    let signals = run.signals.clone();

    let started = tokio::select! {
        biased;
        () = signals.killed() => None,
        result = AssertUnwindSafe(user.on_start()).catch_unwind() => Some(result),
    };
    match started {
        None => return,
        Some(Ok(Ok(()))) => {}
        Some(Ok(Err(TaskError::StopUser))) => return finish(user, &run).await,
        Some(outcome) => {
            // Locust: an error in on_start ends the user, without on_stop.
            report(&*user, &run, "on_start", outcome);
            return;
        }
    }

    while !signals.is_stopping() {
        let index = run.picker.pick(&mut run.rng);
        let outcome = tokio::select! {
            biased;
            () = signals.killed() => break,
            outcome = AssertUnwindSafe(user.run_task(index)).catch_unwind() => outcome,
        };
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(TaskError::RescheduleImmediately)) => continue,
            Ok(Err(TaskError::StopUser)) => break,
            failed => report(&*user, &run, "task", failed),
        }
        let pause = waiter.next_wait(Instant::now(), &mut run.rng);
        if pause.is_zero() {
            // Back-to-back tasks still let the shard's other users and stop signals run: this
            // yields only once tokio's cooperative budget is spent, not after every task.
            tokio::task::consume_budget().await;
        } else {
            tokio::select! {
                biased;
                () = signals.stopping() => break,
                () = tokio::time::sleep(pause) => {}
            }
        }
    }
    finish(user, &run).await;
}

/// Runs `on_stop`; its errors are reported like task errors.
async fn finish(mut user: BoxedUser, run: &UserRun) {
    let outcome = AssertUnwindSafe(user.on_stop()).catch_unwind().await;
    report(&*user, run, "on_stop", outcome);
}

type HookOutcome = std::thread::Result<Result<(), TaskError>>;

/// Records a task exception (or panic) in the exceptions table and the log; a normal end or a
/// control-flow signal records nothing.
fn report(user: &dyn crate::UserBehaviour, run: &UserRun, hook: &str, outcome: HookOutcome) {
    let (message, traceback) = match outcome {
        Ok(Ok(())) | Ok(Err(TaskError::RescheduleImmediately | TaskError::StopUser)) => return,
        Ok(Err(error)) => (error.to_string(), user.traceback(&error)),
        Err(panic) => {
            let text = panic_text(&*panic);
            (
                format!("panic: {text}"),
                format!("panic in {} {hook}: {text}", run.class_name),
            )
        }
    };
    tracing::error!(target: "locusta::user", "{} {hook}: {message}", run.class_name);
    run.recorder.record_exception(&message, &traceback);
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "non-string panic payload".to_string()
    }
}
