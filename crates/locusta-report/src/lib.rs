//! Locust-compatible outputs of a run. Every writer has the shape
//! `fn(&RunView, &mut impl std::io::Write, …) -> std::io::Result<()>`: it reads one immutable
//! [`locusta_stats::RunView`] and knows nothing of how the run was produced.
//!
//! - [`console`]: the tables Locust prints (stats, percentiles, error report).
//! - [`csv`]: Locust's `--csv` files, and [`csv::CsvFiles`] that keeps them up to date.
//! - [`json`]: Locust's `--json` document, and our own run report with a JSON Schema.
//! - [`utc_time`]: the UTC timestamps of files and download names.
//! - [`html`]: the self-contained HTML report, whose chart code and uPlot ([`assets`]) the web
//!   UI serves too.

#![warn(missing_docs)]

pub mod assets;
pub mod console;
pub mod csv;
pub mod html;
pub mod json;
mod run_meta;
pub mod thresholds;
pub mod utc_time;

pub use run_meta::RunMeta;
