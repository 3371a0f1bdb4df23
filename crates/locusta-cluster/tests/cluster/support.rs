//! Shared pieces: a master on the memory transport, workers with fake local users that record
//! real statistics, and a hand-driven peer for exact protocol timing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use locusta_cluster::protocol::{
    Hello, PROTOCOL_VERSION, Ready, ToMaster, ToWorker, Welcome, WorkerHeartbeat, WorkerState,
};
use locusta_cluster::transport::memory::{MemoryConnector, MemoryListener, memory_transport};
use locusta_cluster::transport::{Connector, WorkerLink};
use locusta_cluster::{
    ClusterError, ClusterView, LocalUsers, Master, MasterConfig, MasterHandle, WorkerConfig,
    run_worker,
};
use locusta_stats::{Clock, Outcome, Snapshot};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Unix second the test clocks start at.
pub const ORIGIN_UNIX: u64 = 1_795_436_180;

/// The classes of every test: `Admin` (fixed count 1), `Web` (weight 3), `Api` (weight 1).
pub const CLASSES: [&str; 3] = ["Admin", "Web", "Api"];

/// For 10 users the runner's mix gives 1 Admin, 7 Web, 2 Api.
pub const MIX_10: [u64; 3] = [1, 7, 2];

pub fn classes() -> Vec<String> {
    CLASSES.iter().map(|c| c.to_string()).collect()
}

pub fn clock() -> Clock {
    Clock::with_origin(Instant::now(), Duration::from_secs(ORIGIN_UNIX))
}

pub fn master_config() -> MasterConfig {
    MasterConfig {
        clock: clock(),
        ..MasterConfig::new(classes())
    }
}

pub struct TestMaster {
    pub handle: MasterHandle,
    pub task: JoinHandle<Arc<ClusterView>>,
    pub connector: MemoryConnector,
}

/// A master on the memory transport, running as a task.
pub fn start_master(config: MasterConfig) -> TestMaster {
    let (listener, connector) = memory_transport();
    let (master, handle) = Master::new(config, listener);
    TestMaster {
        handle,
        task: tokio::spawn(master.run()),
        connector,
    }
}

/// Waits (in paused time, so instantly in real time) until the master's view satisfies
/// `predicate`; panics after two minutes of virtual time.
pub async fn wait_for_view(
    handle: &MasterHandle,
    what: &str,
    predicate: impl Fn(&ClusterView) -> bool,
) -> Arc<ClusterView> {
    let mut views = handle.subscribe();
    let found = tokio::time::timeout(Duration::from_secs(120), views.wait_for(|v| predicate(v)))
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}: {:#?}", handle.view()))
        .expect("master alive");
    Arc::clone(&found)
}

/// What a [`FakeUsers`] was told and what it did.
#[derive(Debug, Default)]
pub struct FakeLog {
    /// Every `set_targets` call: per class, spawn rate, host.
    pub targets: Vec<(Vec<u64>, f64, Option<String>)>,
    /// How many times `stop` was called.
    pub stops: u32,
    /// Users alive now (a fake reaches its target at once).
    pub alive: Vec<u64>,
    /// Every delta handed out by `take_stats`, for checking the master's merge.
    pub deltas: Vec<Snapshot>,
    /// Users stopped since the last `take_stats`: their last requests are still to report.
    pub stopped_unreported: u64,
}

/// Local users that obey at once and record `requests_per_user` real requests per alive user
/// each time statistics are taken.
pub struct FakeUsers {
    pub classes: Vec<String>,
    pub log: Arc<Mutex<FakeLog>>,
    pub clock: Clock,
    pub requests_per_user: u64,
    pub seed: u64,
}

impl LocalUsers for FakeUsers {
    fn classes(&self) -> Vec<String> {
        self.classes.clone()
    }

    fn set_targets(&mut self, per_class: &[u64], spawn_rate: f64, host: Option<&str>) {
        let mut log = self.log.lock().unwrap();
        log.targets
            .push((per_class.to_vec(), spawn_rate, host.map(str::to_owned)));
        log.alive = per_class.to_vec();
    }

    fn users_per_class(&self) -> Vec<u64> {
        let log = self.log.lock().unwrap();
        if log.alive.is_empty() {
            vec![0; self.classes.len()]
        } else {
            log.alive.clone()
        }
    }

    async fn take_stats(&mut self) -> Snapshot {
        let stopped = std::mem::take(&mut self.log.lock().unwrap().stopped_unreported);
        let alive: u64 = self.users_per_class().iter().sum::<u64>() + stopped;
        let now = Instant::now();
        let mut delta = Snapshot::default();
        for i in 0..alive * self.requests_per_user {
            self.seed = self
                .seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let micros = 500 + (self.seed >> 33) % 200_000;
            let name = ["/", "/item", "/cart"][(self.seed >> 20) as usize % 3];
            let failed = (self.seed >> 40).is_multiple_of(17);
            delta.record(
                &self.clock,
                "GET",
                name,
                &Outcome {
                    response_time: Some(Duration::from_micros(micros)),
                    content_length: i % 1000,
                    error: failed.then_some("HTTPError('500 Server Error')"),
                    finished_at: now - Duration::from_millis(i % 900),
                },
            );
        }
        if alive > 0 && self.seed.is_multiple_of(5) {
            delta.record_exception("ValueError('x')", "Traceback: ValueError('x')");
        }
        self.log.lock().unwrap().deltas.push(delta.clone());
        delta
    }

