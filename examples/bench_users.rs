//! The user classes that `bench/run.sh` measures Locusta with.
//!
//! Two classes, selected by their positional name as in Locust (`locust ... GetUser`):
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
//! Without a class name both classes run (weighted equally), which is rarely what a benchmark
//! wants. `bench/run.sh` builds this example and compares it with wrk; see `bench/README.md`.

use locusta::prelude::*;

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

fn main() -> std::process::ExitCode {
    locusta::run_cli(vec![get_user(), idle_user()])
}
