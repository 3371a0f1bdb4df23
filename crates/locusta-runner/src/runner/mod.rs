//! The run state machine: a single task that owns the users and decides when they come
//! and go. Everything else talks to it through a [`RunnerHandle`].

mod handle;
mod shaping;

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use locusta_engine::{Engine, EngineReport, UserClass};
use locusta_stats::{History, RunState, RunView, Snapshot};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, MissedTickBehavior};

pub use handle::{RunnerConfig, RunnerHandle, Target};

use crate::dispatch::{ClassSequence, ClassShare};
use crate::population::Population;
use crate::ramp::{batch_size, step_delay};
use crate::roster::Roster;
use crate::shape::LoadShape;
use handle::Command;
use shaping::ShapeDriver;

/// The run state machine. Create with [`Runner::new`], then drive with [`Runner::run`].
///
/// Its users live in a [`Population`]: this process's [`Engine`] (the default), or a
/// distributed master's workers.
pub struct Runner<P: Population = Engine> {
    users: P,
    classes: Arc<[UserClass]>,
    config: RunnerConfig,
    commands: mpsc::UnboundedReceiver<Command>,
    views: watch::Sender<Arc<RunView>>,
    state: RunState,
    /// The selected classes (sorted indices), which the roster's sequence is built over.
    selection: Vec<usize>,
    /// Users alive or being stopped, on positions of the class sequence.
    roster: Roster,
    next_user_id: u64,
    ramp: Option<Ramp>,
    deadline: Option<Instant>,
    totals: Snapshot,
    users_by_class: Vec<u64>,
    /// The charts' history, recorded at every `HISTORY_INTERVAL` collection while a test runs.
    history: History,
    shape: Option<ShapeDriver>,
    /// What was recorded since the last [`RunnerHandle::take_stats`], when the configuration
    /// asks for it (a distributed worker).
    untaken: Option<Snapshot>,
    /// The users' stop once ordered, until they have all ended. Meanwhile statistics are still
    /// collected (users finishing their tasks keep recording) and orders are taken.
    stopping: Option<UsersStopping>,
    /// Orders given during a stop, obeyed in order once it is over.
    deferred: VecDeque<Command>,
}

type UsersStopping = Pin<Box<dyn Future<Output = ()> + Send>>;

#[derive(Debug, Clone, Copy)]
struct Ramp {
    target: usize,
    spawn_rate: f64,
    next_step: Instant,
}

/// What the run loop does after handling an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

impl<P: Population> Runner<P> {
    /// A runner for `users` (usually an [`Engine`]), whose users are made from `classes` (the
    /// same list the engine was started with).
    pub fn new(users: P, classes: Arc<[UserClass]>, config: RunnerConfig) -> (Self, RunnerHandle) {
        let selection: Vec<usize> = (0..classes.len()).collect();
        let sequence = class_sequence(&classes, &selection, config.equal_weights);
        let (command_sender, commands) = mpsc::unbounded_channel();
        let now = config.clock.now_unix_secs();
        let empty = RunView::new(Arc::new(Snapshot::new(now)), RunState::Ready, 0, now);
        let (views, view_receiver) = watch::channel(Arc::new(empty));
        let untaken = config.keep_deltas.then(Snapshot::default);
        let runner = Self {
            users,
            users_by_class: vec![0; classes.len()],
            classes,
            config,
            commands,
            views,
            state: RunState::Ready,
            selection,
            roster: Roster::new(sequence),
            next_user_id: 0,
            ramp: None,
            deadline: None,
            totals: Snapshot::new(now),
            history: History::default(),
            shape: None,
            untaken,
            stopping: None,
            deferred: VecDeque::new(),
        };
        (
            runner,
            RunnerHandle {
                commands: command_sender,
                views: view_receiver,
            },
        )
    }

    /// Gives the runner a load shape, which [`RunnerHandle::start_shape`] starts.
    pub fn with_shape(mut self, shape: Box<dyn LoadShape>) -> Self {
        self.shape = Some(ShapeDriver::new(shape));
        self
    }

