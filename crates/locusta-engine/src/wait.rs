use std::time::Duration;

use rand::Rng;
use tokio::time::Instant;

/// How long a user waits after each task (Locust's `wait_time`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WaitTime {
    /// Always the same pause (`constant(s)`); `constant(0)` is the default.
    Constant(Duration),
    /// Uniformly random between the two bounds (`between(a, b)`).
    Between(Duration, Duration),
    /// Aims at one task *start* every period (`constant_pacing(s)`): the wait is the period
    /// minus the time the task took, never negative, and an overrun is not caught up later.
    ConstantPacing(Duration),
}

impl Default for WaitTime {
    fn default() -> Self {
        WaitTime::Constant(Duration::ZERO)
    }
}

/// `constant(seconds)`.
pub fn constant(seconds: f64) -> WaitTime {
    WaitTime::Constant(secs(seconds))
}

/// `between(min, max)`, in seconds. The bounds may be given in either order.
pub fn between(min: f64, max: f64) -> WaitTime {
    let (low, high) = if min <= max { (min, max) } else { (max, min) };
    WaitTime::Between(secs(low), secs(high))
}

/// `constant_pacing(seconds)`.
pub fn constant_pacing(seconds: f64) -> WaitTime {
    WaitTime::ConstantPacing(secs(seconds))
}

/// `constant_throughput(task_runs_per_second)` = `constant_pacing(1 / rate)`, per user.
///
/// # Panics
/// If `rate` is not finite and positive, as Locust raises `ValueError`.
pub fn constant_throughput(task_runs_per_second: f64) -> WaitTime {
    assert!(
        task_runs_per_second.is_finite() && task_runs_per_second > 0.0,
        "constant_throughput needs a positive rate, got {task_runs_per_second}"
    );
    constant_pacing(1.0 / task_runs_per_second)
}

fn secs(seconds: f64) -> Duration {
    Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::MAX)
}

/// One user's wait-time state: pacing remembers when the previous wait ended.
#[derive(Debug, Clone)]
pub(crate) struct Waiter {
    wait_time: WaitTime,
    last_run: Instant,
    last_wait: Duration,
}

impl Waiter {
    /// Pacing counts from the user's creation, as Locust's `User.__init__` does.
    pub(crate) fn new(wait_time: WaitTime, created: Instant) -> Self {
        Self {
            wait_time,
            last_run: created,
            last_wait: Duration::ZERO,
        }
    }

    /// The pause to take now, after a task ended at `now`.
    pub(crate) fn next_wait(&mut self, now: Instant, rng: &mut impl Rng) -> Duration {
        match self.wait_time {
            WaitTime::Constant(pause) => pause,
            WaitTime::Between(low, high) => {
                if high <= low {
                    low
                } else {
                    low + (high - low).mul_f64(rng.random::<f64>())
                }
            }
            WaitTime::ConstantPacing(period) => {
                // Time spent in tasks since the previous wait ended.
                let run_time = now
                    .saturating_duration_since(self.last_run)
                    .saturating_sub(self.last_wait);
                self.last_wait = period.saturating_sub(run_time);
                self.last_run = now;
                self.last_wait
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn between_stays_in_bounds_and_varies() {
        let mut rng = SmallRng::seed_from_u64(7);
        let mut waiter = Waiter::new(between(1.0, 5.0), Instant::now());
        let waits: Vec<_> = (0..1000)
            .map(|_| waiter.next_wait(Instant::now(), &mut rng))
            .collect();
        assert!(waits.iter().all(|w| *w >= ms(1000) && *w <= ms(5000)));
        let mean = waits.iter().map(Duration::as_secs_f64).sum::<f64>() / 1000.0;
        assert!((mean - 3.0).abs() < 0.15, "mean {mean}");
    }

    #[test]
    fn pacing_subtracts_task_time_without_catch_up() {
        let mut rng = SmallRng::seed_from_u64(1);
        let start = Instant::now();
        let mut waiter = Waiter::new(constant_pacing(1.0), start);
        // First task took 300 ms since creation: wait 700 ms.
        assert_eq!(waiter.next_wait(start + ms(300), &mut rng), ms(700));
        // Next task starts at 1000 ms, takes 1500 ms: overrun, wait 0.
        assert_eq!(waiter.next_wait(start + ms(2500), &mut rng), Duration::ZERO);
        // Next task takes 200 ms: the overrun is not carried over, wait 800 ms.
        assert_eq!(waiter.next_wait(start + ms(2700), &mut rng), ms(800));
    }

    #[test]
    fn constant_throughput_is_pacing_of_the_inverse() {
        assert_eq!(constant_throughput(4.0), WaitTime::ConstantPacing(ms(250)));
    }
}
