//! How much one master can take: statistics bytes per worker report, and the master's CPU for
//! a growing number of simulated workers.
//!
//! ```text
//! cargo run --release -p locusta-cluster --example master_load -- sizes
//! cargo run --release -p locusta-cluster --example master_load -- sweep [memory|tcp] [hz]
//! cargo run --release -p locusta-cluster --example master_load -- run [memory|tcp] WORKERS [hz]
//! cargo run --release -p locusta-cluster --example master_load -- ramp [memory|tcp] WORKERS USERS_PER_S
//! ```
//!
//! `ramp` also gives the master a new target every second during the measurement, as a
//! runner ramping at USERS_PER_S does (one dispatch over all workers and a spawn order to each
//! per step), starting from 1,000,000 users so the counts are large.
//!
//! The master runs alone on one thread (its own current-thread runtime, as in the binary) and
//! its CPU is that thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), so the simulated workers,
//! which run on another thread, are not counted. Each simulated worker says hello and ready,
//! then every 1/hz seconds sends a heartbeat and a statistics report: a one-second delta of 10
//! entries and 1,000 requests, encoded once up front. In `tcp` mode the connections go through
//! 127.0.0.1 and the master also decodes the frames.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
use locusta_cluster::protocol::{
    Hello, PROTOCOL_VERSION, Ready, StatsReport, ToMaster, WorkerHeartbeat, WorkerState,
    encode_message,
};
use locusta_cluster::transport::memory::memory_transport;
use locusta_cluster::transport::tcp::{TcpConnector, TcpListener};
use locusta_cluster::transport::{Connector, Listener};
use locusta_cluster::{ClusterTarget, Master, MasterConfig, MasterHandle};
use locusta_stats::{Clock, Outcome, Snapshot, SnapshotDecoder, SnapshotEncoder, WireCompression};

const CLASSES: [&str; 1] = ["Web"];

/// A one-second delta: 10 entries, 1,000 requests with spread response times, a few failures.
fn typical_delta(seed: u64) -> Snapshot {
    let origin = tokio::time::Instant::now();
    let clock = Clock::with_origin(origin, Duration::from_secs(1_795_436_180));
    let mut snapshot = Snapshot::default();
    let mut state = seed | 1;
    for i in 0..1_000u64 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // Roughly log-uniform between 2 ms and 2 s, as a mixed web workload.
        let exponent = (state % 1_000) as f64 / 1_000.0 * 3.0;
        let micros = (2_000.0 * 10f64.powf(exponent)) as u64;
        let name = format!("/api/endpoint/{}", i % 10);
        let failed = state.is_multiple_of(50);
        snapshot.record(
            &clock,
            if i % 10 < 3 { "POST" } else { "GET" },
            &name[..name.len()],
            &Outcome {
                response_time: Some(Duration::from_micros(micros)),
                content_length: 512 + state % 4_096,
                error: failed.then_some("HTTPError('503 Service Unavailable')"),
                finished_at: origin + Duration::from_millis(i),
            },
        );
    }
    snapshot
}

fn sizes() {
    let delta = typical_delta(42);
    println!(
        "typical delta: {} entries, {} requests, {} failure rows",
        delta.entries().count(),
        delta.total().num_requests(),
        delta.errors().count()
    );
    for compression in [WireCompression::None, WireCompression::Deflate] {
        let mut encoder = SnapshotEncoder::new(compression);
        let mut decoder = SnapshotDecoder::new();
        let bytes = encoder.encode(&delta);
        assert_eq!(decoder.decode(&bytes).unwrap(), delta);
        // The fastest of 10 batches, in this thread's CPU time: the machine is shared, and
        // the minimum is the least disturbed.
        let per_call = |f: &mut dyn FnMut()| {
            (0..10)
                .map(|_| {
                    let started = thread_cpu();
                    for _ in 0..500 {
                        f();
                    }
                    (thread_cpu() - started) / 500
                })
                .min()
                .unwrap()
        };
        let encode = per_call(&mut || {
            std::hint::black_box(encoder.encode(&delta));
        });
        let decode = per_call(&mut || {
            std::hint::black_box(decoder.decode(&bytes).unwrap());
        });
        let frame = encode_message(&ToMaster::Stats(StatsReport {
            snapshot: Bytes::from(bytes.clone()),
        }))
        .unwrap()
        .len()
            + 4;
        println!(
            "{compression:?}: snapshot {} bytes, report frame {frame} bytes; encode {:.1} µs, \
             decode {:.1} µs",
            bytes.len(),
            encode.as_secs_f64() * 1e6,
            decode.as_secs_f64() * 1e6
        );
    }
    // For comparison: HdrHistogram's own V2+deflate, histogram by histogram.
    let mut deflate = V2DeflateSerializer::new();
    let mut histograms = 0;
    let mut out = Vec::new();
    for (_, entry) in delta.entries() {
        histograms += deflate.serialize(entry.histogram(), &mut out).unwrap();
    }
    histograms += deflate
        .serialize(delta.total().histogram(), &mut out)
        .unwrap();
    let mut plain = Vec::new();
    let mut v2 = hdrhistogram::serialization::V2Serializer::new();
    let mut plain_histograms = 0;
    for (_, entry) in delta.entries() {
        plain_histograms += v2.serialize(entry.histogram(), &mut plain).unwrap();
    }
    plain_histograms += v2.serialize(delta.total().histogram(), &mut plain).unwrap();
    println!(
        "the {} histograms alone: V2 {plain_histograms} bytes, V2+deflate per histogram \
         {histograms} bytes",
        delta.entries().count() + 1
    );
}