    /// Obeys commands until told to quit (or until every handle is gone), then stops all users
    /// and returns the final view, which includes everything recorded up to the end.
    pub async fn run(mut self) -> Arc<RunView> {
        let mut stats_tick = tokio::time::interval(self.config.stats_interval);
        stats_tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            let next_step = self.ramp.map(|ramp| ramp.next_step);
            let next_tick = self.shape.as_ref().and_then(ShapeDriver::next_tick);
            let flow = tokio::select! {
                command = self.commands.recv() => match command {
                    None | Some(Command::Quit) => Flow::Quit,
                    Some(command @ Command::TakeStats(_)) => self.obey(command).await,
                    Some(command) if self.stopping.is_some() => {
                        self.deferred.push_back(command);
                        Flow::Continue
                    }
                    Some(command) => self.obey(command).await,
                },
                () = users_stopped(&mut self.stopping) => {
                    self.finish_stop().await;
                    self.obey_deferred().await;
                    Flow::Continue
                }
                () = sleep_until(next_step), if next_step.is_some() => {
                    self.step().await;
                    Flow::Continue
                }
                () = sleep_until(next_tick), if next_tick.is_some() => self.tick_shape().await,
                () = sleep_until(self.deadline), if self.deadline.is_some() => {
                    tracing::info!("--run-time limit reached, stopping");
                    self.deadline = None;
                    if self.config.quit_at_run_time {
                        Flow::Quit
                    } else {
                        self.begin_stop();
                        Flow::Continue
                    }
                }
                _ = stats_tick.tick() => {
                    self.collect().await;
                    Flow::Continue
                }
            };
            if flow == Flow::Quit {
                break;
            }
        }
        self.stop().await;
        self.views.borrow().clone()
    }

    async fn obey(&mut self, command: Command) -> Flow {
        match command {
            Command::Quit => return Flow::Quit,
            Command::Start(target) => self.start(target),
            Command::StartExact {
                per_class,
                spawn_rate,
            } => self.start_exact(&per_class, spawn_rate),
            Command::TakeStats(reply) => self.take_stats(reply).await,
            Command::StartShape(options) => self.start_shape(options),
            Command::Stop => self.begin_stop(),
            Command::ResetStats => self.reset_stats().await,
            Command::SetHost(host) => {
                tracing::info!(
                    "Host set to {}",
                    host.as_deref().unwrap_or("each user class's own")
                );
                self.users.set_host(host);
            }
        }
        Flow::Continue
    }

    /// Obeys the orders given during the stop that just ended, until one of them stops the
    /// test again.
    async fn obey_deferred(&mut self) {
        while self.stopping.is_none()
            && let Some(command) = self.deferred.pop_front()
        {
            self.obey(command).await;
        }
    }

    fn is_idle(&self) -> bool {
        matches!(self.state, RunState::Ready | RunState::Stopped)
    }

    /// A start or edit from outside (CLI, web): refused while a shape drives the test.
    fn start(&mut self, target: Target) {
        if self.shape.as_ref().is_some_and(ShapeDriver::is_running) {
            tracing::warn!("There is an ongoing shape test running. Editing is disabled");
            return;
        }
        let selection = match self.resolve_classes(target.user_classes.as_deref()) {
            Ok(selection) => selection,
            Err(message) => {
                tracing::error!("{message}; the start was ignored");
                return;
            }
        };
        if !(target.spawn_rate.is_finite() && target.spawn_rate > 0.0) {
            tracing::error!(
                "spawn rate {} is not a finite number > 0; the start was ignored",
                target.spawn_rate
            );
            return;
        }
        // An edit without a run time keeps the running deadline, as Locust's timer keeps going.
        if let Some(run_time) = target.run_time {
            self.deadline = Some(later(Instant::now(), run_time));
        } else if self.is_idle() {
            self.deadline = None;
        }
        self.retarget(target.users, target.spawn_rate, selection);
    }

    /// Aims at exactly `per_class` users of each class (a distributed worker's orders): the
    /// users alive keep their places by class, the others are started or stopped at
    /// `spawn_rate`.
    fn start_exact(&mut self, per_class: &[u64], spawn_rate: f64) {
        if per_class.len() != self.classes.len() || !(spawn_rate.is_finite() && spawn_rate > 0.0) {
            tracing::error!(
                "a target of {per_class:?} users at {spawn_rate} per second does not fit the {} user classes; it was ignored",
                self.classes.len()
            );
            return;
        }
        self.begin_test_if_idle();
        let shares: Vec<ClassShare<'_>> = self
            .classes
            .iter()
            .zip(per_class)
            .map(|(class, &count)| ClassShare {
                name: &class.name,
                weight: 0.0,
                fixed_count: u32::try_from(count).unwrap_or(u32::MAX),
            })
            .collect();
        let sequence = ClassSequence::new(&shares);
        let target = sequence.fixed_total();
        self.roster.reselect(sequence, target);
        self.selection = (0..self.classes.len()).collect();
        self.begin_ramp(target, spawn_rate);
    }

    /// A start from idle is a new test: statistics and history are cleared, as in Locust.
    fn begin_test_if_idle(&mut self) {
        if self.is_idle() {
            self.totals = Snapshot::new(self.config.clock.now_unix_secs());
            self.users_by_class.fill(0);
            self.history.clear();
        }
    }

    fn begin_ramp(&mut self, target: usize, spawn_rate: f64) {
        tracing::info!("Ramping to {target} users at a rate of {spawn_rate:.2} per second");
        self.roster.reopen_holes();
        self.state = RunState::Spawning;
        self.ramp = Some(Ramp {
            target,
            spawn_rate,
            next_step: Instant::now(),
        });
        self.publish();
    }

    /// Aims at `users` of the `selection` at `spawn_rate`: a new test when idle (statistics
    /// cleared, as in Locust), else an edit.
    fn retarget(&mut self, users: u64, spawn_rate: f64, selection: Vec<usize>) {
        self.begin_test_if_idle();
        let reselect = selection != self.selection;
        let sequence =
            reselect.then(|| class_sequence(&self.classes, &selection, self.config.equal_weights));
        let aimed = sequence.as_ref().unwrap_or(self.roster.sequence());
        let (capacity, fixed_total) = (aimed.capacity(), aimed.fixed_total());
        let mut target = usize::try_from(users).unwrap_or(usize::MAX);
        if let Some(capacity) = capacity
            && target > capacity
        {
            tracing::warn!(
                "only fixed_count user classes are selected, so at most {capacity} users can run; {users} were asked for"
            );
            target = capacity;
        }
        if fixed_total > target {
            tracing::warn!(
                "the fixed_count user classes add up to {fixed_total} users, more than the {target} asked for: not all of them will be spawned"
            );
        }
        if let Some(sequence) = sequence {
            let names: Vec<&str> = selection
                .iter()
                .map(|&class| self.classes[class].name.as_str())
                .collect();
            tracing::info!("Running user classes: {}", names.join(", "));
            self.roster.reselect(sequence, target);
            self.selection = selection;
        }
        self.begin_ramp(target, spawn_rate);
    }

    /// The class indices `names` select, sorted, or why not. `None` keeps the running test's
    /// selection, and selects every class for a new test (Locust forgets the selection when a
    /// test stops).
    fn resolve_classes(&self, names: Option<&[String]>) -> Result<Vec<usize>, String> {
        let Some(names) = names else {
            return Ok(if self.is_idle() {
                (0..self.classes.len()).collect()
            } else {
                self.selection.clone()
            });
        };
        if names.is_empty() {
            return Err("no user class was selected".to_owned());
        }
        let mut selection = Vec::with_capacity(names.len());
        for name in names {
            match self.classes.iter().position(|class| &class.name == name) {
                Some(index) => selection.push(index),
                None => {
                    let known: Vec<&str> = self.classes.iter().map(|c| c.name.as_str()).collect();
                    return Err(format!(
                        "unknown user class '{name}' (known classes: {})",
                        known.join(", ")
                    ));
                }
            }
        }
        selection.sort_unstable();
        selection.dedup();
        Ok(selection)
    }

    async fn step(&mut self) {
        let Some(mut ramp) = self.ramp else { return };
        let batch = usize::try_from(batch_size(ramp.spawn_rate)).unwrap_or(usize::MAX);
        let step = self.roster.step(ramp.target, batch, &mut self.next_user_id);
        for member in step.stopped {
            self.users
                .stop_user(member.id, member.class, self.config.stop_timeout);
        }
        for member in step.spawned {
            self.users.spawn_user(member.id, member.class);
        }
        self.users.step_done(ramp.spawn_rate).await;
        if !step.done {
            // Scheduled from the previous step, so slow steps do not stretch the ramp.
            ramp.next_step = later(ramp.next_step, step_delay(ramp.spawn_rate));
            self.ramp = Some(ramp);
            return;
        }
        self.ramp = None;
        self.state = RunState::Running;
        if self.users.is_remote() {
            // The master says "All users spawned" once the workers have them.
            tracing::debug!("Every ramp step sent: {}", self.class_counts_json());
        } else {
            tracing::info!(
                "All users spawned: {} ({} total users)",
                self.class_counts_json(),
                self.roster.alive()
            );
        }
        if self.config.reset_stats {
            self.reset_stats().await;
        } else {
            self.publish();
        }
    }

    /// Orders every user to stop; the run loop finishes the stop once they have ended.
    fn begin_stop(&mut self) {
        // A stopped test stops its shape, as Locust kills the shape greenlet.
        if let Some(shape) = &mut self.shape {
            shape.end();
        }
        if self.stopping.is_some() {
            return;
        }
        if self.is_idle() {
            // A fresh view all the same: whoever ordered the stop sees it obeyed.
            self.publish();
            return;
        }
        self.ramp = None;
        self.deadline = None;
        self.state = RunState::Stopping;
        self.publish();
        self.stopping = Some(Box::pin(self.users.stop_all(self.config.stop_timeout)));
    }

    async fn finish_stop(&mut self) {
        self.stopping = None;
        self.roster.clear();
        self.state = RunState::Stopped;
        self.collect().await;
    }

    /// Stops every user and waits for them (the runner is quitting).
    async fn stop(&mut self) {
        self.begin_stop();
        if let Some(stopping) = &mut self.stopping {
            stopping.await;
            self.finish_stop().await;
        }
    }

    /// What the users recorded since the last report; the roster forgets the users that
    /// ended by themselves, so counts and ramps see only live ones.
    async fn report(&mut self) -> EngineReport {
        let report = self.users.report().await;
        self.roster.forget(&report.ended);
        report
    }

    /// Zeroes the statistics; what shards recorded before the reset is dropped with them.
    async fn reset_stats(&mut self) {
        let report = self.report().await;
        self.totals.merge(&report.delta);
        if let Some(untaken) = &mut self.untaken {
            untaken.merge(&report.delta);
        }
        self.totals.reset(self.config.clock.now_unix_secs());
        self.users_by_class = report.users_by_class;
        // Locust's reset_all clears the history too: the charts restart with the statistics.
        self.history.clear();
        tracing::info!("Resetting stats");
        self.publish();
    }

    /// Hands over what was recorded since the last time; an asker that gave up waiting (the
    /// runner was busy stopping users) gets it next time instead.
    async fn take_stats(&mut self, reply: oneshot::Sender<Snapshot>) {
        self.collect().await;
        let Some(untaken) = &mut self.untaken else {
            let _ = reply.send(Snapshot::default());
            return;
        };
        let taken = std::mem::take(untaken);
        if let Err(taken) = reply.send(taken) {
            untaken.merge(&taken);
        }
    }

    async fn collect(&mut self) {
        let report = self.report().await;
        let now = self.config.clock.now_unix_secs();
        self.history.observe(now, report.delta.total());
        self.totals.merge(&report.delta);
        if let Some(untaken) = &mut self.untaken {
            untaken.merge(&report.delta);
        }
        self.users_by_class = report.users_by_class;
        self.publish_view(true);
    }

    /// Users per class as Locust logs them: Python's `json.dumps` of a dict with sorted keys,
    /// `{"A": 1, "B": 2}`.
    fn class_counts_json(&self) -> String {
        let counts: std::collections::BTreeMap<&str, u64> = self
            .roster
            .counts_by_class(self.classes.len())
            .into_iter()
            .enumerate()
            .filter(|&(_, count)| count > 0)
            .map(|(class, count)| (self.classes[class].name.as_str(), count))
            .collect();
        let pairs: Vec<String> = counts
            .iter()
            .map(|(name, count)| {
                let name = serde_json::to_string(name).unwrap_or_default();
                format!("{name}: {count}")
            })
            .collect();
        format!("{{{}}}", pairs.join(", "))
    }

    fn publish(&mut self) {
        self.publish_view(false);
    }

    /// Publishes a new view. With `collected` (fresh statistics from every shard), the view also
    /// becomes a chart point when one is due and a test runs (Locust: while not ready or
    /// stopped).
    fn publish_view(&mut self, collected: bool) {
        let now = self.config.clock.now_unix_secs();
        let view = RunView::new(
            Arc::new(self.totals.clone()),
            self.state,
            self.users_by_class.iter().sum(),
            now,
        )
        .with_current_percentiles_ms(self.history.current_percentiles_ms(now));
        let testing = !self.is_idle();
        if collected && testing && self.history.is_due(view.now(), self.config.stats_interval) {
            self.history.record(&view);
        }
        let view = view
            .with_history(self.history.points())
            .with_users_by_class(Arc::from(self.users_by_class.as_slice()));
        self.views.send_replace(Arc::new(view));
    }
}

/// The spawn order over the selected classes: the others get no users.
fn class_sequence(
    classes: &[UserClass],
    selection: &[usize],
    equal_weights: bool,
) -> ClassSequence {
    let shares: Vec<ClassShare<'_>> = classes
        .iter()
        .enumerate()
        .map(|(index, class)| {
            let selected = selection.contains(&index);
            let weight = match (selected, equal_weights) {
                (false, _) => 0.0,
                (true, true) if class.weight > 0.0 => 1.0,
                (true, _) => class.weight,
            };
            ClassShare {
                name: &class.name,
                weight,
                fixed_count: if selected { class.fixed_count } else { 0 },
            }
        })
        .collect();
    ClassSequence::new(&shares)
}

/// `base + delay`, with the delay capped at a century: tokio's `Instant` panics on overflow,
/// and a monotonic clock plus a century cannot overflow.
fn later(base: Instant, delay: Duration) -> Instant {
    const NEVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    base + delay.min(NEVER)
}

/// Resolves when the users being stopped have all ended; never without a stop.
async fn users_stopped(stopping: &mut Option<UsersStopping>) {
    match stopping {
        Some(stopping) => stopping.await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
