//! Command line: raw arguments (clap), fed by config files and environment variables too,
//! and the validated plan.

mod args;
mod conf;
mod options;
mod plan;
mod pyproject;
mod sources;

pub use plan::{LogPlan, Plan, ReportPlan, RunPlan, WebPlan, plan};
pub use sources::parse;
