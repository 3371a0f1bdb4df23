//! The master's one task: registry, dispatch, statistics and timers.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use locusta_stats::{Snapshot, SnapshotDecoder};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::view::{ClusterTarget, ClusterView, MasterState, StopReason, WorkerInfo, WorkerStatus};
use super::{Command, MasterConfig, StatisticsTo};
use crate::dispatch::{WorkerPlace, dispatch, dispatch_order, spawn_rates};
use crate::protocol::handshake::check_classes;
use crate::protocol::{
    ClassTarget, Hello, PROTOCOL_VERSION, Ready, Refused, Spawn, ToMaster, ToWorker, Welcome,
    WorkerHeartbeat, WorkerState, check_hello,
};
use crate::transport::{Listener, MasterLink};
use crate::{ClusterError, WorkerLogs};

type ConnId = u64;

/// Inbound messages of all connections, tagged with their connection; `None` = closed.
type Event = (ConnId, Option<ToMaster>);

/// One open connection.
struct Connection {
    sender: mpsc::Sender<ToWorker>,
    peer: String,
    /// The worker it belongs to, once it said hello.
    worker: Option<String>,
    forwarder: JoinHandle<()>,
}

/// One known worker.
struct Record {
    /// Shared with the published views; written through `Arc::make_mut`, so publishing is a
    /// reference count per worker and a heartbeat copies one record at most once per view.
    info: Arc<WorkerInfo>,
    conn: Option<ConnId>,
    /// It sent `Ready` on its current or an earlier connection (its classes are checked).
    loaded: bool,
    missing_since: Option<Instant>,
    cpu_warned: bool,
}

pub(super) struct Core<L> {
    config: MasterConfig,
    listener: Option<L>,
    commands: mpsc::UnboundedReceiver<Command>,
    commands_open: bool,
    events_tx: mpsc::Sender<Event>,
    events: mpsc::Receiver<Event>,
    views: watch::Sender<Arc<ClusterView>>,
    connections: HashMap<ConnId, Connection>,
    workers: HashMap<String, Record>,
    next_conn: ConnId,
    next_index: u32,
    state: MasterState,
    stop_reason: Option<StopReason>,
    target: Option<ClusterTarget>,
    snapshot: Arc<Snapshot>,
    /// What the workers reported since the last [`Command::TakeStats`] (a runner driving this
    /// master merges these deltas into its own totals).
    untaken: Snapshot,
    decoder: SnapshotDecoder,
    cpu_warning: bool,
    dirty: bool,
    last_published: Instant,
    quit_deadline: Option<Instant>,
    timers: Timers,
    /// The workers' forwarded log lines, shared with [`MasterHandle::worker_logs`].
    ///
    /// [`MasterHandle::worker_logs`]: super::MasterHandle::worker_logs
    worker_logs: WorkerLogs,
}

/// Pending deadlines, earliest first. An entry may be stale (the worker spoke since, healed,
/// or is gone): it is checked when due and dropped or renewed, so each worker has about one
/// entry of each kind and a due check costs `O(log n)` instead of a scan of all workers per
/// event (which made the master quadratic in the number of workers).
#[derive(Default)]
struct Timers {
    hello: BinaryHeap<Reverse<(Instant, ConnId)>>,
    heartbeat: BinaryHeap<Reverse<(Instant, String)>>,
    removal: BinaryHeap<Reverse<(Instant, String)>>,
}

fn earliest<T: Ord>(heap: &BinaryHeap<Reverse<(Instant, T)>>) -> Option<Instant> {
    heap.peek().map(|Reverse((at, _))| *at)
}

/// Pops the first entry of `heap` if it is due at `now`.
fn pop_due<T: Ord>(heap: &mut BinaryHeap<Reverse<(Instant, T)>>, now: Instant) -> Option<T> {
    if earliest(heap)? > now {
        return None;
    }
    heap.pop().map(|Reverse((_, item))| item)
}

/// Far enough to mean "no timer" without overflowing `Instant`.
const NO_DEADLINE: Duration = Duration::from_secs(3600);

