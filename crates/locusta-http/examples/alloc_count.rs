//! Heap allocations per request on a reused connection, counted by a global allocator.
//!
//! `cargo run --release -p locusta-http --example alloc_count -- [REQUESTS]`
//!
//! One session makes REQUESTS back-to-back GETs (default 10 000) against the benchmark server
//! (a child process); the allocations made by this process during those requests, divided by
//! REQUESTS, are printed. A warm-up request first opens the connection and fills the
//! statistics entry, so the count is the steady state of a keep-alive user.

#[path = "common/mod.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use locusta_http::{HttpConfig, HttpSession};
use locusta_stats::{Clock, Recorder};

/// The system allocator, counting calls and bytes.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    common::serve_if_child();
    let requests: u64 = std::env::args()
        .nth(1)
        .map_or(10_000, |a| a.parse().unwrap());
    let server = common::start_server(false);
    let url = format!("http://127.0.0.1:{}", server.port);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let config = HttpConfig::builder().build().unwrap();
        let recorder = Recorder::new(Clock::start());
        let session = HttpSession::new(&config, Some(&url), recorder.clone()).unwrap();
        assert!(session.get("/").send().await.unwrap().ok());
        let (allocations, bytes) = (
            ALLOCATIONS.load(Ordering::Relaxed),
            BYTES.load(Ordering::Relaxed),
        );
        for _ in 0..requests {
            let r = session.get("/").send().await.unwrap();
            assert!(r.ok());
        }
        let allocations = ALLOCATIONS.load(Ordering::Relaxed) - allocations;
        let bytes = BYTES.load(Ordering::Relaxed) - bytes;
        println!(
            "{requests} requests: {:.2} allocations and {:.0} bytes allocated per request",
            allocations as f64 / requests as f64,
            bytes as f64 / requests as f64
        );
        drop(recorder.take_delta());
    });
}
