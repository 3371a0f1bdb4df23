//! The composition root: parse, plan, wire the engine, runner and console, and exit with
//! Locust's code.

use std::ffi::OsString;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use locusta_cluster::protocol::Locustfile as SentLocustfile;
use locusta_engine::{Engine, EngineConfig, Resources, UserClass};
use locusta_http::HttpConfig;
use locusta_lua::{Locustfile, split_locustfile_arg};
use locusta_report::RunMeta;
use locusta_report::csv::CsvFiles;
use locusta_report::thresholds::{self, Verdict};
use locusta_runner::{
    LoadShape, Population, Runner, RunnerConfig, RunnerHandle, ShapeOptions, Target,
};
use locusta_stats::{Clock, RunView};
use locusta_web::{ClassInfo, FormDefaults, RunInfo, ShapeInfo};

use crate::cli::{MasterPlan, Plan, ReportPlan, Role, RunPlan, available_cpus, plan, role};
use crate::distributed::master::{self, RunningMaster};
use crate::distributed::processes::{self, Children};
use crate::distributed::worker;
use crate::{console, limits, logging, reports, shutdown, web_ui};

/// The locustfile read when `-f` is not given (Locust's is `locustfile.py`).
const DEFAULT_LOCUSTFILE: &str = "locustfile.lua";

/// Runs the command line of this process against `classes`. See the crate docs. Options also
/// come from config files and `LOCUST_*`/`LOCUSTA_*` variables, as for `locusta` itself
/// (docs/configuration.md).
pub fn run_cli(classes: Vec<UserClass>) -> ExitCode {
    run_cli_from(std::env::args_os(), classes)
}

/// Like [`run_cli`], with explicit arguments (the first one is the program name); config files
/// and the environment are still read.
pub fn run_cli_from<I, T>(args: I, classes: Vec<UserClass>) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run(args, ClassSource::Given(classes))
}

/// The `locusta` command: user classes from Lua locustfiles (`-f`).
pub fn run_locustfile_cli() -> ExitCode {
    run(std::env::args_os(), ClassSource::Locustfile)
}

/// Where the user classes come from.
pub(crate) enum ClassSource {
    /// Defined by the program (the Rust API).
    Given(Vec<UserClass>),
    /// Loaded from the Lua locustfile(s) named by `-f` (default `locustfile.lua`).
    Locustfile,
}

/// Parses `args`, obtains the classes, and runs.
pub(crate) fn run<I, T>(args: I, source: ClassSource) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let argv: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let args = match crate::cli::parse(argv.iter().cloned()) {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            return exit_code(error.exit_code());
        }
    };
    let role = match role(&args, available_cpus()) {
        Ok(role) => role,
        Err(error) => {
            eprintln!("locusta: {error}");
            return exit_code(error.exit_code());
        }
    };
    // The program's own arguments, for worker processes started by this one.
    let own_args = argv.get(1..).unwrap_or_default();
    match &role {
        Role::WorkerProcesses(count) => {
            let started = processes::run_worker_processes(
                *count,
                own_args,
                &args.master_host,
                args.master_port,
            );
            return finish(started);
        }
        Role::Worker(plan)
            if plan.locustfile_from_master && matches!(source, ClassSource::Locustfile) =>
        {
            return finish(worker::run_worker_process(args, plan.clone(), None));
        }
        _ => {}
    }
    // The locustfile(s) the classes came from, to name them in errors.
    let mut origin = None;
    let mut shape = None;
    let mut locustfile_text = None;
    let classes = match source {
        ClassSource::Given(classes) => classes,
        ClassSource::Locustfile => {
            let arg = args
                .locustfile
                .clone()
                .unwrap_or_else(|| DEFAULT_LOCUSTFILE.to_string());
            let loaded = match load_locustfile(&arg) {
                Ok(loaded) => loaded,
                Err(error) => {
                    eprintln!("locusta: {error}");
                    return ExitCode::from(1);
                }
            };
            origin = Some(arg);
            shape = loaded.shape;
            locustfile_text = loaded.text;
            loaded.classes
        }
    };
    if let Role::Worker(plan) = role {
        return finish(worker::run_worker_process(args, plan, Some(classes)));
    }
    let plan = match plan(args, classes) {
        Ok(plan) => plan,
        Err(error) => {
            match origin {
                Some(file) => eprintln!("locusta: {file}: {error}"),
                None => eprintln!("locusta: {error}"),
            }
            return exit_code(error.exit_code());
        }
    };
    match plan {
        Plan::List(names) => {
            println!("Available Users:");
            for name in names {
                println!("    {name}");
            }
            ExitCode::SUCCESS
        }
        Plan::Run(run_plan) => {
            let launch = Launch {
                own_args: own_args.to_vec(),
                locustfile: locustfile_text.map(|(name, source)| SentLocustfile { name, source }),
            };
            finish(run_test(*run_plan, shape, launch))
        }
    }
}

