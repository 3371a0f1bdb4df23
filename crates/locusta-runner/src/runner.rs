//! The run state machine: a single task that owns the engine and decides when users come
//! and go. Everything else talks to it through a [`RunnerHandle`].

use std::sync::Arc;
use std::time::Duration;

use locusta_engine::{Engine, UserClass};
use locusta_stats::{Clock, History, RunState, RunView, Snapshot};
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, MissedTickBehavior};

use crate::dispatch::{ClassSequence, ClassShare};
use crate::ramp::ramp_step;

/// Where a run should go: Locust's `runner.start(user_count, spawn_rate)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Users to have alive once the ramp ends.
    pub users: u64,
    /// Users started (or stopped) per second; finite and > 0.
    pub spawn_rate: f64,
    /// Stop (headless: quit) this long after the start; `None` runs until told otherwise.
    pub run_time: Option<Duration>,
}

/// Runner settings that do not change during a run.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// How long running users may finish their task when stopped (`--stop-timeout`).
    pub stop_timeout: Duration,
    /// How often shard statistics are collected and a new view published.
    pub stats_interval: Duration,
    /// Whether reaching the run time ends the process (headless) or only stops the test.
    pub quit_at_run_time: bool,
    /// The clock the engine's recorders use, so the runner's "now" matches their timestamps.
    pub clock: Clock,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            stop_timeout: Duration::ZERO,
            stats_interval: Duration::from_secs(1),
            quit_at_run_time: true,
            clock: Clock::start(),
        }
    }
}

enum Command {
    Start(Target),
    SetHost(Option<String>),
    Stop,
    ResetStats,
    Quit,
}

/// A cheap, cloneable remote control for the runner, used by the CLI, signal handlers and the
/// web API. Orders are queued; the latest [`RunView`] is always available.
#[derive(Clone)]
pub struct RunnerHandle {
    commands: mpsc::UnboundedSender<Command>,
    views: watch::Receiver<Arc<RunView>>,
}

impl RunnerHandle {
    /// Starts a test, or edits the running one (new target, statistics kept).
    pub fn start(&self, target: Target) {
        let _ = self.commands.send(Command::Start(target));
    }

    /// Makes users spawned from now on aim at `host` (`None`: each class's own host). Send it
    /// before [`start`](Self::start): orders are obeyed in the order they were given.
    pub fn set_host(&self, host: Option<String>) {
        let _ = self.commands.send(Command::SetHost(host));
    }

    /// Stops all users; the runner stays up (web UI mode).
    pub fn stop(&self) {
        let _ = self.commands.send(Command::Stop);
    }

    /// Zeroes the statistics (entries are kept).
    pub fn reset_stats(&self) {
        let _ = self.commands.send(Command::ResetStats);
    }

    /// Stops all users and ends the runner; [`Runner::run`] then returns the final view.
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

/// The run state machine. Create with [`Runner::new`], then drive with [`Runner::run`].
pub struct Runner {
    engine: Engine,
    classes: Arc<[UserClass]>,
    config: RunnerConfig,
    sequence: ClassSequence,
    commands: mpsc::UnboundedReceiver<Command>,
    views: watch::Sender<Arc<RunView>>,
    state: RunState,
    /// Users alive or being stopped, oldest first: ramp-down pops the newest.
    users: Vec<u64>,
    next_user_id: u64,
    ramp: Option<Ramp>,
    deadline: Option<Instant>,
    totals: Snapshot,
    users_by_class: Vec<u64>,
    /// The charts' history, recorded at every `HISTORY_INTERVAL` collection while a test runs.
    history: History,
}

#[derive(Debug, Clone, Copy)]
struct Ramp {
    target: u64,
    spawn_rate: f64,
    next_step: Instant,
}

impl Runner {
    /// A runner for `engine`, whose users are made from `classes` (the same list the engine
    /// was started with).
    pub fn new(
        engine: Engine,
        classes: Arc<[UserClass]>,
        config: RunnerConfig,
    ) -> (Self, RunnerHandle) {
        let shares: Vec<ClassShare<'_>> = classes
            .iter()
            .map(|class| ClassShare {
                name: &class.name,
                weight: class.weight,
                fixed_count: class.fixed_count,
            })
            .collect();
        let sequence = ClassSequence::new(&shares);
        let (command_sender, commands) = mpsc::unbounded_channel();
        let now = config.clock.now_unix_secs();
        let empty = RunView::new(Arc::new(Snapshot::new(now)), RunState::Ready, 0, now);
        let (views, view_receiver) = watch::channel(Arc::new(empty));
        let runner = Self {
            engine,
            users_by_class: vec![0; classes.len()],
            classes,
            config,
            sequence,
            commands,
            views,
            state: RunState::Ready,
            users: Vec::new(),
            next_user_id: 0,
            ramp: None,
            deadline: None,
            totals: Snapshot::new(now),
            history: History::default(),
        };
        (
            runner,
            RunnerHandle {
                commands: command_sender,
                views: view_receiver,
            },
        )
    }

