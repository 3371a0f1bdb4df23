//! Locust's spawn schedule.
//!
//! Each step adds (or removes) `max(1, floor(rate))` users, then the next step comes
//! `batch / rate` seconds later; the last step does not wait. So `-r 0.5` gives one user every
//! 2 s, `-r 10` bursts of 10 every second, `-r 2.5` two users every 0.8 s.

use std::time::Duration;

/// Users per step for a spawn rate.
pub fn batch_size(spawn_rate: f64) -> u64 {
    (spawn_rate.floor() as u64).max(1)
}

/// The pause between two steps at `spawn_rate`. A vanishing rate gives a delay too long for a
/// `Duration`: it saturates instead of panicking.
pub fn step_delay(spawn_rate: f64) -> Duration {
    Duration::try_from_secs_f64(batch_size(spawn_rate) as f64 / spawn_rate).unwrap_or(Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_per_second_is_a_batch_of_two_every_second() {
        assert_eq!(batch_size(2.0), 2);
        assert_eq!(step_delay(2.0), Duration::from_secs(1));
    }

    #[test]
    fn fractional_rates_follow_locust() {
        assert_eq!(batch_size(0.5), 1);
        assert_eq!(step_delay(0.5), Duration::from_secs(2));
        assert_eq!(batch_size(2.5), 2);
        assert_eq!(step_delay(2.5), Duration::from_millis(800));
    }

    #[test]
    fn a_vanishing_rate_saturates_instead_of_panicking() {
        assert_eq!(step_delay(1e-300), Duration::MAX);
    }
}
