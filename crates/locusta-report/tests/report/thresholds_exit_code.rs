//! Exit codes with thresholds, as docs/thresholds.md documents them.

use locusta_report::thresholds::{THRESHOLD_FAILED_EXIT_CODE, Thresholds, Verdict, exit_code};

use crate::fixture::view;

/// Locust's codes: success, `--exit-code-on-error`'s default, usage errors and unhandled
/// exceptions, distribution errors (−1), and a second Ctrl-C.
const LOCUST_CODES: [i32; 5] = [0, 1, 2, 255, 130];

fn verdicts(rules: &[&str]) -> Vec<Verdict> {
    Thresholds::parse_all(rules).unwrap().evaluate_all(&view())
}

#[test]
fn the_threshold_code_is_distinct_from_locusts_and_fits_an_exit_status() {
    assert!(!LOCUST_CODES.contains(&THRESHOLD_FAILED_EXIT_CODE));
    assert!(u8::try_from(THRESHOLD_FAILED_EXIT_CODE).is_ok());
}

#[test]
fn a_failed_threshold_wins_over_locusts_rule() {
    // The fixture run has failures, so Locust's rule alone would give --exit-code-on-error.
    let failed = verdicts(&["requests>=14", "p95<100ms"]);
    for locust_code in [0, 1, 42] {
        assert_eq!(
            exit_code(&failed, false, locust_code),
            THRESHOLD_FAILED_EXIT_CODE
        );
    }
}

#[test]
fn passing_thresholds_leave_locusts_rule_in_charge() {
    let passed = verdicts(&["requests>=14", "p95<1s"]);
    assert_eq!(exit_code(&passed, false, 0), 0);
    assert_eq!(
        exit_code(&passed, false, 1),
        1,
        "failed requests still count"
    );
    assert_eq!(exit_code(&[], false, 1), 1, "no rules: Locust's rule alone");
    assert_eq!(exit_code(&[], false, 0), 0);
}

#[test]
fn a_run_stopped_by_threshold_abort_fails_even_if_the_final_numbers_pass() {
    let passed = verdicts(&["requests>=14"]);
    assert_eq!(exit_code(&passed, true, 0), THRESHOLD_FAILED_EXIT_CODE);
}