impl<L: Listener> Core<L> {
    pub(super) fn new(
        config: MasterConfig,
        listener: L,
        commands: mpsc::UnboundedReceiver<Command>,
        worker_logs: WorkerLogs,
    ) -> (Self, watch::Receiver<Arc<ClusterView>>) {
        let snapshot = Arc::new(Snapshot::new(config.clock.now_unix_secs()));
        let initial = ClusterView {
            state: MasterState::Ready,
            stop_reason: None,
            target: None,
            workers: Vec::new(),
            snapshot: Arc::clone(&snapshot),
            users_per_class: vec![0; config.classes.len()],
            cpu_warning: false,
        };
        let (views, views_rx) = watch::channel(Arc::new(initial));
        let (events_tx, events) = mpsc::channel(1024);
        let core = Self {
            config,
            listener: Some(listener),
            commands,
            commands_open: true,
            events_tx,
            events,
            views,
            connections: HashMap::new(),
            workers: HashMap::new(),
            next_conn: 1,
            next_index: 0,
            state: MasterState::Ready,
            stop_reason: None,
            target: None,
            snapshot,
            untaken: Snapshot::default(),
            decoder: SnapshotDecoder::new(),
            cpu_warning: false,
            dirty: false,
            last_published: Instant::now(),
            quit_deadline: None,
            timers: Timers::default(),
            worker_logs,
        };
        (core, views_rx)
    }

    pub(super) async fn run(mut self) -> Arc<ClusterView> {
        loop {
            let now = Instant::now();
            if let Some(deadline) = self.quit_deadline {
                // A missing worker cannot answer: waiting for it would only delay the end.
                let workers_left = self.connections.values().any(|c| {
                    c.worker.as_ref().is_some_and(|id| {
                        self.workers
                            .get(id)
                            .is_some_and(|r| r.info.status != WorkerStatus::Missing)
                    })
                });
                if !workers_left || now >= deadline {
                    if workers_left {
                        tracing::warn!(
                            "Timeout waiting for all workers to quit; their last statistics may \
                             be missing"
                        );
                    }
                    break;
                }
            }
            let wake = self.next_deadline(now);
            tokio::select! {
                command = self.commands.recv(), if self.commands_open => match command {
                    Some(command) => self.command(command),
                    None => {
                        // Every handle is gone: nobody can stop us any more, so quit.
                        self.commands_open = false;
                        self.quit();
                    }
                },
                event = self.events.recv() => {
                    let (conn, message) = event.expect("the core holds a sender");
                    self.event(conn, message);
                }
                link = accept(&mut self.listener) => match link {
                    Some(link) => self.accepted(link),
                    None => self.listener = None,
                },
                () = tokio::time::sleep_until(wake) => self.timers(),
            }
            if self.dirty && Instant::now() >= self.last_published + self.config.view_interval {
                self.publish();
            }
        }
        for (_, connection) in self.connections.drain() {
            connection.forwarder.abort();
        }
        self.publish();
        self.views.borrow().clone()
    }

    // ----- commands -------------------------------------------------------------------------

    fn command(&mut self, command: Command) {
        match command {
            Command::Start(target, reply) => {
                let _ = reply.send(self.start(target));
            }
            Command::Stop => self.stop_test(StopReason::Requested),
            Command::ResetStats => {
                tracing::info!("Resetting stats");
                let now = self.config.clock.now_unix_secs();
                Arc::make_mut(&mut self.snapshot).reset(now);
                self.publish();
            }
            Command::Quit => self.quit(),
            Command::TakeStats(reply) => {
                let _ = reply.send(std::mem::take(&mut self.untaken));
            }
        }
    }

    fn start(&mut self, target: ClusterTarget) -> Result<(), ClusterError> {
        if target.per_class.len() != self.config.classes.len() {
            return Err(ClusterError::TargetClasses {
                given: target.per_class.len(),
                expected: self.config.classes.len(),
            });
        }
        if !(target.spawn_rate.is_finite() && target.spawn_rate > 0.0) {
            return Err(ClusterError::Protocol(format!(
                "the spawn rate must be a number above 0, not {}",
                target.spawn_rate
            )));
        }
        if self.state == MasterState::Quitting {
            return Err(ClusterError::MasterStopped);
        }
        if self.ready_count() == 0 {
            return Err(ClusterError::NoWorkers);
        }
        if matches!(
            self.state,
            MasterState::Ready | MasterState::Stopping | MasterState::Stopped
        ) {
            // A new test: Locust clears statistics and exceptions on a start from idle. What a
            // late worker reported after the last take belongs to the test that ended.
            self.snapshot = Arc::new(Snapshot::new(self.config.clock.now_unix_secs()));
            self.untaken = Snapshot::default();
            self.stop_reason = None;
        }
        let news = format!(
            "Sending spawn jobs of {} users at {:.2} spawn rate to {} ready workers",
            target.users(),
            target.spawn_rate,
            self.ready_count()
        );
        // A runner driving the master sends each ramp step as an edit: only a new test is news.
        if matches!(self.state, MasterState::Spawning | MasterState::Running) {
            tracing::debug!("{news}");
        } else {
            tracing::info!("{news}");
        }
        self.target = Some(target);
        self.state = MasterState::Spawning;
        self.redispatch(true);
        self.check_progress();
        self.publish();
        Ok(())
    }

