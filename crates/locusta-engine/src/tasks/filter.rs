//! `--tags` / `--exclude-tags` (Locust §1.6) and `--equal-weights` (§1.3), applied to a
//! class's task tree once, before the test starts.

use std::collections::HashSet;
use std::sync::Arc;

use super::spec::{TaskKind, TaskSetSpec, TaskSpec};

/// Which tagged tasks to keep: Locust's `-T/--tags` and `-E/--exclude-tags`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagFilter {
    /// Keep only tasks with at least one of these tags (all tasks when empty).
    pub include: Vec<String>,
    /// Drop tasks with any of these tags.
    pub exclude: Vec<String>,
}

impl TagFilter {
    /// True when the filter keeps every task.
    pub fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// The tasks of `tasks` this filter keeps. A task's tags are its own plus those of every
    /// TaskSet around it; a TaskSet left without tasks is removed.
    pub fn apply(&self, tasks: &[TaskSpec]) -> Vec<TaskSpec> {
        if self.is_empty() {
            return tasks.to_vec();
        }
        self.filter_list(tasks, &[])
    }

    fn filter_list(&self, tasks: &[TaskSpec], inherited: &[&str]) -> Vec<TaskSpec> {
        tasks
            .iter()
            .filter_map(|task| self.filter_task(task, inherited))
            .collect()
    }

    fn filter_task(&self, task: &TaskSpec, inherited: &[&str]) -> Option<TaskSpec> {
        let mut tags: Vec<&str> = inherited.to_vec();
        tags.extend(task.tags.iter().map(String::as_str));
        if let TaskKind::Set(set) = &task.kind {
            tags.extend(set.tags.iter().map(String::as_str));
        }
        if tags
            .iter()
            .any(|tag| self.exclude.iter().any(|ex| ex == tag))
        {
            return None;
        }
        match &task.kind {
            TaskKind::Call(_) => {
                let included = self.include.is_empty()
                    || tags
                        .iter()
                        .any(|tag| self.include.iter().any(|inc| inc == tag));
                included.then(|| task.clone())
            }
            TaskKind::Set(set) => {
                let kept = self.filter_list(&set.tasks, &tags);
                if kept.is_empty() {
                    return None;
                }
                let filtered = TaskSetSpec {
                    tasks: kept,
                    ..TaskSetSpec::clone(set)
                };
                Some(TaskSpec {
                    kind: TaskKind::Set(Arc::new(filtered)),
                    ..task.clone()
                })
            }
        }
    }
}

/// Locust's `--equal-weights` for tasks: every plain task of the tree, nested ones included,
/// once each with weight 1, in declaration order; TaskSets are dissolved into their tasks.
pub(crate) fn flatten_equal_weights(tasks: &[TaskSpec]) -> Vec<TaskSpec> {
    let mut seen = HashSet::new();
    let mut flat = Vec::new();
    collect_calls(tasks, &mut seen, &mut flat);
    flat
}

fn collect_calls(tasks: &[TaskSpec], seen: &mut HashSet<usize>, flat: &mut Vec<TaskSpec>) {
    for task in tasks.iter().filter(|task| task.weight > 0) {
        match &task.kind {
            TaskKind::Call(call) => {
                if seen.insert(*call) {
                    flat.push(TaskSpec {
                        weight: 1,
                        ..task.clone()
                    });
                }
            }
            TaskKind::Set(set) => collect_calls(&set.tasks, seen, flat),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, id: usize, tags: &[&str]) -> TaskSpec {
        TaskSpec::call(name, 1, id).with_tags(tags.iter().copied())
    }

    fn set(name: &str, tags: &[&str], tasks: Vec<TaskSpec>) -> TaskSpec {
        let mut spec = TaskSetSpec::new(name, 0);
        spec.tags = tags.iter().map(|tag| tag.to_string()).collect();
        spec.tasks = tasks;
        TaskSpec::task_set(1, spec)
    }

    fn names(tasks: &[TaskSpec]) -> Vec<String> {
        let mut out = Vec::new();
        for task in tasks {
            match &task.kind {
                TaskKind::Call(_) => out.push(task.name.clone()),
                TaskKind::Set(set) => {
                    out.push(format!("{}[{}]", task.name, names(&set.tasks).join(",")))
                }
            }
        }
        out
    }

    fn tree() -> Vec<TaskSpec> {
        vec![
            call("a", 0, &["fast"]),
            call("b", 1, &["slow"]),
            call("c", 2, &[]),
            set(
                "Browse",
                &["browse"],
                vec![call("d", 3, &["slow"]), call("e", 4, &[])],
            ),
            set(
                "Shop",
                &[],
                vec![call("f", 5, &["fast"]), call("g", 6, &[])],
            ),
        ]
    }

    fn filter(include: &[&str], exclude: &[&str]) -> Vec<String> {
        let filter = TagFilter {
            include: include.iter().map(|t| t.to_string()).collect(),
            exclude: exclude.iter().map(|t| t.to_string()).collect(),
        };
        names(&filter.apply(&tree()))
    }

    #[test]
    fn include_keeps_tagged_tasks_and_everything_in_a_tagged_set() {
        assert_eq!(filter(&["fast"], &[]), ["a", "Shop[f]"]);
        assert_eq!(filter(&["browse"], &[]), ["Browse[d,e]"]);
        assert_eq!(
            filter(&["fast", "browse"], &[]),
            ["a", "Browse[d,e]", "Shop[f]"]
        );
    }

    #[test]
    fn exclude_drops_tagged_tasks_and_whole_tagged_sets() {
        assert_eq!(filter(&[], &["slow"]), ["a", "c", "Browse[e]", "Shop[f,g]"]);
        assert_eq!(filter(&[], &["browse"]), ["a", "b", "c", "Shop[f,g]"]);
    }

    #[test]
    fn include_and_exclude_combine() {
        assert_eq!(
            filter(&["browse", "fast"], &["slow"]),
            ["a", "Browse[e]", "Shop[f]"]
        );
    }

    #[test]
    fn sets_left_empty_are_removed_and_no_match_leaves_nothing() {
        assert_eq!(filter(&["nothing"], &[]), Vec::<String>::new());
        assert_eq!(filter(&[], &["browse", "fast"]), ["b", "c", "Shop[g]"]);
    }

    #[test]
    fn equal_weights_flattens_every_call_once() {
        let mut tasks = tree();
        tasks[0].weight = 5;
        let flat = flatten_equal_weights(&tasks);
        assert_eq!(names(&flat), ["a", "b", "c", "d", "e", "f", "g"]);
        assert!(flat.iter().all(|task| task.weight == 1));
    }
}