/// What a Lua locustfile gives the run.
struct LoadedLocustfile {
    classes: Vec<UserClass>,
    shape: Option<Box<dyn LoadShape>>,
    /// Its name and text when it is one file (for workers started with `-f -`).
    text: Option<(String, String)>,
}

/// Loads the `-f` argument's files.
fn load_locustfile(arg: &str) -> Result<LoadedLocustfile, locusta_lua::LoadError> {
    let locustfile = Locustfile::load(&split_locustfile_arg(arg))?;
    Ok(LoadedLocustfile {
        shape: locustfile.shape()?,
        text: locustfile.single_file_text(),
        classes: locustfile.user_classes(),
    })
}

/// The exit code of a run, or 1 with its error printed.
fn finish(outcome: anyhow::Result<i32>) -> ExitCode {
    match outcome {
        Ok(code) => exit_code(code),
        Err(error) => {
            eprintln!("locusta: {error:#}");
            ExitCode::from(1)
        }
    }
}

/// What a master needs from the way the process was started.
struct Launch {
    /// The command line without the program name (`--processes` children get it too).
    own_args: Vec<OsString>,
    /// The single locustfile, for workers started with `-f -`.
    locustfile: Option<SentLocustfile>,
}

/// The HTTP client's settings, as the engine's resources.
pub(crate) fn http_resources(insecure: bool) -> anyhow::Result<Resources> {
    let http = HttpConfig::builder()
        .insecure(insecure)
        .build()
        .map_err(|error| anyhow::anyhow!("cannot set up the HTTP client: {error}"))?;
    let mut resources = Resources::default();
    resources.insert(http);
    Ok(resources)
}

fn run_test(
    plan: RunPlan,
    shape: Option<Box<dyn LoadShape>>,
    launch: Launch,
) -> anyhow::Result<i32> {
    logging::init(&plan.log)?;
    tracing::info!("Starting Locusta {}", env!("CARGO_PKG_VERSION"));
    for warning in &plan.warnings {
        tracing::warn!("{warning}");
    }
    tracing::info!(
        "Using seed {0} (replay this run's choices with --seed {0})",
        plan.seed
    );
    limits::raise_open_file_limit(plan.users);

    let exit_code_on_error = plan.exit_code_on_error;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let outcome = runtime.block_on(drive(plan, shape, launch))?;

    let view = &outcome.view;
    let failed = view.total().num_failures() > 0 || !view.exceptions().is_empty();
    let locust_code = if failed { exit_code_on_error } else { 0 };
    let mut code = thresholds::exit_code(&outcome.verdicts, outcome.aborted, locust_code);
    if outcome.gave_up_waiting {
        code = code.max(1);
    }
    code = code.max(outcome.children_code);
    tracing::info!("Shutting down (exit code {code})");
    Ok(code)
}

/// How a test ended: its final view, the thresholds' verdicts, and whether
/// `--threshold-abort` cut it short.
struct Outcome {
    view: Arc<RunView>,
    verdicts: Vec<Verdict>,
    aborted: bool,
    /// A master gave up waiting for `--expect-workers`.
    gave_up_waiting: bool,
    /// The highest exit code of the `--processes` workers.
    children_code: i32,
}

/// A master's part in [`run_with`].
struct ClusterRun<'a> {
    master: &'a RunningMaster,
    plan: &'a MasterPlan,
}

