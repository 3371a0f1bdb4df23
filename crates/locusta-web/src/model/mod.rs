//! The JSON documents the API serves, as serde types built from one run view (or, for
//! `/tasks`, from the class list and the alive users; for the UI page, from the web state).

mod exceptions;
mod history;
mod page_config;
mod stats_report;
mod tasks;

pub(crate) use exceptions::ExceptionsReport;
pub(crate) use history::HistoryReport;
pub(crate) use page_config::PageConfig;
pub(crate) use stats_report::StatsReport;
pub(crate) use tasks::TaskRatios;