    fn stop_test(&mut self, reason: StopReason) {
        if matches!(
            self.state,
            MasterState::Quitting | MasterState::Stopped | MasterState::Ready
        ) && self.target.is_none()
        {
            return;
        }
        self.target = None;
        self.stop_reason = Some(reason);
        self.state = MasterState::Stopping;
        let ids: Vec<String> = self.workers.keys().cloned().collect();
        for id in ids {
            let record = self.workers.get_mut(&id).expect("listed");
            Arc::make_mut(&mut record.info).assigned = None;
            if let Some(conn) = record.conn {
                self.send(conn, ToWorker::Stop);
            }
        }
        self.check_progress();
        self.publish();
    }

    fn quit(&mut self) {
        if self.state == MasterState::Quitting {
            return;
        }
        tracing::info!("Telling the workers to quit");
        self.target = None;
        self.state = MasterState::Quitting;
        self.quit_deadline = Some(Instant::now() + self.config.quit_timeout);
        let conns: Vec<(ConnId, bool)> = self
            .connections
            .iter()
            .map(|(&conn, c)| (conn, c.worker.is_some()))
            .collect();
        for (conn, bound) in conns {
            if bound {
                self.send(conn, ToWorker::Quit);
            } else {
                self.close(conn);
            }
        }
        self.publish();
    }

    // ----- connections ------------------------------------------------------------------------

    fn accepted(&mut self, link: MasterLink) {
        let conn = self.next_conn;
        self.next_conn += 1;
        let MasterLink {
            sender,
            mut receiver,
            peer,
        } = link;
        let events = self.events_tx.clone();
        let forwarder = tokio::spawn(async move {
            while let Some(message) = receiver.recv().await {
                if events.send((conn, Some(message))).await.is_err() {
                    return;
                }
            }
            let _ = events.send((conn, None)).await;
        });
        tracing::debug!("Connection from {peer}");
        self.timers
            .hello
            .push(Reverse((Instant::now() + self.config.hello_timeout, conn)));
        self.connections.insert(
            conn,
            Connection {
                sender,
                peer,
                worker: None,
                forwarder,
            },
        );
    }

    /// Drops a connection (the transport closes it once queued messages are written).
    fn close(&mut self, conn: ConnId) {
        if let Some(connection) = self.connections.remove(&conn) {
            connection.forwarder.abort();
        }
    }

    fn send(&mut self, conn: ConnId, message: ToWorker) {
        let Some(connection) = self.connections.get(&conn) else {
            return;
        };
        match connection.sender.try_send(message) {
            Ok(()) | Err(TrySendError::Closed(_)) => {}
            Err(TrySendError::Full(_)) => {
                // Never wait on one worker: one that does not read its messages is as good
                // as gone.
                tracing::warn!(
                    "{} does not read its messages; closing its connection",
                    connection.peer
                );
                self.connection_lost(conn);
            }
        }
    }

    fn refuse(&mut self, conn: ConnId, reason: String) {
        self.send(conn, ToWorker::Refused(Refused { reason }));
        self.close(conn);
    }

    fn event(&mut self, conn: ConnId, message: Option<ToMaster>) {
        let Some(connection) = self.connections.get(&conn) else {
            return; // closed by us; late messages are dropped
        };
        let Some(message) = message else {
            self.connection_lost(conn);
            return;
        };
        match (connection.worker.clone(), message) {
            (None, ToMaster::Hello(hello)) => self.hello(conn, hello),
            (None, other) => {
                tracing::warn!(
                    "{} sent {} before saying hello; closing the connection",
                    connection.peer,
                    kind(&other)
                );
                self.close(conn);
            }
            (Some(id), message) => self.worker_message(&id, conn, message),
        }
    }

