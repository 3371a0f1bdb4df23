//! The user classes that `bench/run.sh` measures Locusta with.
//!
//! The two measured classes, selected by their positional name as in Locust (`locust ... GetUser`):
//!
//! - `GetUser`: `GET /` back-to-back (`wait_time = constant(0)`), nothing else. With one thread
//!   and N users it is Locusta's equivalent of `wrk -t1 -cN`: it measures the per-request cost
//!   of the whole pipeline (session, HTTP/1.1 exchange, statistics recording, user scheduling).
//! - `IdleUser`: one `GET /` in `on_start`, then a task that does nothing followed by an hour of
//!   waiting (`wait_time = constant(3600)`). Each user holds its keep-alive connection open
//!   and sleeps, so the process's resident memory divided by the number of users is what one
//!   idle user (its task, session and connection) costs.
//!
//! Run them with Locust's flags against any target, for example:
//!
//! ```text
//! cargo run --release -p locusta --example bench_users -- GetUser \
//!     --headless -H http://127.0.0.1:8080 -u 50 -r 50 -t 10s --threads 1 --only-summary
//! cargo run --release -p locusta --example bench_users -- IdleUser \
//!     --headless -H http://127.0.0.1:8080 -u 10000 -r 10000 -t 20s --threads 1 --only-summary
//! ```
//!
//! A third class, `RawGetUser`, is a diagnostic for profiling, not a Locust-like user: it sends
//! `GET /` over a bare tokio `TcpStream` with a minimal HTTP/1.1 reader and records into the
//! same statistics, bypassing `HttpSession` and hyper. Comparing it with `GetUser` splits the
//! per-request cost into "engine + statistics + runtime" and "HTTP client"
//! (`BENCH_RAW=1 bash bench/run.sh throughput` runs it too).
//!
//! Always name the class: without one, all classes run (weighted equally), which is rarely what
//! a benchmark wants. `bench/run.sh` builds this example and compares it with wrk; see
//! `bench/README.md`.

use std::io;

use locusta::prelude::*;
use locusta::stats::Outcome;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// How long an idle user sleeps between (empty) task runs: longer than any benchmark run.
const IDLE_SECONDS: f64 = 3600.0;

/// A user that requests `GET /` as fast as its connection allows.
pub struct GetUser {
    client: HttpSession,
}

impl GetUser {
    async fn index(&mut self) -> TaskResult {
        self.client.get("/").send().await?;
        Ok(())
    }
}

/// A user that opens its keep-alive connection with one request, then sleeps.
pub struct IdleUser {
    client: HttpSession,
}

impl IdleUser {
    async fn on_start(&mut self) -> TaskResult {
        self.client.get("/").send().await?;
        Ok(())
    }

    /// Does nothing: the class's wait time is the point.
    async fn idle(&mut self) -> TaskResult {
        Ok(())
    }
}

/// A user that speaks just enough HTTP/1.1 over its own socket (diagnostic, see the crate docs).
pub struct RawGetUser {
    /// `host:port` from `--host`.
    authority: String,
    request: Vec<u8>,
    recorder: Recorder,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
}

impl RawGetUser {
    fn new(host: Option<&str>, recorder: &Recorder) -> Result<Self, TaskError> {
        let host =
            host.ok_or_else(|| TaskError::msg("RawGetUser needs --host http://HOST:PORT"))?;
        let authority = host
            .strip_prefix("http://")
            .ok_or_else(|| TaskError::msg("RawGetUser only speaks plain http://"))?
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let request = format!("GET / HTTP/1.1\r\nHost: {authority}\r\n\r\n").into_bytes();
        Ok(Self {
            authority,
            request,
            recorder: recorder.clone(),
            stream: None,
            buf: Vec::with_capacity(4096),
        })
    }

    async fn index(&mut self) -> TaskResult {
        let started = Instant::now();
        let result = self.exchange().await;
        let finished_at = Instant::now();
        let error = result.as_ref().err().map(ToString::to_string);
        if error.is_some() {
            self.stream = None;
        }
        let outcome = Outcome {
            response_time: Some(finished_at - started),
            content_length: *result.as_ref().unwrap_or(&0) as u64,
            error: error.as_deref(),
            finished_at,
        };
        self.recorder.record("GET", "/", &outcome);
        Ok(())
    }

    /// One request and response on the kept-alive socket; returns the body length.
    async fn exchange(&mut self) -> io::Result<usize> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(&self.authority).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(stream);
        }
        let stream = self.stream.as_mut().expect("connected above");
        stream.write_all(&self.request).await?;
        self.buf.clear();
        // One request at a time on the connection, so the response is all that can arrive.
        loop {
            if let Some(body_len) = complete_response(&self.buf)? {
                return Ok(body_len);
            }
            if stream.read_buf(&mut self.buf).await? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "connection closed",
                ));
            }
        }
    }
}

/// The body length once `buf` holds a whole response framed by `Content-Length` (the only
/// framing this diagnostic understands; the status is not checked).
fn complete_response(buf: &[u8]) -> io::Result<Option<usize>> {
    let Some(head_end) = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4) else {
        return Ok(None);
    };
    let head = std::str::from_utf8(&buf[..head_end])
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "RawGetUser needs Content-Length",
            )
        })?;
    Ok((buf.len() >= head_end + length).then_some(length))
}

/// The `GetUser` class: back-to-back `GET /`.
pub fn get_user() -> UserClass {
    UserClass::builder("GetUser", |ctx| {
        Ok(GetUser {
            client: ctx.http_client()?,
        })
    })
    .wait_time(constant(0.0))
    .task("index", 1, task!(GetUser::index))
    .build()
}

/// The `IdleUser` class: one `GET /` on start, then idle on its open connection.
pub fn idle_user() -> UserClass {
    UserClass::builder("IdleUser", |ctx| {
        Ok(IdleUser {
            client: ctx.http_client()?,
        })
    })
    .wait_time(constant(IDLE_SECONDS))
    .on_start(task!(IdleUser::on_start))
    .task("idle", 1, task!(IdleUser::idle))
    .build()
}

/// The `RawGetUser` diagnostic class: back-to-back `GET /` without `HttpSession`.
pub fn raw_get_user() -> UserClass {
    UserClass::builder("RawGetUser", |ctx| RawGetUser::new(ctx.host, ctx.recorder))
        .wait_time(constant(0.0))
        .task("index", 1, task!(RawGetUser::index))
        .build()
}

fn main() -> std::process::ExitCode {
    locusta::run_cli(vec![get_user(), idle_user(), raw_get_user()])
}
