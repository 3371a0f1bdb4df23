//! What the routes share: the runner's handle and the facts about the run that do not change
//! while the server runs.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use locusta_cluster::{ClusterView, WorkerLogs};
use locusta_engine::{TaskSpec, UserClass};
use locusta_runner::RunnerHandle;
use locusta_stats::RunView;
use tokio::sync::watch;

use crate::{Credentials, LogLines};

/// A user class as the API describes it (`/tasks`, `/swarm`'s `user_classes`): the class's
/// spawning and task weights, without the code that makes its users.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassInfo {
    /// Class name.
    pub name: String,
    /// Relative share of users (ignored when `fixed_count > 0`).
    pub weight: f64,
    /// When > 0: exactly this many users of the class.
    pub fixed_count: u32,
    /// The class's tasks with their weights.
    pub tasks: Vec<TaskSpec>,
}

impl From<&UserClass> for ClassInfo {
    fn from(class: &UserClass) -> Self {
        Self {
            name: class.name.clone(),
            weight: class.weight,
            fixed_count: class.fixed_count,
            tasks: class.tasks.clone(),
        }
    }
}

/// Facts about the run that the API reports or checks requests against.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    /// The target host of the run (`--host`, or the host every class shares); `None` when the
    /// classes use hosts of their own. `/swarm` may aim later users at another host, and answers
    /// with it.
    pub host: Option<String>,
    /// The locustfile's name as titles and download names show it, e.g. `locustfile.lua`.
    pub locustfile: String,
    /// The run's user classes, in the order the runner was given them.
    pub classes: Vec<ClassInfo>,
}

/// The load shape the run has (Locust's `LoadTestShape` class), as `/swarm` and the page need
/// it: `/swarm` starts the shape instead of a fixed target, and the form hides the user count
/// and spawn rate unless the shape uses them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeInfo {
    /// The shape's name (`/swarm`'s `shape_class`, the answer's message).
    pub name: String,
    /// Locust's `use_common_options`: the shape reads the user count, spawn rate and run time.
    pub use_common_options: bool,
}

/// What the start form proposes (`-u`, `-r`, `-t`); `None` leaves a field empty.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FormDefaults {
    /// Peak number of users.
    pub user_count: Option<u64>,
    /// Users started per second.
    pub spawn_rate: Option<f64>,
    /// How long the test runs.
    pub run_time: Option<Duration>,
}

/// Everything the routes need. Build it with [`WebState::new`] and the `with_*` methods, then
/// pass it to [`crate::router`].
pub struct WebState {
    runner: RunnerHandle,
    run: RunInfo,
    /// The CLI's defaults, replaced field by field by each accepted `/swarm` (as Locust writes
    /// them back into its parsed options), so a reloaded page proposes what was last asked for.
    form_defaults: Mutex<FormDefaults>,
    /// The host users aim at: `RunInfo::host` until a `/swarm` asks for another.
    host: Mutex<Option<String>>,
    credentials: Option<Credentials>,
    shape: Option<ShapeInfo>,
    class_picker: bool,
    /// The master's published views, on a master (`--master`); `None` for a local run.
    cluster: Option<watch::Receiver<Arc<ClusterView>>>,
    /// This process's last log lines (empty unless the program's logger fills them).
    logs: LogLines,
    /// The lines a master's workers forwarded.
    worker_logs: WorkerLogs,
}

impl WebState {
    /// State for a run controlled through `runner` and described by `run`; no form defaults
    /// and no authentication.
    pub fn new(runner: RunnerHandle, run: RunInfo) -> Self {
        Self {
            runner,
            host: Mutex::new(run.host.clone()),
            run,
            form_defaults: Mutex::new(FormDefaults::default()),
            credentials: None,
            shape: None,
            class_picker: false,
            cluster: None,
            logs: LogLines::new(),
            worker_logs: WorkerLogs::default(),
        }
    }

    /// The ring the program's logger writes its lines into, for `/logs` and the Logs tab.
    pub fn with_logs(mut self, logs: LogLines) -> Self {
        self.logs = logs;
        self
    }

    /// This process's last log lines.
    pub(crate) fn logs(&self) -> &LogLines {
        &self.logs
    }