    /// The peer closed the connection (or we gave it up).
    fn connection_lost(&mut self, conn: ConnId) {
        let Some(connection) = self.connections.remove(&conn) else {
            return;
        };
        connection.forwarder.abort();
        let Some(id) = connection.worker else {
            return;
        };
        let Some(record) = self.workers.get_mut(&id) else {
            return;
        };
        if record.conn != Some(conn) {
            return; // an older connection of a worker that reconnected
        }
        record.conn = None;
        if self.state == MasterState::Quitting {
            self.workers.remove(&id);
            self.dirty = true;
        } else if record.info.status != WorkerStatus::Missing {
            self.mark_missing(&id, "disconnected");
        }
    }

    // ----- worker messages --------------------------------------------------------------------

    fn hello(&mut self, conn: ConnId, hello: Hello) {
        let peer = self.connections[&conn].peer.clone();
        let refusal = if self.state == MasterState::Quitting {
            Some("the master is shutting down".to_owned())
        } else if let Err(reason) = check_hello(&hello, &self.config.locusta_version) {
            Some(reason)
        } else if hello.wants_locustfile && self.config.locustfile.is_none() {
            Some(
                "the worker asked for the master's locustfile (-f -), but this master has none \
                 to send (it can send one -f file, not a list, a directory or a program's own \
                 classes); give the worker the locustfile with -f"
                    .to_owned(),
            )
        } else {
            None
        };
        if let Some(reason) = refusal {
            tracing::warn!("Refused worker {:?} from {peer}: {reason}", hello.worker_id);
            self.refuse(conn, reason);
            return;
        }
        if hello.locusta_version != self.config.locusta_version {
            tracing::info!(
                "Worker {} runs Locusta {}, the master {} (same protocol {PROTOCOL_VERSION})",
                hello.worker_id,
                hello.locusta_version,
                self.config.locusta_version
            );
        }
        let now = Instant::now();
        let id = hello.worker_id.clone();
        let mut was_ready = false;
        let mut replaced = None;
        let index = match self.workers.get_mut(&id) {
            Some(record) => {
                // The same worker again (it lost us, or a network blip broke the connection).
                was_ready = record.info.status.is_ready() && record.conn.is_some();
                replaced = record.conn.replace(conn);
                Arc::make_mut(&mut record.info).status = WorkerStatus::Connecting;
                Arc::make_mut(&mut record.info).hostname = hello.hostname.clone();
                Arc::make_mut(&mut record.info).last_heard = now;
                Arc::make_mut(&mut record.info).assigned = None;
                // A worker stops its users when it loses its connection.
                Arc::make_mut(&mut record.info).users_per_class =
                    vec![0; self.config.classes.len()];
                record.missing_since = None;
                record.loaded = false;
                tracing::info!(
                    "Worker {id} (index {}) reconnected from {peer}",
                    record.info.index
                );
                record.info.index
            }
            None => {
                let index = self.next_index;
                self.next_index += 1;
                self.workers.insert(
                    id.clone(),
                    Record {
                        info: Arc::new(WorkerInfo {
                            id: id.clone(),
                            hostname: hello.hostname.clone(),
                            index,
                            status: WorkerStatus::Connecting,
                            users_per_class: vec![0; self.config.classes.len()],
                            cpu_percent: 0.0,
                            memory_bytes: 0,
                            last_heard: now,
                            assigned: None,
                        }),
                        conn: Some(conn),
                        loaded: false,
                        missing_since: None,
                        cpu_warned: false,
                    },
                );
                tracing::info!("Worker {id} (index {index}) connected from {peer}");
                index
            }
        };
        if let Some(old) = replaced.filter(|&old| old != conn) {
            self.close(old);
        }
        self.timers
            .heartbeat
            .push(Reverse((now + self.config.heartbeat_timeout, id.clone())));
        self.connections.get_mut(&conn).expect("open").worker = Some(id);
        let welcome = Welcome {
            protocol_version: PROTOCOL_VERSION,
            locusta_version: self.config.locusta_version.clone(),
            index,
            heartbeat_interval_ms: millis(self.config.heartbeat_interval),
            heartbeat_timeout_ms: millis(self.config.heartbeat_timeout),
            report_interval_ms: millis(self.config.report_interval),
            locustfile: hello
                .wants_locustfile
                .then(|| self.config.locustfile.clone())
                .flatten(),
        };
        self.send(conn, ToWorker::Welcome(welcome));
        if was_ready {
            // Its users stopped when it lost us; the others take them until it is ready.
            self.redispatch(false);
        }
        self.publish();
    }

