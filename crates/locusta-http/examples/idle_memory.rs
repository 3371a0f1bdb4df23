//! Measures what an idle session holding a keep-alive connection costs in resident memory.
//!
//! `cargo run --release -p locusta-http --example idle_memory -- [SESSIONS] [REQUESTS] [tls]`
//!
//! Opens SESSIONS sessions (default 10 000) to a local server in a child process, makes
//! REQUESTS requests on each (default 100, so per-connection buffers reach steady state),
//! then reports the growth of this process's RSS divided by SESSIONS. As in a real run, where
//! most users wait between tasks, only 50 sessions are active at a time; the others are idle
//! with their keep-alive connection open.

#[path = "common/mod.rs"]
mod common;

use std::rc::Rc;

/// Sessions making requests at the same time.
const ACTIVE: usize = 50;

use locusta_http::{HttpConfig, HttpSession};
use locusta_stats::{Clock, Recorder};

fn main() {
    common::serve_if_child();
    common::raise_fd_limit();
    let args: Vec<String> = std::env::args().collect();
    let sessions: usize = args.get(1).map_or(10_000, |a| a.parse().unwrap());
    let requests: usize = args.get(2).map_or(100, |a| a.parse().unwrap());
    let tls = args.get(3).map(String::as_str) == Some("tls");
    let server = common::start_server(tls);
    let host = if tls {
        format!("https://localhost:{}", server.port)
    } else {
        format!("http://127.0.0.1:{}", server.port)
    };

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async move {
        let config = HttpConfig::builder().insecure(true).build().unwrap();
        let recorder = Recorder::new(Clock::start());
        // Warm up allocator arenas and lazily initialised statics with one session.
        let warm = HttpSession::new(&config, Some(&host), recorder.clone()).unwrap();
        warm.get("/").send().await.unwrap();
        let _ = recorder.take_delta();
        let before = common::rss_bytes();

        let mut users = Vec::with_capacity(sessions);
        for wave in 0..sessions.div_ceil(ACTIVE) {
            let mut tasks = Vec::new();
            for _ in wave * ACTIVE..((wave + 1) * ACTIVE).min(sessions) {
                let session = Rc::new(HttpSession::new(&config, Some(&host), recorder.clone()).unwrap());
                let user = session.clone();
                users.push(session);
                tasks.push(tokio::task::spawn_local(async move {
                    for _ in 0..requests {
                        let r = user.get("/").send().await.unwrap();
                        assert!(r.ok(), "{:?}", r.error());
                    }
                }));
            }
            for task in tasks {
                task.await.unwrap();
            }
            let _ = recorder.take_delta();
        }
        let _ = recorder.take_delta();
        let after = common::rss_bytes();
        let per_session = (after.saturating_sub(before)) as f64 / sessions as f64;
        println!(
            "{} sessions ({}), {requests} requests each: RSS +{:.1} MiB, {:.0} bytes per idle session with its connection",
            sessions,
            if tls { "https" } else { "http" },
            (after - before) as f64 / (1 << 20) as f64,
            per_session
        );
        drop(users);
    });
}
