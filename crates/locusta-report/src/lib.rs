//! Locust-compatible outputs of a run. Every writer has the shape
//! `fn(&RunView, &mut impl std::io::Write, …) -> std::io::Result<()>`: it reads one immutable
//! [`locusta_stats::RunView`] and knows nothing of how the run was produced.
//!
//! - [`console`]: the tables Locust prints (stats, percentiles, error report).
//!
//! CSV, JSON and the HTML report will be sibling modules with the same shape.

#![warn(missing_docs)]

pub mod console;
mod run_meta;
pub mod thresholds;

pub use run_meta::RunMeta;
