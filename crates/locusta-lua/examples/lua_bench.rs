//! Quick, hand-run measurements of Lua users against native Rust users (not a CI test).
//!
//! ```text
//! # a target in another process, pinned to core 0:
//! taskset -c 0 target/release/locusta-target --fast --threads 1 &
//! # requests per CPU-second of the shard thread, native vs Lua, 50 users, GET / back-to-back,
//! # plus wrk -t1 -c50 for reference (its user+sys time):
//! taskset -c 1 target/release/examples/lua_bench throughput http://127.0.0.1:PORT 10 50
//! # resident memory per idle Lua user (one request made, keep-alive connection held):
//! taskset -c 1 target/release/examples/lua_bench idle http://127.0.0.1:PORT 10000
//! # the same for native Rust users, for comparison:
//! taskset -c 1 target/release/examples/lua_bench idle-native http://127.0.0.1:PORT 10000
//! # the driver's yield/resume round trip alone, in ns (no I/O):
//! taskset -c 1 target/release/examples/lua_bench ops http://127.0.0.1:PORT
//! # one kind of user only, for profiling: `native` or `lua` instead of `throughput`
//! ```
//!
//! Instructions per request, repeatable on a loaded machine: run `lua URL 2 50` and
//! `lua URL 5 50` under `valgrind --tool=callgrind`; divide the difference of the two totals
//! by the difference of their requests (warm-up second included: it is printed too). Runs
//! agree within about 150 instructions. Last measured: 11.7k for Lua users (14.9k before the
//! driver went through Luau's C API, see docs/decisions.md), 7.6k for native users
//! (`native` instead of `lua`).
//!
//! The shard's CPU time is read from `/proc/self/task/<tid>/schedstat` of the thread named
//! `locusta-shard-0`, so the measuring thread and the runtime of `main` do not count.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use locusta_engine::{Engine, EngineConfig, Resources, TaskResult, UserClass, constant};
use locusta_http::{HttpConfig, HttpSession};
use locusta_lua::Locustfile;
use locusta_stats::Clock;

const LUA_GET: &str = r#"
GetUser = HttpUser {}
task()
function GetUser:index()
    self.client:get("/")
end
"#;

const LUA_IDLE: &str = r#"
IdleUser = HttpUser { wait_time = constant(3600) }
function IdleUser:on_start()
    self.client:get("/")
end
task()
function IdleUser:idle()
end
"#;

struct NativeGet {
    client: HttpSession,
}

impl NativeGet {
    async fn index(&mut self) -> TaskResult {
        self.client.get("/").send().await?;
        Ok(())
    }
}

fn native_class() -> UserClass {
    UserClass::builder("NativeGet", |ctx| {
        let config = ctx
            .resources
            .get::<Arc<HttpConfig>>()
            .cloned()
            .expect("config");
        Ok(NativeGet {
            client: HttpSession::new(&config, ctx.host, ctx.recorder.clone())?,
        })
    })
    .task("index", 1, |user| Box::pin(user.index()))
    .build()
}

fn lua_class(source: &str) -> UserClass {
    let path: PathBuf = std::env::temp_dir().join(format!("lua_bench_{}.lua", std::process::id()));
    std::fs::write(&path, source).expect("write locustfile");
    let file = Locustfile::load(std::slice::from_ref(&path)).expect("load");
    let _ = std::fs::remove_file(&path);
    file.user_classes().remove(0)
}

fn engine(class: UserClass, host: &str) -> Engine {
    let mut resources = Resources::default();
    resources.insert(HttpConfig::shared_default().expect("config"));
    Engine::start(EngineConfig {
        threads: 1,
        classes: Arc::from(vec![class]),
        host_override: Some(host.to_string()),
        resources,
        seed: 1,
        clock: Clock::start(),
    })
    .expect("engine")
}

/// CPU time of the shard thread so far.
fn shard_cpu() -> Duration {
    for entry in std::fs::read_dir("/proc/self/task").expect("proc") {
        let dir = entry.expect("task").path();
        let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        if comm.trim() == "locusta-shard-0" {
            let stat = std::fs::read_to_string(dir.join("schedstat")).expect("schedstat");
            let ns: u64 = stat.split_whitespace().next().unwrap().parse().unwrap();
            return Duration::from_nanos(ns);
        }
    }
    panic!("no shard thread")
}

fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

async fn throughput(name: &str, class: UserClass, host: &str, seconds: u64, users: u64) -> f64 {
    let engine = engine(class, host);
    for id in 0..users {
        engine.spawn_user(id, 0);
    }
    // Warm up, then measure a window.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let warmup = engine.report().await.delta.total().num_requests();
    let cpu0 = shard_cpu();
    let wall0 = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let report = engine.report().await;
    let cpu = shard_cpu() - cpu0;
    let wall = wall0.elapsed();
    let requests = report.delta.total().num_requests();
    let failures = report.delta.total().num_failures();
    engine.stop_all(Duration::ZERO).await;
    let per_cpu = requests as f64 / cpu.as_secs_f64();
    println!("{name:8} {warmup:>9} requests in the warm-up second");
    println!(
        "{name:8} {requests:>9} requests {:>9.0} req/s  cpu {:>6.2} s  {per_cpu:>9.0} req/cpu-s  failures {failures}",
        requests as f64 / wall.as_secs_f64(),
        cpu.as_secs_f64()
    );
    per_cpu
}

