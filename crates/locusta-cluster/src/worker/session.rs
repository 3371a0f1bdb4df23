//! The worker's connection loop and the conversation on one connection.

use std::future::Future;
use std::pin::{Pin, pin};
use std::time::Duration;

use locusta_stats::{Snapshot, SnapshotEncoder};
use tokio::time::{Instant, MissedTickBehavior};

use super::{LocalUsers, WorkerConfig};
use crate::ClusterError;
use crate::logs::capped;
use crate::protocol::{
    Hello, Locustfile, PROTOCOL_VERSION, Ready, Spawn, StatsReport, ToMaster, ToWorker, Welcome,
    WorkerHeartbeat, WorkerState, check_welcome,
};
use crate::transport::{Connector, WorkerLink};
use crate::usage::ProcessUsage;

/// How a conversation with the master ended.
enum End {
    /// The master said quit, or we were shut down: the final report is sent.
    Done,
    /// The master went away; the reason is for the log and the final error.
    Lost(String),
    /// The master refused us after all (e.g. our classes differ from its own).
    Refused(String),
}

/// How a connection attempt ended.
enum Attempt {
    Connected(WorkerLink, Welcome),
    /// Worth retrying (connection refused, closed during the handshake, timeout).
    Failed(String),
    /// Not worth retrying.
    Fatal(ClusterError),
    Shutdown,
}

pub(super) struct Worker<C> {
    config: WorkerConfig,
    connector: C,
    addr: String,
    /// Statistics taken from the users but not yet handed to a connection.
    pending: Snapshot,
    encoder: SnapshotEncoder,
    usage: ProcessUsage,
    /// The state of the last heartbeat, to notice when the users have all stopped.
    last_state: WorkerState,
    /// Log lines forwarded so far (of `config.log_tail`), kept across connections.
    logs_seen: u64,
}

/// The users and what they were told, kept across connections.
struct Users<U> {
    local: U,
    classes: Vec<String>,
    targets: Option<Vec<u64>>,
}

impl<C: Connector> Worker<C> {
    pub(super) fn new(config: WorkerConfig, connector: C) -> Self {
        let addr = connector.address();
        let encoder = SnapshotEncoder::new(config.compression);
        Self {
            config,
            connector,
            addr,
            pending: Snapshot::default(),
            encoder,
            usage: ProcessUsage::start(),
            last_state: WorkerState::Ready,
            logs_seen: 0,
        }
    }

