//! Config files and environment variables through the real binary: each run gets its own
//! working directory, `HOME` and a cleared environment, so the developer's own
//! `~/.locust.conf` or `LOCUST_*` variables cannot leak in. The number of users a run really
//! had is read from the target, which counts one `GET /hello` per Visitor (`on_start`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use locusta_target::{Target, TargetOptions};

use crate::binary::{Run, scratch_dir};

const LIMIT: Duration = Duration::from_secs(60);

/// Two classes; a user makes one request and then waits far longer than any run here.
const LOCUSTFILE: &str = r#"
Visitor = HttpUser { wait_time = constant(600) }

function Visitor:on_start()
    self.client:get("/hello")
end

task()
function Visitor:idle()
end

Admin = HttpUser { wait_time = constant(600) }

function Admin:on_start()
    self.client:get("/world")
end

task()
function Admin:idle()
end
"#;

/// A working directory and a home directory for one test.
struct Setup {
    root: PathBuf,
}

impl Setup {
    fn new(test: &str) -> Self {
        let root = scratch_dir(&format!("config-{test}"));
        std::fs::create_dir_all(root.join("work")).unwrap();
        std::fs::create_dir_all(root.join("home")).unwrap();
        std::fs::write(root.join("work/users.lua"), LOCUSTFILE).unwrap();
        Self { root }
    }

    fn work(&self) -> PathBuf {
        self.root.join("work")
    }

