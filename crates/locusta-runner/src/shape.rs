//! Load shapes (Locust's `LoadTestShape`): code that decides, about once per second, how many
//! users should run, how fast to get there and of which classes, or that the test is over.

use std::time::Duration;

/// What a shape's [`tick`](LoadShape::tick) can see.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShapeContext {
    /// Time since the shape started (Locust's `get_run_time()`); a shape started again, e.g.
    /// from the web UI after a stop, starts again from zero (Locust's `reset_time()`).
    pub run_time: Duration,
    /// Users the runner has started and not yet stopped (Locust's `get_current_user_count()`).
    pub user_count: u64,
    /// The common options (`-u`, `-r`, `-t`, or the web form's fields), for a shape whose
    /// [`use_common_options`](LoadShape::use_common_options) is true; empty otherwise.
    pub options: ShapeOptions,
}

/// Locust's common options as a shape may read them (`parsed_options.num_users`, ...).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ShapeOptions {
    /// `-u` / the form's user count.
    pub users: Option<u64>,
    /// `-r` / the form's spawn rate.
    pub spawn_rate: Option<f64>,
    /// `-t` / the form's run time. For a shape that uses the common options it also stops
    /// the test, as `-t` does without a shape.
    pub run_time: Option<Duration>,
}

/// Where a shape wants the test to be: Locust's `(users, spawn_rate[, user_classes])`.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeTick {
    /// Users to have alive.
    pub users: u64,
    /// Users started (or stopped) per second; finite and > 0.
    pub spawn_rate: f64,
    /// Run only these classes (by name); `None` keeps the classes of the previous tick (every
    /// class at first), as in Locust.
    pub user_classes: Option<Vec<String>>,
}

impl ShapeTick {
    /// `users`, reached at `spawn_rate` users per second, of the classes already selected.
    pub fn new(users: u64, spawn_rate: f64) -> Self {
        Self {
            users,
            spawn_rate,
            user_classes: None,
        }
    }

    /// The same tick, restricted to the classes named.
    pub fn with_user_classes<S: Into<String>>(
        mut self,
        classes: impl IntoIterator<Item = S>,
    ) -> Self {
        self.user_classes = Some(classes.into_iter().map(Into::into).collect());
        self
    }
}

/// A shape that could not say what it wants (an error in a Lua `tick`, an invalid result).
/// The runner records it in the exceptions table and ends the shape test, as Locust ends a
/// headless run whose shape raised.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ShapeError {
    /// What went wrong.
    pub message: String,
    /// Where (a Lua traceback), or empty.
    pub traceback: String,
}

impl ShapeError {
    /// An error with a message and no traceback.
    pub fn msg(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            traceback: String::new(),
        }
    }
}

/// What [`LoadShape::tick`] returns: `Ok(Some(tick))` to aim at `tick`, `Ok(None)` to end the
/// test.
pub type ShapeResult = Result<Option<ShapeTick>, ShapeError>;

/// A load shape, driven by the runner: [`tick`](Self::tick) is called about once per second
/// while the shape test runs; a result that differs from the previous one becomes the new
/// target (an edit: statistics are kept), the same result changes nothing, and `None` ends the
/// test (headless: the run; web UI: the test).
///
/// `Send` so that a runner with a shape can still be spawned on a multi-threaded runtime; a
/// shape that needs a thread-bound value (the Lua VM of a Lua shape) keeps it on a thread of
/// its own.
pub trait LoadShape: Send {
    /// Where the test should be now.
    fn tick(&mut self, context: &ShapeContext) -> ShapeResult;

    /// The shape's name, for logs and the web UI (Locust: the shape class's name).
    fn name(&self) -> &str {
        "LoadTestShape"
    }

    /// Locust's `use_common_options`: when true, `-u/-r/-t` are not ignored but given to the
    /// shape ([`ShapeContext::options`]) and `-t` stops the test; when false the CLI warns that
    /// they are ignored and the web form hides them.
    fn use_common_options(&self) -> bool {
        false
    }
}
