//! The JSON documents the API serves, as serde types built from one run view (or, for
//! `/tasks`, from the class list and the alive users).

mod exceptions;
mod stats_report;
mod tasks;

pub(crate) use exceptions::ExceptionsReport;
pub(crate) use stats_report::StatsReport;
pub(crate) use tasks::TaskRatios;
