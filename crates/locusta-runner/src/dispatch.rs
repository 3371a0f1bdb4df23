//! Which class each new user belongs to: Locust's user dispatcher, as a fixed sequence.
//!
//! User number `i` (in spawn order) gets class `sequence[i]`. Because ramp-down removes the
//! newest users first, the users alive at any count are always a prefix of the sequence, so
//! the class mix at every count is what Locust would produce:
//! - classes are ordered by name;
//! - `fixed_count` classes come first, interleaved until each has its count;
//! - then weighted classes repeat forever in the order of a smooth weighted round-robin
//!   (nginx's algorithm, as in the `roundrobin` package Locust uses) over weights normalised
//!   so the smallest is 2 (`round(2 * w / min)`), e.g. weights 5:1 give `A A A B A A A A A B`.

/// Class indices (into the caller's class list) in spawn order.
#[derive(Debug, Clone)]
pub struct ClassSequence {
    fixed: Vec<usize>,
    weighted_cycle: Vec<usize>,
}

/// What the dispatcher needs to know about one class.
#[derive(Debug, Clone)]
pub struct ClassShare<'a> {
    /// Class name (sort key).
    pub name: &'a str,
    /// Relative weight (ignored when `fixed_count > 0`).
    pub weight: f64,
    /// Exact number of users, or 0 for a weighted class.
    pub fixed_count: u32,
}

impl ClassSequence {
    /// Builds the sequence for `classes` (indices refer to this slice).
    pub fn new(classes: &[ClassShare<'_>]) -> Self {
        let mut order: Vec<usize> = (0..classes.len()).collect();
        order.sort_by(|&a, &b| classes[a].name.cmp(classes[b].name));

        let fixed_targets: Vec<(usize, f64)> = order
            .iter()
            .filter(|&&i| classes[i].fixed_count > 0)
            .map(|&i| (i, f64::from(classes[i].fixed_count)))
            .collect();
        let fixed = fill_fixed(&fixed_targets, classes);

        let weighted: Vec<(usize, f64)> = order
            .iter()
            .filter(|&&i| classes[i].fixed_count == 0 && classes[i].weight > 0.0)
            .map(|&i| (i, classes[i].weight))
            .collect();
        Self {
            fixed,
            weighted_cycle: smooth_cycle(&weighted),
        }
    }

    /// The class of user number `index`, or `None` when only fixed-count classes exist and
    /// they are all full (no more users can be spawned).
    pub fn class_of(&self, index: usize) -> Option<usize> {
        if let Some(&class) = self.fixed.get(index) {
            return Some(class);
        }
        if self.weighted_cycle.is_empty() {
            return None;
        }
        let offset = index - self.fixed.len();
        Some(self.weighted_cycle[offset % self.weighted_cycle.len()])
    }

    /// The most users this sequence can hold (`None` = unbounded).
    pub fn capacity(&self) -> Option<usize> {
        self.weighted_cycle.is_empty().then_some(self.fixed.len())
    }

    /// Total of all fixed counts.
    pub fn fixed_total(&self) -> usize {
        self.fixed.len()
    }
}

/// The fixed-count users, interleaved by the same round-robin until each class is full.
fn fill_fixed(targets: &[(usize, f64)], classes: &[ClassShare<'_>]) -> Vec<usize> {
    let total: usize = targets
        .iter()
        .map(|&(i, _)| classes[i].fixed_count as usize)
        .sum();
    let cycle = smooth_cycle(targets);
    let mut remaining: Vec<u32> = classes.iter().map(|class| class.fixed_count).collect();
    let mut sequence = Vec::with_capacity(total);
    let mut step = 0;
    while sequence.len() < total {
        let class = cycle[step % cycle.len()];
        step += 1;
        if remaining[class] > 0 {
            remaining[class] -= 1;
            sequence.push(class);
        }
    }
    sequence
}

/// One full period of the smooth weighted round-robin over normalised weights.
fn smooth_cycle(weights: &[(usize, f64)]) -> Vec<usize> {
    let Some(min) = weights.iter().map(|&(_, w)| w).reduce(f64::min) else {
        return Vec::new();
    };
    // Locust normalises so the smallest weight becomes 2 (better spread for close weights).
    let normalised: Vec<(usize, i64)> = weights
        .iter()
        .map(|&(class, weight)| {
            (
                class,
                ((2.0 * weight / min).round_ties_even() as i64).max(1),
            )
        })
        .collect();
    let period: i64 = normalised.iter().map(|&(_, w)| w).sum();
    let mut current = vec![0i64; normalised.len()];
    (0..period)
        .map(|_| {
            let mut best = 0;
            for (slot, &(_, weight)) in normalised.iter().enumerate() {
                current[slot] += weight;
                if current[slot] > current[best] {
                    best = slot;
                }
            }
            current[best] -= period;
            normalised[best].0
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(name: &str, weight: f64, fixed_count: u32) -> ClassShare<'_> {
        ClassShare {
            name,
            weight,
            fixed_count,
        }
    }

    fn names(sequence: &ClassSequence, classes: &[ClassShare<'_>], n: usize) -> String {
        (0..n)
            .map(|i| classes[sequence.class_of(i).unwrap()].name)
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn weights_five_to_one_interleave_as_locust_does() {
        let classes = [share("A", 5.0, 0), share("B", 1.0, 0)];
        let sequence = ClassSequence::new(&classes);
        assert_eq!(names(&sequence, &classes, 12), "A A A B A A A A A B A A");
    }

    #[test]
    fn weights_three_to_one_give_locusts_counts_at_four_and_six_users() {
        // Verified against Locust: Web=3, Fast=1 -> 4 users = 3/1, 6 users = 4/2.
        let classes = [share("Web", 3.0, 0), share("Fast", 1.0, 0)];
        let sequence = ClassSequence::new(&classes);
        let count = |n: usize, class: usize| {
            (0..n)
                .filter(|&i| sequence.class_of(i) == Some(class))
                .count()
        };
        assert_eq!((count(4, 0), count(4, 1)), (3, 1));
        assert_eq!((count(6, 0), count(6, 1)), (4, 2));
    }

    #[test]
    fn fixed_count_classes_come_first_then_weighted() {
        let classes = [share("Web", 1.0, 0), share("Admin", 1.0, 2)];
        let sequence = ClassSequence::new(&classes);
        assert_eq!(names(&sequence, &classes, 4), "Admin Admin Web Web");
        assert_eq!(sequence.fixed_total(), 2);
        assert_eq!(sequence.capacity(), None);
    }

    #[test]
    fn only_fixed_classes_cap_the_user_count() {
        let classes = [share("B", 1.0, 1), share("A", 1.0, 2)];
        let sequence = ClassSequence::new(&classes);
        assert_eq!(sequence.capacity(), Some(3));
        assert_eq!(sequence.class_of(3), None);
        let mut first_three: Vec<_> = (0..3).map(|i| sequence.class_of(i).unwrap()).collect();
        first_three.sort();
        assert_eq!(first_three, vec![0, 1, 1]);
    }
}
