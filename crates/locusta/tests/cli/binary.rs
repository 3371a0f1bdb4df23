//! Running the real `locusta` binary and reading its final console tables.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished run printed and returned.
pub struct Run {
    /// Exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Everything on stderr (log lines and tables).
    pub stderr: String,
    /// Everything on stdout.
    pub stdout: String,
}

/// One row of the final statistics table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub method: String,
    pub name: String,
    pub requests: u64,
    pub failures: u64,
}

impl Run {
    /// Rows of the last statistics table printed (the final summary), without Aggregated.
    pub fn rows(&self) -> Vec<Row> {
        let lines: Vec<&str> = self.stderr.lines().collect();
        let header = lines
            .iter()
            .rposition(|line| {
                line.starts_with("Type     Name") && line.contains("# reqs      # fails")
            })
            .unwrap_or_else(|| panic!("no statistics table in:\n{}", self.stderr));
        lines[header + 2..]
            .iter()
            .take_while(|line| !line.starts_with("--------|"))
            .map(|line| parse_row(line))
            .collect()
    }

    /// The row for `method name`.
    pub fn row(&self, method: &str, name: &str) -> Row {
        self.rows()
            .into_iter()
            .find(|row| row.method == method && row.name == name)
            .unwrap_or_else(|| panic!("no row {method} {name} in:\n{}", self.stderr))
    }
}

/// Splits a row printed as `"%-8s %-76s %7d %12s |..."`.
fn parse_row(line: &str) -> Row {
    let method = line[..8].trim().to_string();
    let name = line[9..9 + 76].trim().to_string();
    let mut numbers = line[9 + 76..].split_whitespace();
    let requests = numbers.next().unwrap().parse().unwrap();
    let fails = numbers.next().unwrap();
    let failures = fails[..fails.find('(').unwrap()].parse().unwrap();
    Row {
        method,
        name,
        requests,
        failures,
    }
}

/// `examples/<name>` in the repository.
pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

/// The `locusta` binary (or another program of this package), isolated from the developer's
/// own settings: no `LOCUST*` variables, `HOME` and the working directory in a scratch
/// directory, so a personal `~/.locust.conf` or `./locust.conf` cannot change a test.
pub fn command_for(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("LOCUST") {
            command.env_remove(name);
        }
    }
    let home = isolated_home();
    command.env("HOME", &home).current_dir(&home);
    command
}

/// `command_for` the `locusta` binary.
pub fn locusta_command() -> Command {
    command_for(env!("CARGO_BIN_EXE_locusta"))
}

/// An empty directory shared by the tests of this process, as `HOME` and working directory.
fn isolated_home() -> PathBuf {
    static HOME: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    HOME.get_or_init(|| scratch_dir("home")).clone()
}

/// Runs `locusta args...` to completion (at most `limit`).
pub fn locusta(args: &[&str], limit: Duration) -> Run {
    let mut child = locusta_command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    // Read in threads so a chatty run cannot block on a full pipe.
    let stderr = child.stderr.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let err_reader =
        std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let out_reader =
        std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("locusta {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stderr: err_reader.join().unwrap(),
        stdout: out_reader.join().unwrap(),
    }
}

/// Runs `locustfile` headless against `target` with only the final summary, plus `extra`
/// flags, to completion (at most a minute).
pub fn run_headless(locustfile: &Path, target: &locusta_target::Target, extra: &[&str]) -> Run {
    let url = target.url();
    let mut args = vec![
        "-f",
        locustfile.to_str().unwrap(),
        "-H",
        url.as_str(),
        "--headless",
        "--only-summary",
    ];
    args.extend_from_slice(extra);
    locusta(&args, Duration::from_secs(60))
}

/// A fresh directory for one test's files.
pub fn scratch_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("locusta-test-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