    /// Obeys commands until told to quit (or until every handle is gone), then stops all users
    /// and returns the final view, which includes everything recorded up to the end.
    pub async fn run(mut self) -> Arc<RunView> {
        let mut stats_tick = tokio::time::interval(self.config.stats_interval);
        stats_tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            let next_step = self.ramp.map(|ramp| ramp.next_step);
            tokio::select! {
                command = self.commands.recv() => match command {
                    None | Some(Command::Quit) => break,
                    Some(Command::Start(target)) => self.start(target),
                    Some(Command::Stop) => self.stop().await,
                    Some(Command::ResetStats) => self.reset_stats().await,
                    Some(Command::SetHost(host)) => {
                        tracing::info!("Host set to {}", host.as_deref().unwrap_or("each user class's own"));
                        self.engine.set_host(host);
                    }
                },
                () = sleep_until(next_step), if next_step.is_some() => self.step(),
                () = sleep_until(self.deadline), if self.deadline.is_some() => {
                    tracing::info!("--run-time limit reached, stopping");
                    self.deadline = None;
                    if self.config.quit_at_run_time {
                        break;
                    }
                    self.stop().await;
                }
                _ = stats_tick.tick() => self.collect().await,
            }
        }
        self.stop().await;
        self.views.borrow().clone()
    }

    fn start(&mut self, target: Target) {
        if matches!(self.state, RunState::Ready | RunState::Stopped) {
            // A new test (not an edit) starts from empty statistics, as in Locust.
            self.totals = Snapshot::new(self.config.clock.now_unix_secs());
            self.users_by_class.fill(0);
            self.history.clear();
        }
        let mut users = target.users;
        if let Some(capacity) = self.sequence.capacity()
            && users > capacity as u64
        {
            tracing::warn!(
                "only fixed_count user classes are selected, so at most {capacity} users can run; {} were asked for",
                target.users
            );
            users = capacity as u64;
        }
        if (self.sequence.fixed_total() as u64) > users {
            tracing::warn!(
                "the fixed_count user classes add up to {} users, more than the {users} asked for: not all of them will be spawned",
                self.sequence.fixed_total()
            );
        }
        tracing::info!(
            "Ramping to {users} users at a rate of {:.2} per second",
            target.spawn_rate
        );
        // An edit without a run time keeps the running deadline, as Locust's timer keeps going.
        if let Some(run_time) = target.run_time {
            self.deadline = Some(later(Instant::now(), run_time));
        } else if matches!(self.state, RunState::Ready | RunState::Stopped) {
            self.deadline = None;
        }
        self.state = RunState::Spawning;
        self.ramp = Some(Ramp {
            target: users,
            spawn_rate: target.spawn_rate,
            next_step: Instant::now(),
        });
        self.publish();
    }