    /// Writes `text` to `name`, relative to the root (`work/locust.conf`, `home/.locust.conf`).
    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.root.join(name), text).unwrap();
    }

    /// Runs `locusta args...` in `work/` with only `vars` (and PATH, HOME) in its environment.
    fn locusta(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        run_in(&self.work(), &self.root.join("home"), args, vars)
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn run_in(cwd: &Path, home: &Path, args: &[&str], vars: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_locusta"));
    command
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .envs(vars.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let err_reader =
        std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let out_reader =
        std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("locusta {args:?} still running after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stderr: err_reader.join().unwrap(),
        stdout: out_reader.join().unwrap(),
    }
}

/// A config file for a short headless run of `users.lua` against `target`.
fn run_conf(target: &Target, users: u64) -> String {
    format!(
        "# a short headless run\n\
         [locust]\n\
         locustfile = users.lua\n\
         host = {}\n\
         headless = true\n\
         users = {users}\n\
         spawn-rate = 100\n\
         run-time = 1s\n\
         only-summary = true\n",
        target.url()
    )
}

/// Runs, checks the run succeeded, and returns how many Visitors started (one request each).
fn visitors(setup: &Setup, args: &[&str], vars: &[(&str, &str)]) -> u64 {
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    let conf_host = format!("http://127.0.0.1:{}", target.addr().port());
    let mut full: Vec<&str> = vec!["-H", &conf_host];
    full.extend_from_slice(args);
    let run = setup.locusta(&full, vars);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let users = target.count("GET", "/hello");
    assert!(
        run.stderr
            .contains(&format!("All users spawned: {{\"Visitor\": {users}}}")),
        "{users} visitors but:\n{}",
        run.stderr
    );
    users
}

#[test]
fn command_line_beats_environment_beats_config_file() {
    let setup = Setup::new("precedence");
    // The file's host is replaced by each run's own target (-H), so only users vary.
    let unused = Target::spawn_thread(TargetOptions::default()).unwrap();
    setup.write("work/locust.conf", &run_conf(&unused, 2));
    let visitor = ["Visitor"];
    assert_eq!(visitors(&setup, &visitor, &[]), 2, "from locust.conf");
    assert_eq!(
        visitors(&setup, &visitor, &[("LOCUST_USERS", "3")]),
        3,
        "LOCUST_USERS beats the file"
    );
    assert_eq!(
        visitors(
            &setup,
            &visitor,
            &[("LOCUST_USERS", "5"), ("LOCUSTA_USERS", "3")]
        ),
        3,
        "LOCUSTA_USERS beats LOCUST_USERS"
    );
    let mut args = visitor.to_vec();
    args.extend(["-u", "4"]);
    assert_eq!(
        visitors(&setup, &args, &[("LOCUSTA_USERS", "3")]),
        4,
        "-u beats the environment"
    );
    assert_eq!(unused.counts().total(), 0);
}

#[test]
fn config_option_beats_default_files() {
    let setup = Setup::new("config-option");
    let unused = Target::spawn_thread(TargetOptions::default()).unwrap();
    setup.write("home/.locust.conf", &run_conf(&unused, 1));
    assert_eq!(
        visitors(&setup, &["Visitor"], &[]),
        1,
        "from ~/.locust.conf"
    );
    setup.write("work/locust.conf", "users = 2\n");
    assert_eq!(
        visitors(&setup, &["Visitor"], &[]),
        2,
        "./locust.conf beats ~"
    );
    setup.write("work/pyproject.toml", "[tool.locust]\nusers = 3\n");
    assert_eq!(
        visitors(&setup, &["Visitor"], &[]),
        3,
        "pyproject.toml beats it"
    );
    setup.write("work/other.conf", "users = 4\n");
    let args = ["Visitor", "--config", "other.conf"];
    assert_eq!(visitors(&setup, &args, &[]), 4, "--config beats them");
    let args = ["Visitor", "--config=other.conf"];
    assert_eq!(
        visitors(&setup, &args, &[("LOCUSTA_USERS", "5")]),
        5,
        "the environment beats --config"
    );
}

#[test]
fn user_classes_from_a_file_or_the_environment() {
    let setup = Setup::new("classes");
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    setup.write(
        "work/locusta.conf",
        &format!("{}user-classes = Admin\n", run_conf(&target, 2)),
    );
    let run = setup.locusta(&[], &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(target.count("GET", "/world"), 2);
    assert_eq!(target.count("GET", "/hello"), 0);
    // LOCUST_USER_CLASSES is whitespace-separated, as in Locust.
    let run = setup.locusta(&[], &[("LOCUST_USER_CLASSES", "Visitor Admin")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(target.count("GET", "/hello"), 1);
    assert_eq!(target.count("GET", "/world"), 3);
    // Positional names on the command line replace both.
    let run = setup.locusta(&["Visitor"], &[("LOCUST_USER_CLASSES", "Admin")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(target.count("GET", "/hello"), 3);
    assert_eq!(target.count("GET", "/world"), 3);
}

#[test]
fn false_in_the_environment_turns_off_headless_from_a_file() {
    let setup = Setup::new("false");
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    setup.write("work/locust.conf", &run_conf(&target, 1));
    let web = ["--autostart", "--autoquit", "0", "--web-port", "0"];
    let run = setup.locusta(&web, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        !run.stderr.contains("Starting web interface"),
        "headless = true serves no UI:\n{}",
        run.stderr
    );
    for vars in [[("LOCUSTA_HEADLESS", "false")], [("LOCUST_HEADLESS", "0")]] {
        let run = setup.locusta(&web, &vars);
        assert_eq!(run.code, Some(0), "{vars:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("Starting web interface at http://127.0.0.1:"),
            "{vars:?} serves the UI:\n{}",
            run.stderr
        );
    }
    // Locust's --headful overrides the file from the command line.
    let mut args = web.to_vec();
    args.push("--headful");
    let run = setup.locusta(&args, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("Starting web interface"),
        "{}",
        run.stderr
    );
    assert_eq!(target.counts().total(), 4, "one user and request per run");
}

#[test]
fn a_bad_key_is_reported_with_file_and_line() {
    let setup = Setup::new("bad-key");
    let target = Target::spawn_thread(TargetOptions::default()).unwrap();
    setup.write(
        "work/locust.conf",
        &format!("{}userz = 3\n", run_conf(&target, 1)),
    );
    let run = setup.locusta(&[], &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "locusta: locust.conf:10: unknown option 'userz' (did you mean 'users'?)\n"
    );
    assert_eq!(target.counts().total(), 0, "nothing ran");
    // The same in a --config file, named as given.
    setup.write("work/locust.conf", &run_conf(&target, 1));
    setup.write("work/ci.conf", "\n\nspawn_rate = fast\n");
    let run = setup.locusta(&["--config", "ci.conf"], &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "locusta: ci.conf:3: invalid value 'fast' for 'spawn-rate': must be a number > 0"
        ),
        "{}",
        run.stderr
    );
    // A bad environment variable is named too.
    let run = setup.locusta(&[], &[("LOCUSTA_USERS", "many")]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("locusta: LOCUSTA_USERS: invalid value 'many' for 'users'"),
        "{}",
        run.stderr
    );
    assert_eq!(target.counts().total(), 0, "nothing ran");
}

#[test]
fn help_names_the_config_sources() {
    let setup = Setup::new("help");
    setup.write("work/locust.conf", "this line is broken\n");
    let run = setup.locusta(&["--help"], &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("--config <FILE>"), "{}", run.stdout);
    assert!(run.stdout.contains("LOCUSTA_<NAME>"), "{}", run.stdout);
    assert!(run.stdout.contains("locust.conf"), "{}", run.stdout);
    let run = setup.locusta(&["-f", "users.lua", "--list"], &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("locusta: locust.conf:1: expected 'key = value'"),
        "{}",
        run.stderr
    );
}
