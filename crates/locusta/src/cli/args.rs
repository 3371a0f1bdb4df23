//! The raw command line, with Locust's flag names. Values are checked in `plan.rs`.
//!
//! Every long option here can also be set in a config file (`key = value`, the long name as
//! key) and by the environment variables `LOCUSTA_<NAME>` / `LOCUST_<NAME>`: `sources.rs`
//! derives them from this struct, so declare no `env = ...` here (clap's env support would
//! rank the environment below the config files).

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Locusta: a fast, Locust-compatible load-testing tool.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "locusta",
    version,
    about,
    override_usage = "locusta [OPTIONS] [USER_CLASSES]...",
    infer_long_args = true,
    // As Locust's argparse: a repeated option takes its last value (`-u 2 -u 3` is 3).
    args_override_self = true,
    max_term_width = 100,
    after_help = AFTER_HELP
)]
pub struct Args {
    /// User classes to run (default: all).
    #[arg(value_name = "USER_CLASSES")]
    pub user_classes: Vec<String>,

    /// Also read options from this config file (after locust.conf, before the environment).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Locustfile to run (Lua); comma-separated for several files.
    #[arg(short = 'f', long, value_name = "FILE")]
    pub locustfile: Option<String>,

    /// Host to load test, e.g. http://127.0.0.1:8000 (overrides every class's host).
    #[arg(short = 'H', long, value_name = "BASE_URL")]
    pub host: Option<String>,

    /// Peak number of concurrent users [headless default: 1].
    #[arg(short = 'u', long, value_name = "USERS", value_parser = parse_users)]
    pub users: Option<u64>,

    /// Users started (or stopped) per second [headless default: 1].
    #[arg(short = 'r', long, value_name = "RATE", value_parser = parse_spawn_rate)]
    pub spawn_rate: Option<f64>,

    /// Stop after this time, e.g. 20, 20s, 3m, 2h, 1h20m, 3h30m10s [default: run until Ctrl-C].
    #[arg(short = 't', long, value_name = "TIME", value_parser = parse_span)]
    pub run_time: Option<Duration>,

    /// Print the available user classes and exit.
    #[arg(short = 'l', long)]
    pub list: bool,

    /// Run without the web UI and start the test at once.
    #[arg(long)]
    pub headless: bool,

    /// Serve the web UI even if a config file or the environment says headless (Locust's
    /// hidden flag of the same name).
    #[arg(long, hide = true)]
    pub headful: bool,

    /// Start the test at once but keep the web UI running.
    #[arg(long)]
    pub autostart: bool,

    /// Quit this many seconds after the test ends (needs --autostart).
    #[arg(long, value_name = "SECONDS")]
    pub autoquit: Option<u64>,

    /// Address the web UI listens on; 0.0.0.0 serves every interface (e.g. in a container).
    #[arg(long, value_name = "HOST", default_value = "127.0.0.1")]
    pub web_host: String,

    /// Port of the web UI.
    #[arg(short = 'P', long, value_name = "PORT", default_value_t = 8089)]
    pub web_port: u16,

    /// Require HTTP basic auth for the web UI and API, given as user:password.
    #[arg(long, value_name = "USER:PASSWORD")]
    pub web_auth: Option<String>,

    /// Print the statistics table every 2 seconds in web UI mode too.
    #[arg(long)]
    pub print_stats: bool,

    /// How long running users may finish their current task when stopped (time span) [default: 0].
    #[arg(short = 's', long, value_name = "TIME", value_parser = parse_span)]
    pub stop_timeout: Option<Duration>,

    /// Only print the summary statistics at the end, not the table every 2 seconds.
    #[arg(long)]
    pub only_summary: bool,

    /// Only run tasks tagged with at least one of these tags (Locust's @tag).
    #[arg(short = 'T', long, value_name = "TAG", num_args = 1.., value_delimiter = ',')]
    pub tags: Vec<String>,

    /// Do not run tasks tagged with any of these tags.
    #[arg(short = 'E', long, value_name = "TAG", num_args = 1.., value_delimiter = ',')]
    pub exclude_tags: Vec<String>,

    /// Give every user class weight 1 and every task (nested TaskSets' too) the same chance.
    #[arg(long)]
    pub equal_weights: bool,

    /// Reset the statistics once the ramp-up has finished.
    #[arg(long)]
    pub reset_stats: bool,