    fn worker_message(&mut self, id: &str, conn: ConnId, message: ToMaster) {
        let now = Instant::now();
        let record = self
            .workers
            .get_mut(id)
            .expect("bound workers are registered");
        Arc::make_mut(&mut record.info).last_heard = now;
        let mut healed = false;
        if record.info.status == WorkerStatus::Missing {
            record.missing_since = None;
            Arc::make_mut(&mut record.info).status = if record.loaded {
                WorkerStatus::Ready
            } else {
                WorkerStatus::Connecting
            };
            healed = record.loaded;
            tracing::info!("Worker {id} is back, no longer missing");
            self.timers.heartbeat.push(Reverse((
                now + self.config.heartbeat_timeout,
                id.to_owned(),
            )));
        }
        self.dirty = true;
        match message {
            ToMaster::Hello(_) => {
                tracing::warn!("Worker {id} said hello twice; ignored");
            }
            ToMaster::Ready(ready) => {
                self.ready(id, conn, ready);
                return;
            }
            ToMaster::Heartbeat(heartbeat) => self.heartbeat(id, conn, heartbeat),
            ToMaster::Stats(report) => match self.decoder.decode_from_node(&report.snapshot, id) {
                Ok(delta) => match self.config.statistics {
                    StatisticsTo::View => Arc::make_mut(&mut self.snapshot).merge(&delta),
                    StatisticsTo::Taker => self.untaken.merge(&delta),
                },
                Err(error) => {
                    tracing::warn!("Dropped a statistics report of worker {id}: {error}");
                }
            },
            ToMaster::SpawnFailed { reason } => {
                tracing::error!("Worker {id} could not obey its spawn order: {reason}");
            }
            ToMaster::Logs { lines } => self.worker_logs.append(id, lines),
            ToMaster::Quit => {
                let record = self.workers.remove(id).expect("registered");
                self.close(conn);
                tracing::info!(
                    "Worker {id} (index {}) quit. {} workers ready.",
                    record.info.index,
                    self.ready_count()
                );
                self.redispatch(false);
                self.check_progress();
                self.publish();
                return;
            }
        }
        if healed {
            self.redispatch(false);
            self.publish();
        }
        self.check_progress();
    }

    fn ready(&mut self, id: &str, conn: ConnId, ready: Ready) {
        if let Err(reason) = check_classes(&self.config.classes, &ready.classes) {
            tracing::warn!("Refused worker {id}: {reason}");
            self.workers.remove(id);
            self.refuse(conn, reason);
            self.publish();
            return;
        }
        let record = self.workers.get_mut(id).expect("registered");
        record.loaded = true;
        if record.info.status == WorkerStatus::Connecting {
            Arc::make_mut(&mut record.info).status = WorkerStatus::Ready;
        }
        let index = record.info.index;
        tracing::info!(
            "Worker {id} (index {index}) reported as ready. {} workers connected.",
            self.ready_count()
        );
        // A worker joining a running test takes its share (Locust rebalances on join too).
        self.redispatch(false);
        self.check_progress();
        self.publish();
    }

    fn heartbeat(&mut self, id: &str, conn: ConnId, heartbeat: WorkerHeartbeat) {
        let classes = self.config.classes.len();
        let threshold = self.config.cpu_warning_percent;
        let record = self.workers.get_mut(id).expect("registered");
        if record.loaded {
            Arc::make_mut(&mut record.info).status = match heartbeat.state {
                WorkerState::Ready => WorkerStatus::Ready,
                WorkerState::Spawning => WorkerStatus::Spawning,
                WorkerState::Running => WorkerStatus::Running,
                WorkerState::Stopping => WorkerStatus::Stopping,
            };
        }
        if heartbeat.users_per_class.len() == classes {
            Arc::make_mut(&mut record.info).users_per_class = heartbeat.users_per_class;
        }
        Arc::make_mut(&mut record.info).cpu_percent = heartbeat.cpu_percent;
        Arc::make_mut(&mut record.info).memory_bytes = heartbeat.memory_bytes;
        if heartbeat.cpu_percent > threshold && !record.cpu_warned {
            record.cpu_warned = true;
            self.cpu_warning = true;
            tracing::warn!(
                "Worker {id} exceeded the CPU threshold ({:.0} % > {threshold:.0} %): its \
                 response times may be inaccurate; add workers",
                heartbeat.cpu_percent
            );
        }
        self.send(conn, ToWorker::Heartbeat);
    }