    pub(super) async fn run<U, F>(
        mut self,
        load: F,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ClusterError>
    where
        U: LocalUsers,
        F: FnOnce(Option<Locustfile>) -> Result<U, String> + Send,
    {
        let mut shutdown = pin!(shutdown);
        let mut load = Some(load);
        let mut users: Option<Users<U>> = None;
        // Since when we have been without a master, and why (`None` before the first
        // connection).
        let mut trying_since = Instant::now();
        let mut lost: Option<String> = None;
        loop {
            let deadline = trying_since + self.config.reconnect_for;
            let (mut link, welcome) = match self.connect(deadline, shutdown.as_mut()).await {
                Attempt::Connected(link, welcome) => (link, welcome),
                Attempt::Shutdown => {
                    if let Some(users) = &mut users {
                        users.local.stop();
                    }
                    return Ok(());
                }
                Attempt::Fatal(error) => {
                    if let Some(users) = &mut users {
                        users.local.stop();
                    }
                    return Err(error);
                }
                Attempt::Failed(last_error) => {
                    let waited = self.config.reconnect_for;
                    let addr = self.addr.clone();
                    return Err(match lost {
                        None => ClusterError::ConnectFailed {
                            addr,
                            waited,
                            last_error,
                        },
                        Some(why) => ClusterError::MasterLost {
                            addr,
                            waited,
                            last_error: format!("{last_error} (lost it because {why})"),
                        },
                    });
                }
            };
            tracing::info!(
                "Connected to the master at {} as worker {} (index {})",
                self.addr,
                self.config.worker_id,
                welcome.index
            );
            let users = match &mut users {
                Some(users) => users,
                None => {
                    let load = load.take().expect("loaded once");
                    let local = load(welcome.locustfile.clone()).map_err(ClusterError::Users)?;
                    let classes = local.classes();
                    users.insert(Users {
                        local,
                        classes,
                        targets: None,
                    })
                }
            };
            let ready = ToMaster::Ready(Ready {
                classes: users.classes.clone(),
            });
            let connected_at = Instant::now();
            let end = if link.sender.send(ready).await.is_err() {
                End::Lost("the connection closed".to_owned())
            } else {
                self.serve(&mut link, &welcome, users, shutdown.as_mut())
                    .await
            };
            match end {
                End::Done => return Ok(()),
                End::Refused(reason) => {
                    users.local.stop();
                    return Err(ClusterError::Refused {
                        addr: self.addr.clone(),
                        reason,
                    });
                }
                End::Lost(why) => {
                    users.local.stop();
                    users.targets = None;
                    tracing::warn!(
                        "Lost the master at {} ({why}); stopped all users, reconnecting for up \
                         to {} s",
                        self.addr,
                        self.config.reconnect_for.as_secs()
                    );
                    trying_since = Instant::now();
                    lost = Some(why);
                    // A master that drops us right after the welcome must not make us spin.
                    if trying_since - connected_at < self.config.retry_interval {
                        tokio::time::sleep(self.config.retry_interval).await;
                    }
                }
            }
        }
    }

    /// Connects and says hello, retrying until `deadline`.
    async fn connect(&mut self, deadline: Instant, mut shutdown: Pin<&mut impl Future>) -> Attempt {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let result = tokio::select! {
                result = self.attempt() => result,
                _ = shutdown.as_mut() => return Attempt::Shutdown,
            };
            let error = match result {
                Attempt::Failed(error) => error,
                other => return other,
            };
            let next = Instant::now() + self.config.retry_interval;
            if next > deadline {
                return Attempt::Failed(error);
            }
            tracing::warn!(
                "Failed to connect to the master at {} (attempt {attempt}): {error}; retrying",
                self.addr
            );
            tokio::select! {
                () = tokio::time::sleep_until(next) => {}
                _ = shutdown.as_mut() => return Attempt::Shutdown,
            }
        }
    }

    async fn attempt(&mut self) -> Attempt {
        let timeout = self.config.connect_timeout;
        let mut link = match tokio::time::timeout(timeout, self.connector.connect()).await {
            Ok(Ok(link)) => link,
            Ok(Err(error @ ClusterError::NotLocusta { .. })) => return Attempt::Fatal(error),
            Ok(Err(error)) => return Attempt::Failed(error.to_string()),
            Err(_) => return Attempt::Failed(format!("no connection within {} s", secs(timeout))),
        };
        let hello = ToMaster::Hello(Hello {
            protocol_version: PROTOCOL_VERSION,
            locusta_version: self.config.locusta_version.clone(),
            worker_id: self.config.worker_id.clone(),
            hostname: self.config.hostname.clone(),
            pid: std::process::id(),
            wants_locustfile: self.config.wants_locustfile,
        });
        if link.sender.send(hello).await.is_err() {
            return Attempt::Failed("the connection closed".to_owned());
        }
        let answer = match tokio::time::timeout(timeout, link.receiver.recv()).await {
            Ok(Some(answer)) => answer,
            Ok(None) => {
                return Attempt::Failed("the connection closed during the handshake".into());
            }
            Err(_) => {
                return Attempt::Failed(format!("no welcome within {} s", secs(timeout)));
            }
        };
        match answer {
            ToWorker::Welcome(welcome) => {
                match check_welcome(&welcome, &self.config.locusta_version) {
                    Ok(()) => Attempt::Connected(link, welcome),
                    Err(reason) => Attempt::Fatal(ClusterError::Incompatible {
                        addr: self.addr.clone(),
                        reason,
                    }),
                }
            }
            ToWorker::Refused(refused) => Attempt::Fatal(ClusterError::Refused {
                addr: self.addr.clone(),
                reason: refused.reason,
            }),
            other => Attempt::Failed(format!("the master answered {other:?} to hello")),
        }
    }

