//! A real engine and runner on the test's `LocalSet` (so paused time drives them), with the
//! API router in front, and helpers to send it requests in process.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use locusta_cluster::transport::memory::{MemoryConnector, memory_transport};
use locusta_cluster::{
    ClusterError, ClusterView, Master, MasterConfig, MasterHandle, WorkerConfig,
};
use locusta_engine::{
    Engine, EngineConfig, Resources, TaskError, TaskResult, UserClass, UserContext, constant,
};
use locusta_runner::{Runner, RunnerConfig, RunnerHandle};
use locusta_stats::{Clock, Outcome, Recorder, RunState, RunView};
use locusta_web::{ClassInfo, Credentials, FormDefaults, RunInfo, WebState, router};
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tower::ServiceExt;

use crate::worker;

/// The run's configured host.
pub const HOST: &str = "http://127.0.0.1:8000";

/// A simulated user that records requests the way an HTTP client would.
struct Visitor {
    recorder: Recorder,
}

impl Visitor {
    fn new(ctx: &UserContext<'_>) -> Result<Self, TaskError> {
        Ok(Self {
            recorder: ctx.recorder.clone(),
        })
    }

    fn record(&self, method: &str, name: &str, millis: u64, error: Option<&str>) {
        self.recorder.record(
            method,
            name,
            &Outcome {
                response_time: Some(Duration::from_millis(millis)),
                content_length: if error.is_some() { 0 } else { 11 },
                error,
                finished_at: Instant::now(),
            },
        );
    }

    async fn index(&mut self) -> TaskResult {
        self.record("GET", "/", 10, None);
        Ok(())
    }

    async fn broken(&mut self) -> TaskResult {
        self.record("GET", "/err", 2, Some("HTTPError('500 Server Error')"));
        Ok(())
    }

    async fn login(&mut self) -> TaskResult {
        self.record("POST", "/login", 30, None);
        Err(TaskError::msg("login page changed"))
    }
}

/// `Visitor` (weight 3: tasks `index` ×3, `broken` ×1) and `Crasher` (weight 1: task `login`,
/// which records a request and then raises an exception). Each user runs a task per second.
pub fn classes() -> Vec<UserClass> {
    vec![
        UserClass::builder("Visitor", Visitor::new)
            .weight(3.0)
            .wait_time(constant(1.0))
            .task("index", 3, |u| Box::pin(u.index()))
            .task("broken", 1, |u| Box::pin(u.broken()))
            .build(),
        UserClass::builder("Crasher", Visitor::new)
            .weight(1.0)
            .wait_time(constant(1.0))
            .task("login", 1, |u| Box::pin(u.login()))
            .build(),
    ]
}

/// The API over a running runner.
pub struct Api {
    /// The router under test.
    pub app: Router,
    /// A second handle on the runner, to check its state without going through the API.
    pub handle: RunnerHandle,
}

/// Starts an engine and runner on the current `LocalSet` and puts the API in front. Reaching
/// the run time stops the test without quitting, as in web UI mode.
pub fn start(credentials: Option<Credentials>) -> Api {
    start_with(credentials, |_| {}, FormDefaults::default())
}

/// [`start`], with the run's description changed by `edit_run` and the form proposing
/// `defaults`.
pub fn start_with(
    credentials: Option<Credentials>,
    edit_run: impl FnOnce(&mut RunInfo),
    defaults: FormDefaults,
) -> Api {
    start_configured(edit_run, |state| {
        let state = state.with_form_defaults(defaults);
        match credentials {
            Some(credentials) => state.with_auth(credentials),
            None => state,
        }
    })
}

/// [`start`] on a master: the API also reads the master's views (its workers).
pub fn start_distributed(views: watch::Receiver<Arc<ClusterView>>) -> Api {
    start_configured(|_| {}, |state| state.with_cluster(views))
}

/// Starts an engine and runner on the current `LocalSet`, describes the run (changed by
/// `edit_run`) and puts the API over the state `configure` makes.
pub fn start_configured(
    edit_run: impl FnOnce(&mut RunInfo),
    configure: impl FnOnce(WebState) -> WebState,
) -> Api {
    let classes: Arc<[UserClass]> = Arc::from(classes());
    let clock = Clock::start();
    let engine = Engine::start_local(EngineConfig {
        threads: 2,
        classes: Arc::clone(&classes),
        host_override: Some(HOST.to_owned()),
        resources: Resources::default(),
        seed: 7,
        clock,
    });
    let config = RunnerConfig {
        quit_at_run_time: false,
        clock,
        ..RunnerConfig::default()
    };
    let (runner, handle) = Runner::new(engine, Arc::clone(&classes), config);
    tokio::task::spawn_local(runner.run());
    let mut run = RunInfo {
        host: Some(HOST.to_owned()),
        locustfile: "locustfile.lua".to_owned(),
        classes: classes.iter().map(ClassInfo::from).collect(),
    };
    edit_run(&mut run);
    let state = configure(WebState::new(handle.clone(), run));
    Api {
        app: router(state),
        handle,
    }
}

/// Runs `scenario` on a fresh `LocalSet`.
pub async fn local<F: Future>(scenario: F) -> F::Output {
    tokio::task::LocalSet::new().run_until(scenario).await
}

