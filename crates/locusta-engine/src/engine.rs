use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use locusta_stats::{Clock, Snapshot};
use tokio::sync::{mpsc, oneshot};

use crate::shard::{Command, ShardReport, ShardSetup, run_shard};
use crate::{Resources, UserClass};

/// Errors starting the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A shard thread or its runtime could not be created.
    #[error("could not start shard thread {index}: {source}")]
    Shard {
        /// Shard number.
        index: usize,
        /// Cause.
        source: std::io::Error,
    },
}

/// What the engine needs to run users.
pub struct EngineConfig {
    /// Number of shards (OS threads); at least 1.
    pub threads: usize,
    /// The user classes users are made from; users refer to them by index.
    pub classes: Arc<[UserClass]>,
    /// `--host`: overrides every class's host.
    pub host_override: Option<String>,
    /// Shared values for user factories.
    pub resources: Resources,
    /// Seed for task choice and per-user random generators.
    pub seed: u64,
    /// Wall-clock mapping for statistics.
    pub clock: Clock,
}

/// Combined reports of all shards.
#[derive(Debug, Default)]
pub struct EngineReport {
    /// Statistics recorded by all shards since the previous report, merged.
    pub delta: Snapshot,
    /// Users alive, by class index.
    pub users_by_class: Vec<u64>,
    /// Users that ended without being told to since the previous report, by id (a
    /// population whose users live elsewhere may leave it empty).
    pub ended: Vec<u64>,
}

impl EngineReport {
    /// Users alive in all classes.
    pub fn user_count(&self) -> u64 {
        self.users_by_class.iter().sum()
    }
}

/// The running shards. Users are placed on shards round-robin by user id and never move.
///
/// Methods only send messages, so they can be called from any thread or runtime.
pub struct Engine {
    shards: Vec<mpsc::UnboundedSender<Command>>,
    threads: Vec<JoinHandle<()>>,
    class_count: usize,
}

impl Engine {
    /// Starts `config.threads` shard threads, each with its own `current_thread` runtime.
    pub fn start(config: EngineConfig) -> Result<Self, EngineError> {
        let count = config.threads.max(1);
        let mut shards = Vec::with_capacity(count);
        let mut threads = Vec::with_capacity(count);
        for index in 0..count {
            let (sender, receiver) = mpsc::unbounded_channel();
            let setup = shard_setup(&config);
            let thread = std::thread::Builder::new()
                .name(format!("locusta-shard-{index}"))
                .spawn(move || shard_thread(setup, receiver))
                .map_err(|source| EngineError::Shard { index, source })?;
            shards.push(sender);
            threads.push(thread);
        }
        Ok(Self {
            shards,
            threads,
            class_count: config.classes.len(),
        })
    }

    /// Runs `config.threads` shards as tasks on the caller's `LocalSet` instead of on threads of
    /// their own. Same behaviour on one thread: this is how tests run whole scenarios under
    /// paused `tokio::time` (shard threads would each have a clock of their own).
    ///
    /// # Panics
    /// When called outside a `LocalSet`.
    pub fn start_local(config: EngineConfig) -> Self {
        let count = config.threads.max(1);
        let shards = (0..count)
            .map(|_| {
                let (sender, receiver) = mpsc::unbounded_channel();
                tokio::task::spawn_local(run_shard(shard_setup(&config), receiver));
                sender
            })
            .collect();
        Self {
            shards,
            threads: Vec::new(),
            class_count: config.classes.len(),
        }
    }

    /// Number of shards.
    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    /// Starts user number `user_id` of class number `class` on shard `user_id % shards`.
    pub fn spawn_user(&self, user_id: u64, class: usize) {
        self.send(user_id, Command::Spawn { user_id, class });
    }

    /// Stops user number `user_id`: a waiting user at once, a running one after its current
    /// task or, at the latest, after `stop_timeout` (zero: at once; `Duration::MAX`: never
    /// killed).
    pub fn stop_user(&self, user_id: u64, stop_timeout: Duration) {
        self.send(
            user_id,
            Command::Stop {
                user_id,
                stop_timeout,
            },
        );
    }

    /// Makes users spawned from now on aim at `host` (Locust's `/swarm` host); `None` returns
    /// to each class's own host. Users already running keep theirs, as in Locust.
    pub fn set_host(&self, host: Option<String>) {
        for shard in &self.shards {
            let _ = shard.send(Command::SetHost(host.clone()));
        }
    }

    /// Stops every user; the future resolves once all have ended (including their `on_stop`).
    /// The order is given at the call, and the future does not borrow the engine, so its
    /// owner can keep collecting reports while the users finish.
    pub fn stop_all(&self, stop_timeout: Duration) -> impl Future<Output = ()> + Send + 'static {
        let mut waits = Vec::with_capacity(self.shards.len());
        for shard in &self.shards {
            let (done, wait) = oneshot::channel();
            if shard.send(Command::StopAll { stop_timeout, done }).is_ok() {
                waits.push(wait);
            }
        }
        async move {
            for wait in waits {
                let _ = wait.await;
            }
        }
    }

    /// Collects and merges every shard's statistics delta, live-user counts and users that
    /// ended by themselves.
    pub async fn report(&self) -> EngineReport {
        let mut replies = Vec::with_capacity(self.shards.len());
        for shard in &self.shards {
            let (reply, receive) = oneshot::channel();
            if shard.send(Command::Report { reply }).is_ok() {
                replies.push(receive);
            }
        }
        let mut merged = EngineReport {
            delta: Snapshot::default(),
            users_by_class: vec![0; self.class_count],
            ended: Vec::new(),
        };
        for reply in replies {
            if let Ok(ShardReport {
                delta,
                users_by_class,
                ended,
            }) = reply.await
            {
                merged.delta.merge(&delta);
                merged.ended.extend(ended);
                for (total, count) in merged.users_by_class.iter_mut().zip(users_by_class) {
                    *total += count;
                }
            }
        }
        merged
    }

    fn send(&self, user_id: u64, command: Command) {
        let shard = (user_id % self.shards.len() as u64) as usize;
        // A closed shard means the engine is shutting down; the order no longer matters.
        let _ = self.shards[shard].send(command);
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.shards.clear();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

fn shard_setup(config: &EngineConfig) -> ShardSetup {
    ShardSetup {
        classes: Arc::clone(&config.classes),
        host_override: config.host_override.clone(),
        resources: config.resources.clone(),
        seed: config.seed,
        clock: config.clock,
    }
}

fn shard_thread(setup: ShardSetup, commands: mpsc::UnboundedReceiver<Command>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!("shard runtime failed to start: {error}");
            return;
        }
    };
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, run_shard(setup, commands));
}
