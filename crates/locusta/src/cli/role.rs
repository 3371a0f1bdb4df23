//! Which part this process plays: a whole test on its own, the master of a distributed test,
//! or one of its workers (reference §7). Decided before the locustfile is loaded, since a
//! worker started with `-f -` gets its locustfile from the master.

use std::time::Duration;

use super::args::Args;
use super::plan::PlanError;

/// The process's part in a test.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// Runs the users itself.
    Local,
    /// Runs no users: workers connect and run them.
    Master(MasterPlan),
    /// Connects to a master and runs the users it is told to.
    Worker(WorkerPlan),
    /// `--worker --processes N`: starts N workers and waits for them.
    WorkerProcesses(usize),
}

/// `--master`, or `--processes N` without `--worker`.
#[derive(Debug, Clone, PartialEq)]
pub struct MasterPlan {
    /// Where workers connect (`--master-bind-host`, `*` meaning every interface).
    pub bind_host: String,
    /// `--master-bind-port`.
    pub bind_port: u16,
    /// Ready workers to wait for before a headless or `--autostart` test starts.
    pub expect_workers: usize,
    /// How long to wait for them (`None`: forever).
    pub expect_workers_max_wait: Option<Duration>,
    /// Silence after which a worker is missing.
    pub heartbeat_timeout: Duration,
    /// Worker processes this process starts itself (`--processes`).
    pub processes: usize,
}

/// `--worker`.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerPlan {
    /// `--master-host`.
    pub master_host: String,
    /// `--master-port`.
    pub master_port: u16,
    /// `-f -`: the user classes come from the master's locustfile.
    pub locustfile_from_master: bool,
}

/// The role `args` ask for; `cpus` resolves `--processes -1`.
pub fn role(args: &Args, cpus: usize) -> Result<Role, PlanError> {
    let processes = match args.processes {
        None | Some(0) => 0,
        Some(-1) => cpus.max(1),
        Some(n) => usize::try_from(n).map_err(|_| PlanError::BadProcesses(n))?,
    };
    if args.worker {
        if processes > 0 {
            return Ok(Role::WorkerProcesses(processes));
        }
        return Ok(Role::Worker(WorkerPlan {
            master_host: args.master_host.clone(),
            master_port: args.master_port,
            locustfile_from_master: args.locustfile.as_deref() == Some("-"),
        }));
    }
    if args.locustfile.as_deref() == Some("-") {
        return Err(PlanError::LocustfileFromMasterWithoutWorker);
    }
    if args.master && processes > 0 {
        return Err(PlanError::MasterWithProcesses);
    }
    if !args.master && processes == 0 {
        return Ok(Role::Local);
    }
    let expect_workers = if processes > 0 {
        processes
    } else {
        usize::try_from(args.expect_workers).unwrap_or(usize::MAX)
    };
    Ok(Role::Master(MasterPlan {
        bind_host: args.master_bind_host.clone(),
        bind_port: args.master_bind_port,
        expect_workers,
        expect_workers_max_wait: (args.expect_workers_max_wait > 0)
            .then(|| Duration::from_secs(args.expect_workers_max_wait)),
        heartbeat_timeout: args.heartbeat_timeout,
        processes,
    }))
}

impl MasterPlan {
    /// The address to listen on: `*` (Locust's "every interface") is `0.0.0.0`, and an IPv6
    /// address gets its brackets.
    pub fn bind_address(&self) -> String {
        let host = match self.bind_host.as_str() {
            "*" => "0.0.0.0",
            host => host,
        };
        if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]:{}", self.bind_port)
        } else {
            format!("{host}:{}", self.bind_port)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn role_of(args: &[&str]) -> Result<Role, PlanError> {
        let args = Args::try_parse_from(std::iter::once("locusta").chain(args.iter().copied()))
            .expect("parses");
        role(&args, 4)
    }

    #[test]
    fn without_flags_the_process_runs_its_users() {
        assert_eq!(role_of(&[]).unwrap(), Role::Local);
        assert_eq!(role_of(&["--processes", "0"]).unwrap(), Role::Local);
    }

    #[test]
    fn master_defaults_follow_locust() {
        let Role::Master(master) = role_of(&["--master"]).unwrap() else {
            panic!("not a master")
        };
        assert_eq!(master.bind_address(), "0.0.0.0:5557");
        assert_eq!(master.expect_workers, 1);
        assert_eq!(master.expect_workers_max_wait, None);
        assert_eq!(master.heartbeat_timeout, Duration::from_secs(5));
        assert_eq!(master.processes, 0);
    }

    #[test]
    fn processes_without_worker_make_a_master_expecting_them() {
        let Role::Master(master) =
            role_of(&["--processes", "-1", "--master-bind-port", "6000"]).unwrap()
        else {
            panic!("not a master")
        };
        assert_eq!((master.processes, master.expect_workers), (4, 4));
        assert_eq!(master.bind_address(), "0.0.0.0:6000");
    }

    #[test]
    fn worker_roles() {
        assert_eq!(
            role_of(&["--worker", "-f", "-", "--master-host", "10.0.0.5"]).unwrap(),
            Role::Worker(WorkerPlan {
                master_host: "10.0.0.5".into(),
                master_port: 5557,
                locustfile_from_master: true,
            })
        );
        assert_eq!(
            role_of(&["--worker", "--processes", "3"]).unwrap(),
            Role::WorkerProcesses(3)
        );
    }

    #[test]
    fn contradictions_are_refused() {
        assert!(matches!(
            role_of(&["--master", "--processes", "2"]),
            Err(PlanError::MasterWithProcesses)
        ));
        assert!(matches!(
            role_of(&["-f", "-"]),
            Err(PlanError::LocustfileFromMasterWithoutWorker)
        ));
        let both = Args::try_parse_from(["locusta", "--master", "--worker"]).unwrap_err();
        assert_eq!(both.exit_code(), 2);
        let none = Args::try_parse_from(["locusta", "--master", "--expect-workers", "0"]);
        assert!(none.is_err());
    }

    #[test]
    fn ipv6_bind_hosts_get_brackets() {
        let Role::Master(master) = role_of(&["--master", "--master-bind-host", "::1"]).unwrap()
        else {
            panic!("not a master")
        };
        assert_eq!(master.bind_address(), "[::1]:5557");
    }
}