    fn mark_missing(&mut self, id: &str, why: &str) {
        let Some(record) = self.workers.get_mut(id) else {
            return;
        };
        Arc::make_mut(&mut record.info).status = WorkerStatus::Missing;
        Arc::make_mut(&mut record.info).assigned = None;
        let now = Instant::now();
        record.missing_since = Some(now);
        self.timers
            .removal
            .push(Reverse((now + self.config.missing_removal, id.to_owned())));
        tracing::warn!("Worker {id} {why}, setting state to missing.");
        self.redispatch(false);
        self.check_progress();
        self.publish();
    }

    // ----- dispatch ---------------------------------------------------------------------------

    /// How many workers are ready and connected.
    fn ready_count(&self) -> usize {
        self.workers
            .values()
            .filter(|r| r.info.status.is_ready() && r.conn.is_some())
            .count()
    }

    /// Ready, connected workers, in dispatch order.
    fn ready_ids(&self) -> Vec<String> {
        let ready: Vec<&Record> = self
            .workers
            .values()
            .filter(|r| r.info.status.is_ready() && r.conn.is_some())
            .collect();
        let places: Vec<WorkerPlace<'_>> = ready
            .iter()
            .map(|r| WorkerPlace {
                host: &r.info.hostname,
                index: r.info.index,
            })
            .collect();
        dispatch_order(&places)
            .into_iter()
            .map(|i| ready[i].info.id.clone())
            .collect()
    }

    /// Splits the target over the ready workers again and sends the changed assignments (all
    /// of them when `force`, e.g. for a new spawn rate or host). Stops the test when no worker
    /// is left.
    fn redispatch(&mut self, force: bool) {
        if !matches!(self.state, MasterState::Spawning | MasterState::Running) {
            return;
        }
        let Some(target) = self.target.clone() else {
            return;
        };
        let ids = self.ready_ids();
        if ids.is_empty() {
            tracing::warn!("The last worker is gone, stopping test.");
            self.stop_test(StopReason::LastWorkerLost);
            return;
        }
        let current: Vec<Vec<u64>> = ids
            .iter()
            .map(|id| {
                let info = &self.workers[id].info;
                info.assigned
                    .clone()
                    .unwrap_or_else(|| info.users_per_class.clone())
            })
            .collect();
        let next = dispatch(&target.per_class, &current);
        let rates = spawn_rates(&current, &next, target.spawn_rate);
        let mut changed = false;
        for ((id, users), rate) in ids.iter().zip(next).zip(rates) {
            let record = self.workers.get_mut(id).expect("listed");
            if !force && record.info.assigned.as_ref() == Some(&users) {
                continue;
            }
            changed = true;
            let spawn = Spawn {
                targets: self
                    .config
                    .classes
                    .iter()
                    .zip(&users)
                    .map(|(class, &users)| ClassTarget {
                        class: class.clone(),
                        users,
                    })
                    .collect(),
                spawn_rate: rate,
                host: target.host.clone(),
            };
            Arc::make_mut(&mut record.info).assigned = Some(users);
            let conn = record.conn.expect("ready workers are connected");
            self.send(conn, ToWorker::Spawn(spawn));
        }
        if changed && self.state == MasterState::Running {
            self.state = MasterState::Spawning;
        }
    }

    /// Moves from spawning to running once every ready worker reports its assignment, and from
    /// stopping to stopped once they report no users.
    fn check_progress(&mut self) {
        // Runs on every heartbeat while spawning or stopping: no allocation, and `all` stops
        // at the first worker not there yet.
        let mut ready = self
            .workers
            .values()
            .filter(|r| r.info.status.is_ready() && r.conn.is_some());
        match self.state {
            MasterState::Spawning => {
                let mut any = false;
                let done = ready.all(|r| {
                    any = true;
                    r.info.assigned.as_ref() == Some(&r.info.users_per_class)
                });
                if done && any {
                    self.state = MasterState::Running;
                    let counts = self.users_per_class();
                    // Locust's format: a JSON object with sorted keys.
                    let sorted: std::collections::BTreeMap<&String, u64> = self
                        .config
                        .classes
                        .iter()
                        .zip(counts.iter().copied())
                        .filter(|&(_, users)| users > 0)
                        .collect();
                    let by_class: Vec<String> = sorted
                        .iter()
                        .map(|(class, users)| format!("{class:?}: {users}"))
                        .collect();
                    tracing::info!(
                        "All users spawned: {{{}}} ({} total users)",
                        by_class.join(", "),
                        counts.iter().sum::<u64>()
                    );
                    self.publish();
                }
            }
            // Stopped once every worker says so itself after the order (a heartbeat sent
            // before it, or counts lagging behind the users, may read zero users too early).
            MasterState::Stopping
                if ready.all(|r| r.info.status == WorkerStatus::Ready && r.info.users() == 0) =>
            {
                self.state = MasterState::Stopped;
                self.publish();
            }
            _ => {}
        }
    }