    fn step(&mut self) {
        let Some(mut ramp) = self.ramp else { return };
        let step = ramp_step(self.users.len() as u64, ramp.target, ramp.spawn_rate);
        if step.change > 0 {
            for _ in 0..step.change {
                let index = self.users.len();
                let Some(class) = self.sequence.class_of(index) else {
                    break;
                };
                let user_id = self.next_user_id;
                self.next_user_id += 1;
                self.engine.spawn_user(user_id, class);
                self.users.push(user_id);
            }
        } else {
            for _ in 0..step.change.unsigned_abs() {
                if let Some(user_id) = self.users.pop() {
                    self.engine.stop_user(user_id, self.config.stop_timeout);
                }
            }
        }
        match step.next_in {
            Some(delay) => {
                // Scheduled from the previous step, so slow steps do not stretch the ramp.
                ramp.next_step = later(ramp.next_step, delay);
                self.ramp = Some(ramp);
            }
            None => {
                self.ramp = None;
                self.state = RunState::Running;
                tracing::info!(
                    "All users spawned: {} ({} total users)",
                    self.class_counts_json(),
                    self.users.len()
                );
            }
        }
    }

    async fn stop(&mut self) {
        if matches!(self.state, RunState::Ready | RunState::Stopped) {
            return;
        }
        self.ramp = None;
        self.deadline = None;
        self.state = RunState::Stopping;
        self.publish();
        self.engine.stop_all(self.config.stop_timeout).await;
        self.users.clear();
        self.state = RunState::Stopped;
        self.collect().await;
    }

    /// Zeroes the statistics; what shards recorded before the reset is dropped with them.
    async fn reset_stats(&mut self) {
        let report = self.engine.report().await;
        self.totals.merge(&report.delta);
        self.totals.reset(self.config.clock.now_unix_secs());
        self.users_by_class = report.users_by_class;
        // Locust's reset_all clears the history too: the charts restart with the statistics.
        self.history.clear();
        tracing::info!("Resetting stats");
        self.publish();
    }

    async fn collect(&mut self) {
        let report = self.engine.report().await;
        let now = self.config.clock.now_unix_secs();
        self.history.observe(now, report.delta.total());
        self.totals.merge(&report.delta);
        self.users_by_class = report.users_by_class;
        self.publish_view(true);
    }

    /// Users per class as Locust logs them: a JSON object with sorted keys.
    fn class_counts_json(&self) -> String {
        let mut counts = std::collections::BTreeMap::new();
        for index in 0..self.users.len() {
            if let Some(class) = self.sequence.class_of(index) {
                *counts
                    .entry(self.classes[class].name.as_str())
                    .or_insert(0u64) += 1;
            }
        }
        serde_json::to_string(&counts).unwrap_or_default()
    }

    fn publish(&mut self) {
        self.publish_view(false);
    }

    /// Publishes a new view. With `collected` (fresh statistics from every shard), the view also
    /// becomes a chart point when one is due and a test runs (Locust: while not ready or
    /// stopped).
    fn publish_view(&mut self, collected: bool) {
        let view = RunView::new(
            Arc::new(self.totals.clone()),
            self.state,
            self.users_by_class.iter().sum(),
            self.config.clock.now_unix_secs(),
        );
        let testing = !matches!(self.state, RunState::Ready | RunState::Stopped);
        if collected && testing && self.history.is_due(view.now(), self.config.stats_interval) {
            self.history.record(&view);
        }
        let view = view
            .with_history(self.history.points())
            .with_users_by_class(Arc::from(self.users_by_class.as_slice()));
        self.views.send_replace(Arc::new(view));
    }
}

/// `base + delay`, with the delay capped at a century: tokio's `Instant` panics on overflow,
/// and a monotonic clock plus a century cannot overflow.
fn later(base: Instant, delay: Duration) -> Instant {
    const NEVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    base + delay.min(NEVER)
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
