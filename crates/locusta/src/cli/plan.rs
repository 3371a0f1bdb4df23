//! The validated plan of a run: everything the wiring needs, in types that cannot hold a
//! malformed value (ripgrep's LowArgs -> HiArgs split).

use std::path::PathBuf;
use std::time::Duration;

use locusta_engine::{TagFilter, UserClass};
use locusta_report::thresholds::{Threshold, Thresholds};

use super::args::Args;
use super::role::{Role, role};

/// What the process will do.
pub enum Plan {
    /// `--list`: print the class names.
    List(Vec<String>),
    /// Run a load test.
    Run(Box<RunPlan>),
}

/// A validated headless run.
pub struct RunPlan {
    /// Selected classes (positional names, or all).
    pub classes: Vec<UserClass>,
    /// `--host`, checked to be an http(s) URL.
    pub host: Option<String>,
    /// Peak users.
    pub users: u64,
    /// Users per second.
    pub spawn_rate: f64,
    /// Stop after this long.
    pub run_time: Option<Duration>,
    /// Grace period for running users when stopping.
    pub stop_timeout: Duration,
    /// Only the final tables.
    pub only_summary: bool,
    /// Exit code when anything failed.
    pub exit_code_on_error: i32,
    /// Seed for all per-user randomness.
    pub seed: u64,
    /// Number of shards.
    pub threads: usize,
    /// Skip TLS verification.
    pub insecure: bool,
    /// Log level and destination.
    pub log: LogPlan,
    /// The web UI, unless `--headless`.
    pub web: Option<WebPlan>,
    /// The files and checks of the end of the run.
    pub reports: ReportPlan,
    /// Things to log once logging is set up (the plan is made before).
    pub warnings: Vec<String>,
    /// `--reset-stats`: reset the statistics once each ramp-up has finished.
    pub reset_stats: bool,
    /// Whether `-u`, `-r` or `-t` was given (a load shape ignores them unless it asks).
    pub load_given: bool,
    /// Local run, distributed master or worker.
    pub role: Role,
}

/// The outputs written while and after the run, and the CI thresholds.
#[derive(Debug, Clone, Default)]
pub struct ReportPlan {
    /// `--csv PREFIX`: the four CSV files.
    pub csv_prefix: Option<PathBuf>,
    /// `--csv-full-history`: every entry in the history file.
    pub csv_full_history: bool,
    /// `--html`, with `{u}`, `{r}` and `{t}` substituted.
    pub html: Option<PathBuf>,
    /// `--json`: Locust's per-entry JSON on stdout.
    pub json_stdout: bool,
    /// `--json-file F`: Locust's per-entry JSON in `F.json`.
    pub json_file: Option<PathBuf>,
    /// `--report-json`: Locusta's whole-run JSON.
    pub report_json: Option<PathBuf>,
    /// `--threshold` rules, in command-line order.
    pub thresholds: Thresholds,
    /// `--threshold-abort`.
    pub threshold_abort: bool,
    /// The `-f` argument (or the program's name), named by the reports.
    pub locustfile: String,
}

/// Serving the web UI and API.
#[derive(Debug, Clone)]
pub struct WebPlan {
    /// Listen address.
    pub host: String,
    /// Listen port.
    pub port: u16,
    /// Basic-auth credentials, `user:password`.
    pub auth: Option<locusta_web::Credentials>,
    /// Start the test at once (`--autostart`).
    pub autostart: bool,
    /// Quit this long after the test ends (`--autoquit`).
    pub autoquit: Option<Duration>,
    /// The periodic console table (`--print-stats`).
    pub print_stats: bool,
    /// The `-f` argument, shown by the UI.
    pub locustfile: String,
    /// `--class-picker`: the UI chooses the user classes (and shape).
    pub class_picker: bool,
}

/// Where log lines go.
#[derive(Debug, Clone)]
pub struct LogPlan {
    /// Lowest level shown.
    pub level: tracing::Level,
    /// A file instead of stderr.
    pub file: Option<PathBuf>,
}

