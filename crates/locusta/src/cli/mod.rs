//! Command line: raw arguments (clap) and the validated plan.

mod args;
mod plan;

pub use args::Args;
pub use plan::{LogPlan, Plan, RunPlan, WebPlan, plan};