    /// The conversation on one connection, after `Ready`.
    async fn serve<U: LocalUsers>(
        &mut self,
        link: &mut WorkerLink,
        welcome: &Welcome,
        users: &mut Users<U>,
        mut shutdown: Pin<&mut impl Future>,
    ) -> End {
        let interval = millis(welcome.heartbeat_interval_ms);
        let timeout = millis(welcome.heartbeat_timeout_ms);
        let report_every = millis(welcome.report_interval_ms);
        let mut heartbeats = tokio::time::interval(interval);
        heartbeats.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut reports = tokio::time::interval_at(Instant::now() + report_every, report_every);
        reports.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let log_every = self.config.log_interval;
        let mut log_ticks = tokio::time::interval_at(Instant::now() + log_every, log_every);
        log_ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut last_heard = Instant::now();
        loop {
            tokio::select! {
                message = link.receiver.recv() => {
                    let Some(message) = message else {
                        return End::Lost("the connection closed".to_owned());
                    };
                    last_heard = Instant::now();
                    let sent = match message {
                        ToWorker::Spawn(spawn) => self.spawn(link, users, spawn).await,
                        ToWorker::Stop => {
                            tracing::info!("Stopping all users (master's order)");
                            users.local.stop();
                            users.targets = None;
                            self.heartbeat(link, users).await
                        }
                        ToWorker::Quit => {
                            tracing::info!("The master says quit");
                            self.leave(link, users, interval).await;
                            return End::Done;
                        }
                        ToWorker::Heartbeat => true,
                        ToWorker::Refused(refused) => return End::Refused(refused.reason),
                        other => {
                            tracing::warn!("Ignored an unexpected message: {other:?}");
                            true
                        }
                    };
                    if !sent {
                        return End::Lost("the connection closed".to_owned());
                    }
                }
                _ = heartbeats.tick() => {
                    if !self.heartbeat(link, users).await {
                        return End::Lost("the connection closed".to_owned());
                    }
                }
                _ = reports.tick() => {
                    if !self.report(link, users).await {
                        return End::Lost("the connection closed".to_owned());
                    }
                }
                _ = log_ticks.tick(), if self.config.log_tail.is_some() => {
                    if !self.forward_logs(link).await {
                        return End::Lost("the connection closed".to_owned());
                    }
                }
                () = tokio::time::sleep_until(last_heard + timeout) => {
                    return End::Lost(format!("no message from it for {} s", secs(timeout)));
                }
                _ = shutdown.as_mut() => {
                    tracing::info!("Shutting down: final report to the master");
                    self.leave(link, users, interval).await;
                    return End::Done;
                }
            }
        }
    }

    async fn spawn<U: LocalUsers>(
        &mut self,
        link: &mut WorkerLink,
        users: &mut Users<U>,
        spawn: Spawn,
    ) -> bool {
        let unknown: Vec<&str> = spawn
            .targets
            .iter()
            .filter(|t| !users.classes.contains(&t.class))
            .map(|t| t.class.as_str())
            .collect();
        if !unknown.is_empty() {
            let reason = format!(
                "unknown user classes [{}] (this worker has [{}])",
                unknown.join(", "),
                users.classes.join(", ")
            );
            tracing::error!("Cannot spawn: {reason}");
            return link
                .sender
                .send(ToMaster::SpawnFailed { reason })
                .await
                .is_ok();
        }
        let per_class: Vec<u64> = users
            .classes
            .iter()
            .map(|class| {
                spawn
                    .targets
                    .iter()
                    .find(|t| &t.class == class)
                    .map_or(0, |t| t.users)
            })
            .collect();
        tracing::info!(
            "Spawning to {} users at {:.2} per second",
            per_class.iter().sum::<u64>(),
            spawn.spawn_rate
        );
        users
            .local
            .set_targets(&per_class, spawn.spawn_rate, spawn.host.as_deref());
        users.targets = Some(per_class);
        self.heartbeat(link, users).await
    }