    /// Let the web UI choose which user classes (and shape) to run.
    #[arg(long)]
    pub class_picker: bool,

    /// Write the statistics to PREFIX_stats.csv, PREFIX_stats_history.csv, PREFIX_failures.csv
    /// and PREFIX_exceptions.csv, refreshed every second (parent directories are created).
    #[arg(long = "csv", value_name = "PREFIX")]
    pub csv_prefix: Option<PathBuf>,

    /// Also write a row per request entry (not just Aggregated) to PREFIX_stats_history.csv.
    #[arg(long, requires = "csv_prefix")]
    pub csv_full_history: bool,

    /// Write the HTML report to FILE at the end ({u}, {r}, {t} become users, spawn rate, run time).
    #[arg(long, value_name = "FILE")]
    pub html: Option<String>,

    /// Print the final per-entry statistics as JSON (Locust's format) to stdout.
    #[arg(long)]
    pub json: bool,

    /// Write the final per-entry statistics as JSON (Locust's format) to FILE.json.
    #[arg(long, value_name = "FILE")]
    pub json_file: Option<PathBuf>,

    /// Write the whole run (entries, failures, exceptions, history, thresholds) as one JSON
    /// document to FILE (Locusta's own format, see docs/reports.md).
    #[arg(long, value_name = "FILE")]
    pub report_json: Option<PathBuf>,

    /// Pass/fail rule checked on the final statistics, e.g. 'p95<500ms', 'error-rate<1%',
    /// 'p99<1s for GET /checkout' (repeatable; see docs/thresholds.md). A failed rule makes
    /// the exit code 3.
    #[arg(long = "threshold", value_name = "RULE")]
    pub thresholds: Vec<String>,

    /// Stop the test early once a --threshold rule fails (see docs/thresholds.md).
    #[arg(long, requires = "thresholds")]
    pub threshold_abort: bool,

    /// Exit code to use when a request failed or a task raised an error.
    #[arg(long, value_name = "CODE", default_value_t = 1)]
    pub exit_code_on_error: i32,

    /// Seed for task choice and wait times, to replay a run [default: random, logged at start].
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,

    /// Worker threads (shards) running users [default: available cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,

    /// Run as the master of a distributed test: workers connect to it and run the users, it
    /// merges their statistics (see docs/distributed.md).
    #[arg(long, conflicts_with = "worker", help_heading = "Distributed runs")]
    pub master: bool,

    /// Address the master listens on for workers; * is every interface.
    #[arg(
        long,
        value_name = "HOST",
        default_value = "*",
        help_heading = "Distributed runs"
    )]
    pub master_bind_host: String,

    /// Port the master listens on for workers.
    #[arg(
        long,
        value_name = "PORT",
        default_value_t = 5557,
        help_heading = "Distributed runs"
    )]
    pub master_bind_port: u16,

    /// With --headless or --autostart, wait for this many workers before starting.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        value_parser = clap::value_parser!(u64).range(1..),
        help_heading = "Distributed runs"
    )]
    pub expect_workers: u64,

    /// Give up waiting for --expect-workers after this many seconds (0: wait forever).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 0,
        help_heading = "Distributed runs"
    )]
    pub expect_workers_max_wait: u64,

    /// Accepted as in Locust, and changes nothing: Locusta always rebalances users when
    /// workers join, leave or go missing.
    #[arg(long, help_heading = "Distributed runs")]
    pub enable_rebalancing: bool,

    /// How long a worker may be silent before the master marks it missing and gives its users
    /// to the others (sent to the workers, which give up on a silent master after as long).
    #[arg(
        long,
        value_name = "TIME",
        default_value = "5s",
        value_parser = parse_span,
        help_heading = "Distributed runs"
    )]
    pub heartbeat_timeout: Duration,

    /// Run as a worker: connect to the master and run the users it asks for. With -f - the
    /// locustfile comes from the master.
    #[arg(long, help_heading = "Distributed runs")]
    pub worker: bool,

    /// The master a worker connects to.
    #[arg(
        long,
        value_name = "HOST",
        default_value = "127.0.0.1",
        help_heading = "Distributed runs"
    )]
    pub master_host: String,

    /// The master's worker port a worker connects to.
    #[arg(
        long,
        value_name = "PORT",
        default_value_t = 5557,
        help_heading = "Distributed runs"
    )]
    pub master_port: u16,

    /// Start N worker processes on this machine (-1: one per CPU). Without --worker this
    /// process becomes their master; with --worker it only starts them (0: none, the default).
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = parse_processes,
        help_heading = "Distributed runs"
    )]
    pub processes: Option<i64>,

    /// Skip TLS certificate verification of the target.
    #[arg(long)]
    pub insecure: bool,

    /// Log level: DEBUG, INFO, WARNING, ERROR or CRITICAL.
    #[arg(short = 'L', long, value_name = "LEVEL", default_value = "INFO", value_parser = parse_loglevel)]
    pub loglevel: tracing::Level,

    /// Write log lines to this file instead of stderr (tables still go to the console).
    #[arg(long, value_name = "FILE")]
    pub logfile: Option<PathBuf>,
}

