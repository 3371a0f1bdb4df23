//! The worker process: connects to the master and runs a local runner whose users the master
//! orders by class (`locusta_runner::cluster::WorkerUsers`).

use std::sync::Arc;
use std::time::Duration;

use locusta_cluster::protocol::Locustfile as SentLocustfile;
use locusta_cluster::transport::tcp::TcpConnector;
use locusta_cluster::{WorkerConfig, run_worker};
use locusta_engine::{Engine, EngineConfig, UserClass};
use locusta_lua::Locustfile;
use locusta_runner::cluster::WorkerUsers;
use locusta_runner::{Runner, RunnerConfig};
use locusta_stats::Clock;

use crate::cli::{Args, LogPlan, Plan, RunPlan, WorkerPlan, plan};
use crate::{limits, logging, run, shutdown};

/// Runs this process as a worker until the master says quit, a signal arrives, or it gives
/// up; returns the exit code. `classes` are the user classes when known before connecting
/// (`None` with `-f -`: they come from the master's locustfile).
pub fn run_worker_process(
    args: Args,
    worker: WorkerPlan,
    classes: Option<Vec<UserClass>>,
) -> anyhow::Result<i32> {
    logging::init(&LogPlan {
        level: args.loglevel,
        file: args.logfile.clone(),
    })?;
    let address = format!("{}:{}", worker.master_host, worker.master_port);
    tracing::info!(
        "Starting Locusta {} as a worker of the master at {address}",
        env!("CARGO_PKG_VERSION")
    );
    let stop_timeout = args.stop_timeout.unwrap_or(Duration::ZERO);
    let mut config = WorkerConfig::new();
    // Only a worker without classes of its own asks (a Rust program with `-f -` has its own).
    config.wants_locustfile = classes.is_none();
    // On quit, the users get the stop timeout to finish before the final report.
    config.quit_drain = stop_timeout + Duration::from_secs(1);
    // The master's Logs tab shows this worker's lines too.
    config.log_tail = Some(Arc::new(logging::recent_lines()));
    let connector = TcpConnector::new(&worker.master_host, worker.master_port);
    let clock = Clock::start();
    let load = move |sent: Option<SentLocustfile>| load_users(args, classes, sent, clock);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let local = tokio::task::LocalSet::new();
    let ended = local.block_on(
        &runtime,
        run_worker(config, connector, load, shutdown::first_signal()),
    );
    match ended {
        Ok(()) => {
            tracing::info!("Worker done (exit code 0)");
            Ok(0)
        }
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("locusta: {error}");
            Ok(1)
        }
    }
}

/// Loads the user classes (from the master's locustfile with `-f -`), checks the command line
/// against them, and starts the engine and a runner for them.
fn load_users(
    args: Args,
    classes: Option<Vec<UserClass>>,
    sent: Option<SentLocustfile>,
    clock: Clock,
) -> Result<WorkerUsers, String> {
    let classes = match (classes, sent) {
        (Some(classes), _) => classes,
        (None, Some(file)) => {
            tracing::info!("Loading the locustfile {} sent by the master", file.name);
            Locustfile::from_text(&file.name, file.source)
                .map_err(|error| error.to_string())?
                .user_classes()
        }
        (None, None) => return Err("the master sent no locustfile for -f -".to_owned()),
    };
    let run_plan = match plan(args, classes) {
        Ok(Plan::Run(run_plan)) => *run_plan,
        Ok(Plan::List(_)) => return Err("--list makes no sense on a worker".to_owned()),
        Err(error) => return Err(error.to_string()),
    };
    start_local_runner(run_plan, clock).map_err(|error| format!("{error:#}"))
}

/// The engine and a runner for the worker's users, keeping statistics deltas for the master.
fn start_local_runner(plan: RunPlan, clock: Clock) -> anyhow::Result<WorkerUsers> {
    limits::raise_open_file_limit(plan.users);
    let classes: Arc<[UserClass]> = Arc::from(plan.classes);
    let engine = Engine::start(EngineConfig {
        threads: plan.threads,
        classes: Arc::clone(&classes),
        host_override: plan.host,
        resources: run::http_resources(plan.insecure)?,
        seed: plan.seed,
        clock,
    })?;
    let config = RunnerConfig {
        stop_timeout: plan.stop_timeout,
        clock,
        quit_at_run_time: false,
        keep_deltas: true,
        ..RunnerConfig::default()
    };
    let (runner, handle) = Runner::new(engine, Arc::clone(&classes), config);
    // It ends with the worker's runtime, after the users were stopped for the final report.
    tokio::task::spawn_local(runner.run());
    let names = classes.iter().map(|class| class.name.clone()).collect();
    Ok(WorkerUsers::new(handle, names))
}
