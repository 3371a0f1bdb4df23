use std::time::Duration;

/// One step of Locust's spawn schedule.
///
/// Each step adds (or removes) `max(1, floor(rate))` users, then the next step comes
/// `batch / rate` seconds later; the last step does not wait. So `-r 0.5` gives one user every
/// 2 s, `-r 10` bursts of 10 every second, `-r 2.5` two users every 0.8 s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RampStep {
    /// Users to add (positive) or remove (negative) now.
    pub change: i64,
    /// Delay before the next step, or `None` when the target is reached.
    pub next_in: Option<Duration>,
}

/// Users per step for a spawn rate.
pub fn batch_size(spawn_rate: f64) -> u64 {
    (spawn_rate.floor() as u64).max(1)
}

/// The step to take with `current` users alive, aiming at `target` at `spawn_rate` users/s.
pub fn ramp_step(current: u64, target: u64, spawn_rate: f64) -> RampStep {
    let batch = batch_size(spawn_rate);
    let change = if current < target {
        batch.min(target - current) as i64
    } else {
        -(batch.min(current - target) as i64)
    };
    let after = current.saturating_add_signed(change);
    // A vanishing rate gives a delay too long for a Duration: saturate instead of panicking.
    let next_in = (after != target)
        .then(|| Duration::try_from_secs_f64(batch as f64 / spawn_rate).unwrap_or(Duration::MAX));
    RampStep { change, next_in }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_users_at_two_per_second_take_two_steps_one_second_apart() {
        assert_eq!(
            ramp_step(0, 3, 2.0),
            RampStep {
                change: 2,
                next_in: Some(Duration::from_secs(1))
            }
        );
        assert_eq!(
            ramp_step(2, 3, 2.0),
            RampStep {
                change: 1,
                next_in: None
            }
        );
    }

    #[test]
    fn fractional_rates_follow_locust() {
        assert_eq!(ramp_step(0, 5, 0.5).next_in, Some(Duration::from_secs(2)));
        assert_eq!(
            ramp_step(0, 5, 2.5),
            RampStep {
                change: 2,
                next_in: Some(Duration::from_millis(800))
            }
        );
    }

    #[test]
    fn a_vanishing_rate_saturates_instead_of_panicking() {
        assert_eq!(ramp_step(0, 5, 1e-300).next_in, Some(Duration::MAX));
    }

    #[test]
    fn ramp_down_uses_the_same_batches() {
        assert_eq!(
            ramp_step(10, 3, 4.0),
            RampStep {
                change: -4,
                next_in: Some(Duration::from_secs(1))
            }
        );
        assert_eq!(
            ramp_step(4, 3, 4.0),
            RampStep {
                change: -1,
                next_in: None
            }
        );
        assert_eq!(
            ramp_step(3, 3, 4.0),
            RampStep {
                change: 0,
                next_in: None
            }
        );
    }
}
