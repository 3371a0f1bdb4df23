//! What the rest of the program gives the runner: its settings, targets, and orders through
//! the [`RunnerHandle`].

use std::sync::Arc;
use std::time::Duration;

use locusta_stats::{Clock, RunView, Snapshot};
use tokio::sync::{mpsc, oneshot, watch};

use crate::shape::ShapeOptions;

/// Where a run should go: Locust's `runner.start(user_count, spawn_rate, user_classes)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Users to have alive once the ramp ends.
    pub users: u64,
    /// Users started (or stopped) per second; finite and > 0.
    pub spawn_rate: f64,
    /// Stop (headless: quit) this long after the start; `None` runs until told otherwise (an
    /// edit without a run time keeps the running deadline).
    pub run_time: Option<Duration>,
    /// Run only these classes (by name). `None` keeps the running test's selection (an edit),
    /// or runs every class when a new test starts, as in Locust. When the selection changes
    /// mid-run, users of classes no longer selected are stopped and the mix is rebuilt, both at
    /// the spawn rate (Locust keeps them: its issue #2714).
    pub user_classes: Option<Vec<String>>,
}

impl Target {
    /// `users` at `spawn_rate`, without a run time or class selection (every class for a new
    /// test, the running test's classes for an edit).
    pub fn new(users: u64, spawn_rate: f64) -> Self {
        Self {
            users,
            spawn_rate,
            run_time: None,
            user_classes: None,
        }
    }
}

/// Runner settings that do not change during a run.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// How long running users may finish their task when stopped (`--stop-timeout`).
    pub stop_timeout: Duration,
    /// How often shard statistics are collected and a new view published.
    pub stats_interval: Duration,
    /// Whether reaching the run time, or the end of a load shape, ends the process (headless)
    /// or only stops the test (web UI).
    pub quit_at_run_time: bool,
    /// The clock the engine's recorders use, so the runner's "now" matches their timestamps.
    pub clock: Clock,
    /// `--equal-weights`, for choosing classes: every class with a weight > 0 counts as weight 1
    /// (`fixed_count` classes keep their counts, as in Locust). Task weights are the engine's:
    /// the classes' `with_equal_task_weights()`.
    pub equal_weights: bool,
    /// `--reset-stats`: zero the statistics each time a ramp completes (Locust: "Resetting
    /// stats" when spawning completes).
    pub reset_stats: bool,
    /// Keep what is recorded for [`RunnerHandle::take_stats`] (a distributed worker, which
    /// sends its master deltas). Off, the statistics are only merged into the run's totals.
    pub keep_deltas: bool,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            stop_timeout: Duration::ZERO,
            stats_interval: Duration::from_secs(1),
            quit_at_run_time: true,
            clock: Clock::start(),
            equal_weights: false,
            reset_stats: false,
            keep_deltas: false,
        }
    }
}

pub(super) enum Command {
    Start(Target),
    StartShape(ShapeOptions),
    StartExact {
        per_class: Vec<u64>,
        spawn_rate: f64,
    },
    TakeStats(oneshot::Sender<Snapshot>),
    SetHost(Option<String>),
    Stop,
    ResetStats,
    Quit,
}

/// A cheap, cloneable remote control for the runner, used by the CLI, signal handlers and the
/// web API. Orders are queued; the latest [`RunView`] is always available.
#[derive(Clone)]
pub struct RunnerHandle {
    pub(super) commands: mpsc::UnboundedSender<Command>,
    pub(super) views: watch::Receiver<Arc<RunView>>,
}

impl RunnerHandle {
    /// Starts a test, or edits the running one (new target, statistics kept). Refused (with a
    /// warning) while a load shape drives the test, as in Locust.
    pub fn start(&self, target: Target) {
        let _ = self.commands.send(Command::Start(target));
    }

    /// Starts the runner's load shape (see [`Runner::with_shape`](super::Runner::with_shape)):
    /// its clock starts from zero, it is ticked at once and then about once per second, and
    /// each new result becomes the target. `options` are given to a shape that uses the common
    /// options (and their `run_time` then stops the test); other shapes ignore them. Ignored
    /// with a warning without a shape, and while the shape already runs.
    pub fn start_shape(&self, options: ShapeOptions) {
        let _ = self.commands.send(Command::StartShape(options));
    }

    /// Starts or edits a test aiming at exactly `per_class[i]` users of class `i` (every class,
    /// in the runner's order), as a distributed worker is told: users alive keep their places by
    /// class, the others are started or stopped at `spawn_rate`.
    pub fn start_exact(&self, per_class: Vec<u64>, spawn_rate: f64) {
        let _ = self.commands.send(Command::StartExact {
            per_class,
            spawn_rate,
        });
    }

    /// Everything recorded since the previous call, collected from the shards now; empty
    /// unless [`RunnerConfig::keep_deltas`] is set (or when the runner has ended).
    pub async fn take_stats(&self) -> Snapshot {
        let (reply, taken) = oneshot::channel();
        if self.commands.send(Command::TakeStats(reply)).is_err() {
            return Snapshot::default();
        }
        taken.await.unwrap_or_default()
    }

    /// Makes users spawned from now on aim at `host` (`None`: each class's own host). Send it
    /// before [`start`](Self::start): orders are obeyed in the order they were given.
    pub fn set_host(&self, host: Option<String>) {
        let _ = self.commands.send(Command::SetHost(host));
    }

    /// Stops all users (and the load shape); the runner stays up (web UI mode).
    pub fn stop(&self) {
        let _ = self.commands.send(Command::Stop);
    }

    /// Zeroes the statistics (entries are kept).
    pub fn reset_stats(&self) {
        let _ = self.commands.send(Command::ResetStats);
    }

    /// Stops all users and ends the runner; [`Runner::run`](super::Runner::run) then returns
    /// the final view.
    pub fn quit(&self) {
        let _ = self.commands.send(Command::Quit);
    }

    /// The latest published view.
    pub fn view(&self) -> Arc<RunView> {
        Arc::clone(&self.views.borrow())
    }

    /// A receiver that is notified of each new view.
    pub fn subscribe(&self) -> watch::Receiver<Arc<RunView>> {
        self.views.clone()
    }
}
