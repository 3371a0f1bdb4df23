//! The `/tasks` document: task ratios per class and in total, Locust's `get_ratio` (the same
//! shape as `--show-task-ratio-json`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ClassInfo;

/// `{"per_class": {...}, "total": {...}}`.
#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct TaskRatios {
    /// Each class's share of the users, and each task's share within its class.
    per_class: BTreeMap<String, ClassRatio>,
    /// Each class's share of the users, and each task's share of all task runs.
    total: BTreeMap<String, ClassRatio>,
}

#[derive(Debug, Serialize, PartialEq)]
struct ClassRatio {
    ratio: f64,
    tasks: BTreeMap<String, TaskRatio>,
}

#[derive(Debug, Serialize, PartialEq)]
struct TaskRatio {
    ratio: f64,
}

impl TaskRatios {
    /// Ratios for `users_per_class` alive users of each class (indexed like `classes`).
    ///
    /// As in Locust, a class's ratio is its share of the alive users (all 0 when no user is
    /// alive), and a task's ratio is its weight over the class's total weight, multiplied by
    /// the class ratio in `total`.
    pub(crate) fn new(classes: &[ClassInfo], users_per_class: &[u64]) -> Self {
        // Locust divides by `sum or 1`, so no users gives ratios of 0 rather than NaN.
        let user_count = users_per_class.iter().sum::<u64>().max(1) as f64;
        let mut per_class = BTreeMap::new();
        let mut total = BTreeMap::new();
        for (class, &users) in classes.iter().zip(users_per_class) {
            let ratio = users as f64 / user_count;
            per_class.insert(class.name.clone(), ClassRatio::new(class, ratio, 1.0));
            total.insert(class.name.clone(), ClassRatio::new(class, ratio, ratio));
        }
        Self { per_class, total }
    }
}

impl ClassRatio {
    /// The class's ratio, with task ratios relative to `parent`.
    fn new(class: &ClassInfo, ratio: f64, parent: f64) -> Self {
        let total_weight: u64 = class.tasks.iter().map(|task| u64::from(task.weight)).sum();
        let mut tasks = BTreeMap::new();
        for task in &class.tasks {
            let share = if total_weight == 0 {
                0.0
            } else {
                // Locust's order of operations (`r * parent / len(tasks)`), for identical floats.
                f64::from(task.weight) * parent / total_weight as f64
            };
            // Two tasks of one name are one row; Locust would keep only the last.
            tasks
                .entry(task.name.clone())
                .or_insert(TaskRatio { ratio: 0.0 })
                .ratio += share;
        }
        Self { ratio, tasks }
    }
}

#[cfg(test)]
mod tests {
    use locusta_engine::TaskSpec;

    use super::*;

    fn class(name: &str, tasks: &[(&str, u32)]) -> ClassInfo {
        ClassInfo {
            name: name.to_owned(),
            weight: 1.0,
            fixed_count: 0,
            tasks: tasks
                .iter()
                .enumerate()
                .map(|(call, &(name, weight))| TaskSpec::call(name, weight, call))
                .collect(),
        }
    }

    #[test]
    fn matches_locusts_show_task_ratio_example() {
        // Reference §2.5: WebUser 75 % (index 50, slow 10, ...), FastUser 25 %.
        let classes = [
            class("WebUser", &[("index", 5), ("slow", 1), ("other", 4)]),
            class("FastUser", &[("fidx", 1), ("ferr", 1)]),
        ];
        let ratios = TaskRatios::new(&classes, &[3, 1]);
        let json = serde_json::to_value(&ratios).unwrap();
        assert_eq!(json["per_class"]["WebUser"]["ratio"], 0.75);
        assert_eq!(json["per_class"]["WebUser"]["tasks"]["index"]["ratio"], 0.5);
        assert_eq!(json["per_class"]["WebUser"]["tasks"]["slow"]["ratio"], 0.1);
        assert_eq!(json["total"]["WebUser"]["tasks"]["index"]["ratio"], 0.375);
        assert_eq!(json["total"]["WebUser"]["tasks"]["slow"]["ratio"], 0.075);
        assert_eq!(json["total"]["FastUser"]["ratio"], 0.25);
        assert_eq!(json["total"]["FastUser"]["tasks"]["ferr"]["ratio"], 0.125);
    }

    #[test]
    fn no_users_gives_zero_class_ratios() {
        let classes = [class("A", &[("a", 1)])];
        let json = serde_json::to_value(TaskRatios::new(&classes, &[0])).unwrap();
        assert_eq!(json["per_class"]["A"]["ratio"], 0.0);
        assert_eq!(json["per_class"]["A"]["tasks"]["a"]["ratio"], 1.0);
        assert_eq!(json["total"]["A"]["tasks"]["a"]["ratio"], 0.0);
    }
}
