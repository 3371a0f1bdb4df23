//! Pass/fail thresholds for CI (`--threshold`): rules, their evaluation on a run view, and the
//! verdict every report prints. The grammar, the metrics and the exit codes are documented in
//! docs/thresholds.md.
//!
//! What the binary does with them:
//! 1. before the run, [`Thresholds::parse_all`] (or [`Threshold::parse`] per rule) rejects a
//!    malformed rule with a message that quotes it;
//! 2. with `--threshold-abort`, on each new view, [`Thresholds::abort_reason`] with
//!    [`DEFAULT_ABORT_WARM_UP`] says whether to stop, and why;
//! 3. at the end, [`Thresholds::evaluate_all`] on the final view gives the verdicts for the
//!    console ([`crate::console::write_thresholds`]), JSON and HTML reports, and
//!    [`exit_code`] turns them into the process exit code.

mod abort;
mod comparison;
mod error;
mod exit_code;
mod measure;
mod metric;
mod parse;
mod rule;
mod selector;
mod set;
mod verdict;

pub use abort::{AbortWhen, DEFAULT_ABORT_WARM_UP};
pub use error::ParseThresholdError;
pub use exit_code::{THRESHOLD_FAILED_EXIT_CODE, exit_code};
pub use rule::Threshold;
pub use set::{Thresholds, all_passed};
pub use verdict::{NO_DATA, Verdict};
