//! Requests per CPU-second of back-to-back GETs with 50 users on one core, against wrk.
//!
//! `cargo run --release -p locusta-http --example bench_get -- [SECONDS] [USERS] [both|locusta|wrk|raw]`
//!
//! With `BENCH_REQUESTS=N` the locusta (or raw) client stops after N requests instead of after
//! SECONDS, for instruction counting under `valgrind --tool=callgrind`.
//!
//! A minimal keep-alive server runs in a child process pinned to CPU 1; the client runs on
//! one `current_thread` runtime pinned to CPU 0. Then `wrk -t1 -cUSERS` runs against the
//! same server. Both are compared by requests per CPU-second of the client process, so the
//! result does not depend on how busy the (shared) machine is.

#[path = "common/mod.rs"]
mod common;

use std::cell::Cell;
use std::process::Command;
use std::rc::Rc;
use std::time::{Duration, Instant};

use locusta_http::{HttpConfig, HttpSession};
use locusta_stats::{Clock, Recorder};

fn main() {
    common::serve_if_child();
    common::raise_fd_limit();
    let args: Vec<String> = std::env::args().collect();
    let seconds: u64 = args.get(1).map_or(5, |a| a.parse().unwrap());
    let users: usize = args.get(2).map_or(50, |a| a.parse().unwrap());
    let which = args.get(3).map_or("both", String::as_str);
    let server = common::start_server(false);
    let url = format!("http://127.0.0.1:{}", server.port);

    common::pin_to_cpu0();
    let mut ours = f64::NAN;
    if which == "raw" {
        let split = common::cpu_split();
        let (requests, cpu, _) = run_raw(server.port, users, Duration::from_secs(seconds));
        print_split("raw", requests, split);
        println!(
            "raw tokio: {requests} requests, {:.0} req/CPU-s",
            requests as f64 / cpu.as_secs_f64()
        );
        return;
    }
    if which != "wrk" {
        let split = common::cpu_split();
        let (requests, cpu, wall) = run_locusta(&url, users, Duration::from_secs(seconds));
        print_split("locusta", requests, split);
        ours = requests as f64 / cpu.as_secs_f64();
        println!(
            "locusta: {requests} requests in {:.2} s wall, {:.2} s CPU: {:.0} req/s, {:.0} req/CPU-s",
            wall.as_secs_f64(),
            cpu.as_secs_f64(),
            requests as f64 / wall.as_secs_f64(),
            ours
        );
    }
    if which == "locusta" {
        return;
    }

    let Some((wrk_requests, wrk_cpu)) = run_wrk(&url, users, seconds) else {
        println!("wrk not found; install it (apt-get install wrk) for the comparison");
        return;
    };
    let theirs = wrk_requests as f64 / wrk_cpu.as_secs_f64();
    println!(
        "wrk:     {wrk_requests} requests, {:.2} s CPU: {:.0} req/CPU-s",
        wrk_cpu.as_secs_f64(),
        theirs
    );
    println!(
        "ratio locusta/wrk (requests per CPU-second): {:.2}",
        ours / theirs
    );
}

/// Prints user and system CPU per request since `before`.
fn print_split(what: &str, requests: u64, before: (Duration, Duration)) {
    let (user, sys) = common::cpu_split();
    let per = |d: Duration| d.as_nanos() as f64 / requests as f64 / 1000.0;
    println!(
        "{what}: {:.2} µs user + {:.2} µs system per request",
        per(user - before.0),
        per(sys - before.1)
    );
}

fn run_locusta(url: &str, users: usize, duration: Duration) -> (u64, Duration, Duration) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let config = HttpConfig::builder().build().unwrap();
        let recorder = Recorder::new(Clock::start());
        let count = Rc::new(Cell::new(0u64));
        let stop = Rc::new(Cell::new(false));
        let cpu_before = common::cpu_time(false);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..users {
            let session = HttpSession::new(&config, Some(url), recorder.clone()).unwrap();
            let (count, stop) = (count.clone(), stop.clone());
            tasks.push(tokio::task::spawn_local(async move {
                while !stop.get() && count.get() < limit() {
                    let r = session.get("/").send().await.unwrap();
                    debug_assert!(r.ok());
                    count.set(count.get() + 1);
                }
            }));
        }
        // Drain the statistics once a second, as the runner will.
        while started.elapsed() < duration && count.get() < limit() {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let _ = recorder.take_delta();
        }
        stop.set(true);
        for task in tasks {
            task.await.unwrap();
        }
        let wall = started.elapsed();
        (count.get(), common::cpu_time(false) - cpu_before, wall)
    })
}

fn run_wrk(url: &str, users: usize, seconds: u64) -> Option<(u64, Duration)> {
    let before = common::cpu_time(true);
    let output = Command::new("taskset")
        .args([
            "-c",
            "0",
            "wrk",
            "-t1",
            &format!("-c{users}"),
            &format!("-d{seconds}s"),
            url,
        ])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let cpu = common::cpu_time(true) - before;
    let text = String::from_utf8_lossy(&output.stdout);
    // "  123456 requests in 5.00s, 12.34MB read"
    let requests = text.lines().find_map(|line| {
        let line = line.trim();
        line.split_once(" requests in ")
            .and_then(|(n, _)| n.parse().ok())
    })?;
    Some((requests, cpu))
}

/// The floor for any tokio-based client: write a fixed request, read until the fixed-size
/// response is complete, no parsing, no allocation.
fn run_raw(port: u16, users: usize, duration: Duration) -> (u64, Duration, Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let count = Rc::new(Cell::new(0u64));
        let stop = Rc::new(Cell::new(false));
        let cpu_before = common::cpu_time(false);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..users {
            let (count, stop) = (count.clone(), stop.clone());
            tasks.push(tokio::task::spawn_local(async move {
                let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .unwrap();
                stream.set_nodelay(true).unwrap();
                let request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
                let mut buf = [0u8; 1024];
                while !stop.get() && count.get() < limit() {
                    stream.write_all(request).await.unwrap();
                    let mut got = 0;
                    while got < 78 {
                        got += stream.read(&mut buf[got..]).await.unwrap();
                    }
                    count.set(count.get() + 1);
                }
            }));
        }
        while started.elapsed() < duration && count.get() < limit() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        stop.set(true);
        for task in tasks {
            task.await.unwrap();
        }
        (
            count.get(),
            common::cpu_time(false) - cpu_before,
            started.elapsed(),
        )
    })
}

/// `BENCH_REQUESTS`, or no limit.
fn limit() -> u64 {
    static LIMIT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var("BENCH_REQUESTS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(u64::MAX)
    })
}
