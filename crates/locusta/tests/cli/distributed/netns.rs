//! A master and three workers on separate hosts: network namespaces created by the test (as
//! root), the master's joined to each worker's by a veth pair. One worker's link is cut
//! mid-run: the master marks it missing after the heartbeat timeout, gives its users to the
//! other two, and the run completes with every statistic reported before the cut kept.
//!
//! Topology (interface names live inside their namespace, so only the namespace names carry
//! the test process id):
//!
//! ```text
//!   lcst-<pid>-m: lo 10.201.0.1/32 (master, target)
//!        v1 10.201.1.1/24 ── eth0 10.201.1.2/24  lcst-<pid>-w1 (default via 10.201.1.1)
//!        v2 10.201.2.1/24 ── eth0 10.201.2.2/24  lcst-<pid>-w2   <- cut here (v2 down)
//!        v3 10.201.3.1/24 ── eth0 10.201.3.2/24  lcst-<pid>-w3
//! ```

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use locusta_target::{Target, TargetOptions};
use serde_json::Value;

use crate::binary::{command_for, example, scratch_dir};

/// `--heartbeat-timeout` of the run: the master marks a silent worker missing after this.
const HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(2);
/// Scheduling and pipe latency allowed on top of the heartbeat timeout.
const SLACK: Duration = Duration::from_millis(1500);
/// The master's address in its namespace (on `lo`, routed to from every worker).
const MASTER_IP: &str = "10.201.0.1";
/// The worker whose link is cut (1-based).
const CUT: usize = 2;