    fn stop(&mut self) {
        let mut log = self.log.lock().unwrap();
        log.stops += 1;
        log.stopped_unreported += log.alive.iter().sum::<u64>();
        log.alive = vec![0; self.classes.len()];
    }
}

/// A real worker (run_worker) with fake users, as a task.
pub struct TestWorker {
    pub id: String,
    pub log: Arc<Mutex<FakeLog>>,
    pub task: JoinHandle<Result<(), ClusterError>>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl TestWorker {
    /// Users per class the fake was last told.
    pub fn alive(&self) -> Vec<u64> {
        let log = self.log.lock().unwrap();
        if log.alive.is_empty() {
            vec![0; CLASSES.len()]
        } else {
            log.alive.clone()
        }
    }

    /// Asks the worker to shut down (its own Ctrl-C).
    pub fn shut_down(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

pub fn worker_config(id: &str) -> WorkerConfig {
    WorkerConfig {
        worker_id: id.to_owned(),
        hostname: "host".to_owned(),
        ..WorkerConfig::new()
    }
}

pub fn spawn_worker<C: Connector>(connector: C, config: WorkerConfig) -> TestWorker {
    spawn_worker_with_classes(connector, config, classes())
}

pub fn spawn_worker_with_classes<C: Connector>(
    connector: C,
    config: WorkerConfig,
    classes: Vec<String>,
) -> TestWorker {
    let log = Arc::new(Mutex::new(FakeLog::default()));
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let id = config.worker_id.clone();
    let seed = id.bytes().map(u64::from).sum::<u64>();
    let users = FakeUsers {
        classes,
        log: Arc::clone(&log),
        clock: clock(),
        requests_per_user: 10,
        seed,
    };
    let task = tokio::spawn(run_worker(
        config,
        connector,
        move |_| Ok(users),
        async move {
            // Dropping the TestWorker does not shut the worker down; only shut_down() does.
            if shutdown_rx.await.is_err() {
                std::future::pending::<()>().await;
            }
        },
    ));
    TestWorker {
        id,
        log,
        task,
        shutdown: Some(shutdown_tx),
    }
}

/// A hand-driven worker: sends exactly what the test says, when it says.
pub struct Peer {
    pub link: WorkerLink,
}

pub fn hello(id: &str) -> Hello {
    Hello {
        protocol_version: PROTOCOL_VERSION,
        locusta_version: "test".to_owned(),
        worker_id: id.to_owned(),
        hostname: "host".to_owned(),
        pid: 1,
        wants_locustfile: false,
    }
}

impl Peer {
    /// Connects and sends `hello`; returns the master's answer too.
    pub async fn hello(connector: &MemoryConnector, hello: Hello) -> (Peer, ToWorker) {
        let mut link = connector.connect().await.expect("master listening");
        link.sender.send(ToMaster::Hello(hello)).await.unwrap();
        let answer = link.receiver.recv().await.expect("an answer");
        (Peer { link }, answer)
    }

    /// Connects as `id`, is welcomed and says ready with the test classes.
    pub async fn ready(connector: &MemoryConnector, id: &str) -> (Peer, Welcome) {
        let (mut peer, answer) = Peer::hello(connector, hello(id)).await;
        let ToWorker::Welcome(welcome) = answer else {
            panic!("not welcomed: {answer:?}");
        };
        peer.send(ToMaster::Ready(Ready { classes: classes() }))
            .await;
        (peer, welcome)
    }

    pub async fn send(&mut self, message: ToMaster) {
        self.link.sender.send(message).await.expect("master reads");
    }

    pub async fn heartbeat(&mut self, users_per_class: Vec<u64>, state: WorkerState) {
        self.send(ToMaster::Heartbeat(WorkerHeartbeat {
            state,
            users_per_class,
            cpu_percent: 1.0,
            memory_bytes: 1 << 20,
        }))
        .await;
    }

    /// The next message that is not a heartbeat answer.
    pub async fn next_order(&mut self) -> Option<ToWorker> {
        loop {
            match self.link.receiver.recv().await? {
                ToWorker::Heartbeat => continue,
                other => return Some(other),
            }
        }
    }
}

/// A hand-driven master for worker tests: accepts one connection and answers its hello.
pub async fn accept_hello(
    listener: &mut MemoryListener,
) -> (locusta_cluster::transport::MasterLink, Hello) {
    use locusta_cluster::transport::Listener;
    let mut link = listener.accept().await.expect("a worker connects");
    let Some(ToMaster::Hello(hello)) = link.receiver.recv().await else {
        panic!("expected hello");
    };
    (link, hello)
}

/// The welcome a default master sends.
pub fn welcome() -> Welcome {
    Welcome {
        protocol_version: PROTOCOL_VERSION,
        locusta_version: "test".to_owned(),
        index: 0,
        heartbeat_interval_ms: 1_000,
        heartbeat_timeout_ms: 5_000,
        report_interval_ms: 1_000,
        locustfile: None,
    }
}
