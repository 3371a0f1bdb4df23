//! Rules checked on real run views: a passing and a failing rule of each kind, the entries a
//! `for` clause selects, and rules with nothing to measure.
//!
//! Values of the fixture run (`fixture.rs`, hand-computed in `console_golden.rs`), Aggregated:
//! 14 requests, 4 failed (28.571 %), 13 timed summing to 491.5 ms (avg 37.808 ms), min 0.5 ms,
//! max 210 ms, 10 s long (1.4 req/s). Sorted times 0.5 1 2 3 4 5 5 7 9 19 25 201 210: the median
//! is the 7th (5 ms, whose HDR bucket tops at 5.023 ms), p90 the 12th (201 ms → 201.727 ms),
//! p95 the 13th (210 ms, clamped to the exact maximum).

use locusta_report::thresholds::{Thresholds, Verdict, all_passed};
use locusta_stats::RunView;

use crate::fixture::{empty_view, view};
use crate::thresholds_views::{request, rule, times, view_of};

fn passes(rule_text: &str, view: &RunView) -> bool {
    rule(rule_text).evaluate(view).passed
}

/// Each pair is a rule that holds on the fixture run and the nearest one that does not.
const PASS_FAIL_PAIRS: &[(&str, &str)] = &[
    ("p95<=210ms", "p95<210ms"),
    ("p90<202ms", "p90<201.7ms"),
    ("p99.9<=0.21s", "p99.9<0.2s"),
    ("p100<=210ms", "p100<210ms"),
    ("p50>5ms", "p50>5.1ms"),
    ("med<5.1ms", "med<5ms"),
    ("median>=5ms", "median>5.1ms"),
    ("avg<37.81ms", "avg<37.8ms"),
    ("avg>37.8ms", "avg>=37.81ms"),
    ("min>=0.5ms", "min>0.5ms"),
    ("min<1ms", "min<0.5ms"),
    ("max<=210ms", "max<210ms"),
    ("max>0.2s", "max>0.21s"),
    ("error-rate<28.6%", "error-rate<28.5%"),
    ("error-rate>28.5%", "error-rate<=1%"),
    ("rps>=1.4", "rps>1.4"),
    ("rps<=1.4", "rps<1.4"),
    ("requests>=14", "requests>14"),
    ("requests<15", "requests<14"),
    ("failures<=4", "failures<4"),
    ("failures>3", "failures>4"),
];

#[test]
fn a_passing_and_a_failing_rule_of_each_kind() {
    let view = view();
    for &(passing, failing) in PASS_FAIL_PAIRS {
        assert!(passes(passing, &view), "{passing} should pass");
        assert!(!passes(failing, &view), "{failing} should fail");
    }
}

#[test]
fn a_verdict_carries_the_rule_as_written_with_value_limit_and_unit() {
    let view = view();
    let verdict = |text: &str| rule(text).evaluate(&view);
    assert_eq!(
        verdict(" p99 < 1s "),
        Verdict {
            rule: "p99 < 1s".into(),
            actual: Some(210.0),
            limit: 1000.0,
            unit: "ms",
            passed: true,
        }
    );
    assert_eq!(verdict("max<=210ms").actual, Some(210.0));
    assert_eq!(verdict("min>0ms").actual, Some(0.5));
    assert_eq!(verdict("requests>0").actual, Some(14.0));
    assert_eq!(verdict("failures<1").actual, Some(4.0));
    assert_eq!(verdict("failures<1").unit, "");
    assert_eq!(verdict("rps>1").actual, Some(1.4));
    assert_eq!(verdict("rps>1").unit, "req/s");
    let error_rate = verdict("error-rate<1%");
    assert_eq!(error_rate.unit, "%");
    assert!((error_rate.actual.unwrap() - 400.0 / 14.0).abs() < 1e-12);
    assert!(!error_rate.passed);
}

#[test]
fn percentiles_are_the_unrounded_hdr_values() {
    // `/slow` took 201 ms and 210 ms: its median is 201 ms's HDR bucket top, 201.727 ms, which
    // the percentile table prints as 202 and the stats table as 201.
    let view = view();
    assert_eq!(rule("med<1s for GET /slow").measure(&view), Some(201.727));
    assert!(passes("p50<=201.727ms for GET /slow", &view));
    assert!(!passes("p50<201.727ms for GET /slow", &view));
    assert!(!passes("p50<=201.7ms for GET /slow", &view));
}

#[test]
fn limits_on_exact_values_compare_as_written() {
    // 29 failures in 100 requests is exactly 29 %, not 28.999999999999996.
    let mut requests = times(71, request("GET", "/", 10));
    requests.extend(times(29, request("GET", "/", 10).failed()));
    let view = view_of(&requests);
    assert!(passes("error-rate>=29%", &view));
    assert!(passes("error-rate<=29%", &view));
    assert!(!passes("error-rate<29%", &view));
    // 300 ms written in seconds is the same limit.
    let view = view_of(&[request("GET", "/", 300)]);
    assert!(passes("max<=0.3s", &view));
    assert!(!passes("max<0.3s", &view));
}

/// GET /cart: ten requests of 10 ms; POST /cart: ten of 100 ms, five of them failed; GET /:
/// one of 1 s, finishing 10 s into the run (so rates are per 10 s).
fn cart_view() -> RunView {
    let mut requests = times(10, request("GET", "/cart", 10));
    requests.extend(times(5, request("POST", "/cart", 100)));
    requests.extend(times(5, request("POST", "/cart", 100).failed()));
    requests.push(request("GET", "/", 1000).at(10));
    view_of(&requests)
}

