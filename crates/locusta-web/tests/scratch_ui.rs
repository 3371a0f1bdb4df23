use std::sync::Arc;
use std::time::Duration;
use locusta_engine::{Engine, EngineConfig, Resources, UserClass, constant};
use locusta_runner::{Runner, RunnerConfig, Stage, Stages, LoadShape};
use locusta_web::{ClassInfo, RunInfo, ShapeInfo, WebState, router, serve};

#[tokio::test(flavor = "multi_thread")]
async fn scratch() {
    let classes: Arc<[UserClass]> = Arc::from(vec![
        UserClass::builder("WebsiteUser", |_| Ok(())).weight(3.0).wait_time(constant(1.0)).task("a", 1, |_| Box::pin(async { Ok(()) })).build(),
        UserClass::builder("ApiUser", |_| Ok(())).wait_time(constant(1.0)).task("a", 1, |_| Box::pin(async { Ok(()) })).build(),
    ]);
    let engine = Engine::start(EngineConfig { threads: 1, classes: Arc::clone(&classes), host_override: None, resources: Resources::default(), seed: 1, clock: locusta_stats::Clock::start() }).unwrap();
    let stages = Stages::new(vec![Stage::new(Duration::from_secs(60), 4, 1.0)]).unwrap().named("StagesShape");
    let info = ShapeInfo { name: stages.name().to_owned(), use_common_options: false };
    let (runner, handle) = Runner::new(engine, Arc::clone(&classes), RunnerConfig { quit_at_run_time: false, ..RunnerConfig::default() });
    tokio::spawn(runner.with_shape(Box::new(stages)).run());
    let run = RunInfo { host: Some("http://127.0.0.1:9".into()), locustfile: "shape.lua".into(), classes: classes.iter().map(ClassInfo::from).collect() };
    let picker = std::env::var("PICKER").is_ok();
    let state = WebState::new(handle, run).with_shape(info).with_class_picker(picker);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 18931)).await.unwrap();
    let _ = tokio::time::timeout(Duration::from_secs(25), serve(listener, router(state), std::future::pending())).await;
}
