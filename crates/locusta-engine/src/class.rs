use std::sync::Arc;

use futures_util::future::LocalBoxFuture;

use crate::behaviour::{BoxedUser, UserBehaviour};
use crate::{TaskError, TaskResult, UserContext, WaitTime};

/// A task of a user class: its name (for `--list` and ratios) and integer weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskSpec {
    /// Task name, e.g. the Rust method or Lua function name.
    pub name: String,
    /// Relative probability of picking this task (Locust's `@task(weight)`).
    pub weight: u32,
}

/// Creates one live user of a class on the shard that will run it.
pub type UserFactory = Arc<dyn Fn(&UserContext<'_>) -> Result<BoxedUser, TaskError> + Send + Sync>;

/// A user class, as the engine sees it: Locust's class attributes plus a factory.
#[derive(Clone)]
pub struct UserClass {
    /// Class name (`--list`, positional class selection, statistics of task ratios).
    pub name: String,
    /// Relative share of users when spawning (ignored when `fixed_count > 0`).
    pub weight: f64,
    /// When > 0: exactly this many users of the class, spawned before weighted classes.
    pub fixed_count: u32,
    /// The class's own base URL; `--host` overrides it.
    pub host: Option<String>,
    /// Pause after each task.
    pub wait_time: WaitTime,
    /// The class's tasks with their weights.
    pub tasks: Vec<TaskSpec>,
    /// Builds a live user.
    pub factory: UserFactory,
}

impl std::fmt::Debug for UserClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserClass")
            .field("name", &self.name)
            .field("weight", &self.weight)
            .field("fixed_count", &self.fixed_count)
            .field("host", &self.host)
            .field("wait_time", &self.wait_time)
            .field("tasks", &self.tasks)
            .finish_non_exhaustive()
    }
}

impl UserClass {
    /// Starts a Rust user class whose users are values of type `U` made by `new`.
    pub fn builder<U, F>(name: impl Into<String>, new: F) -> UserClassBuilder<U>
    where
        U: 'static,
        F: Fn(&UserContext<'_>) -> Result<U, TaskError> + Send + Sync + 'static,
    {
        UserClassBuilder {
            name: name.into(),
            weight: 1.0,
            fixed_count: 0,
            host: None,
            wait_time: WaitTime::default(),
            new: Arc::new(new),
            hooks: Hooks {
                on_start: None,
                on_stop: None,
                tasks: Vec::new(),
            },
            specs: Vec::new(),
        }
    }
}

/// A task of a Rust user: a function from the user to a boxed future.
///
/// Write it as `|u| Box::pin(u.my_task())` or with the [`task!`](crate::task) macro. Boxing costs
/// one small allocation per task run (not per request); it buys a uniform task type.
pub type TaskFn<U> = for<'a> fn(&'a mut U) -> LocalBoxFuture<'a, TaskResult>;

/// Turns an `async fn(&mut self) -> TaskResult` method path into a [`TaskFn`].
#[macro_export]
macro_rules! task {
    ($method:path) => {
        |user| ::std::boxed::Box::pin($method(user))
    };
}

/// Makes the Rust value behind one user.
type StateFactory<U> = dyn Fn(&UserContext<'_>) -> Result<U, TaskError> + Send + Sync;

struct Hooks<U> {
    on_start: Option<TaskFn<U>>,
    on_stop: Option<TaskFn<U>>,
    tasks: Vec<TaskFn<U>>,
}

/// Builds a [`UserClass`] from Rust functions.
pub struct UserClassBuilder<U> {
    name: String,
    weight: f64,
    fixed_count: u32,
    host: Option<String>,
    wait_time: WaitTime,
    new: Arc<StateFactory<U>>,
    hooks: Hooks<U>,
    specs: Vec<TaskSpec>,
}

impl<U: 'static> UserClassBuilder<U> {
    /// Relative share of users (default 1).
    pub fn weight(mut self, weight: f64) -> Self {
        self.weight = weight;
        self
    }

    /// Exactly `count` users of this class, spawned first.
    pub fn fixed_count(mut self, count: u32) -> Self {
        self.fixed_count = count;
        self
    }

    /// The class's base URL (overridden by `--host`).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// Pause after each task (default `constant(0)`).
    pub fn wait_time(mut self, wait_time: WaitTime) -> Self {
        self.wait_time = wait_time;
        self
    }

    /// Runs once per user before its first task.
    pub fn on_start(mut self, hook: TaskFn<U>) -> Self {
        self.hooks.on_start = Some(hook);
        self
    }

    /// Runs once per user when it stops.
    pub fn on_stop(mut self, hook: TaskFn<U>) -> Self {
        self.hooks.on_stop = Some(hook);
        self
    }

    /// Adds a task with an integer weight.
    pub fn task(mut self, name: impl Into<String>, weight: u32, task: TaskFn<U>) -> Self {
        self.specs.push(TaskSpec {
            name: name.into(),
            weight,
        });
        self.hooks.tasks.push(task);
        self
    }

    /// The finished class.
    pub fn build(self) -> UserClass {
        let new = self.new;
        let hooks = Arc::new(self.hooks);
        let factory: UserFactory = Arc::new(move |ctx| {
            let state = new(ctx)?;
            Ok(Box::new(RustUser {
                state,
                hooks: Arc::clone(&hooks),
            }) as BoxedUser)
        });
        UserClass {
            name: self.name,
            weight: self.weight,
            fixed_count: self.fixed_count,
            host: self.host,
            wait_time: self.wait_time,
            tasks: self.specs,
            factory,
        }
    }
}

struct RustUser<U> {
    state: U,
    hooks: Arc<Hooks<U>>,
}

impl<U> UserBehaviour for RustUser<U> {
    fn on_start(&mut self) -> LocalBoxFuture<'_, TaskResult> {
        match self.hooks.on_start {
            Some(hook) => hook(&mut self.state),
            None => Box::pin(std::future::ready(Ok(()))),
        }
    }

    fn run_task(&mut self, index: usize) -> LocalBoxFuture<'_, TaskResult> {
        (self.hooks.tasks[index])(&mut self.state)
    }

    fn on_stop(&mut self) -> LocalBoxFuture<'_, TaskResult> {
        match self.hooks.on_stop {
            Some(hook) => hook(&mut self.state),
            None => Box::pin(std::future::ready(Ok(()))),
        }
    }
}