/// A problem with the command line that clap cannot see (it needs the user classes).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Positional class names that do not exist.
    #[error("Unknown User(s): {}. Available: {}", .unknown.join(", "), .available.join(", "))]
    UnknownClasses {
        /// The names given that match no class.
        unknown: Vec<String>,
        /// The names that exist.
        available: Vec<String>,
    },
    /// No class to run.
    #[error("No User class found!")]
    NoClasses,
    /// A class without tasks.
    #[error("No tasks defined on {0}. Add at least one task with a positive weight.")]
    NoTasks(String),
    /// `--tags` / `--exclude-tags` left no class with a task.
    #[error("No tasks left to run after {0}. Check the tag names (-T/--tags, -E/--exclude-tags).")]
    NoTasksAfterTags(String),
    /// `--autoquit` without `--autostart`.
    #[error("--autoquit needs --autostart (or --headless): without it the test would never start")]
    AutoquitWithoutAutostart,
    /// `--web-auth` is not `user:password`.
    #[error("invalid --web-auth: {0}; expected user:password")]
    BadWebAuth(String),
    /// A `--threshold` rule that does not parse.
    #[error("invalid --threshold: {0}")]
    BadThreshold(String),
    /// `--processes` below -1.
    #[error("invalid --processes {0}: use N >= 1, 0 for none, or -1 for one per CPU")]
    BadProcesses(i64),
    /// `--master` with `--processes`.
    #[error(
        "--master cannot be combined with --processes: --processes N alone starts a master and N workers"
    )]
    MasterWithProcesses,
    /// `-f -` on a process that is not a worker.
    #[error("-f - (take the locustfile from the master) only works with --worker")]
    LocustfileFromMasterWithoutWorker,
    /// `--host` is not an http(s) URL.
    #[error(
        "invalid --host '{0}': expected an http:// or https:// URL such as http://127.0.0.1:8000"
    )]
    BadHost(String),
}

impl PlanError {
    /// Locust exits 1 for these (2 is for flag syntax, which clap reports); a malformed
    /// `--threshold` is flag syntax too.
    pub fn exit_code(&self) -> i32 {
        match self {
            PlanError::BadThreshold(_) => 2,
            _ => 1,
        }
    }
}

/// Checks `args` against the available `classes` and fills in Locust's headless defaults.
pub fn plan(args: Args, classes: Vec<UserClass>) -> Result<Plan, PlanError> {
    if args.list {
        return Ok(Plan::List(
            classes.iter().map(|class| class.name.clone()).collect(),
        ));
    }
    if classes.is_empty() {
        return Err(PlanError::NoClasses);
    }
    let classes = select_classes(classes, &args.user_classes)?;
    if let Some(class) = classes.iter().find(|class| !class.has_runnable_tasks()) {
        return Err(PlanError::NoTasks(class.name.clone()));
    }
    let mut warnings = Vec::new();
    let classes = filter_tags(classes, &args.tags, &args.exclude_tags, &mut warnings)?;
    let classes = if args.equal_weights {
        classes.into_iter().map(equal_weights).collect()
    } else {
        classes
    };
    if let Some(host) = &args.host
        && !is_http_url(host)
    {
        return Err(PlanError::BadHost(host.clone()));
    }
    // `--headful` (Locust's) undoes a `headless = true` from a config file or the environment.
    let web = if args.headless && !args.headful {
        None
    } else {
        if args.autoquit.is_some() && !args.autostart {
            return Err(PlanError::AutoquitWithoutAutostart);
        }
        let auth =
            match &args.web_auth {
                Some(text) => Some(text.parse().map_err(|error: locusta_web::Error| {
                    PlanError::BadWebAuth(error.to_string())
                })?),
                None => None,
            };
        Some(WebPlan {
            host: args.web_host.clone(),
            port: args.web_port,
            auth,
            autostart: args.autostart,
            autoquit: args.autoquit.map(Duration::from_secs),
            print_stats: args.print_stats,
            class_picker: args.class_picker,
            locustfile: args.locustfile.clone().unwrap_or_default(),
        })
    };
    let reports = report_plan(&args)?;
    let role = role(&args, available_cpus())?;
    let load_given = args.users.is_some() || args.spawn_rate.is_some() || args.run_time.is_some();
    let threads = args.threads.map(usize::from).unwrap_or_else(available_cpus);
    Ok(Plan::Run(Box::new(RunPlan {
        classes,
        host: args.host,
        users: args.users.unwrap_or(1),
        spawn_rate: args.spawn_rate.unwrap_or(1.0),
        run_time: args.run_time,
        stop_timeout: args.stop_timeout.unwrap_or(Duration::ZERO),
        only_summary: args.only_summary,
        exit_code_on_error: args.exit_code_on_error,
        seed: args.seed.unwrap_or_else(random_seed),
        threads,
        insecure: args.insecure,
        log: LogPlan {
            level: args.loglevel,
            file: args.logfile,
        },
        web,
        reports,
        warnings,
        reset_stats: args.reset_stats,
        load_given,
        role,
    })))
}

