use futures_util::future::LocalBoxFuture;

use crate::{TaskError, TaskResult};

/// The seam the engine drives: one live simulated user, whatever language it is written in.
///
/// Rust users implement it through [`crate::UserClassBuilder`]; the Lua host implements it with
/// coroutines. The engine owns everything else: choosing tasks by weight, waiting, stopping,
/// recording task exceptions.
pub trait UserBehaviour {
    /// Called once before the first task. An error ends this user (it is not restarted).
    fn on_start(&mut self) -> LocalBoxFuture<'_, TaskResult>;
    /// Runs the task whose [`crate::TaskKind::Call`] number is `index` (for a class without
    /// TaskSets: the index into [`crate::UserClass::tasks`]).
    fn run_task(&mut self, index: usize) -> LocalBoxFuture<'_, TaskResult>;
    /// Called once when the user stops.
    fn on_stop(&mut self) -> LocalBoxFuture<'_, TaskResult>;
    /// Called each time the user enters TaskSet number `set` (its [`crate::TaskSetSpec::id`]),
    /// before its first task. `TaskError::Interrupt` here leaves the set at once.
    fn on_taskset_start(&mut self, set: usize) -> LocalBoxFuture<'_, TaskResult> {
        let _ = set;
        Box::pin(std::future::ready(Ok(())))
    }
    /// Called when the user leaves TaskSet number `set`: interrupted, or the user stopping.
    fn on_taskset_stop(&mut self, set: usize) -> LocalBoxFuture<'_, TaskResult> {
        let _ = set;
        Box::pin(std::future::ready(Ok(())))
    }
    /// Text identifying where a task exception came from, used to group the exceptions table
    /// (Locust groups by traceback). Defaults to the error's message.
    fn traceback(&self, error: &TaskError) -> String {
        error.to_string()
    }
}

/// A boxed user, as the engine holds it.
pub type BoxedUser = Box<dyn UserBehaviour>;
