//! The task tree of a user class: tasks, nested TaskSets, tags, and the compiled form the
//! engine runs.

mod filter;
mod plan;
mod spec;

pub use filter::TagFilter;
pub(crate) use filter::flatten_equal_weights;
pub(crate) use plan::{Cursor, Entry, TaskList, TaskPlan};
pub use spec::{TaskKind, TaskSetSpec, TaskSpec};
