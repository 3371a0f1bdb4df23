use rand::Rng;

/// Weighted random choice of a task, equivalent to Locust's `random.choice` over a list in
/// which each task is repeated `weight` times, without building that list.
#[derive(Debug, Clone)]
pub(crate) struct TaskPicker {
    /// Running sums of the weights; the last one is the total.
    cumulative: Box<[u64]>,
}

impl TaskPicker {
    /// `None` when no task has a positive weight.
    pub(crate) fn new(weights: &[u32]) -> Option<Self> {
        let mut sum = 0u64;
        let cumulative: Box<[u64]> = weights
            .iter()
            .map(|&weight| {
                sum += u64::from(weight);
                sum
            })
            .collect();
        (sum > 0).then_some(Self { cumulative })
    }

    pub(crate) fn pick(&self, rng: &mut impl Rng) -> usize {
        let total = *self
            .cumulative
            .last()
            .expect("a picker has at least one task");
        if self.cumulative.len() == 1 {
            return 0;
        }
        let ticket = rng.random_range(0..total);
        self.cumulative.partition_point(|&end| end <= ticket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    #[test]
    fn picks_in_proportion_to_weights_and_never_zero_weight() {
        let picker = TaskPicker::new(&[1, 0, 3]).unwrap();
        let mut rng = SmallRng::seed_from_u64(3);
        let mut counts = [0u32; 3];
        for _ in 0..40_000 {
            counts[picker.pick(&mut rng)] += 1;
        }
        assert_eq!(counts[1], 0);
        let ratio = f64::from(counts[2]) / f64::from(counts[0]);
        assert!((ratio - 3.0).abs() < 0.15, "ratio {ratio}");
    }

    #[test]
    fn no_positive_weight_means_no_picker() {
        assert!(TaskPicker::new(&[]).is_none());
        assert!(TaskPicker::new(&[0]).is_none());
    }
}
