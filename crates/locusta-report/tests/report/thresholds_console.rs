//! The console "Thresholds" table.

use locusta_report::console::write_thresholds;
use locusta_report::thresholds::{Thresholds, Verdict};

use crate::fixture::{render, view};

/// The fixture run's verdicts for five rules (values in `thresholds_evaluate.rs`): p95 is
/// 210 ms, the error rate 4/14, GET / made 5 requests in 10 s, GET /slow's median is 201.727 ms,
/// and there is no GET /nothing.
fn fixture_verdicts() -> Vec<Verdict> {
    Thresholds::parse_all([
        "p95<500ms",
        "error-rate<1%",
        "rps>=1 for GET /",
        "p50<=201.727ms for GET /slow",
        "avg<1s for GET /nothing",
    ])
    .unwrap()
    .evaluate_all(&view())
}

#[test]
fn the_table_lists_each_rule_with_value_limit_and_outcome() {
    // Columns: the longest rule (28 characters), then Actual and Limit right-aligned to their
    // longest cell ("201.727 ms", 10), then Result; `|` separators fall in the gaps.
    let expected = [
        "Thresholds",
        "Rule                             Actual      Limit Result",
        "----------------------------|----------|----------|------",
        "p95<500ms                        210 ms     500 ms PASS",
        "error-rate<1%                   28.571%         1% FAIL",
        "rps>=1 for GET /              0.5 req/s    1 req/s FAIL",
        "p50<=201.727ms for GET /slow 201.727 ms 201.727 ms PASS",
        "avg<1s for GET /nothing         no data    1000 ms FAIL",
        "----------------------------|----------|----------|------",
        "2 of 5 thresholds passed",
        "",
    ];
    let text = render(|out| write_thresholds(&fixture_verdicts(), out));
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);
    assert!(
        text.ends_with("passed\n\n"),
        "an empty line follows, as after every table"
    );
}

#[test]
fn no_rules_print_nothing() {
    assert_eq!(render(|out| write_thresholds(&[], out)), "");
}

#[test]
fn one_rule_is_one_threshold() {
    let verdicts = Thresholds::parse_all(["max<1s"])
        .unwrap()
        .evaluate_all(&view());
    let text = render(|out| write_thresholds(&verdicts, out));
    assert!(text.ends_with("\n1 of 1 threshold passed\n\n"), "{text}");
}

#[test]
fn columns_widen_to_fit_and_count_characters_not_bytes() {
    let verdicts = Thresholds::parse_all([
        "requests>0 for GET /ça/été",
        "p99.9<1s for GET /a/much/longer/path/than/the/header",
    ])
    .unwrap()
    .evaluate_all(&view());
    let text = render(|out| write_thresholds(&verdicts, out));
    let lines: Vec<_> = text.lines().collect();
    let width = |line: &str| line.chars().count();
    // Header and separators are equally wide; rows end two characters earlier, at a 4-letter
    // PASS/FAIL under the 6-letter "Result", so every Actual and Limit cell lines up.
    let header = width(lines[1]);
    assert_eq!(width(lines[2]), header);
    assert_eq!(width(lines[5]), header);
    for row in &lines[3..5] {
        assert_eq!(width(row), header - 2, "{row:?}");
    }
    assert!(lines[3].starts_with("requests>0 for GET /ça/été "));
    assert!(lines[4].starts_with("p99.9<1s for GET /a/much/longer/path/than/the/header "));
}
