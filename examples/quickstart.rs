//! Locust's quickstart, written with Locusta's Rust API.
//!
//! The Python original:
//!
//! ```python
//! class QuickstartUser(HttpUser):
//!     wait_time = between(1, 5)
//!
//!     @task
//!     def hello_world(self):
//!         self.client.get("/hello")
//!         self.client.get("/world")
//!
//!     @task(3)
//!     def view_items(self):
//!         for item_id in range(10):
//!             self.client.get(f"/item?id={item_id}", name="/item")
//!             time.sleep(1)
//!
//!     def on_start(self):
//!         self.client.post("/login", json={"username": "foo", "password": "bar"})
//! ```
//!
//! Run it with Locust's flags: `cargo run --release --example quickstart -- --headless -u 10 -r 2 -t 30s`.
//! Without `-H/--host` it starts Locusta's built-in demo target on 127.0.0.1 and tests that.

use std::process::ExitCode;
use std::time::Duration;

use locusta::prelude::*;
use locusta_target::{Target, TargetOptions};

/// One simulated visitor: its own HTTP session (connection and cookies).
pub struct QuickstartUser {
    client: HttpSession,
}

impl QuickstartUser {
    async fn on_start(&mut self) -> TaskResult {
        let credentials = serde_json::json!({"username": "foo", "password": "bar"});
        self.client.post("/login").json(&credentials).send().await?;
        Ok(())
    }

    async fn hello_world(&mut self) -> TaskResult {
        self.client.get("/hello").send().await?;
        self.client.get("/world").send().await?;
        Ok(())
    }

    async fn view_items(&mut self) -> TaskResult {
        for item_id in 0..10 {
            self.client
                .get(&format!("/item?id={item_id}"))
                .name("/item")
                .send()
                .await?;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        Ok(())
    }
}

/// The quickstart user class.
pub fn quickstart_user() -> UserClass {
    UserClass::builder("QuickstartUser", |ctx| {
        Ok(QuickstartUser {
            client: ctx.http_client()?,
        })
    })
    .wait_time(between(1.0, 5.0))
    .on_start(task!(QuickstartUser::on_start))
    .task("hello_world", 1, task!(QuickstartUser::hello_world))
    .task("view_items", 3, task!(QuickstartUser::view_items))
    .build()
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().collect();
    let wants_target = !args
        .iter()
        .any(|arg| arg == "-H" || arg.starts_with("--host") || arg.starts_with("-H"))
        && !args
            .iter()
            .any(|arg| arg == "-l" || arg == "--list" || arg == "-h" || arg == "--help");
    // Kept alive until the run ends.
    let _target = if wants_target {
        match Target::spawn_thread(TargetOptions::default()) {
            Ok(target) => {
                eprintln!(
                    "No --host given: testing the built-in demo target at {}",
                    target.url()
                );
                args.extend(["--host".to_string(), target.url()]);
                Some(target)
            }
            Err(error) => {
                eprintln!("could not start the demo target: {error}");
                return ExitCode::from(1);
            }
        }
    } else {
        None
    };
    locusta::run_cli_from(args, vec![quickstart_user()])
}