/// The master on its own thread; returns its handle and a function reading its CPU time.
fn start_master<L: Listener>(listener: L) -> (MasterHandle, Arc<std::sync::Mutex<Duration>>) {
    let config = MasterConfig::new(CLASSES.iter().map(|c| c.to_string()).collect());
    let (master, handle) = Master::new(config, listener);
    let cpu = Arc::new(std::sync::Mutex::new(Duration::ZERO));
    let cpu_out = Arc::clone(&cpu);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            tokio::spawn(async move {
                loop {
                    *cpu_out.lock().unwrap() = thread_cpu();
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            });
            master.run().await;
        });
    });
    (handle, cpu)
}

fn thread_cpu() -> Duration {
    // SAFETY: clock_gettime writes the struct it is given.
    let mut time = unsafe { std::mem::zeroed::<libc::timespec>() };
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut time) };
    Duration::new(time.tv_sec as u64, time.tv_nsec as u32)
}

/// One simulated worker: hello, ready, then a heartbeat and a report every `period`.
async fn simulated_worker<C: Connector>(connector: C, id: usize, period: Duration, report: Bytes) {
    // Thousands of workers connecting at once overflow the listen backlog: retry, as real
    // workers do.
    let mut attempts = 0;
    let mut link = loop {
        match connector.connect().await {
            Ok(link) => break link,
            Err(error) if attempts < 20 => {
                attempts += 1;
                tracing_free_log(&error);
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(error) => panic!("worker {id} cannot connect: {error}"),
        }
    };
    let hello = Hello {
        protocol_version: PROTOCOL_VERSION,
        locusta_version: env!("CARGO_PKG_VERSION").to_owned(),
        worker_id: format!("sim_{id}"),
        hostname: format!("host{}", id % 16),
        pid: id as u32,
        wants_locustfile: false,
    };
    link.sender.send(ToMaster::Hello(hello)).await.unwrap();
    let _welcome = link.receiver.recv().await.expect("welcome");
    link.sender
        .send(ToMaster::Ready(Ready {
            classes: CLASSES.iter().map(|c| c.to_string()).collect(),
        }))
        .await
        .unwrap();
    let mut receiver = link.receiver;
    tokio::spawn(async move { while receiver.recv().await.is_some() {} });
    // Spread the workers over the period, as real ones are.
    let offset = period.mul_f64((id % 97) as f64 / 97.0);
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + offset, period);
    loop {
        ticks.tick().await;
        let heartbeat = ToMaster::Heartbeat(WorkerHeartbeat {
            state: WorkerState::Running,
            users_per_class: vec![10],
            cpu_percent: 20.0,
            memory_bytes: 50 << 20,
        });
        if link.sender.send(heartbeat).await.is_err() {
            return;
        }
        let stats = ToMaster::Stats(StatsReport {
            snapshot: report.clone(),
        });
        if link.sender.send(stats).await.is_err() {
            return;
        }
    }
}

fn tracing_free_log(error: &locusta_cluster::ClusterError) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| eprintln!("(some workers retry connecting: {error})"));
}

