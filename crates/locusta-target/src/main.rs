//! `locusta-target`: runs the target server until interrupted.
//!
//! Prints the base URL (`http://127.0.0.1:PORT`) as the first line of stdout, so a
//! script can start it on port 0 and read where it listens; on Ctrl-C or SIGTERM it
//! shuts down gracefully and prints the request counts to stderr.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use locusta_target::{Mode, Target, TargetOptions};

/// How long shutdown waits for open responses before exiting anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Locusta's demo and test target: Locust quickstart endpoints plus failure modes.
#[derive(Debug, Parser)]
#[command(name = "locusta-target", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,

    /// Answer every request like `GET /` (tiny fixed body), for benchmarks.
    #[arg(long)]
    fast: bool,

    /// Runtime worker threads [default: available cores].
    #[arg(long)]
    threads: Option<NonZeroUsize>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("locusta-target: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> io::Result<()> {
    let threads = args
        .threads
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    let runtime = if threads == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(threads);
        builder
    }
    .enable_all()
    .build()?;

    runtime.block_on(async {
        let options = TargetOptions {
            addr: args.addr,
            mode: if args.fast { Mode::Fast } else { Mode::Full },
        };
        let target = Target::start(options)?;
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "{}", target.url())?;
        stdout.flush()?;
        drop(stdout);

        shutdown_signal().await?;
        let counts = target.counts();
        if tokio::time::timeout(SHUTDOWN_GRACE, target.shutdown())
            .await
            .is_err()
        {
            eprintln!("locusta-target: responses still open after {SHUTDOWN_GRACE:?}; exiting");
        }
        eprintln!("{counts}");
        Ok(())
    })
}

/// Completes on Ctrl-C, or on SIGTERM on Unix.
async fn shutdown_signal() -> io::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await
}
