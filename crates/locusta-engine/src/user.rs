//! The life of one simulated user: on_start, then task, wait, task, ... until stopped.
//! A picked TaskSet takes over with its own tasks (and possibly its own wait time) until one of
//! them interrupts it.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;
use locusta_stats::Recorder;
use rand::rngs::SmallRng;
use tokio::time::Instant;

use crate::behaviour::BoxedUser;
use crate::stop::StopSignals;
use crate::tasks::{Cursor, Entry, TaskList, TaskPlan};
use crate::wait::Waiter;
use crate::{TaskError, TaskResult, WaitTime};

/// Everything a user needs to run, besides itself.
pub(crate) struct UserRun {
    pub(crate) class_name: Arc<str>,
    pub(crate) plan: Arc<TaskPlan>,
    pub(crate) wait_time: WaitTime,
    pub(crate) recorder: Recorder,
    pub(crate) rng: SmallRng,
    pub(crate) signals: StopSignals,
}

/// How a list of tasks ended.
enum ListEnd {
    /// The user is stopping (stop, kill, or `StopUser`): unwind to `on_stop`.
    Stopped,
    /// A task interrupted the TaskSet.
    Interrupted { reschedule: bool },
}

/// Runs `user` until it is stopped or stops itself.
pub(crate) async fn run_user(mut user: BoxedUser, mut run: UserRun) {
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
    let plan = Arc::clone(&run.plan);
    let mut waiter = Waiter::new(run.wait_time, Instant::now());
    run_list(&mut user, &mut run, &plan.root, &mut waiter).await;
    finish(user, &run).await;
}

/// Runs the tasks of `list` until the user stops or (in a TaskSet) a task interrupts it.
async fn run_list(
    user: &mut BoxedUser,
    run: &mut UserRun,
    list: &TaskList,
    waiter: &mut Waiter,
) -> ListEnd {
    let signals = run.signals.clone();
    let mut cursor = Cursor::default();
    while !signals.is_stopping() {
        let skip_wait = match list.next(&mut cursor, &mut run.rng) {
            Entry::Call(call) => {
                let outcome = tokio::select! {
                    biased;
                    () = signals.killed() => return ListEnd::Stopped,
                    outcome = AssertUnwindSafe(user.run_task(*call)).catch_unwind() => outcome,
                };
                match outcome {
                    Ok(Ok(())) => false,
                    Ok(Err(TaskError::RescheduleImmediately)) => true,
                    Ok(Err(TaskError::StopUser)) => return ListEnd::Stopped,
                    Ok(Err(TaskError::Interrupt { reschedule })) => {
                        if list.set_id.is_some() {
                            return ListEnd::Interrupted { reschedule };
                        }
                        reschedule
                    }
                    failed => {
                        report(&**user, run, "task", failed);
                        false
                    }
                }
            }
            Entry::Set(set) => match run_set(user, run, set, waiter).await {
                ListEnd::Stopped => return ListEnd::Stopped,
                ListEnd::Interrupted { reschedule } => reschedule,
            },
        };
        if skip_wait {
            continue;
        }
        let pause = waiter.next_wait(Instant::now(), &mut run.rng);
        if pause.is_zero() {
            // Back-to-back tasks still let the shard's other users and stop signals run: this
            // yields only once tokio's cooperative budget is spent, not after every task.
            tokio::task::consume_budget().await;
        } else {
            tokio::select! {
                biased;
                () = signals.stopping() => return ListEnd::Stopped,
                () = tokio::time::sleep(pause) => {}
            }
        }
    }
    ListEnd::Stopped
}

/// Enters a TaskSet: its `on_start`, its tasks (boxed: the lists nest), its `on_stop`.
fn run_set<'a>(
    user: &'a mut BoxedUser,
    run: &'a mut UserRun,
    set: &'a TaskList,
    outer_waiter: &'a mut Waiter,
) -> LocalBoxFuture<'a, ListEnd> {
    Box::pin(async move {
        let id = set.set_id.expect("a nested list belongs to a TaskSet");
        let signals = run.signals.clone();
        let started = tokio::select! {
            biased;
            () = signals.killed() => return ListEnd::Stopped,
            outcome = AssertUnwindSafe(user.on_taskset_start(id)).catch_unwind() => outcome,
        };
        let end = match started {
            Ok(Ok(())) => {
                // A set with its own wait time keeps its own pacing state, as in Locust.
                let mut own_waiter;
                let waiter = match set.wait_time {
                    Some(wait_time) => {
                        own_waiter = Waiter::new(wait_time, Instant::now());
                        &mut own_waiter
                    }
                    None => &mut *outer_waiter,
                };
                run_list(user, run, set, waiter).await
            }
            Ok(Err(TaskError::StopUser)) => ListEnd::Stopped,
            Ok(Err(TaskError::Interrupt { reschedule })) => ListEnd::Interrupted { reschedule },
            failed => {
                // Locust: the error propagates to the enclosing list as a failed task.
                report(&**user, run, "TaskSet on_start", failed);
                ListEnd::Interrupted { reschedule: false }
            }
        };
        let stopped = AssertUnwindSafe(user.on_taskset_stop(id))
            .catch_unwind()
            .await;
        report(&**user, run, "TaskSet on_stop", stopped);
        end
    })
}

/// Runs `on_stop`; its errors are reported like task errors.
async fn finish(mut user: BoxedUser, run: &UserRun) {
    let outcome = AssertUnwindSafe(user.on_stop()).catch_unwind().await;
    report(&*user, run, "on_stop", outcome);
}

type HookOutcome = std::thread::Result<TaskResult>;

/// Records a task exception (or panic) in the exceptions table and the log; a normal end or a
/// control-flow signal records nothing.
fn report(user: &dyn crate::UserBehaviour, run: &UserRun, hook: &str, outcome: HookOutcome) {
    let (message, traceback) = match outcome {
        Ok(Ok(()))
        | Ok(Err(
            TaskError::RescheduleImmediately | TaskError::StopUser | TaskError::Interrupt { .. },
        )) => return,
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
