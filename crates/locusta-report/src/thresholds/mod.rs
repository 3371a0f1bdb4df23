//! Pass/fail thresholds for CI (`--threshold`): rules, their evaluation on a run view, and the
//! verdict every report prints.

mod verdict;

pub use verdict::Verdict;
