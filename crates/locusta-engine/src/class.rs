use std::sync::Arc;

use futures_util::future::LocalBoxFuture;

use crate::behaviour::{BoxedUser, UserBehaviour};
use crate::tasks::{TagFilter, TaskSpec, flatten_equal_weights};
use crate::{TaskError, TaskResult, TaskSetSpec, UserContext, WaitTime};

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
    /// The class's tasks with their weights; a task may be a nested TaskSet.
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
    /// This class with only the tasks `filter` keeps (`--tags` / `--exclude-tags`). The class
    /// may be left without tasks; the caller reports that.
    pub fn with_tag_filter(mut self, filter: &TagFilter) -> Self {
        self.tasks = filter.apply(&self.tasks);
        self
    }

    /// Locust's `--equal-weights` for tasks: every plain task, nested ones included, once with
    /// weight 1 (TaskSets are dissolved, so their hooks and wait times no longer apply).
    pub fn with_equal_task_weights(mut self) -> Self {
        self.tasks = flatten_equal_weights(&self.tasks);
        self
    }

    /// True if some task can be picked (a positive weight, TaskSets with one inside).
    pub fn has_runnable_tasks(&self) -> bool {
        crate::tasks::TaskPlan::compile(&self.tasks).is_some()
    }

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
                sets: Vec::new(),
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
    /// Indexed by `TaskKind::Call` number: the class's tasks and those of its TaskSets.
    tasks: Vec<TaskFn<U>>,
    /// Indexed by `TaskSetSpec::id`.
    sets: Vec<SetHooks<U>>,
}

struct SetHooks<U> {
    on_start: Option<TaskFn<U>>,
    on_stop: Option<TaskFn<U>>,
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
    pub fn task(self, name: impl Into<String>, weight: u32, task: TaskFn<U>) -> Self {
        self.tagged_task(name, weight, &[], task)
    }

    /// Adds a task with tags (Locust's `@tag`), for `--tags` / `--exclude-tags`.
    pub fn tagged_task(
        mut self,
        name: impl Into<String>,
        weight: u32,
        tags: &[&str],
        task: TaskFn<U>,
    ) -> Self {
        let spec = self.hooks.add_call(name.into(), weight, tags, task);
        self.specs.push(spec);
        self
    }

    /// Adds a TaskSet as a task with an integer weight.
    pub fn task_set(mut self, weight: u32, set: TaskSetBuilder<U>) -> Self {
        let spec = self.hooks.add_set(set);
        self.specs.push(TaskSpec::task_set(weight, spec));
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
        run_hook(self.hooks.on_start, &mut self.state)
    }

    fn run_task(&mut self, index: usize) -> LocalBoxFuture<'_, TaskResult> {
        (self.hooks.tasks[index])(&mut self.state)
    }

    fn on_stop(&mut self) -> LocalBoxFuture<'_, TaskResult> {
        run_hook(self.hooks.on_stop, &mut self.state)
    }

    fn on_taskset_start(&mut self, set: usize) -> LocalBoxFuture<'_, TaskResult> {
        run_hook(self.hooks.sets[set].on_start, &mut self.state)
    }

    fn on_taskset_stop(&mut self, set: usize) -> LocalBoxFuture<'_, TaskResult> {
        run_hook(self.hooks.sets[set].on_stop, &mut self.state)
    }
}

fn run_hook<U>(hook: Option<TaskFn<U>>, state: &mut U) -> LocalBoxFuture<'_, TaskResult> {
    match hook {
        Some(hook) => hook(state),
        None => Box::pin(std::future::ready(Ok(()))),
    }
}

impl<U> Hooks<U> {
    fn add_call(&mut self, name: String, weight: u32, tags: &[&str], task: TaskFn<U>) -> TaskSpec {
        let call = self.tasks.len();
        self.tasks.push(task);
        TaskSpec::call(name, weight, call).with_tags(tags.iter().copied())
    }

    /// Numbers the set and everything inside it, depth first.
    fn add_set(&mut self, set: TaskSetBuilder<U>) -> TaskSetSpec {
        let mut spec = TaskSetSpec::new(set.name, self.sets.len());
        self.sets.push(SetHooks {
            on_start: set.on_start,
            on_stop: set.on_stop,
        });
        spec.wait_time = set.wait_time;
        spec.sequential = set.sequential;
        spec.tags = set.tags;
        for item in set.items {
            spec.tasks.push(match item {
                SetItem::Call {
                    name,
                    weight,
                    tags,
                    task,
                } => {
                    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
                    self.add_call(name, weight, &tags, task)
                }
                SetItem::Set { weight, set } => TaskSpec::task_set(weight, self.add_set(set)),
            });
        }
        spec
    }
}

/// Builds a TaskSet of a Rust user class (Locust's `TaskSet` / `SequentialTaskSet`): its
/// tasks are functions of the same user value `U`, so state is shared with the user's tasks.
/// A task leaves the set by returning `Err(TaskError::Interrupt { reschedule })`.
pub struct TaskSetBuilder<U> {
    name: String,
    sequential: bool,
    wait_time: Option<WaitTime>,
    tags: Vec<String>,
    on_start: Option<TaskFn<U>>,
    on_stop: Option<TaskFn<U>>,
    items: Vec<SetItem<U>>,
}

enum SetItem<U> {
    Call {
        name: String,
        weight: u32,
        tags: Vec<String>,
        task: TaskFn<U>,
    },
    Set {
        weight: u32,
        set: TaskSetBuilder<U>,
    },
}

impl<U> TaskSetBuilder<U> {
    /// A TaskSet whose tasks are picked at random by weight.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            sequential: false,
            wait_time: None,
            tags: Vec::new(),
            on_start: None,
            on_stop: None,
            items: Vec::new(),
        }
    }

    /// A `SequentialTaskSet`: tasks in the order added, each `weight` times in a row, cycling.
    pub fn sequential(name: impl Into<String>) -> Self {
        Self {
            sequential: true,
            ..Self::new(name)
        }
    }

    /// Adds a task.
    pub fn task(self, name: impl Into<String>, weight: u32, task: TaskFn<U>) -> Self {
        self.tagged_task(name, weight, &[], task)
    }

    /// Adds a task with tags.
    pub fn tagged_task(
        mut self,
        name: impl Into<String>,
        weight: u32,
        tags: &[&str],
        task: TaskFn<U>,
    ) -> Self {
        self.items.push(SetItem::Call {
            name: name.into(),
            weight,
            tags: tags.iter().map(|tag| tag.to_string()).collect(),
            task,
        });
        self
    }

    /// Adds a nested TaskSet.
    pub fn task_set(mut self, weight: u32, set: TaskSetBuilder<U>) -> Self {
        self.items.push(SetItem::Set { weight, set });
        self
    }

    /// Overrides the user's wait time while in this set (with its own pacing state).
    pub fn wait_time(mut self, wait_time: WaitTime) -> Self {
        self.wait_time = Some(wait_time);
        self
    }

    /// Tags every task of the set.
    pub fn tags(mut self, tags: &[&str]) -> Self {
        self.tags = tags.iter().map(|tag| tag.to_string()).collect();
        self
    }

    /// Runs each time the user enters the set.
    pub fn on_start(mut self, hook: TaskFn<U>) -> Self {
        self.on_start = Some(hook);
        self
    }

    /// Runs each time the user leaves the set (interrupted or stopping).
    pub fn on_stop(mut self, hook: TaskFn<U>) -> Self {
        self.on_stop = Some(hook);
        self
    }
}
