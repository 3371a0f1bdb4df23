//! One shard: an OS thread with a `current_thread` runtime and a `LocalSet`, running the users
//! placed on it. Users never migrate, so nothing a user touches needs a lock.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use locusta_stats::{Clock, Recorder, Snapshot};
use rand::SeedableRng;
use rand::rngs::SmallRng;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::context::user_seed;
use crate::stop::StopSignals;
use crate::tasks::TaskPlan;
use crate::user::{UserRun, run_user};
use crate::{Resources, UserClass, UserContext};

/// What a shard reports when asked.
#[derive(Debug, Default)]
pub struct ShardReport {
    /// Statistics recorded since the previous report.
    pub delta: Snapshot,
    /// Users alive on the shard, by class index.
    pub users_by_class: Vec<u64>,
    /// Users that ended without being told to since the previous report (`StopUser`, an
    /// `on_start` error, a factory error), by id.
    pub ended: Vec<u64>,
}

/// Orders sent to a shard.
pub(crate) enum Command {
    Spawn {
        user_id: u64,
        class: usize,
    },
    Stop {
        user_id: u64,
        stop_timeout: Duration,
    },
    StopAll {
        stop_timeout: Duration,
        done: oneshot::Sender<()>,
    },
    Report {
        reply: oneshot::Sender<ShardReport>,
    },
    /// Users spawned from now on aim at this host (`None`: each class's own).
    SetHost(Option<String>),
}

/// What every shard is set up with; only the host can change later.
pub(crate) struct ShardSetup {
    pub(crate) classes: Arc<[UserClass]>,
    pub(crate) host_override: Option<String>,
    pub(crate) resources: Resources,
    pub(crate) seed: u64,
    pub(crate) clock: Clock,
}

struct LiveUser {
    class: usize,
    signals: StopSignals,
    handle: JoinHandle<()>,
}

/// The users alive on the shard, and those that ended by themselves since the last report.
struct Registry {
    live: HashMap<u64, LiveUser>,
    /// Users told to stop by `StopAll` that have not ended yet, by class: still counted, as
    /// Locust counts a user until its greenlet ends, so the count falls as they finish.
    finishing: Vec<u64>,
    ended: Vec<u64>,
}

type LiveUsers = Rc<RefCell<Registry>>;

/// The shard's main loop: obey commands until the engine drops its sender.
pub(crate) async fn run_shard(
    mut setup: ShardSetup,
    mut commands: mpsc::UnboundedReceiver<Command>,
) {
    let plans: Vec<Option<Arc<TaskPlan>>> = setup
        .classes
        .iter()
        .map(|class| TaskPlan::compile(&class.tasks))
        .collect();
    let class_names: Vec<Arc<str>> = setup
        .classes
        .iter()
        .map(|class| Arc::from(class.name.as_str()))
        .collect();
    let live: LiveUsers = Rc::new(RefCell::new(Registry {
        live: HashMap::new(),
        finishing: vec![0; setup.classes.len()],
        ended: Vec::new(),
    }));
    // The recorder is `!Send`, so it is born here, on the shard's own thread.
    let recorder = Recorder::new(setup.clock);

    while let Some(command) = commands.recv().await {
        match command {
            Command::Spawn { user_id, class } => {
                spawn_user(
                    &setup,
                    &recorder,
                    &plans,
                    &class_names,
                    &live,
                    user_id,
                    class,
                );
            }
            Command::Stop {
                user_id,
                stop_timeout,
            } => {
                if let Some(user) = live.borrow().live.get(&user_id) {
                    stop(&user.signals, stop_timeout);
                }
            }
            Command::StopAll { stop_timeout, done } => {
                let mut registry = live.borrow_mut();
                let Registry {
                    live: users,
                    finishing,
                    ..
                } = &mut *registry;
                let handles: Vec<JoinHandle<()>> = users
                    .drain()
                    .map(|(_, user)| {
                        stop(&user.signals, stop_timeout);
                        finishing[user.class] += 1;
                        user.handle
                    })
                    .collect();
                tokio::task::spawn_local(async move {
                    for handle in handles {
                        let _ = handle.await;
                    }
                    let _ = done.send(());
                });
            }
            Command::SetHost(host) => setup.host_override = host,
            Command::Report { reply } => {
                let mut registry = live.borrow_mut();
                let mut users_by_class = registry.finishing.clone();
                for user in registry.live.values() {
                    users_by_class[user.class] += 1;
                }
                let _ = reply.send(ShardReport {
                    delta: recorder.take_delta(),
                    users_by_class,
                    ended: std::mem::take(&mut registry.ended),
                });
            }
        }
    }
}

fn spawn_user(
    setup: &ShardSetup,
    recorder: &Recorder,
    plans: &[Option<Arc<TaskPlan>>],
    class_names: &[Arc<str>],
    live: &LiveUsers,
    user_id: u64,
    class_index: usize,
) {
    let class = &setup.classes[class_index];
    let Some(plan) = plans[class_index].clone() else {
        tracing::error!(
            "{} has no tasks with a positive weight; not spawning it",
            class.name
        );
        live.borrow_mut().ended.push(user_id);
        return;
    };
    let host = setup.host_override.as_deref().or(class.host.as_deref());
    let ctx = UserContext {
        user_id,
        host,
        recorder,
        resources: &setup.resources,
        seed: setup.seed,
    };
    let user = match (class.factory)(&ctx) {
        Ok(user) => user,
        Err(error) => {
            let message = format!("could not create {}: {error}", class.name);
            tracing::error!("{message}");
            recorder.record_exception(&message, &message);
            live.borrow_mut().ended.push(user_id);
            return;
        }
    };
    let signals = StopSignals::default();
    let run = UserRun {
        class_name: Arc::clone(&class_names[class_index]),
        plan,
        wait_time: class.wait_time,
        recorder: recorder.clone(),
        rng: SmallRng::seed_from_u64(user_seed(setup.seed, user_id)),
        signals: signals.clone(),
    };
    let registry = Rc::clone(live);
    let ordered = signals.clone();
    let handle = tokio::task::spawn_local(async move {
        run_user(user, run).await;
        let mut registry = registry.borrow_mut();
        if registry.live.remove(&user_id).is_none() {
            // `StopAll` took it out of `live` and counts it until now.
            let finishing = &mut registry.finishing[class_index];
            *finishing = finishing.saturating_sub(1);
        }
        // A user that ended by itself (StopUser, on_start error) is news for the runner, which
        // still counts it.
        if !ordered.is_stopping() {
            registry.ended.push(user_id);
        }
    });
    live.borrow_mut().live.insert(
        user_id,
        LiveUser {
            class: class_index,
            signals,
            handle,
        },
    );
}

/// Asks a user to stop: at once when `stop_timeout` is zero, else gracefully and then killed
/// after `stop_timeout`; `Duration::MAX` never kills (the user finishes its task however long
/// it takes).
fn stop(signals: &StopSignals, stop_timeout: Duration) {
    if stop_timeout.is_zero() {
        signals.kill();
        return;
    }
    signals.stop_gracefully();
    if stop_timeout != Duration::MAX {
        let signals = signals.clone();
        tokio::task::spawn_local(async move {
            tokio::time::sleep(stop_timeout).await;
            signals.kill();
        });
    }
}
