//! Where the runner's users live.
//!
//! The runner decides which users exist (its roster: who is started and stopped, in which
//! order, at which rate); a [`Population`] makes it so. Locally that is the engine's shards;
//! on a distributed master it is the cluster's workers, which receive the per-class totals
//! after every ramp step (Locust's master also ramps and sends absolute targets each step).
//! So shapes, run times, class selection and statistics work the same in both.

use std::future::Future;
use std::time::Duration;

use locusta_engine::{Engine, EngineReport};

/// The users the runner starts and stops, and the statistics they record.
pub trait Population {
    /// Starts user `user_id` of class number `class`.
    fn spawn_user(&mut self, user_id: u64, class: usize);

    /// Stops user `user_id` (of class number `class`), letting it finish its task for at most
    /// `stop_timeout`.
    fn stop_user(&mut self, user_id: u64, class: usize, stop_timeout: Duration);

    /// Every spawn and stop of one ramp step has been given; the ramp runs at `spawn_rate`.
    /// A remote population sends its new targets now; the local one has nothing to do.
    fn step_done(&mut self, spawn_rate: f64) -> impl Future<Output = ()> {
        let _ = spawn_rate;
        async {}
    }

    /// Whether the users live elsewhere, started after the runner's ramp steps (a master's
    /// workers): the runner then leaves announcing the end of the ramp to them.
    fn is_remote(&self) -> bool {
        false
    }

    /// Makes users spawned from now on aim at `host` (`None`: each class's own host).
    fn set_host(&mut self, host: Option<String>);

    /// Stops every user; the future resolves once they have ended. It must not borrow the
    /// population: the runner keeps collecting reports and taking orders while it waits.
    fn stop_all(&mut self, stop_timeout: Duration) -> impl Future<Output = ()> + Send + 'static;

    /// Everything recorded since the previous report, and the users alive per class.
    fn report(&mut self) -> impl Future<Output = EngineReport>;
}

impl Population for Engine {
    fn spawn_user(&mut self, user_id: u64, class: usize) {
        Engine::spawn_user(self, user_id, class);
    }

    fn stop_user(&mut self, user_id: u64, _class: usize, stop_timeout: Duration) {
        Engine::stop_user(self, user_id, stop_timeout);
    }

    fn set_host(&mut self, host: Option<String>) {
        Engine::set_host(self, host);
    }

    fn stop_all(&mut self, stop_timeout: Duration) -> impl Future<Output = ()> + Send + 'static {
        Engine::stop_all(self, stop_timeout)
    }

    fn report(&mut self) -> impl Future<Output = EngineReport> {
        Engine::report(self)
    }
}
