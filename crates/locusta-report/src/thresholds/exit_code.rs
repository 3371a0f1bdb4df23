//! The exit code of a run with thresholds.

use super::set::all_passed;
use super::verdict::Verdict;

/// The process exit code when a `--threshold` rule failed (or `--threshold-abort` stopped the
/// run). Distinct from every code Locust uses: 0 (success), 1 (the default
/// `--exit-code-on-error`, and start-up errors), 2 (usage errors, unhandled exceptions), −1/255
/// (distribution errors), 130 (a second Ctrl-C), so CI can tell "too slow" from "broken".
pub const THRESHOLD_FAILED_EXIT_CODE: i32 = 3;

/// The exit code of a finished run: [`THRESHOLD_FAILED_EXIT_CODE`] if a rule failed or
/// `--threshold-abort` stopped the run, otherwise `locust_exit_code`, the code Locust's rules
/// give (0, or `--exit-code-on-error` when a request failed or a task raised an error).
///
/// A failed threshold wins because it is the more specific verdict, and because it is the only
/// way to tell CI about slowness when `--exit-code-on-error 0` tolerates failed requests.
/// Passing thresholds do not hide failures: Locust's rule still applies, so `error-rate<1%`
/// alone does not make a run with 0.5 % failures exit 0 (add `--exit-code-on-error 0` for that).
pub fn exit_code(verdicts: &[Verdict], stopped_by_threshold: bool, locust_exit_code: i32) -> i32 {
    if stopped_by_threshold || !all_passed(verdicts) {
        THRESHOLD_FAILED_EXIT_CODE
    } else {
        locust_exit_code
    }
}