/// Runs `workers` simulated workers for a few seconds, with a new target every second when
/// `ramp` (users per second) is given; returns the master's CPU in percent of one core, and
/// reports per second it merged.
fn measure(transport: &str, workers: usize, hz: f64, ramp: Option<u64>) -> (f64, f64) {
    let load = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let report = Bytes::from(SnapshotEncoder::default().encode(&typical_delta(7)));
    let period = Duration::from_secs_f64(1.0 / hz);
    let (handle, cpu) = match transport {
        "memory" => {
            let (listener, connector) = memory_transport();
            let (handle, cpu) = start_master(listener);
            for id in 0..workers {
                load.spawn(simulated_worker(
                    connector.clone(),
                    id,
                    period,
                    report.clone(),
                ));
            }
            (handle, cpu)
        }
        _ => {
            let listener = load
                .block_on(async { TcpListener::bind("127.0.0.1:0").await })
                .unwrap();
            // Rebind on the master's thread: the listener's acceptor task belongs to the
            // runtime that created it, so bind there instead.
            let port = listener.local_addr().port();
            drop(listener);
            let (tx, rx) = std::sync::mpsc::channel();
            let config = MasterConfig::new(CLASSES.iter().map(|c| c.to_string()).collect());
            let cpu = Arc::new(std::sync::Mutex::new(Duration::ZERO));
            let cpu_out = Arc::clone(&cpu);
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
                    let (master, handle) = Master::new(config, listener);
                    tx.send(handle).unwrap();
                    tokio::spawn(async move {
                        loop {
                            *cpu_out.lock().unwrap() = thread_cpu();
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    });
                    master.run().await;
                });
            });
            let handle = rx.recv().unwrap();
            for id in 0..workers {
                let connector = TcpConnector::new("127.0.0.1", port);
                load.spawn(simulated_worker(connector, id, period, report.clone()));
                if id % 200 == 199 {
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
            (handle, cpu)
        }
    };
    // Let everyone connect and settle, then measure.
    let deadline = Instant::now() + Duration::from_secs(30);
    while handle.view().ready_workers() < workers && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let target = |users: u64, rate: u64| ClusterTarget {
        per_class: vec![users],
        spawn_rate: rate as f64,
        host: None,
    };
    if let Some(rate) = ramp {
        // The first start clears the statistics: before the measurement, not during it.
        load.block_on(handle.start(target(1_000_000, rate)))
            .unwrap();
    }
    std::thread::sleep(Duration::from_secs(2));
    let requests_before = handle.view().snapshot.total().num_requests();
    let cpu_before = *cpu.lock().unwrap();
    let started = Instant::now();
    for second in 0..5u64 {
        if let Some(rate) = ramp {
            let users = 1_000_000 + (second + 1) * rate;
            load.block_on(handle.start(target(users, rate))).unwrap();
        }
        std::thread::sleep(
            (started + Duration::from_secs(second + 1)).saturating_duration_since(Instant::now()),
        );
    }
    let cpu_after = *cpu.lock().unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    let requests_after = handle.view().snapshot.total().num_requests();
    handle.quit();
    load.shutdown_timeout(Duration::from_secs(1));
    let percent = (cpu_after - cpu_before).as_secs_f64() * 100.0 / elapsed;
    let reports = (requests_after - requests_before) as f64 / 1_000.0 / elapsed;
    (percent, reports)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("sizes") | None => sizes(),
        Some("run") => {
            let transport = args.get(1).map_or("memory", String::as_str);
            let workers: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(100);
            let hz: f64 = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(1.0);
            let (cpu, reports) = measure(transport, workers, hz, None);
            println!(
                "{transport}: {workers} workers at {hz}/s: master CPU {cpu:.1} %, {reports:.0} \
                 reports/s merged"
            );
        }
        Some("sweep") => {
            let transport = args.get(1).map_or("memory", String::as_str).to_owned();
            let hz: f64 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1.0);
            let mut workers = 50;
            loop {
                let (cpu, reports) = measure(&transport, workers, hz, None);
                println!(
                    "{transport}: {workers} workers at {hz}/s: master CPU {cpu:.1} %, \
                     {reports:.0} reports/s merged, {:.0} µs of master CPU per report",
                    cpu * 1e4 / reports.max(1.0)
                );
                if cpu >= 50.0 || workers >= 12_800 {
                    break;
                }
                workers *= 2;
            }
        }
        Some("ramp") => {
            let transport = args.get(1).map_or("memory", String::as_str);
            let workers: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(100);
            let rate: u64 = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(10_000);
            let (cpu, reports) = measure(transport, workers, 1.0, Some(rate));
            println!(
                "{transport}: {workers} workers, a target of 1,000,000+ users growing by {rate} \
                 every second: master CPU {cpu:.1} %, {reports:.0} reports/s merged"
            );
        }
        Some(other) => eprintln!("unknown mode {other}: sizes | run | sweep | ramp"),
    }
}
