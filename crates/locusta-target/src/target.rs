//! The handle to a running target server.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use tokio::net::TcpListener;
use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::counts::{Counter, Counts};
use crate::options::{Mode, TargetOptions};
use crate::server::accept_loop;
use crate::service::Shared;

/// A running target server, and what it has received.
///
/// Start one per test with [`Target::start`] (on the current tokio runtime) or
/// [`Target::spawn_thread`] (on its own thread), point a client at [`Target::url`],
/// then assert on [`Target::count`] or [`Target::counts`].
///
/// Dropping a `Target` stops it as [`Target::shutdown`] does, without waiting for open
/// connections to finish.
pub struct Target {
    addr: SocketAddr,
    mode: Mode,
    shared: Arc<Shared>,
    /// The accept loop and every connection task.
    tasks: TaskTracker,
}

impl Target {
    /// Binds `options.addr` and serves on the current tokio runtime, which may be a
    /// `current_thread` runtime (as in `#[tokio::test]`) or a multi-thread one.
    ///
    /// On a `current_thread` runtime the server only makes progress while that runtime
    /// runs, that is while the test awaits something. A client that blocks the thread
    /// (synchronous code, or an engine on its own threads waited on with a blocking
    /// join) needs [`Target::spawn_thread`] instead.
    ///
    /// # Errors
    /// If the address cannot be bound, or if called outside a tokio runtime.
    pub fn start(options: TargetOptions) -> io::Result<Self> {
        let runtime = Handle::try_current().map_err(|_| {
            io::Error::other(
                "Target::start needs a tokio runtime; use Target::spawn_thread outside one",
            )
        })?;
        let listener = bind(options.addr)?;
        let _entered = runtime.enter();
        let listener = TcpListener::from_std(listener)?;
        let target = Self::new(listener.local_addr()?, options.mode);
        target.tasks.spawn(accept_loop(
            listener,
            Arc::clone(&target.shared),
            target.mode,
            target.tasks.clone(),
        ));
        Ok(target)
    }

    /// Binds `options.addr` and serves on a new thread named `locusta-target` with its
    /// own `current_thread` tokio runtime, independent of the caller's threads and
    /// runtimes. Works with or without a runtime on the calling thread, which blocks
    /// briefly while the server's runtime starts. The thread ends once the server has
    /// shut down.
    ///
    /// # Errors
    /// If the address cannot be bound or the runtime or thread cannot be created.
    pub fn spawn_thread(options: TargetOptions) -> io::Result<Self> {
        let listener = bind(options.addr)?;
        let target = Self::new(listener.local_addr()?, options.mode);
        let (shared, mode, tasks) = (
            Arc::clone(&target.shared),
            target.mode,
            target.tasks.clone(),
        );
        let (started, start_result) = std::sync::mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("locusta-target".to_owned())
            .spawn(move || serve_on_this_thread(listener, shared, mode, tasks, started))?;
        start_result
            .recv()
            .map_err(|_| io::Error::other("the target thread ended before serving"))??;
        Ok(target)
    }

    fn new(addr: SocketAddr, mode: Mode) -> Self {
        Self {
            addr,
            mode,
            shared: Arc::new(Shared {
                counter: Counter::new(),
                sessions: AtomicU64::new(0),
                flaky_requests: AtomicU64::new(0),
                shutdown: CancellationToken::new(),
            }),
            tasks: TaskTracker::new(),
        }
    }

    /// The address the server listens on, with the actual port when bound to port `0`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, `http://127.0.0.1:PORT`, without a trailing slash, so that
    /// `format!("{}/hello", target.url())` is the `/hello` endpoint.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What the server answers.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Requests received so far for `method` (e.g. `"GET"`, exact case) and `path`
    /// (without the query: `/item` counts `/item?id=1` and `/item?id=2`).
    ///
    /// A request is counted as soon as its head is parsed, before it is answered.
    pub fn count(&self, method: &str, path: &str) -> u64 {
        self.shared.counter.get(method, path)
    }

    /// A snapshot of every request received so far, per method and path, with a total.
    pub fn counts(&self) -> Counts {
        self.shared.counter.snapshot()
    }

    /// Stops the server gracefully, and returns once it has stopped: no new connections
    /// are accepted (the port is closed), idle keep-alive connections are closed, and
    /// responses in progress are finished first (`/slow` answers at once with `503`).
    ///
    /// A client that stops sending halfway through a request body holds this up; wrap
    /// the call in `tokio::time::timeout` if that can happen.
    pub async fn shutdown(self) {
        self.stop();
        self.tasks.wait().await;
    }

    /// Tells the accept loop and every connection to stop; does not wait.
    fn stop(&self) {
        self.shared.shutdown.cancel();
        self.tasks.close();
    }
}

/// Body of the [`Target::spawn_thread`] thread: reports on `started` whether serving
/// began, then serves until the target is stopped and every connection has closed.
///
/// The runtime is created here rather than by the caller: dropping a runtime on the
/// caller's thread (on a later error) would panic if the caller is itself async.
fn serve_on_this_thread(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    mode: Mode,
    tasks: TaskTracker,
    started: std::sync::mpsc::SyncSender<io::Result<()>>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return drop(started.send(Err(error))),
    };
    runtime.block_on(async move {
        let listener = match TcpListener::from_std(listener) {
            Ok(listener) => listener,
            Err(error) => return drop(started.send(Err(error))),
        };
        drop(started.send(Ok(())));
        tasks.spawn(accept_loop(listener, shared, mode, tasks.clone()));
        tasks.wait().await;
    });
}

/// A non-blocking listening socket on `addr`.
fn bind(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

impl Drop for Target {
    fn drop(&mut self) {
        self.stop();
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("addr", &self.addr)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}