    /// On a master, the lines its workers forward (`MasterHandle::worker_logs`), for `/logs`.
    pub fn with_worker_logs(mut self, worker_logs: WorkerLogs) -> Self {
        self.worker_logs = worker_logs;
        self
    }

    /// The lines the workers forwarded, by worker id.
    pub(crate) fn worker_logs(&self) -> &WorkerLogs {
        &self.worker_logs
    }

    /// The master's worker registry (`MasterHandle::subscribe`): makes the UI distributed.
    /// `/worker-count` counts its ready workers, `/stats/requests` lists every worker, the page
    /// shows the Workers count and tab, and `/swarm` refuses to start while no worker is ready.
    /// The run itself is still driven through the runner's handle.
    pub fn with_cluster(mut self, views: watch::Receiver<Arc<ClusterView>>) -> Self {
        self.cluster = Some(views);
        self
    }

    /// Whether this is a master's UI (see [`Self::with_cluster`]).
    pub fn is_distributed(&self) -> bool {
        self.cluster.is_some()
    }

    /// The master's latest view, on a master.
    pub(crate) fn cluster_view(&self) -> Option<Arc<ClusterView>> {
        self.cluster
            .as_ref()
            .map(|views| Arc::clone(&views.borrow()))
    }

    /// Workers ready for orders: 0 for a local run (Locust's `worker_count`).
    pub(crate) fn ready_workers(&self) -> usize {
        self.cluster_view().map_or(0, |view| view.ready_workers())
    }

    /// The run has a load shape (given to the runner with `Runner::with_shape`): `/swarm`
    /// starts it, and the form hides what it does not use.
    pub fn with_shape(mut self, shape: ShapeInfo) -> Self {
        self.shape = Some(shape);
        self
    }

    /// `--class-picker`: the form lets the user choose the classes to run (and whether to use
    /// the load shape).
    pub fn with_class_picker(mut self, enabled: bool) -> Self {
        self.class_picker = enabled;
        self
    }

    /// The run's load shape, if it has one.
    pub fn shape(&self) -> Option<&ShapeInfo> {
        self.shape.as_ref()
    }

    /// Whether the form offers the class picker.
    pub fn class_picker(&self) -> bool {
        self.class_picker
    }

    /// Sets what the start form proposes.
    pub fn with_form_defaults(mut self, defaults: FormDefaults) -> Self {
        self.form_defaults = Mutex::new(defaults);
        self
    }

    /// Requires HTTP basic auth with `credentials` on every route (`--web-auth`).
    pub fn with_auth(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The runner's remote control.
    pub fn runner(&self) -> &RunnerHandle {
        &self.runner
    }

    /// The static facts about the run.
    pub fn run(&self) -> &RunInfo {
        &self.run
    }

    /// The host users aim at now (`None`: each class's own host).
    pub fn host(&self) -> Option<String> {
        self.host
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Points users spawned from now on at `host`, as Locust's `/swarm` host field does.
    pub(crate) fn change_host(&self, host: String) {
        self.runner.set_host(Some(host.clone()));
        *self.host.lock().unwrap_or_else(PoisonError::into_inner) = Some(host);
    }

    /// What the start form proposes: the defaults given to [`Self::with_form_defaults`], with
    /// the values of the last accepted `/swarm` request in their place.
    pub fn form_defaults(&self) -> FormDefaults {
        *self
            .form_defaults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Remembers an accepted `/swarm` request's values for the next page load. A request
    /// without a run time (an edit, usually) keeps the remembered one.
    pub(crate) fn remember_swarm(&self, users: u64, spawn_rate: f64, run_time: Option<Duration>) {
        let mut defaults = self
            .form_defaults
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        defaults.user_count = Some(users);
        defaults.spawn_rate = Some(spawn_rate);
        if run_time.is_some() {
            defaults.run_time = run_time;
        }
    }

    /// The credentials every route requires, if any.
    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    /// Users alive per class, indexed like [`RunInfo::classes`] (the runner's class list),
    /// as the runner last counted them on its shards.
    pub(crate) fn users_per_class(&self, view: &RunView) -> Vec<u64> {
        let mut counts = vec![0; self.run.classes.len()];
        for (count, &alive) in counts.iter_mut().zip(view.users_by_class()) {
            *count = alive;
        }
        counts
    }
}