    fn users_per_class(&self) -> Vec<u64> {
        let mut sum = vec![0; self.config.classes.len()];
        for record in self.workers.values() {
            if record.info.status.is_ready() && record.conn.is_some() {
                for (total, users) in sum.iter_mut().zip(&record.info.users_per_class) {
                    *total += users;
                }
            }
        }
        sum
    }

    // ----- timers and views -------------------------------------------------------------------

    fn next_deadline(&self, now: Instant) -> Instant {
        let mut next = now + NO_DEADLINE;
        for due in [
            earliest(&self.timers.hello),
            earliest(&self.timers.heartbeat),
            earliest(&self.timers.removal),
            self.dirty
                .then(|| self.last_published + self.config.view_interval),
            self.quit_deadline,
        ]
        .into_iter()
        .flatten()
        {
            next = next.min(due);
        }
        next
    }

    fn timers(&mut self) {
        let now = Instant::now();
        while let Some(conn) = pop_due(&mut self.timers.hello, now) {
            let Some(connection) = self.connections.get(&conn) else {
                continue;
            };
            if connection.worker.is_some() {
                continue;
            }
            tracing::warn!(
                "{} said no hello within {} s; closing the connection",
                connection.peer,
                self.config.hello_timeout.as_secs()
            );
            self.close(conn);
        }
        let timeout = self.config.heartbeat_timeout;
        while let Some(id) = pop_due(&mut self.timers.heartbeat, now) {
            let Some(record) = self.workers.get(&id) else {
                continue;
            };
            if record.missing_since.is_some() {
                continue; // re-armed when it heals
            }
            let due = record.info.last_heard + timeout;
            if due > now {
                self.timers.heartbeat.push(Reverse((due, id)));
                continue;
            }
            let why = format!("sent no heartbeat for {} s", timeout.as_secs_f64());
            self.mark_missing(&id, &why);
        }
        while let Some(id) = pop_due(&mut self.timers.removal, now) {
            let Some(record) = self.workers.get(&id) else {
                continue;
            };
            match record.missing_since {
                Some(since) if since + self.config.missing_removal <= now => {}
                _ => continue, // healed since (a new entry exists if it goes missing again)
            }
            let record = self.workers.remove(&id).expect("present");
            if let Some(conn) = record.conn {
                self.close(conn);
            }
            tracing::info!(
                "Worker {id} was missing for {} s and is forgotten",
                self.config.missing_removal.as_secs()
            );
            self.publish();
        }
    }

    fn publish(&mut self) {
        let mut workers: Vec<Arc<WorkerInfo>> =
            self.workers.values().map(|r| Arc::clone(&r.info)).collect();
        workers.sort_by_key(|w| w.index);
        let view = ClusterView {
            state: self.state,
            stop_reason: self.stop_reason,
            target: self.target.clone(),
            workers,
            snapshot: Arc::clone(&self.snapshot),
            users_per_class: self.users_per_class(),
            cpu_warning: self.cpu_warning,
        };
        self.views.send_replace(Arc::new(view));
        self.dirty = false;
        self.last_published = Instant::now();
    }
}

/// The listener's next connection, or never once it is closed.
async fn accept<L: Listener>(listener: &mut Option<L>) -> Option<MasterLink> {
    match listener {
        Some(listener) => listener.accept().await,
        None => std::future::pending().await,
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn kind(message: &ToMaster) -> &'static str {
    match message {
        ToMaster::Hello(_) => "hello",
        ToMaster::Ready(_) => "ready",
        ToMaster::Heartbeat(_) => "a heartbeat",
        ToMaster::Stats(_) => "statistics",
        ToMaster::SpawnFailed { .. } => "a spawn failure",
        ToMaster::Logs { .. } => "log lines",
        ToMaster::Quit => "quit",
    }
}
