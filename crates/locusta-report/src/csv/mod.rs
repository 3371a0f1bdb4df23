//! Locust's CSV files (reference §5.2): `_stats.csv`, `_stats_history.csv`, `_failures.csv`
//! and `_exceptions.csv`, with Locust's headers, `\r\n` line endings, Python's quoting and
//! Python's number formatting.
//!
//! The single-file writers ([`write_stats_csv`], [`write_failures_csv`],
//! [`write_exceptions_csv`]) have the crate's writer shape and also serve the web UI's
//! downloads. [`StatsHistoryWriter`] appends the history rows and keeps what it needs between
//! calls. [`CsvFiles`] drives all four files for `--csv PREFIX`; the binary's whole part is:
//!
//! ```no_run
//! # fn views() -> impl Iterator<Item = locusta_stats::RunView> { std::iter::empty() }
//! # fn final_view() -> locusta_stats::RunView { unimplemented!() }
//! # fn main() -> std::io::Result<()> {
//! use locusta_report::csv::CsvFiles;
//!
//! // `--csv results/run --csv-full-history`: creates `results/` and the history file now.
//! let mut files = CsvFiles::create("results/run", true)?;
//! for view in views() {
//!     // Once a second, with the newest view, idle or not.
//!     if let Err(error) = files.update(&view) {
//!         eprintln!("{error}"); // names each file that failed; the others were written
//!     }
//! }
//! files.finish(&final_view()).map_err(std::io::Error::other)?;
//! # Ok(())
//! # }
//! ```
//!
//! # Differences from Locust
//! - Median and percentiles are our HDR values rounded to whole milliseconds (Locust: its
//!   2-digit buckets, and a median clamped into the raw min/max, hence floats at times).
//! - `_failures.csv` rows are sorted by (method, name, error); Locust's follow a hash.
//! - Files are replaced whole every second (Locust truncates and rewrites them in place and
//!   flushes every few seconds, so readers can catch them empty or partial); history rows are
//!   flushed as they are written.
//! - With full history, window percentiles cover everything recorded so far until a copy ten
//!   seconds old exists; Locust writes 0 until its first snapshot is two seconds old.

mod columns;
mod dialect;
mod error;
mod exceptions;
mod failures;
mod files;
mod history;
mod python;
mod replace;
mod stats;
mod window;

pub use error::{CsvError, FileError};
pub use exceptions::write_exceptions_csv;
pub use failures::write_failures_csv;
pub use files::CsvFiles;
pub use history::StatsHistoryWriter;
pub use stats::write_stats_csv;