/// Lets (paused) time pass, so the runner spawns users and publishes views.
pub async fn wait_secs(secs: f64) {
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
}

/// The runner's latest view.
pub fn view(api: &Api) -> Arc<RunView> {
    api.handle.view()
}

/// State and user count of the latest view.
pub fn state_and_users(api: &Api) -> (RunState, u64) {
    let view = view(api);
    (view.state(), view.user_count())
}

/// A response, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "not JSON ({error}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    /// A header's value as text.
    pub fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends `request` to the router in process.
pub async fn send(api: &Api, request: Request<Body>) -> Answer {
    let response = api.app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    Answer {
        status,
        headers,
        body: body.to_vec(),
    }
}

/// `GET uri`.
pub async fn get(api: &Api, uri: &str) -> Answer {
    send(api, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// `POST uri` with a form body.
pub async fn post_form(api: &Api, uri: &str, form: &str) -> Answer {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap();
    send(api, request).await
}

/// `POST /swarm` with a form body; the JSON answer, which Locust always sends with HTTP 200.
pub async fn swarm(api: &Api, form: &str) -> Value {
    let answer = post_form(api, "/swarm", form).await;
    assert_eq!(answer.status, StatusCode::OK);
    answer.json()
}

/// `GET /stats/requests` as JSON.
pub async fn stats(api: &Api) -> Value {
    let answer = get(api, "/stats/requests").await;
    assert_eq!(answer.status, StatusCode::OK);
    answer.json()
}

/// The `stats` row named `name`.
pub fn row<'a>(stats: &'a Value, name: &str) -> &'a Value {
    stats["stats"]
        .as_array()
        .expect("stats array")
        .iter()
        .find(|row| row["name"] == name)
        .unwrap_or_else(|| panic!("no row {name} in {stats:#}"))
}

const CONFIG_START: &str = r#"<script id="locusta-config" type="application/json">"#;

/// The settings the page embeds, parsed back.
pub fn page_config(page: &Answer) -> Value {
    let text = page.text();
    let start = text.find(CONFIG_START).expect("settings element") + CONFIG_START.len();
    let end = start
        + text[start..]
            .find("</script>")
            .expect("end of the settings");
    serde_json::from_str(&text[start..end]).expect("settings are JSON")
}

// Distributed runs: a real master on the in-memory transport and real workers (`run_worker`
// over a real engine and runner, `../common/worker.rs`), in real time with short intervals.

/// How long a test waits for the cluster to reach a state.
const CLUSTER_WAIT: Duration = Duration::from_secs(2);

/// A master running as a task; workers connect through `connector`.
pub struct TestMaster {
    pub handle: MasterHandle,
    pub connector: MemoryConnector,
    _task: JoinHandle<Arc<ClusterView>>,
}

/// A master for the classes of [`classes`], with heartbeats, reports and views every few tens
/// of milliseconds.
pub fn start_master() -> TestMaster {
    let names = classes().iter().map(|class| class.name.clone()).collect();
    let config = MasterConfig {
        heartbeat_interval: Duration::from_millis(50),
        report_interval: Duration::from_millis(50),
        view_interval: Duration::from_millis(10),
        quit_timeout: Duration::from_millis(200),
        ..MasterConfig::new(names)
    };
    let (listener, connector) = memory_transport();
    let (master, handle) = Master::new(config, listener);
    TestMaster {
        handle,
        connector,
        _task: tokio::spawn(master.run()),
    }
}

impl TestMaster {
    /// Waits until the master's view satisfies `predicate`; panics after [`CLUSTER_WAIT`].
    pub async fn wait_for(
        &self,
        what: &str,
        predicate: impl Fn(&ClusterView) -> bool,
    ) -> Arc<ClusterView> {
        let mut views = self.handle.subscribe();
        let found = tokio::time::timeout(CLUSTER_WAIT, views.wait_for(|view| predicate(view)))
            .await
            .unwrap_or_else(|_| panic!("timed out waiting for {what}: {:#?}", self.handle.view()))
            .expect("the master runs");
        Arc::clone(&found)
    }
}

/// A real worker with id `id` (its own engine and runner over [`classes`], aimed at [`HOST`]),
/// connected to `master`, as a task on the test's `LocalSet`.
pub fn spawn_worker(master: &TestMaster, id: &str) -> JoinHandle<Result<(), ClusterError>> {
    spawn_worker_with(master, id, |config| config)
}

/// [`spawn_worker`], with the worker's settings changed by `configure`.
pub fn spawn_worker_with(
    master: &TestMaster,
    id: &str,
    configure: impl FnOnce(WorkerConfig) -> WorkerConfig,
) -> JoinHandle<Result<(), ClusterError>> {
    let config = WorkerConfig {
        worker_id: id.to_owned(),
        hostname: format!("{id}.example"),
        reconnect_for: Duration::from_secs(1),
        retry_interval: Duration::from_millis(50),
        quit_drain: Duration::from_millis(50),
        ..WorkerConfig::new()
    };
    worker::spawn_worker(
        configure(config),
        classes(),
        Some(HOST.to_owned()),
        master.connector.clone(),
    )
}
