//! The validated plan of a run: everything the wiring needs, in types that cannot hold a
//! malformed value (ripgrep's LowArgs -> HiArgs split).

use std::path::PathBuf;
use std::time::Duration;

use locusta_engine::UserClass;

use super::args::Args;

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
    /// `--autoquit` without `--autostart`.
    #[error("--autoquit needs --autostart (or --headless): without it the test would never start")]
    AutoquitWithoutAutostart,
    /// `--web-auth` is not `user:password`.
    #[error("invalid --web-auth: {0}; expected user:password")]
    BadWebAuth(String),
    /// `--host` is not an http(s) URL.
    #[error(
        "invalid --host '{0}': expected an http:// or https:// URL such as http://127.0.0.1:8000"
    )]
    BadHost(String),
}

impl PlanError {
    /// Locust exits 1 for these (2 is for flag syntax, which clap reports).
    pub fn exit_code(&self) -> i32 {
        1
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
    if let Some(class) = classes
        .iter()
        .find(|class| class.tasks.iter().all(|task| task.weight == 0))
    {
        return Err(PlanError::NoTasks(class.name.clone()));
    }
    if let Some(host) = &args.host
        && !is_http_url(host)
    {
        return Err(PlanError::BadHost(host.clone()));
    }
    let web = if args.headless {
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
            locustfile: args.locustfile.clone().unwrap_or_default(),
        })
    };
    let threads = args.threads.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
    });
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
    })))
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

fn random_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}
