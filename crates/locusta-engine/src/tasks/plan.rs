//! The task tree compiled once per class into what a running user needs: a picker per list,
//! the repetition order of sequential TaskSets, and nothing to allocate per task run.

use std::sync::Arc;

use rand::Rng;

use super::spec::{TaskKind, TaskSpec};
use crate::WaitTime;
use crate::picker::TaskPicker;

/// A class's compiled tasks, shared by all its users on a shard.
#[derive(Debug)]
pub(crate) struct TaskPlan {
    pub(crate) root: TaskList,
}

impl TaskPlan {
    /// `None` when the class has no task with a positive weight (nested ones count only if
    /// their TaskSet can be picked).
    pub(crate) fn compile(tasks: &[TaskSpec]) -> Option<Arc<Self>> {
        TaskList::compile(tasks, None, None, false).map(|root| Arc::new(Self { root }))
    }
}

/// One list of tasks: the user's, or a TaskSet's.
#[derive(Debug)]
pub(crate) struct TaskList {
    entries: Box<[Entry]>,
    order: Order,
    /// The TaskSet's own wait time; `None` uses the enclosing one (with its pacing state).
    pub(crate) wait_time: Option<WaitTime>,
    /// The TaskSet's hook number; `None` for the user's own list.
    pub(crate) set_id: Option<usize>,
}

/// A task as a running user sees it.
#[derive(Debug)]
pub(crate) enum Entry {
    Call(usize),
    Set(TaskList),
}

#[derive(Debug)]
enum Order {
    /// Weighted random choice.
    Random(TaskPicker),
    /// Entry indexes in run order, each repeated by its weight; cycled.
    Sequential(Box<[u32]>),
}

/// Where a user is in a list: the cursor of a sequential TaskSet (restarts on each entry).
#[derive(Debug, Default)]
pub(crate) struct Cursor(usize);

impl TaskList {
    fn compile(
        tasks: &[TaskSpec],
        wait_time: Option<WaitTime>,
        set_id: Option<usize>,
        sequential: bool,
    ) -> Option<Self> {
        let mut entries = Vec::new();
        let mut weighted = Vec::new();
        for task in tasks.iter().filter(|task| task.weight > 0) {
            let entry = match &task.kind {
                TaskKind::Call(call) => Entry::Call(*call),
                TaskKind::Set(set) => {
                    // A TaskSet without runnable tasks is skipped, as Locust drops empty sets.
                    let Some(list) =
                        Self::compile(&set.tasks, set.wait_time, Some(set.id), set.sequential)
                    else {
                        continue;
                    };
                    Entry::Set(list)
                }
            };
            entries.push(entry);
            weighted.push(task.weight);
        }
        let order = if sequential {
            let sequence: Box<[u32]> = weighted
                .iter()
                .enumerate()
                .flat_map(|(index, &weight)| std::iter::repeat_n(index as u32, weight as usize))
                .collect();
            if sequence.is_empty() {
                return None;
            }
            Order::Sequential(sequence)
        } else {
            Order::Random(TaskPicker::new(&weighted)?)
        };
        Some(Self {
            entries: entries.into_boxed_slice(),
            order,
            wait_time,
            set_id,
        })
    }

    /// The next task to run.
    pub(crate) fn next(&self, cursor: &mut Cursor, rng: &mut impl Rng) -> &Entry {
        let index = match &self.order {
            Order::Random(picker) => picker.pick(rng),
            Order::Sequential(sequence) => {
                let index = sequence[cursor.0 % sequence.len()] as usize;
                cursor.0 = cursor.0.wrapping_add(1);
                index
            }
        };
        &self.entries[index]
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    use super::*;
    use crate::tasks::TaskSetSpec;

    fn calls(list: &TaskList, runs: usize) -> Vec<usize> {
        let mut cursor = Cursor::default();
        let mut rng = SmallRng::seed_from_u64(1);
        (0..runs)
            .map(|_| match list.next(&mut cursor, &mut rng) {
                Entry::Call(call) => *call,
                Entry::Set(_) => usize::MAX,
            })
            .collect()
    }

    #[test]
    fn a_sequential_set_runs_in_order_repeating_by_weight_and_cycles() {
        let mut set = TaskSetSpec::new("Checkout", 0);
        set.sequential = true;
        set.tasks = vec![
            TaskSpec::call("cart", 2, 0),
            TaskSpec::call("never", 0, 1),
            TaskSpec::call("pay", 1, 2),
        ];
        let plan = TaskPlan::compile(&[TaskSpec::task_set(1, set)]).unwrap();
        let Entry::Set(list) = plan
            .root
            .next(&mut Cursor::default(), &mut SmallRng::seed_from_u64(0))
        else {
            panic!("the only task is the set");
        };
        assert_eq!(calls(list, 7), [0, 0, 2, 0, 0, 2, 0]);
    }

    #[test]
    fn sets_without_runnable_tasks_are_dropped_and_all_zero_is_none() {
        let empty = TaskSetSpec::new("Empty", 0);
        let plan =
            TaskPlan::compile(&[TaskSpec::task_set(5, empty), TaskSpec::call("a", 1, 7)]).unwrap();
        assert_eq!(calls(&plan.root, 5), [7; 5]);
        assert!(TaskPlan::compile(&[TaskSpec::call("z", 0, 0)]).is_none());
        assert!(TaskPlan::compile(&[TaskSpec::task_set(1, TaskSetSpec::new("E", 0))]).is_none());
    }
}
