//! Locusta: a fast, Locust-compatible load-testing tool.
//!
//! Define user classes the way a Locust locustfile does, and hand them to [`run_cli`], which
//! gives the program Locust's command line (`-H`, `-u`, `-r`, `-t`, `--headless`, ...) and
//! console output:
//!
//! ```no_run
//! use locusta::prelude::*;
//!
//! struct Visitor {
//!     client: HttpSession,
//! }
//!
//! impl Visitor {
//!     async fn index(&mut self) -> TaskResult {
//!         self.client.get("/").send().await?;
//!         Ok(())
//!     }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     let visitor = UserClass::builder("Visitor", |ctx| Ok(Visitor { client: ctx.http_client()? }))
//!         .wait_time(between(1.0, 2.0))
//!         .task("index", 1, task!(Visitor::index))
//!         .build();
//!     locusta::run_cli(vec![visitor])
//! }
//! ```

mod cli;
mod console;
mod demo;
mod distributed;
mod http_glue;
mod limits;
mod logging;
mod reports;
mod run;
mod shutdown;
mod web_ui;

pub use demo::run_demo;
pub use http_glue::UserContextExt;
pub use run::{run_cli, run_cli_from, run_locustfile_cli};

/// The engine, HTTP client and statistics crates, for programs that need more than the prelude.
pub use locusta_engine as engine;
pub use locusta_http as http;
pub use locusta_stats as stats;

/// Everything a user-class definition needs.
pub mod prelude {
    pub use crate::UserContextExt;
    pub use locusta_engine::{
        TagFilter, TaskError, TaskResult, TaskSetBuilder, UserClass, UserContext, WaitTime,
        between, constant, constant_pacing, constant_throughput, task,
    };
    pub use locusta_http::{CatchResponse, HttpSession, Response};
    pub use locusta_stats::Recorder;
}