/// Starts the users' home (the local engine, or a master and its `--processes` workers),
/// then runs the test with it.
async fn drive(
    mut plan: RunPlan,
    shape: Option<Box<dyn LoadShape>>,
    launch: Launch,
) -> anyhow::Result<Outcome> {
    let csv = open_csv(&plan.reports)?;
    let clock = Clock::start();
    let classes: Arc<[UserClass]> = Arc::from(std::mem::take(&mut plan.classes));
    let Role::Master(master_plan) = plan.role.clone() else {
        let engine = Engine::start(EngineConfig {
            threads: plan.threads,
            classes: Arc::clone(&classes),
            host_override: plan.host.clone(),
            resources: http_resources(plan.insecure)?,
            seed: plan.seed,
            clock,
        })?;
        return run_with(plan, engine, classes, clock, shape, csv, None).await;
    };
    let names = classes.iter().map(|class| class.name.clone()).collect();
    let master = master::start(
        &master_plan,
        names,
        launch.locustfile,
        plan.stop_timeout,
        clock,
    )
    .await?;
    let children = if master_plan.processes > 0 {
        let host = processes::local_master_host(&master_plan.bind_host);
        let port = master.port();
        Some(Children::spawn(
            master_plan.processes,
            &launch.own_args,
            &host,
            port,
        )?)
    } else {
        None
    };
    let users = master.users(classes.len(), plan.stop_timeout, plan.host.clone());
    let cluster = ClusterRun {
        master: &master,
        plan: &master_plan,
    };
    let outcome = run_with(plan, users, classes, clock, shape, csv, Some(cluster)).await;
    master.quit().await;
    let mut outcome = outcome?;
    if let Some(children) = children {
        outcome.children_code = children.wait(std::time::Duration::from_secs(5)).await;
    }
    Ok(outcome)
}

/// Runs the test to its end (run time, signal, or quit from the web UI), then prints the
/// final tables and writes the reports. Every way a run ends comes through here.
async fn run_with<P: Population>(
    plan: RunPlan,
    users: P,
    classes: Arc<[UserClass]>,
    clock: Clock,
    shape: Option<Box<dyn LoadShape>>,
    csv: Option<CsvFiles>,
    cluster: Option<ClusterRun<'_>>,
) -> anyhow::Result<Outcome> {
    let config = RunnerConfig {
        stop_timeout: plan.stop_timeout,
        clock,
        // With the web UI up, the end of the run time stops the test but not the process.
        quit_at_run_time: plan.web.is_none(),
        reset_stats: plan.reset_stats,
        ..RunnerConfig::default()
    };
    let (runner, handle) = Runner::new(users, Arc::clone(&classes), config);
    let (runner, shape_info) = attach_shape(runner, shape, plan.load_given);
    let target = Target {
        users: plan.users,
        spawn_rate: plan.spawn_rate,
        run_time: plan.run_time,
        user_classes: None,
    };

    let mut background = vec![tokio::spawn(shutdown::quit_on_signal(handle.clone()))];
    let csv_task = csv.map(|files| reports::keep_csv_current(files, handle.subscribe()));
    let running_users = reports::remember_running_users(handle.subscribe());
    let aborted = Arc::new(AtomicBool::new(false));
    if plan.reports.threshold_abort {
        background.push(reports::abort_on_threshold(
            plan.reports.thresholds.clone(),
            handle.clone(),
            plan.web.is_none(),
            Arc::clone(&aborted),
        ));
    }
    let gave_up_waiting = Arc::new(AtomicBool::new(false));
    if let Some(cluster) = &cluster {
        background.push(master::stop_when_workers_are_gone(
            &cluster.master.handle,
            handle.clone(),
            plan.web.is_none(),
        ));
    }
    let print_periodically = match &plan.web {
        None => !plan.only_summary,
        Some(web) => web.print_stats,
    };
    if print_periodically {
        background.push(tokio::spawn(console::print_periodically(handle.clone())));
    }
    let autostart = match &plan.web {
        None => true,
        Some(web) => {
            let run = RunInfo {
                host: plan.host.clone(),
                locustfile: web.locustfile.clone(),
                classes: classes.iter().map(ClassInfo::from).collect(),
            };
            let defaults = FormDefaults {
                user_count: Some(plan.users),
                spawn_rate: Some(plan.spawn_rate),
                run_time: plan.run_time,
            };
            let master = cluster.as_ref().map(|c| c.master.handle.clone());
            background.extend(
                web_ui::start(
                    web,
                    handle.clone(),
                    run,
                    defaults,
                    shape_info.clone(),
                    master,
                )
                .await?,
            );
            web.autostart
        }
    };
    if autostart {
        match &cluster {
            None => start_test(&handle, target, shape_info.as_ref()),
            Some(cluster) => {
                let starter = handle.clone();
                let shape_info = shape_info.clone();
                background.push(master::start_when_workers_are_ready(
                    &cluster.master.handle,
                    cluster.plan,
                    handle.clone(),
                    move || start_test(&starter, target, shape_info.as_ref()),
                    Arc::clone(&gave_up_waiting),
                ));
            }
        }
    }

    let view = runner.run().await;
    for task in background {
        task.abort();
    }
    // The runner is gone, so the CSV task has seen its last view and hands the files back.
    let csv = match csv_task {
        Some(task) => task.await.ok(),
        None => None,
    };
    console::print_final(&view);
    let running_users = running_users.await.unwrap_or_default();
    let report_view = RunView::clone(&view).with_users_by_class(running_users);
    let meta = RunMeta {
        host: plan.host.clone(),
        locustfile: plan.reports.locustfile.clone(),
        class_names: classes.iter().map(|class| class.name.clone()).collect(),
        thresholds: Vec::new(),
    };
    let verdicts = reports::write_final(
        &plan.reports,
        &plan.reports.thresholds,
        meta,
        &report_view,
        csv,
    );
    console::print_thresholds(&verdicts);
    Ok(Outcome {
        view,
        verdicts,
        aborted: aborted.load(Ordering::Relaxed),
        gave_up_waiting: gave_up_waiting.load(Ordering::Relaxed),
        children_code: 0,
    })
}

