//! Command line: raw arguments (clap), fed by config files and environment variables too,
//! and the validated plan.

mod args;
mod conf;
mod options;
mod plan;
mod pyproject;
mod role;
mod sources;

pub use args::Args;
pub use plan::{LogPlan, Plan, ReportPlan, RunPlan, WebPlan, available_cpus, plan};
pub use role::{MasterPlan, Role, WorkerPlan, role};
pub use sources::parse;
