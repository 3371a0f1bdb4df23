//! `--threshold-abort`: which failing rules stop a run, and when.

use std::time::Duration;

use locusta_report::thresholds::{AbortWhen, DEFAULT_ABORT_WARM_UP, Thresholds};

use crate::thresholds_views::{request, rule, times, view_at};

const CLASSES: &[(AbortWhen, &[&str])] = &[
    (
        AbortWhen::Certain,
        &[
            "max<1s",
            "max<=1s for GET /x",
            "p100<1s",
            "min>1ms",
            "min>=1ms",
            "requests<100",
            "requests<=100",
            "failures<1",
            "failures<=5 for /x",
        ],
    ),
    (
        AbortWhen::AfterWarmUp,
        &[
            "avg<1s",
            "avg>1ms",
            "med<1s",
            "p95<1s",
            "p99.99<1s",
            "p99.9>1ms",
            "error-rate<1%",
            "error-rate>1%",
            "rps<100",
            "rps<=100",
        ],
    ),
    (
        AbortWhen::Never,
        &[
            "max>1s",
            "max>=1s",
            "p100>1s",
            "min<1ms",
            "min<=1ms",
            "requests>100",
            "requests>=100",
            "failures>0",
            "failures>=1",
            "rps>100",
            "rps>=100 for /x",
        ],
    ),
];

#[test]
fn each_rule_has_its_abort_class() {
    for &(class, rules) in CLASSES {
        for text in rules {
            assert_eq!(rule(text).abort_when(), class, "{text}");
        }
    }
}

#[test]
fn a_rule_that_can_no_longer_pass_stops_the_run_at_once() {
    let age = 2; // well inside the warm-up
    let slow = view_at(age, &[request("GET", "/", 1200), request("GET", "/", 3)]);
    for text in [
        "max<1s",
        "max<=1.1s for GET /",
        "p100<1s",
        "min>5ms",
        "requests<2",
    ] {
        let threshold = rule(text);
        assert!(threshold.can_no_longer_pass(&slow), "{text}");
        assert!(
            threshold.justifies_abort(&slow, DEFAULT_ABORT_WARM_UP),
            "{text}"
        );
    }
    for text in [
        "max<2s",
        "min>1ms",
        "requests<3",
        "failures<1",
        "max<1s for POST /",
    ] {
        let threshold = rule(text);
        assert!(!threshold.can_no_longer_pass(&slow), "{text}");
        assert!(
            !threshold.justifies_abort(&slow, DEFAULT_ABORT_WARM_UP),
            "{text}"
        );
    }
    let failing = view_at(age, &times(2, request("GET", "/", 5).failed()));
    assert!(rule("failures<=1").can_no_longer_pass(&failing));
    assert!(!rule("failures<=2").can_no_longer_pass(&failing));
}

#[test]
fn a_forecast_stops_the_run_only_after_the_warm_up() {
    let warm_up = DEFAULT_ABORT_WARM_UP.as_secs();
    let mut requests = times(90, request("GET", "/", 900));
    requests.extend(times(10, request("GET", "/", 100).failed()));
    let early = view_at(warm_up - 1, &requests);
    let warm = view_at(warm_up, &requests);
    for text in ["p95<500ms", "avg<500ms", "med<800ms", "error-rate<5%"] {
        let threshold = rule(text);
        assert!(
            !threshold.can_no_longer_pass(&warm),
            "{text}: never certain"
        );
        assert!(
            !threshold.justifies_abort(&early, DEFAULT_ABORT_WARM_UP),
            "{text}"
        );
        assert!(
            threshold.justifies_abort(&warm, DEFAULT_ABORT_WARM_UP),
            "{text}"
        );
        assert!(threshold.justifies_abort(&early, Duration::ZERO), "{text}");
    }
    // Passing rules, and rules with no data yet, never stop a run.
    for text in ["p95<1s", "error-rate<20%", "p95<500ms for GET /checkout"] {
        assert!(
            !rule(text).justifies_abort(&warm, DEFAULT_ABORT_WARM_UP),
            "{text}"
        );
    }
}

#[test]
fn a_rate_cap_is_a_forecast_but_a_rate_floor_never_stops_a_run() {
    // 100 requests over the first 10 s: 10 req/s, seen long after the warm-up.
    let requests: Vec<_> = (0..100)
        .map(|i| request("GET", "/", 5).at(1 + i % 10))
        .collect();
    let view = view_at(600, &requests);
    assert!(rule("rps<5").justifies_abort(&view, DEFAULT_ABORT_WARM_UP));
    assert!(!rule("rps>=200").justifies_abort(&view, DEFAULT_ABORT_WARM_UP));
    assert!(
        !rule("rps>=200").evaluate(&view).passed,
        "it fails, but may still pass"
    );
}

#[test]
fn rules_a_growing_statistic_can_still_meet_never_stop_a_run() {
    let view = view_at(3_600, &times(10, request("GET", "/", 5)));
    for text in ["requests>=1000", "failures>=1", "max>1s", "min<1ms"] {
        let threshold = rule(text);
        assert!(!threshold.evaluate(&view).passed, "{text} fails now");
        assert!(!threshold.justifies_abort(&view, Duration::ZERO), "{text}");
        assert!(!threshold.can_no_longer_pass(&view), "{text}");
    }
}

#[test]
fn the_abort_reason_is_the_first_rule_that_justifies_stopping() {
    let rules =
        Thresholds::parse_all(["requests>=1000", "p95<500ms", "max<1s", "failures<1"]).unwrap();
    let mut requests = times(50, request("GET", "/", 800));
    requests.push(request("GET", "/", 1200));

    let warm = view_at(60, &requests);
    let reason = rules.abort_reason(&warm, DEFAULT_ABORT_WARM_UP).unwrap();
    assert_eq!(reason.rule, "p95<500ms");
    assert!(!reason.passed);
    assert!(reason.actual.unwrap() >= 800.0);

    let early = view_at(5, &requests);
    let reason = rules.abort_reason(&early, DEFAULT_ABORT_WARM_UP).unwrap();
    assert_eq!(
        reason.rule, "max<1s",
        "before the warm-up only certainties count"
    );

    let healthy = view_at(60, &times(50, request("GET", "/", 100)));
    assert_eq!(rules.abort_reason(&healthy, DEFAULT_ABORT_WARM_UP), None);
}