/// Shown after the options in `--help`.
const AFTER_HELP: &str = "\
Options can also be set in config files, as `long-name = value` lines (e.g. `users = 10`):
~/.locust.conf, ~/.locusta.conf, ./locust.conf, ./locusta.conf, ./pyproject.toml ([tool.locust]
and [tool.locusta]) and --config FILE, each later one winning; and in environment variables
LOCUST_<NAME> and LOCUSTA_<NAME> (e.g. LOCUSTA_RUN_TIME=1m; LOCUSTA_ wins). The environment
beats config files and the command line beats both. See docs/configuration.md.";

fn parse_users(text: &str) -> Result<u64, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a whole number of users (e.g. -u 100)"))
}

fn parse_spawn_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err(format!(
            "must be a number > 0 (users per second), got '{text}'"
        )),
    }
}

fn parse_processes(text: &str) -> Result<i64, String> {
    match text.trim().parse::<i64>() {
        Ok(n) if n >= -1 => Ok(n),
        _ => Err(format!(
            "'{text}' is not a number of processes; use N >= 1, 0 for none, or -1 for one per CPU"
        )),
    }
}

fn parse_span(text: &str) -> Result<Duration, String> {
    locusta_runner::parse_timespan(text)
        .map_err(|_| format!("{} (got '{text}')", locusta_runner::TIMESPAN_HELP))
}

/// Locust's level names, case-insensitive; CRITICAL maps to ERROR (tracing has no higher level).
fn parse_loglevel(text: &str) -> Result<tracing::Level, String> {
    match text.to_ascii_uppercase().as_str() {
        "DEBUG" => Ok(tracing::Level::DEBUG),
        "INFO" => Ok(tracing::Level::INFO),
        "WARNING" | "WARN" => Ok(tracing::Level::WARN),
        "ERROR" | "CRITICAL" => Ok(tracing::Level::ERROR),
        _ => Err(format!(
            "'{text}' is not a log level; use DEBUG, INFO, WARNING, ERROR or CRITICAL"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("locusta").chain(args.iter().copied()))
    }

    #[test]
    fn parses_locusts_flags() {
        let args = parse(&[
            "-H",
            "http://127.0.0.1:1",
            "-u",
            "10",
            "-r",
            "2.5",
            "-t",
            "1h20m",
            "--headless",
            "-s",
            "5s",
            "Web",
        ])
        .unwrap();
        assert_eq!(args.users, Some(10));
        assert_eq!(args.spawn_rate, Some(2.5));
        assert_eq!(args.run_time, Some(Duration::from_secs(4800)));
        assert_eq!(args.stop_timeout, Some(Duration::from_secs(5)));
        assert_eq!(args.user_classes, vec!["Web".to_string()]);
        assert!(args.headless);
    }

    #[test]
    fn accepts_unique_prefixes_as_locust_does() {
        assert!(parse(&["--headles", "--only-sum"]).unwrap().only_summary);
    }

    #[test]
    fn rejects_bad_values_naming_the_flag() {
        for bad in [
            ["-u", "abc"],
            ["-r", "0"],
            ["-r", "-1"],
            ["-r", "inf"],
            ["-t", "5x"],
            ["-L", "loud"],
            ["--threads", "0"],
        ] {
            let error = parse(&bad).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{bad:?}");
            let text = error.to_string();
            assert!(
                text.contains(bad[0]) || text.contains("--"),
                "{bad:?}: {text}"
            );
        }
        let error = parse(&["--hatch-rate", "3"]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
    }
}