fn report_plan(args: &Args) -> Result<ReportPlan, PlanError> {
    let thresholds = args
        .thresholds
        .iter()
        .map(|rule| {
            rule.parse::<Threshold>()
                .map_err(|error| PlanError::BadThreshold(error.to_string()))
        })
        .collect::<Result<_, _>>()?;
    let users = args.users.unwrap_or(1);
    let spawn_rate = args.spawn_rate.unwrap_or(1.0);
    Ok(ReportPlan {
        csv_prefix: args.csv_prefix.clone(),
        csv_full_history: args.csv_full_history,
        html: args.html.as_deref().map(|pattern| {
            PathBuf::from(html_file_name(pattern, users, spawn_rate, args.run_time))
        }),
        json_stdout: args.json,
        json_file: args.json_file.as_ref().map(|file| {
            let mut name = file.clone().into_os_string();
            name.push(".json");
            PathBuf::from(name)
        }),
        report_json: args.report_json.clone(),
        thresholds,
        threshold_abort: args.threshold_abort,
        locustfile: args.locustfile.clone().unwrap_or_default(),
    })
}

/// Locust's `--html` placeholders: `{u}` users, `{r}` spawn rate (whole when integral), `{t}`
/// run time in seconds (`0` without one).
fn html_file_name(
    pattern: &str,
    users: u64,
    spawn_rate: f64,
    run_time: Option<Duration>,
) -> String {
    let rate = if spawn_rate.fract() == 0.0 {
        format!("{spawn_rate:.0}")
    } else {
        spawn_rate.to_string()
    };
    let run_time = run_time.map_or(0, |span| span.as_secs());
    pattern
        .replace("{u}", &users.to_string())
        .replace("{r}", &rate)
        .replace("{t}", &run_time.to_string())
}

/// Applies `--tags` / `--exclude-tags`: classes left without tasks are dropped with a warning
/// (Locust warns and then fails when it spawns them), and none left at all is an error.
fn filter_tags(
    classes: Vec<UserClass>,
    include: &[String],
    exclude: &[String],
    warnings: &mut Vec<String>,
) -> Result<Vec<UserClass>, PlanError> {
    let filter = TagFilter {
        include: include.to_vec(),
        exclude: exclude.to_vec(),
    };
    if filter.is_empty() {
        return Ok(classes);
    }
    let (kept, emptied): (Vec<UserClass>, Vec<UserClass>) = classes
        .into_iter()
        .map(|class| class.with_tag_filter(&filter))
        .partition(UserClass::has_runnable_tasks);
    let describe = || describe_tags(include, exclude);
    for class in &emptied {
        warnings.push(format!(
            "{} has no tasks left after {}; not running it",
            class.name,
            describe()
        ));
    }
    if kept.is_empty() {
        return Err(PlanError::NoTasksAfterTags(describe()));
    }
    Ok(kept)
}

fn describe_tags(include: &[String], exclude: &[String]) -> String {
    let mut parts = Vec::new();
    if !include.is_empty() {
        parts.push(format!("--tags {}", include.join(",")));
    }
    if !exclude.is_empty() {
        parts.push(format!("--exclude-tags {}", exclude.join(",")));
    }
    format!("filtering with {}", parts.join(" "))
}

/// Locust's `--equal-weights`: weight 1 for the class (fixed counts stay) and its tasks.
fn equal_weights(class: UserClass) -> UserClass {
    let mut class = class.with_equal_task_weights();
    class.weight = 1.0;
    class
}

fn select_classes(classes: Vec<UserClass>, wanted: &[String]) -> Result<Vec<UserClass>, PlanError> {
    if wanted.is_empty() {
        return Ok(classes);
    }
    let unknown: Vec<String> = wanted
        .iter()
        .filter(|name| !classes.iter().any(|class| &class.name == *name))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(PlanError::UnknownClasses {
            unknown,
            available: classes.iter().map(|class| class.name.clone()).collect(),
        });
    }
    Ok(classes
        .into_iter()
        .filter(|class| wanted.contains(&class.name))
        .collect())
}

fn is_http_url(host: &str) -> bool {
    let rest = host
        .strip_prefix("http://")
        .or_else(|| host.strip_prefix("https://"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
}

/// The CPUs this process may use (the default `--threads`, and `--processes -1`).
pub fn available_cpus() -> usize {
    std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
}

fn random_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}
