use std::error::Error as StdError;
use std::fmt;

/// What a task (or `on_start`/`on_stop`) returns.
pub type TaskResult = Result<(), TaskError>;

/// Why a task did not end normally.
///
/// A request failure is *not* a `TaskError`: it is data in the statistics. A `TaskError` is
/// either an error in user code (recorded in the exceptions table; the user waits and carries
/// on, as in Locust) or one of Locust's control-flow signals.
pub enum TaskError {
    /// An error raised by user code. Recorded in the exceptions table.
    Failed(Box<dyn StdError + 'static>),
    /// Pick the next task at once, without waiting (Locust's `RescheduleTaskImmediately`).
    RescheduleImmediately,
    /// Stop this user (Locust's `StopUser`): `on_stop` runs; the runner replaces it only when
    /// it is next given a target, as Locust does.
    StopUser,
    /// Leave the current TaskSet (Locust's `TaskSet.interrupt(reschedule)`): its `on_stop`
    /// runs and the enclosing list picks its next task at once (`reschedule: true`) or after
    /// its wait. Outside a TaskSet it only ends the task, like `RescheduleImmediately` or a
    /// normal return.
    Interrupt {
        /// Pick the next task without waiting first.
        reschedule: bool,
    },
}

impl TaskError {
    /// An error from a plain message, for `return Err(TaskError::msg("..."))`.
    pub fn msg(message: impl Into<String>) -> Self {
        TaskError::Failed(message.into().into())
    }
}

/// Lets `?` turn any error into a recorded task exception.
impl<E: StdError + 'static> From<E> for TaskError {
    fn from(error: E) -> Self {
        TaskError::Failed(Box::new(error))
    }
}

impl fmt::Debug for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Failed(error) => write!(f, "Failed({error:?})"),
            TaskError::RescheduleImmediately => f.write_str("RescheduleImmediately"),
            TaskError::StopUser => f.write_str("StopUser"),
            TaskError::Interrupt { reschedule } => {
                write!(f, "Interrupt {{ reschedule: {reschedule} }}")
            }
        }
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Failed(error) => {
                write!(f, "{error}")?;
                let mut source = error.source();
                while let Some(cause) = source {
                    write!(f, ": {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }
            TaskError::RescheduleImmediately => f.write_str("reschedule immediately"),
            TaskError::StopUser => f.write_str("stop user"),
            TaskError::Interrupt { .. } => f.write_str("interrupt TaskSet"),
        }
    }
}
