//! The common shape: a list of stages, each holding a user count until a point in time.

use std::time::Duration;

use crate::shape::{LoadShape, ShapeContext, ShapeResult, ShapeTick};

/// One stage of a [`Stages`] shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// When the stage ends, counted from the start of the shape: Locust's stages example calls
    /// this `duration` and compares it with the total run time, so stages of 60 s each end at
    /// 60, 120, 180 s. [`Duration::MAX`] holds the stage for ever.
    pub until: Duration,
    /// Users to have alive during the stage.
    pub users: u64,
    /// Users started (or stopped) per second to get there.
    pub spawn_rate: f64,
    /// Run only these classes during the stage; `None` keeps the classes of the stage before
    /// (every class for the first), as Locust does.
    pub user_classes: Option<Vec<String>>,
}

impl Stage {
    /// A stage of `users` until `until`, reached at `spawn_rate`.
    pub fn new(until: Duration, users: u64, spawn_rate: f64) -> Self {
        Self {
            until,
            users,
            spawn_rate,
            user_classes: None,
        }
    }

    /// The same stage, restricted to the classes named.
    pub fn with_user_classes<S: Into<String>>(
        mut self,
        classes: impl IntoIterator<Item = S>,
    ) -> Self {
        self.user_classes = Some(classes.into_iter().map(Into::into).collect());
        self
    }
}

/// Why a list of stages was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StageError {
    /// No stage at all.
    #[error("a stages shape needs at least one stage")]
    Empty,
    /// A stage does not end after the one before it: the ends are times since the start,
    /// not lengths.
    #[error(
        "stage {number} ends at {until:?}, not after stage {previous} ({previous_until:?}): \
         each stage's duration is the time since the start at which it ends, as in Locust's \
         stages example"
    )]
    NotAscending {
        /// The offending stage, counted from 1.
        number: usize,
        /// Its end.
        until: Duration,
        /// The stage before it, counted from 1.
        previous: usize,
        /// That stage's end.
        previous_until: Duration,
    },
    /// A spawn rate that is not a finite number > 0.
    #[error("stage {number}: spawn_rate must be a finite number > 0, got {spawn_rate}")]
    SpawnRate {
        /// The offending stage, counted from 1.
        number: usize,
        /// Its spawn rate.
        spawn_rate: f64,
    },
}

/// Locust's stages shape: while the run time is before a stage's end, aim at that stage's users
/// (the first such stage); after the last stage, end the test.
///
/// ```
/// use std::time::Duration;
/// use locusta_runner::{Stage, Stages};
///
/// let ramp = Stages::new(vec![
///     Stage::new(Duration::from_secs(60), 10, 10.0),
///     Stage::new(Duration::from_secs(120), 50, 10.0),
/// ])?;
/// # Ok::<(), locusta_runner::StageError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Stages {
    name: String,
    stages: Vec<Stage>,
}

impl Stages {
    /// Checks the stages: at least one, strictly increasing ends, valid spawn rates.
    pub fn new(stages: Vec<Stage>) -> Result<Self, StageError> {
        if stages.is_empty() {
            return Err(StageError::Empty);
        }
        for (index, stage) in stages.iter().enumerate() {
            if !(stage.spawn_rate.is_finite() && stage.spawn_rate > 0.0) {
                return Err(StageError::SpawnRate {
                    number: index + 1,
                    spawn_rate: stage.spawn_rate,
                });
            }
            if index > 0 && stage.until <= stages[index - 1].until {
                return Err(StageError::NotAscending {
                    number: index + 1,
                    until: stage.until,
                    previous: index,
                    previous_until: stages[index - 1].until,
                });
            }
        }
        Ok(Self {
            name: "Stages".to_owned(),
            stages,
        })
    }

    /// The same shape under another name (logs, web UI), e.g. the Lua global it was assigned to.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The stages, in order.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }
}

impl LoadShape for Stages {
    fn tick(&mut self, context: &ShapeContext) -> ShapeResult {
        Ok(self
            .stages
            .iter()
            .find(|stage| context.run_time < stage.until)
            .map(|stage| ShapeTick {
                users: stage.users,
                spawn_rate: stage.spawn_rate,
                user_classes: stage.user_classes.clone(),
            }))
    }

    fn name(&self) -> &str {
        &self.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::ShapeOptions;

    fn at(secs: u64) -> ShapeContext {
        ShapeContext {
            run_time: Duration::from_secs(secs),
            user_count: 0,
            options: ShapeOptions::default(),
        }
    }

    #[test]
    fn each_stage_holds_until_its_end_then_the_test_ends() {
        let mut shape = Stages::new(vec![
            Stage::new(Duration::from_secs(60), 10, 10.0),
            Stage::new(Duration::from_secs(100), 50, 5.0).with_user_classes(["Web"]),
        ])
        .unwrap();
        let users = |shape: &mut Stages, secs| shape.tick(&at(secs)).unwrap().map(|t| t.users);
        assert_eq!(users(&mut shape, 0), Some(10));
        assert_eq!(users(&mut shape, 59), Some(10));
        assert_eq!(users(&mut shape, 60), Some(50));
        assert_eq!(
            shape.tick(&at(99)).unwrap().unwrap().user_classes,
            Some(vec!["Web".to_owned()])
        );
        assert_eq!(users(&mut shape, 100), None);
    }

    #[test]
    fn a_stage_until_duration_max_holds_for_ever() {
        let mut shape = Stages::new(vec![Stage::new(Duration::MAX, 3, 1.0)]).unwrap();
        assert_eq!(
            shape.tick(&at(u64::MAX / 4)).unwrap(),
            Some(ShapeTick::new(3, 1.0))
        );
    }

    #[test]
    fn refuses_lengths_given_as_durations_and_bad_rates() {
        assert_eq!(Stages::new(Vec::new()), Err(StageError::Empty));
        let lengths = Stages::new(vec![
            Stage::new(Duration::from_secs(60), 10, 10.0),
            Stage::new(Duration::from_secs(60), 20, 10.0),
        ]);
        assert!(
            lengths
                .unwrap_err()
                .to_string()
                .starts_with("stage 2 ends at 60s, not after stage 1 (60s)")
        );
        for rate in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                Stages::new(vec![Stage::new(Duration::from_secs(1), 1, rate)]),
                Err(StageError::SpawnRate { number: 1, .. })
            ));
        }
    }
}
