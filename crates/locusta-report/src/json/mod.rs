//! JSON outputs: Locust's `--json` document (reference §5.3), and our own report of a whole
//! run with a published schema.
//!
//! - [`write_locust_json`]: what Locust's `--json` prints and `--json-file F` writes to
//!   `F.json`, for tools written against Locust.
//! - [`write_run_json`]: everything a run produced in one documented object ([`RunReport`];
//!   format in `docs/reports.md`, JSON Schema in `docs/schemas/run-report.schema.json`), for
//!   CI jobs and dashboards.
//!
//! Both read the view only; writing them changes nothing, so the console summary printed
//! afterwards is intact (Locust's `--json` zeroes its entries).
//!
//! ```no_run
//! # fn final_view() -> locusta_stats::RunView { unimplemented!() }
//! # fn main() -> std::io::Result<()> {
//! use locusta_report::RunMeta;
//! use locusta_report::json::{write_locust_json, write_run_json};
//!
//! let view = final_view();
//! // `--json`: to standard output.
//! write_locust_json(&view, &mut std::io::stdout().lock())?;
//! // `--json-file results/run`: Locust appends `.json`.
//! let mut file = std::io::BufWriter::new(std::fs::File::create("results/run.json")?);
//! write_locust_json(&view, &mut file)?;
//! // Our run report.
//! let meta = RunMeta { locustfile: "locustfile.lua".into(), ..RunMeta::default() };
//! write_run_json(&view, &meta, &mut std::io::stdout().lock())?;
//! # Ok(())
//! # }
//! ```
//!
//! # Locust's `response_times` from our histogram
//! Locust keeps each response time rounded to about two digits (below 100 ms to the
//! millisecond, below 1 s to 10 ms, below 10 s to 100 ms, else to the second) and writes the
//! count per rounded value. We keep an HDR histogram in microseconds, so each of its buckets
//! (at most 0.79 % wide) is counted at its middle value (the buckets of the exact min and max at
//! those values), then rounded Locust's way. Keys are integers (`"150"`); Locust's are floats
//! from 100 ms up (`"150.0"`), because Python's `round(x, -1)` of a float stays a float.

mod buckets;
mod locust;
mod run_entry;
mod run_report;
mod run_tables;

pub use locust::write_locust_json;
pub use run_entry::{EntryReport, ResponseTimes};
pub use run_report::{RUN_REPORT_SCHEMA_VERSION, RunInfo, RunReport, write_run_json};
pub use run_tables::{ClassUsers, ExceptionReport, FailureReport, HistoryReport, ThresholdReport};