    async fn heartbeat<U: LocalUsers>(
        &mut self,
        link: &mut WorkerLink,
        users: &mut Users<U>,
    ) -> bool {
        let users_per_class = users.local.users_per_class();
        let alive: u64 = users_per_class.iter().sum();
        let state = match &users.targets {
            Some(targets) if *targets == users_per_class => WorkerState::Running,
            Some(_) => WorkerState::Spawning,
            None if alive > 0 || users.local.is_stopping() => WorkerState::Stopping,
            None => WorkerState::Ready,
        };
        // The users have all stopped: their last statistics go first, on the same ordered
        // connection, so a master that sees this worker stopped has merged everything it did.
        let stopped = state == WorkerState::Ready && self.last_state != WorkerState::Ready;
        self.last_state = state;
        if stopped && !self.report(link, users).await {
            return false;
        }
        let usage = self.usage.sample();
        let heartbeat = WorkerHeartbeat {
            state,
            users_per_class,
            cpu_percent: usage.cpu_percent,
            memory_bytes: usage.memory_bytes,
        };
        link.sender
            .send(ToMaster::Heartbeat(heartbeat))
            .await
            .is_ok()
    }

    /// Sends the log lines written since the last time, if any.
    async fn forward_logs(&mut self, link: &mut WorkerLink) -> bool {
        let Some(tail) = &self.config.log_tail else {
            return true;
        };
        let (new, written) = tail.lines_after(self.logs_seen);
        self.logs_seen = written;
        if new.is_empty() {
            return true;
        }
        let lines = capped(new);
        link.sender.send(ToMaster::Logs { lines }).await.is_ok()
    }

    /// Sends what the users recorded since the last report (and anything a lost connection
    /// did not take), if anything.
    async fn report<U: LocalUsers>(&mut self, link: &mut WorkerLink, users: &mut Users<U>) -> bool {
        let delta = users.local.take_stats().await;
        self.pending.merge(&delta);
        if self.pending.is_empty() {
            return true;
        }
        let snapshot = self.encoder.encode(&self.pending).into();
        let sent = link
            .sender
            .send(ToMaster::Stats(StatsReport { snapshot }))
            .await
            .is_ok();
        if sent {
            self.pending = Snapshot::default();
        }
        sent
    }

    /// Stops the users, waits (bounded) for them to finish, sends the final report and says
    /// goodbye.
    async fn leave<U: LocalUsers>(
        &mut self,
        link: &mut WorkerLink,
        users: &mut Users<U>,
        heartbeat_every: Duration,
    ) {
        users.local.stop();
        users.targets = None;
        let deadline = Instant::now() + self.config.quit_drain;
        let mut next_heartbeat = Instant::now() + heartbeat_every;
        let stopping = |users: &mut Users<U>| {
            users.local.is_stopping() || users.local.users_per_class().iter().any(|&n| n > 0)
        };
        while stopping(users) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
            // Users may take the whole stop timeout to finish their tasks: without heartbeats
            // the master would give this worker up, and its last statistics with it.
            if Instant::now() >= next_heartbeat {
                if !self.heartbeat(link, users).await {
                    return;
                }
                next_heartbeat += heartbeat_every;
            }
        }
        self.report(link, users).await;
        self.forward_logs(link).await;
        if link.sender.send(ToMaster::Quit).await.is_err() {
            return;
        }
        // The master closes the connection once it has read the goodbye. Waiting for that
        // makes sure the final report has left: the frames are written by a task of this
        // process's runtime, which may end right after this returns.
        let closed = async { while link.receiver.recv().await.is_some() {} };
        if tokio::time::timeout(GOODBYE_WAIT, closed).await.is_err() {
            tracing::warn!(
                "The master did not acknowledge this worker's goodbye within {} s",
                secs(GOODBYE_WAIT)
            );
        }
    }
}

/// How long a leaving worker waits for the master to close the connection.
const GOODBYE_WAIT: Duration = Duration::from_secs(3);

fn millis(ms: u64) -> Duration {
    Duration::from_millis(ms.max(1))
}

fn secs(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0}")
    } else {
        format!("{secs}")
    }
}