#[test]
fn for_method_and_name_selects_that_entry() {
    let view = cart_view();
    assert!(passes("max<=10ms for GET /cart", &view));
    assert!(passes("error-rate<=0% for get /cart", &view));
    assert!(passes("error-rate>=50% for POST /cart", &view));
    assert!(passes("requests<=10 for POST /cart", &view));
    assert!(!passes("requests>10 for POST /cart", &view));
    // All ten GET samples are 10 ms, so every percentile is clamped to the exact maximum.
    assert!(passes("p75<=10ms for GET /cart", &view));
}

#[test]
fn for_a_name_alone_merges_its_methods() {
    let view = cart_view();
    assert!(!passes("max<=10ms for /cart", &view));
    assert!(passes("max<=100ms for /cart", &view));
    assert!(passes("min<=10ms for /cart", &view));
    assert!(passes("requests>=20 for /cart", &view));
    assert!(passes("failures<=5 for /cart", &view));
    // 5 of 20, exactly 25 %.
    assert!(passes("error-rate<=25% for /cart", &view));
    assert!(!passes("error-rate<25% for /cart", &view));
    // 20 samples: the 75th percentile is the 15th, a POST (100 ms); the median the 10th, a GET.
    assert_eq!(rule("p75<1s for /cart").measure(&view), Some(100.0));
    assert!(passes("p50<=10.1ms for /cart", &view));
    assert_eq!(rule("avg<1s for /cart").measure(&view), Some(55.0));
    // 20 requests of /cart in 10 s, whatever their method.
    assert_eq!(rule("rps>1 for /cart").measure(&view), Some(2.0));
    // The Aggregated row includes the 1 s request of GET /.
    assert!(!passes("max<=100ms", &view));
}

#[test]
fn merging_methods_gives_what_one_entry_of_all_those_requests_would() {
    // When /cart is all the run did, `for /cart` over its two methods must measure exactly what
    // the stats crate's own Aggregated row measures.
    let mut requests = Vec::new();
    for i in 0..60u64 {
        requests.push(request("GET", "/cart", 1 + i).at(1 + i % 10));
    }
    for i in 0..40u64 {
        let post = request("POST", "/cart", 100 + 7 * i).at(1 + i % 10);
        requests.push(if i % 4 == 0 { post.failed() } else { post });
    }
    let view = view_of(&requests);
    for metric in [
        "avg",
        "min",
        "max",
        "med",
        "p66",
        "p90",
        "p95",
        "p99",
        "p99.9",
        "p100",
        "error-rate",
        "requests",
        "failures",
    ] {
        let limit = if metric == "error-rate" { "1%" } else { "1" };
        let merged = rule(&format!("{metric}<{limit} for /cart")).measure(&view);
        let aggregated = rule(&format!("{metric}<{limit}")).measure(&view);
        assert!(merged.is_some());
        assert_eq!(merged, aggregated, "{metric}");
    }
    // Rates are summed per method (60/10 + 40/10), the total divides once: equal up to rounding.
    let merged = rule("rps<1 for /cart").measure(&view).unwrap();
    let aggregated = rule("rps<1").measure(&view).unwrap();
    assert!(
        (merged - aggregated).abs() < 1e-12,
        "{merged} vs {aggregated}"
    );
}

#[test]
fn a_rule_with_nothing_to_measure_fails_with_no_value() {
    let view = view();
    for text in [
        "p95<500ms for GET /nothing",
        "failures<1 for GET /nothing",
        "requests<1 for GET /nothing",
        "error-rate<1% for POST /",
        "rps<1000 for POST /",
    ] {
        let verdict = rule(text).evaluate(&view);
        assert_eq!(verdict.actual, None, "{text}");
        assert!(
            !verdict.passed,
            "{text}: a threshold never passes on no data"
        );
    }
    // An empty run: even "no failures" fails, so a run that did nothing cannot go green.
    let empty = empty_view();
    for text in ["failures<1", "requests<1", "error-rate<=0%", "avg<1s"] {
        assert_eq!(rule(text).evaluate(&empty).actual, None, "{text}");
        assert!(!passes(text, &empty), "{text}");
    }
}

#[test]
fn untimed_requests_count_but_have_no_response_time() {
    // GET /stream was counted once without a response time.
    let view = view();
    assert!(passes("requests>=1 for GET /stream", &view));
    assert!(passes("error-rate<=0% for GET /stream", &view));
    assert_eq!(rule("max<1s for GET /stream").measure(&view), None);
    assert!(!passes("max<1s for GET /stream", &view));
    // …and do not dilute response-time statistics of a mixed selection.
    let mixed = view_of(&[request("GET", "/x", 40), request("POST", "/x", 0).untimed()]);
    assert_eq!(rule("avg<1s for /x").measure(&mixed), Some(40.0));
    assert_eq!(rule("requests<9 for /x").measure(&mixed), Some(2.0));
}

#[test]
fn a_set_is_evaluated_in_order() {
    let view = view();
    let rules = Thresholds::parse_all(["requests>=14", "p95<100ms", "error-rate<50%"]).unwrap();
    let verdicts = rules.evaluate_all(&view);
    let outcome: Vec<_> = verdicts
        .iter()
        .map(|v| (v.rule.as_str(), v.passed))
        .collect();
    assert_eq!(
        outcome,
        [
            ("requests>=14", true),
            ("p95<100ms", false),
            ("error-rate<50%", true)
        ]
    );
    assert!(!all_passed(&verdicts));
    assert!(all_passed(&verdicts[..1]));
    assert!(all_passed(&[]), "no rules, nothing failed");
}
