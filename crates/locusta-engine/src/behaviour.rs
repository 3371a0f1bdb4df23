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
    /// Runs task number `index` of the user's class (an index into [`crate::UserClass::tasks`]).
    fn run_task(&mut self, index: usize) -> LocalBoxFuture<'_, TaskResult>;
    /// Called once when the user stops.
    fn on_stop(&mut self) -> LocalBoxFuture<'_, TaskResult>;
    /// Text identifying where a task exception came from, used to group the exceptions table
    /// (Locust groups by traceback). Defaults to the error's message.
    fn traceback(&self, error: &TaskError) -> String {
        error.to_string()
    }
}

/// A boxed user, as the engine holds it.
pub type BoxedUser = Box<dyn UserBehaviour>;