/// Opens the `--csv` files before the test starts, so a bad path fails now, not after the run.
fn open_csv(reports: &ReportPlan) -> anyhow::Result<Option<CsvFiles>> {
    let Some(prefix) = &reports.csv_prefix else {
        return Ok(None);
    };
    let files = CsvFiles::create(prefix, reports.csv_full_history).map_err(|error| {
        anyhow::anyhow!(
            "cannot create the --csv files {}_*.csv: {error}",
            prefix.display()
        )
    })?;
    Ok(Some(files))
}

/// Hands the locustfile's load shape, if any, to the runner; warns when `-u/-r/-t` were given
/// to a shape that ignores them.
fn attach_shape<P: Population>(
    runner: Runner<P>,
    shape: Option<Box<dyn LoadShape>>,
    load_given: bool,
) -> (Runner<P>, Option<ShapeInfo>) {
    let Some(shape) = shape else {
        return (runner, None);
    };
    let info = ShapeInfo {
        name: shape.name().to_string(),
        use_common_options: shape.use_common_options(),
    };
    if !info.use_common_options && load_given {
        tracing::warn!(
            "The load shape {} decides the users and run time: -u, -r and -t are ignored \
             (set use_common_options = true in the shape to pass them to it)",
            info.name
        );
    }
    (runner.with_shape(shape), Some(info))
}

/// Starts the test at once (headless or `--autostart`): the shape if there is one, else the
/// command line's target.
fn start_test(handle: &RunnerHandle, target: Target, shape: Option<&ShapeInfo>) {
    if let Some(shape) = shape {
        tracing::info!("Starting the load shape {}", shape.name);
        handle.start_shape(ShapeOptions {
            users: Some(target.users),
            spawn_rate: Some(target.spawn_rate),
            run_time: target.run_time,
        });
        return;
    }
    match target.run_time {
        Some(run_time) => tracing::info!("Run time limit set to {} seconds", run_time.as_secs()),
        None => tracing::info!("No run time limit set, use CTRL+C to interrupt"),
    }
    handle.start(target);
}

fn exit_code(code: i32) -> ExitCode {
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
