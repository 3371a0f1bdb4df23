//! How a user is asked to stop (Locust's `--stop-timeout` semantics), without locks.
//!
//! `graceful`: a waiting user stops at once, a running user after its current task.
//! `kill`: the running task is abandoned (its in-flight request is not recorded).
//!
//! A user and everything that signals it live on one shard thread, so two `Cell`s and the
//! user task's waker are enough. (`tokio_util`'s `CancellationToken` locks a mutex on every
//! `is_cancelled` and every wait: measurable per task on back-to-back users, and two of them
//! cost about 220 bytes per user.)

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// The stop flags of one user, shared by the user's task and its shard.
#[derive(Clone, Default)]
pub(crate) struct StopSignals(Rc<State>);

#[derive(Default)]
struct State {
    graceful: Cell<bool>,
    kill: Cell<bool>,
    /// The user task, when it waits for a flag. Only that task ever waits, so one slot does.
    waiter: RefCell<Option<Waker>>,
}

impl StopSignals {
    /// Asks the user to stop after its current task (at once while it waits).
    pub(crate) fn stop_gracefully(&self) {
        self.0.graceful.set(true);
        self.wake();
    }

    /// Abandons the user's current task.
    pub(crate) fn kill(&self) {
        self.0.graceful.set(true);
        self.0.kill.set(true);
        self.wake();
    }

    /// Whether a graceful stop (or a kill) was asked for.
    pub(crate) fn is_stopping(&self) -> bool {
        self.0.graceful.get()
    }

    /// Resolves once a graceful stop (or a kill) is asked for.
    pub(crate) fn stopping(&self) -> Flag<'_> {
        Flag {
            state: &self.0,
            kill: false,
        }
    }

    /// Resolves once the user is killed.
    pub(crate) fn killed(&self) -> Flag<'_> {
        Flag {
            state: &self.0,
            kill: true,
        }
    }

    fn wake(&self) {
        if let Some(waker) = self.0.waiter.borrow_mut().take() {
            waker.wake();
        }
    }
}

/// A future that resolves when its flag is set.
pub(crate) struct Flag<'a> {
    state: &'a State,
    kill: bool,
}

impl Future for Flag<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let set = if self.kill {
            self.state.kill.get()
        } else {
            self.state.graceful.get()
        };
        if set {
            return Poll::Ready(());
        }
        let mut waiter = self.state.waiter.borrow_mut();
        if !waiter
            .as_ref()
            .is_some_and(|known| known.will_wake(cx.waker()))
        {
            *waiter = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn flags_wake_the_waiting_task() {
        let signals = StopSignals::default();
        let waiting = signals.clone();
        let local = tokio::task::LocalSet::new();
        local
            .run_until(async move {
                let waiter = tokio::task::spawn_local(async move {
                    waiting.stopping().await;
                    assert!(waiting.is_stopping());
                    waiting.killed().await;
                });
                tokio::task::yield_now().await;
                signals.stop_gracefully();
                tokio::task::yield_now().await;
                assert!(!waiter.is_finished(), "a graceful stop is not a kill");
                signals.kill();
                waiter.await.unwrap();
            })
            .await;
    }
}
