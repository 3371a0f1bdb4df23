//! What the browser talks to: the demo target, a real engine (on its own thread, in real time)
//! and runner, and the web router on a free port.

use std::sync::Arc;

use locusta_engine::{
    Engine, EngineConfig, Resources, TaskError, TaskResult, UserClass, UserContext, between,
};
use locusta_http::{HttpConfig, HttpSession};
use locusta_runner::{Runner, RunnerConfig};
use locusta_stats::Clock;
use locusta_target::{Target, TargetOptions};
use locusta_web::{ClassInfo, FormDefaults, RunInfo, WebState, router, serve};

/// A shopper on the demo target: Locust's quickstart pages, an endpoint that fails every fifth
/// request, and a task that raises an exception.
struct Shopper {
    client: HttpSession,
}

impl Shopper {
    fn new(ctx: &UserContext<'_>) -> Result<Self, TaskError> {
        let config = HttpConfig::shared_default()?;
        Ok(Self {
            client: HttpSession::new(&config, ctx.host, ctx.recorder.clone())?,
        })
    }

    async fn hello_world(&mut self) -> TaskResult {
        self.client.get("/hello").send().await?;
        self.client.get("/world").send().await?;
        Ok(())
    }

    async fn view_item(&mut self) -> TaskResult {
        self.client.get("/item?id=7").name("/item").send().await?;
        Ok(())
    }

    async fn flaky(&mut self) -> TaskResult {
        self.client.get("/flaky").send().await?;
        Ok(())
    }

    async fn checkout(&mut self) -> TaskResult {
        Err(TaskError::msg("checkout is closed"))
    }
}

/// Two classes, so the start form lists them (a master's workers run them too).
pub fn classes() -> Vec<UserClass> {
    vec![
        UserClass::builder("WebsiteUser", Shopper::new)
            .weight(3.0)
            .wait_time(between(0.2, 0.6))
            .task("hello_world", 3, |u| Box::pin(u.hello_world()))
            .task("view_item", 2, |u| Box::pin(u.view_item()))
            .task("flaky", 1, |u| Box::pin(u.flaky()))
            .build(),
        UserClass::builder("ApiUser", Shopper::new)
            .weight(1.0)
            .wait_time(between(0.2, 0.6))
            .task("flaky", 2, |u| Box::pin(u.flaky()))
            .task("checkout", 1, |u| Box::pin(u.checkout()))
            .build(),
    ]
}

/// The served UI; the target and the engine stop when it is dropped.
pub struct Server {
    /// The UI's address, `http://127.0.0.1:<port>/`.
    pub url: String,
    /// The demo target's address, which the users aim at.
    pub target_url: String,
    _target: Target,
}

/// The names of the run's user classes, in order (a master's and its workers' classes).
pub fn class_names() -> Vec<String> {
    classes().into_iter().map(|class| class.name).collect()
}

/// Starts everything on the current runtime (the engine has a thread of its own), with the web
/// state changed by `configure` (e.g. made a master's).
pub async fn start_with(configure: impl FnOnce(WebState) -> WebState) -> Server {
    let target = Target::spawn_thread(TargetOptions::default()).expect("demo target");
    let classes: Arc<[UserClass]> = Arc::from(classes());
    let clock = Clock::start();
    let engine = Engine::start(EngineConfig {
        threads: 1,
        classes: Arc::clone(&classes),
        host_override: Some(target.url()),
        resources: Resources::default(),
        seed: 7,
        clock,
    })
    .expect("engine");
    let config = RunnerConfig {
        quit_at_run_time: false,
        clock,
        ..RunnerConfig::default()
    };
    let (runner, handle) = Runner::new(engine, Arc::clone(&classes), config);
    tokio::spawn(runner.run());

    let run = RunInfo {
        host: Some(target.url()),
        locustfile: "shop.lua".to_owned(),
        classes: classes.iter().map(ClassInfo::from).collect(),
    };
    let defaults = FormDefaults {
        user_count: Some(1),
        spawn_rate: Some(1.0),
        run_time: None,
    };
    let state = configure(WebState::new(handle, run).with_form_defaults(defaults));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(serve(listener, router(state), std::future::pending()));
    Server {
        url,
        target_url: target.url(),
        _target: target,
    }
}