#[test]
fn a_worker_cut_off_mid_run_is_marked_missing_and_its_users_go_to_the_others() {
    if let Some(why) = unsupported() {
        eprintln!("skipping the network namespace test (distributed::netns): {why}");
        return;
    }
    // Declared in this order, so dropped (also when an assertion fails) in the reverse one:
    // the processes are killed, then the target stops, then the namespaces go.
    let net = match Net::create() {
        Ok(net) => net,
        Err(why) => {
            eprintln!("skipping the network namespace test (distributed::netns): {why}");
            return;
        }
    };
    let target = target_in(&net.master, format!("{MASTER_IP}:0").parse().unwrap());
    let url = target.url();
    let dir = scratch_dir("distributed-netns");
    let report = dir.join("run.json");
    let csv = dir.join("run");
    let quickstart = example("quickstart.lua");
    let file = quickstart.to_str().unwrap();
    let timeout = format!("{}s", HEARTBEAT_TIMEOUT.as_secs());

    let mut master = Node::start(
        "master",
        &net.master,
        &[
            "--master",
            "--headless",
            "--only-summary",
            "-f",
            file,
            "-H",
            &url,
            "-u",
            "6",
            "-r",
            "6",
            "-t",
            "10s",
            "--expect-workers",
            "3",
            "--expect-workers-max-wait",
            "30",
            "--heartbeat-timeout",
            &timeout,
            "--master-bind-host",
            MASTER_IP,
            "--report-json",
            report.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    master.wait_for(0, |l| l.contains("Waiting for workers on"), 20);
    let mut workers: Vec<Node> = net
        .workers
        .iter()
        .enumerate()
        .map(|(i, ns)| {
            Node::start(
                &format!("worker {}", i + 1),
                ns,
                &[
                    "--worker",
                    "-f",
                    file,
                    "--master-host",
                    MASTER_IP,
                    "--threads",
                    "1",
                ],
            )
        })
        .collect();

    // Which worker id the master gave the namespace whose link will be cut.
    let cut_peer = format!("connected from 10.201.{CUT}.2:");
    let (_, _, line) = master.wait_for(0, |l| l.contains(&cut_peer), 20);
    let cut_id = line
        .split("Worker ")
        .nth(1)
        .and_then(|rest| rest.split(" (index").next())
        .unwrap_or_else(|| panic!("no worker id in {line:?}"))
        .to_owned();
    master.wait_for(
        0,
        |l| l.contains("cluster.master.core: All users spawned") && l.contains("(6 total users)"),
        20,
    );
    // Every user logged in once; once the master counts six logins, the cut worker's two have
    // reached it: these are statistics it reported before the cut.
    let stats_csv = PathBuf::from(format!("{}_stats.csv", csv.display()));
    let before_cut = poll(Duration::from_secs(15), || {
        let rows = read_stats_csv(&stats_csv)?;
        (count_of(&rows, "POST", "/login") == Some(6)).then_some(rows)
    })
    .unwrap_or_else(|| panic!("the master never counted the six logins:\n{}", master.log()));

    let cut_at_line = master.line_count();
    let cut_at = Instant::now();
    ip(&["-n", &net.master, "link", "set", &format!("v{CUT}"), "down"]).unwrap();

    // The master notices the silence within the heartbeat timeout...
    let silence = HEARTBEAT_TIMEOUT.as_secs_f64();
    let missing =
        format!("Worker {cut_id} sent no heartbeat for {silence} s, setting state to missing.");
    let (missing_line, missing_at, _) = master.wait_for(cut_at_line, |l| l.contains(&missing), 15);
    let noticed_after = missing_at.duration_since(cut_at);
    assert!(
        noticed_after <= HEARTBEAT_TIMEOUT + SLACK,
        "marked missing {noticed_after:?} after the cut, heartbeat timeout {HEARTBEAT_TIMEOUT:?}:\n{}",
        master.log()
    );
    assert!(
        !master.lines()[..cut_at_line]
            .iter()
            .any(|(_, l)| l.contains("missing")),
        "a worker was missing before the cut:\n{}",
        master.log()
    );
    // ...gives its two users to the other two workers, which run three each...
    master.wait_for(
        missing_line,
        |l| l.contains("cluster.master.core: All users spawned") && l.contains("(6 total users)"),
        10,
    );
    for (i, worker) in workers.iter().enumerate() {
        if i + 1 != CUT {
            worker.wait_for(0, |l| l.contains("Spawning to 3 users"), 5);
        }
    }
    // ...and the cut worker gave up its master after the same silence and stopped its users.
    workers[CUT - 1].wait_for(
        0,
        |l| {
            l.contains(&format!(
                "Lost the master at {MASTER_IP}:5557 (no message from it for {silence} s)"
            )) && l.contains("stopped all users")
        },
        10,
    );

    // The run goes on to its run time, not stopped for lack of workers.
    let code = master.finish(Duration::from_secs(40));
    let log = master.log();
    assert_eq!(code, Some(0), "master:\n{log}");
    assert!(log.contains("--run-time limit reached"), "master:\n{log}");
    assert!(!log.contains("The last worker is gone"), "master:\n{log}");
    for (i, worker) in workers.iter_mut().enumerate() {
        if i + 1 != CUT {
            let code = worker.finish(Duration::from_secs(20));
            assert_eq!(
                code,
                Some(0),
                "{} quits when told:\n{}",
                worker.name,
                worker.log()
            );
        }
    }
    // The cut worker is still trying to reconnect; `Node`'s drop kills it.

    let report = read_json(&report);
    let entries = report["entries"].as_array().unwrap();
    let final_count = |method: &str, name: &str| {
        entries
            .iter()
            .find(|e| e["method"] == method && e["name"] == name)
            .and_then(|e| e["num_requests"].as_u64())
    };
    // Six logins at the start (two of them by the cut worker) and two by the users it lost,
    // restarted on the others: the cut worker's reports stayed in the totals.
    assert_eq!(
        target.count("POST", "/login"),
        8,
        "the target saw every login"
    );
    assert_eq!(
        final_count("POST", "/login"),
        Some(8),
        "the master kept the cut worker's logins: {entries:#?}"
    );
    for (method, name, before) in &before_cut {
        let after = if name == "Aggregated" {
            report["aggregated"]["num_requests"].as_u64()
        } else {
            final_count(method, name)
        };
        assert!(
            after >= Some(*before),
            "{method} {name}: {before} requests before the cut, {after:?} at the end"
        );
    }
    // The cumulative count never went down, in particular not when the worker went missing.
    let history = PathBuf::from(format!("{}_stats_history.csv", csv.display()));
    let totals = history_totals(&history);
    assert!(
        totals.windows(2).all(|w| w[0] <= w[1]),
        "the total request count went down: {totals:?}"
    );
    let requests = report["aggregated"]["num_requests"].as_u64().unwrap();
    assert!(
        totals.last().is_some_and(|&last| last <= requests),
        "{totals:?} vs {requests}"
    );
    // The master counts only what reached it: at most what the target saw (the cut worker's
    // requests after its last report are lost with its link).
    assert!(requests <= target.counts().total());
    assert_eq!(report["aggregated"]["num_failures"].as_u64(), Some(0));
}

/// Why this machine cannot run the test, if it cannot.
fn unsupported() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    // "Uid: real effective saved filesystem"
    let euid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .unwrap_or("?");
    if euid != "0" {
        return Some(format!(
            "creating network namespaces needs root (effective uid {euid})"
        ));
    }
    match command_for("ip").arg("-V").output() {
        Ok(output) if output.status.success() => None,
        Ok(output) => Some(format!(
            "`ip -V` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )),
        Err(error) => Some(format!("no `ip` command (iproute2): {error}")),
    }
}

/// Runs `ip args...`, returning its stderr on failure.
fn ip(args: &[&str]) -> Result<(), String> {
    let output = command_for("ip")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("ip {}: {error}", args.join(" ")))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// The test's namespaces; dropping it deletes them (and with them the veth pairs).
struct Net {
    master: String,
    workers: Vec<String>,
}

impl Net {
    /// Creates the topology of the module documentation. `Err` when namespaces cannot be
    /// created at all (a reason to skip); any later failure panics (after cleaning up).
    fn create() -> Result<Self, String> {
        let prefix = format!("lcst-{}", std::process::id());
        let net = Net {
            master: format!("{prefix}-m"),
            workers: (1..=3).map(|i| format!("{prefix}-w{i}")).collect(),
        };
        // Leftovers of an earlier process with the same id.
        for ns in net.all() {
            let _ = ip(&["netns", "del", ns]);
        }
        ip(&["netns", "add", &net.master])?;
        let setup = || -> Result<(), String> {
            let m = net.master.as_str();
            ip(&["-n", m, "link", "set", "lo", "up"])?;
            ip(&[
                "-n",
                m,
                "addr",
                "add",
                &format!("{MASTER_IP}/32"),
                "dev",
                "lo",
            ])?;
            for (i, w) in (1..).zip(&net.workers) {
                let (veth, near, far) = (
                    format!("v{i}"),
                    format!("10.201.{i}.1"),
                    format!("10.201.{i}.2"),
                );
                ip(&["netns", "add", w])?;
                ip(&["-n", w, "link", "set", "lo", "up"])?;
                ip(&[
                    "-n", m, "link", "add", &veth, "type", "veth", "peer", "name", "eth0", "netns",
                    w,
                ])?;
                ip(&["-n", m, "addr", "add", &format!("{near}/24"), "dev", &veth])?;
                ip(&["-n", m, "link", "set", &veth, "up"])?;
                ip(&["-n", w, "addr", "add", &format!("{far}/24"), "dev", "eth0"])?;
                ip(&["-n", w, "link", "set", "eth0", "up"])?;
                ip(&["-n", w, "route", "add", "default", "via", &near])?;
            }
            Ok(())
        };
        if let Err(why) = setup() {
            drop(net);
            panic!("setting up the network namespaces: {why}");
        }
        Ok(net)
    }

    fn all(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.master).chain(&self.workers)
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for ns in self.all() {
            if let Err(why) = ip(&["netns", "del", ns]) {
                // Not there (setup failed before it) is fine; anything else is worth a line.
                if !why.contains("No such file") {
                    eprintln!("cleaning up: {why}");
                }
            }
        }
    }
}

/// `setns(2)` from the C library std already links; no crate of this workspace wraps it.
mod sys {
    use std::os::raw::c_int;

    pub const CLONE_NEWNET: c_int = 0x4000_0000;

    unsafe extern "C" {
        pub fn setns(fd: c_int, nstype: c_int) -> c_int;
    }
}

/// The test target, listening on `addr` inside the namespace `ns`. A namespace belongs to a
/// thread: a short-lived thread enters it, binds the listener (a socket stays in the namespace
/// it was made in) and starts the target's own thread, which inherits the namespace.
fn target_in(ns: &str, addr: SocketAddr) -> Target {
    let path = format!("/var/run/netns/{ns}");
    std::thread::spawn(move || {
        let handle = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        // SAFETY: a plain system call on a file descriptor that is open for its duration; it
        // changes only the network namespace of this thread, which ends right after.
        let rc = unsafe { sys::setns(handle.as_raw_fd(), sys::CLONE_NEWNET) };
        assert_eq!(rc, 0, "setns {path}: {}", std::io::Error::last_os_error());
        Target::spawn_thread(TargetOptions {
            addr,
            ..TargetOptions::default()
        })
        .unwrap()
    })
    .join()
    .unwrap()
}

type Lines = Arc<Mutex<Vec<(Instant, String)>>>;

/// A `locusta` process in a namespace, its stderr lines recorded with their arrival time.
/// Dropping it kills the process.
struct Node {
    name: String,
    child: Child,
    lines: Lines,
    reader: Option<JoinHandle<()>>,
}

impl Node {
    fn start(name: &str, ns: &str, args: &[&str]) -> Self {
        let mut child = command_for("ip")
            .args(["netns", "exec", ns, env!("CARGO_BIN_EXE_locusta")])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let lines = Lines::default();
        let sink = Arc::clone(&lines);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { return };
                sink.lock().unwrap().push((Instant::now(), line));
            }
        });
        Self {
            name: name.to_owned(),
            child,
            lines,
            reader: Some(reader),
        }
    }

    fn lines(&self) -> Vec<(Instant, String)> {
        self.lines.lock().unwrap().clone()
    }

    fn line_count(&self) -> usize {
        self.lines.lock().unwrap().len()
    }

    fn log(&self) -> String {
        let lines = self.lines.lock().unwrap();
        lines.iter().map(|(_, l)| format!("{l}\n")).collect()
    }

    /// The first line from index `from` on that matches, with its index and arrival time;
    /// panics after `seconds`.
    fn wait_for(
        &self,
        from: usize,
        matches: impl Fn(&str) -> bool,
        seconds: u64,
    ) -> (usize, Instant, String) {
        let found = poll(Duration::from_secs(seconds), || {
            let lines = self.lines.lock().unwrap();
            lines
                .iter()
                .enumerate()
                .skip(from)
                .find(|(_, (_, l))| matches(l))
                .map(|(i, (at, l))| (i, *at, l.clone()))
        });
        found.unwrap_or_else(|| {
            panic!(
                "{}: the awaited line did not come within {seconds} s:\n{}",
                self.name,
                self.log()
            )
        })
    }

    /// Waits (at most `limit`) for the process to exit and its output to end.
    fn finish(&mut self, limit: Duration) -> Option<i32> {
        let status = poll(limit, || self.child.try_wait().unwrap());
        let status = status.unwrap_or_else(|| {
            panic!(
                "{}: still running after {limit:?}:\n{}",
                self.name,
                self.log()
            )
        });
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        status.code()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Calls `probe` every 50 ms until it gives something, for at most `limit`.
fn poll<T>(limit: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let started = Instant::now();
    loop {
        if let Some(found) = probe() {
            return Some(found);
        }
        if started.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `(type, name, request count)` of every row of a `_stats.csv`, if it exists yet.
fn read_stats_csv(path: &Path) -> Option<Vec<(String, String, u64)>> {
    let mut reader = csv::Reader::from_path(path).ok()?;
    let headers = reader.headers().ok()?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (kind, name, count) = (column("Type")?, column("Name")?, column("Request Count")?);
    reader
        .records()
        .map(|record| {
            let record = record.ok()?;
            Some((
                record.get(kind)?.to_owned(),
                record.get(name)?.to_owned(),
                record.get(count)?.parse().ok()?,
            ))
        })
        .collect()
}

fn count_of(rows: &[(String, String, u64)], method: &str, name: &str) -> Option<u64> {
    rows.iter()
        .find(|(m, n, _)| m == method && n == name)
        .map(|&(_, _, count)| count)
}

/// The cumulative request count of every Aggregated row of a `_stats_history.csv`.
fn history_totals(path: &Path) -> Vec<u64> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {headers:?}"))
    };
    let (name, total) = (column("Name"), column("Total Request Count"));
    reader
        .records()
        .map(|record| record.unwrap())
        .filter(|record| &record[name] == "Aggregated")
        .map(|record| record[total].parse().unwrap())
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
