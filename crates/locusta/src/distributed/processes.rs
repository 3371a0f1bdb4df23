//! `--processes N`: worker processes on this machine, started from this program with the same
//! command line plus `--worker`.
//!
//! The children connect to the port the master really listens on (`--master-bind-port`);
//! Locust's connect to `--master-port` and hang when only the bind port was changed.

use std::ffi::OsString;
use std::process::ExitStatus;
use std::time::Duration;

use tokio::process::{Child, Command};

/// Worker processes started by this one.
pub struct Children {
    children: Vec<Child>,
}

impl Children {
    /// Starts `count` copies of this program with `argv` (without the program name) followed
    /// by `--worker` options connecting them to `master_host:master_port`.
    pub fn spawn(
        count: usize,
        argv: &[OsString],
        master_host: &str,
        master_port: u16,
    ) -> anyhow::Result<Self> {
        let program = std::env::current_exe().map_err(|error| {
            anyhow::anyhow!("cannot find this program to start workers: {error}")
        })?;
        let port = master_port.to_string();
        let mut children = Vec::with_capacity(count);
        for _ in 0..count {
            let child = Command::new(&program)
                .args(argv)
                // Later options win, and `--processes 0` keeps the children from forking.
                .args(["--worker", "--master-host", master_host, "--master-port"])
                .arg(&port)
                .args(["--processes", "0"])
                .kill_on_drop(true)
                .spawn()
                .map_err(|error| {
                    anyhow::anyhow!(
                        "cannot start a worker process ({}): {error}",
                        program.display()
                    )
                })?;
            children.push(child);
        }
        tracing::info!("Started {count} worker processes");
        Ok(Self { children })
    }

    /// Waits for every child to end, the first at most `patience`; children still running
    /// then are killed. Returns the highest exit code (a killed child counts as 1).
    pub async fn wait(mut self, patience: Duration) -> i32 {
        let deadline = tokio::time::Instant::now() + patience;
        let mut highest = 0;
        for child in &mut self.children {
            let status = match tokio::time::timeout_at(deadline, child.wait()).await {
                Ok(status) => status.ok(),
                Err(_) => {
                    tracing::warn!("A worker process did not end in time; killing it");
                    let _ = child.kill().await;
                    None
                }
            };
            highest = highest.max(status.map_or(1, exit_code));
        }
        highest
    }

    /// Waits for every child to end, however long it takes (a second Ctrl-C kills them).
    pub async fn wait_all(mut self) -> i32 {
        let mut highest = 0;
        for child in &mut self.children {
            let status = child.wait().await.ok();
            highest = highest.max(status.map_or(1, exit_code));
        }
        highest
    }
}

fn exit_code(status: ExitStatus) -> i32 {
    status.code().unwrap_or(1)
}

/// The address children reach a master listening on `bind_host` at: loopback for "every
/// interface", else the address itself.
pub fn local_master_host(bind_host: &str) -> String {
    match bind_host {
        "*" | "0.0.0.0" | "" => "127.0.0.1".to_owned(),
        "::" | "[::]" => "::1".to_owned(),
        host => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
    }
}

/// `--worker --processes N`: starts the workers and waits for them. The first Ctrl-C reaches
/// the children too (they leave their master cleanly) and is ignored here; a second one kills
/// them. Returns the highest exit code of the children.
pub fn run_worker_processes(
    count: usize,
    argv: &[OsString],
    master_host: &str,
    master_port: u16,
) -> anyhow::Result<i32> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let children = Children::spawn(count, argv, master_host, master_port)?;
        let code = tokio::select! {
            code = children.wait_all() => code,
            () = crate::shutdown::second_signal() => {
                tracing::warn!("Second signal: killing the worker processes");
                // Dropping the children kills them (kill_on_drop).
                130
            }
        };
        Ok(code)
    })
}
