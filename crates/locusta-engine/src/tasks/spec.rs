use std::sync::Arc;

use crate::WaitTime;

/// A task of a user class or of a TaskSet: its name, integer weight, tags, and what it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSpec {
    /// Task name, e.g. the Rust method or Lua function name (or the TaskSet's name).
    pub name: String,
    /// Relative probability of picking this task (Locust's `@task(weight)`); in a sequential
    /// TaskSet, how many times in a row it runs.
    pub weight: u32,
    /// Locust's `@tag(...)`: what `--tags` / `--exclude-tags` select on.
    pub tags: Vec<String>,
    /// A call into the user, or a nested TaskSet.
    pub kind: TaskKind,
}

impl TaskSpec {
    /// A plain task that runs [`crate::UserBehaviour::run_task`] with `call`, untagged.
    pub fn call(name: impl Into<String>, weight: u32, call: usize) -> Self {
        Self {
            name: name.into(),
            weight,
            tags: Vec::new(),
            kind: TaskKind::Call(call),
        }
    }

    /// This task with `tags`.
    pub fn with_tags<I, T>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// A task that enters `set` when picked.
    pub fn task_set(weight: u32, set: TaskSetSpec) -> Self {
        Self {
            name: set.name.clone(),
            weight,
            tags: set.tags.clone(),
            kind: TaskKind::Set(Arc::new(set)),
        }
    }
}

/// What a task runs.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskKind {
    /// [`crate::UserBehaviour::run_task`] with this number. Numbers are the behaviour's own
    /// (Rust users: the order tasks were added in, across all TaskSets).
    Call(usize),
    /// A nested TaskSet: once picked it takes over the user until a task interrupts it.
    Set(Arc<TaskSetSpec>),
}

/// A TaskSet (Locust §1.4–§1.5): its own tasks, optional wait time, hooks, and order.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSetSpec {
    /// Name (shown for the task that enters it).
    pub name: String,
    /// Number passed to [`crate::UserBehaviour::on_taskset_start`] and `on_taskset_stop`.
    pub id: usize,
    /// Its tasks.
    pub tasks: Vec<TaskSpec>,
    /// Overrides the user's wait time inside the set (with its own pacing state).
    pub wait_time: Option<WaitTime>,
    /// `SequentialTaskSet`: tasks run in declaration order, each `weight` times in a row.
    pub sequential: bool,
    /// Tags of the set, which tag every task inside it.
    pub tags: Vec<String>,
}

impl TaskSetSpec {
    /// An empty random-order TaskSet named `name` whose hooks are number `id`.
    pub fn new(name: impl Into<String>, id: usize) -> Self {
        Self {
            name: name.into(),
            id,
            tasks: Vec::new(),
            wait_time: None,
            sequential: false,
            tags: Vec::new(),
        }
    }
}