fn wrk(host: &str, seconds: u64, users: u64) -> Option<f64> {
    let output = std::process::Command::new("/usr/bin/time")
        .args(["-f", "TIME %U %S", "wrk", "-t1"])
        .arg(format!("-c{users}"))
        .arg(format!("-d{seconds}s"))
        .arg(format!("{host}/"))
        .output()
        .ok()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let requests: f64 = stdout
        .lines()
        .find(|l| l.contains("requests in"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let times: Vec<f64> = stderr
        .lines()
        .find_map(|l| l.strip_prefix("TIME "))?
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    let cpu = times.iter().sum::<f64>();
    let per_cpu = requests / cpu;
    println!(
        "wrk      {requests:>9} requests {:>9.0} req/s  cpu {cpu:>6.2} s  {per_cpu:>9.0} req/cpu-s",
        requests / seconds as f64
    );
    Some(per_cpu)
}

struct NativeIdle {
    client: HttpSession,
}

impl NativeIdle {
    async fn on_start(&mut self) -> TaskResult {
        self.client.get("/").send().await?;
        Ok(())
    }

    async fn idle(&mut self) -> TaskResult {
        Ok(())
    }
}

fn native_idle_class() -> UserClass {
    UserClass::builder("NativeIdle", |ctx| {
        let config = ctx
            .resources
            .get::<Arc<HttpConfig>>()
            .cloned()
            .expect("config");
        Ok(NativeIdle {
            client: HttpSession::new(&config, ctx.host, ctx.recorder.clone())?,
        })
    })
    .wait_time(constant(3600.0))
    .on_start(|user| Box::pin(user.on_start()))
    .task("idle", 1, |user| Box::pin(user.idle()))
    .build()
}

async fn idle(name: &str, class: UserClass, host: &str, users: u64) {
    const BASE: u64 = 100;
    let engine = engine(class, host);
    let mut made = 0;
    let mut spawned = 0;
    let mut settle = async |target: u64| {
        while spawned < target {
            engine.spawn_user(spawned, 0);
            spawned += 1;
        }
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let report = engine.report().await;
            made += report.delta.total().num_requests();
            if made >= target && report.user_count() == target {
                break;
            }
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        rss_kb()
    };
    let base = settle(BASE).await;
    let all = settle(BASE + users).await;
    println!(
        "idle {name} users: {BASE} -> {} users, VmRSS {base} KB -> {all} KB: {:.2} KB per idle user",
        BASE + users,
        (all - base) as f64 / users as f64
    );
    engine.stop_all(Duration::ZERO).await;
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: lua_bench throughput|native|lua URL [SECONDS] [USERS] | idle|idle-native URL [USERS] | ops URL";
    let mode = args.get(1).expect(usage).as_str();
    let host = args.get(2).expect(usage).clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match mode {
        "throughput" => {
            let seconds = args.get(3).map_or(10, |s| s.parse().expect("seconds"));
            let users = args.get(4).map_or(50, |s| s.parse().expect("users"));
            let native =
                runtime.block_on(throughput("native", native_class(), &host, seconds, users));
            let lua =
                runtime.block_on(throughput("lua", lua_class(LUA_GET), &host, seconds, users));
            println!("lua/native requests per CPU-second: {:.2}", lua / native);
            if let Some(wrk) = wrk(&host, seconds, users) {
                println!("native/wrk: {:.2}  lua/wrk: {:.2}", native / wrk, lua / wrk);
            }
        }
        // Lua users only (for profiling).
        "lua" => {
            let seconds = args.get(3).map_or(10, |s| s.parse().expect("seconds"));
            let users = args.get(4).map_or(50, |s| s.parse().expect("users"));
            runtime.block_on(throughput("lua", lua_class(LUA_GET), &host, seconds, users));
        }
        // The driver's round trip alone: a yield that needs no I/O (reading a cookie).
        "ops" => {
            let class = lua_class(
                "OpsUser = HttpUser {}\ntask()\nfunction OpsUser:spin()\n    for _ = 1, 1000 do\n        self.client:cookie(\"x\")\n    end\n    record { request_type = \"ops\", name = \"1000\", response_time = 0 }\nend\n",
            );
            runtime.block_on(async {
                let engine = engine(class, &host);
                engine.spawn_user(0, 0);
                tokio::time::sleep(Duration::from_millis(500)).await;
                engine.report().await;
                let cpu0 = shard_cpu();
                tokio::time::sleep(Duration::from_secs(3)).await;
                let report = engine.report().await;
                let cpu = shard_cpu() - cpu0;
                let ops = report.delta.total().num_requests() * 1000;
                println!(
                    "{ops} ops, {:.0} ns per op",
                    cpu.as_nanos() as f64 / ops as f64
                );
                engine.stop_all(Duration::ZERO).await;
            });
        }
        "native" => {
            let seconds = args.get(3).map_or(10, |s| s.parse().expect("seconds"));
            let users = args.get(4).map_or(50, |s| s.parse().expect("users"));
            runtime.block_on(throughput("native", native_class(), &host, seconds, users));
        }
        "idle" => {
            let users = args.get(3).map_or(10_000, |s| s.parse().expect("users"));
            runtime.block_on(idle("lua", lua_class(LUA_IDLE), &host, users));
        }
        "idle-native" => {
            let users = args.get(3).map_or(10_000, |s| s.parse().expect("users"));
            runtime.block_on(idle("native", native_idle_class(), &host, users));
        }
        _ => panic!("{usage}"),
    }
}
