//! The life of one simulated user: on_start, then task, wait, task, ... until stopped.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use locusta_stats::Recorder;
use rand::rngs::SmallRng;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::behaviour::BoxedUser;
use crate::picker::TaskPicker;
use crate::wait::Waiter;
use crate::{TaskError, WaitTime};

/// How a user is asked to stop (Locust's `--stop-timeout` semantics).
///
/// `graceful`: a waiting user stops at once, a running user after its current task.
/// `kill`: the running task is abandoned (its in-flight request is not recorded).
#[derive(Clone, Default)]
pub(crate) struct StopSignals {
    pub(crate) graceful: CancellationToken,
    pub(crate) kill: CancellationToken,
}

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
        () = signals.kill.cancelled() => None,
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

    while !signals.graceful.is_cancelled() {
        let index = run.picker.pick(&mut run.rng);
        let outcome = tokio::select! {
            biased;
            () = signals.kill.cancelled() => break,
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
                () = signals.graceful.cancelled() => break,
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
