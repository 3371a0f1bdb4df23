//! `--threshold` rules: every kind parses to the rule meant, and malformed rules are rejected
//! before the run with a message that quotes the rule and shows a correct one.

use locusta_report::thresholds::{Threshold, Thresholds};

use crate::thresholds_views::rule;

/// `(as written, canonical form, limit in the metric's unit, unit)`.
const WELL_FORMED: &[(&str, &str, f64, &str)] = &[
    ("p95<500ms", "p95<500ms", 500.0, "ms"),
    (
        "p99<1s for GET /checkout",
        "p99<1000ms for GET /checkout",
        1000.0,
        "ms",
    ),
    ("error-rate<1%", "error-rate<1%", 1.0, "%"),
    ("rps>=200", "rps>=200", 200.0, "req/s"),
    ("avg<200ms", "avg<200ms", 200.0, "ms"),
    ("min>=0.5ms", "min>=0.5ms", 0.5, "ms"),
    ("max<=2s", "max<=2000ms", 2000.0, "ms"),
    ("med<100", "med<100ms", 100.0, "ms"),
    ("median<100ms", "med<100ms", 100.0, "ms"),
    ("p50>1ms", "p50>1ms", 1.0, "ms"),
    ("p99.9<1.5s", "p99.9<1500ms", 1500.0, "ms"),
    ("p99.99<=0.3s", "p99.99<=300ms", 300.0, "ms"),
    ("p100<3s", "p100<3000ms", 3000.0, "ms"),
    ("fail-ratio<=0.5%", "error-rate<=0.5%", 0.5, "%"),
    ("failure_rate>0%", "error-rate>0%", 0.0, "%"),
    ("error-rate<=100%", "error-rate<=100%", 100.0, "%"),
    ("rps>10/s", "rps>10", 10.0, "req/s"),
    ("rps<12.5 req/s", "rps<12.5", 12.5, "req/s"),
    ("requests>=1000", "requests>=1000", 1000.0, ""),
    ("failures<1", "failures<1", 1.0, ""),
    // Whitespace anywhere between the parts, and any case for keywords, units and methods.
    (
        "  P95 < 0.5 S  FOR  get   /checkout ",
        "p95<500ms for GET /checkout",
        500.0,
        "ms",
    ),
    (
        "error-rate <= 1 % for POST /cart",
        "error-rate<=1% for POST /cart",
        1.0,
        "%",
    ),
    (
        "AVG<1s for /checkout",
        "avg<1000ms for /checkout",
        1000.0,
        "ms",
    ),
    // Names with spaces: whole text, or quoted to be literal.
    (
        "avg<1s for Login page",
        "avg<1000ms for \"Login page\"",
        1000.0,
        "ms",
    ),
    (
        "avg<1s for 'Get user'",
        "avg<1000ms for \"Get user\"",
        1000.0,
        "ms",
    ),
    (
        "p90<2s for grpc \"Say hello\"",
        "p90<2000ms for grpc \"Say hello\"",
        2000.0,
        "ms",
    ),
    (
        "max<1s for GRPC Say/Hello",
        "max<1000ms for GRPC Say/Hello",
        1000.0,
        "ms",
    ),
    (
        "p95<1s for /search for books",
        "p95<1000ms for \"/search for books\"",
        1000.0,
        "ms",
    ),
];

#[test]
fn every_kind_of_rule_parses_to_the_rule_meant() {
    for &(written, canonical, limit, unit) in WELL_FORMED {
        let threshold = rule(written);
        assert_eq!(threshold.to_string(), canonical, "{written:?}");
        assert_eq!(threshold.limit(), limit, "{written:?}");
        assert_eq!(threshold.unit(), unit, "{written:?}");
        assert_eq!(
            threshold.source(),
            written.trim(),
            "reports show the rule as written"
        );
    }
}

#[test]
fn the_canonical_form_reads_back_as_the_same_rule() {
    for &(written, _, _, _) in WELL_FORMED {
        let threshold = rule(written);
        let reread = rule(&threshold.to_string());
        assert_eq!(reread.to_string(), threshold.to_string(), "{written:?}");
        assert_eq!(reread.limit(), threshold.limit(), "{written:?}");
    }
}

#[test]
fn from_str_and_parse_agree() {
    let parsed: Threshold = "p95<500ms for GET /checkout".parse().unwrap();
    assert_eq!(Threshold::parse("p95<500ms for GET /checkout"), Ok(parsed));
}

/// `(rule, the whole message)`.
const MALFORMED: &[(&str, &str)] = &[
    (
        "",
        "rule '': the rule is empty; write e.g. p95<500ms or error-rate<1% for GET /checkout",
    ),
    (
        "   ",
        "rule '   ': the rule is empty; write e.g. p95<500ms or error-rate<1% for GET /checkout",
    ),
    (
        "latency<500ms",
        "rule 'latency<500ms': unknown metric 'latency'; expected avg, min, max, med, pNN (e.g. p95, p99.9), error-rate, rps, requests or failures",
    ),
    (
        "p<500ms",
        "rule 'p<500ms': unknown metric 'p'; expected avg, min, max, med, pNN (e.g. p95, p99.9), error-rate, rps, requests or failures",
    ),
    (
        "p95",
        "rule 'p95': missing comparison after 'p95'; use <, <=, > or >=, e.g. p95<500ms",
    ),
    (
        "p95 500ms",
        "rule 'p95 500ms': missing comparison after 'p95'; use <, <=, > or >=, e.g. p95<500ms",
    ),
    (
        "p95<",
        "rule 'p95<': missing limit after '<'; write e.g. p95<500ms",
    ),
    (
        "<500ms",
        "rule '<500ms': missing metric before '<'; expected avg, min, max, med, pNN (e.g. p95, p99.9), error-rate, rps, requests or failures",
    ),
    (
        "p95<abc",
        "rule 'p95<abc': 'abc' is not a duration (ms or s); write e.g. p95<500ms",
    ),
    (
        "p95<=500m",
        "rule 'p95<=500m': '500m' is not a duration (ms or s); write e.g. p95<=500ms",
    ),
    (
        "avg<-5ms",
        "rule 'avg<-5ms': '-5ms' is not a duration (ms or s); write e.g. avg<500ms",
    ),
    (
        "avg<.5s",
        "rule 'avg<.5s': '.5s' is not a duration (ms or s); write e.g. avg<500ms",
    ),
    (
        "p95<500ms extra",
        "rule 'p95<500ms extra': '500ms extra' is not a duration (ms or s); write e.g. p95<500ms",
    ),
    (
        "p0<1s",
        "rule 'p0<1s': 'p0' is not a percentile; write p followed by a number above 0 and at most 100, e.g. p95 or p99.9",
    ),
    (
        "p101<1s",
        "rule 'p101<1s': 'p101' is not a percentile; write p followed by a number above 0 and at most 100, e.g. p95 or p99.9",
    ),
    (
        "p99.<1s",
        "rule 'p99.<1s': 'p99.' is not a percentile; write p followed by a number above 0 and at most 100, e.g. p95 or p99.9",
    ),
    (
        "error-rate<5ms",
        "rule 'error-rate<5ms': '5ms' is not a percentage; write e.g. error-rate<1%",
    ),
    (
        "error-rate<1",
        "rule 'error-rate<1': '1' needs a % sign (error-rate is a percentage of requests, and a bare number could be read as a percentage or as a ratio); write e.g. error-rate<1%",
    ),
    (
        "fail-ratio<150%",
        "rule 'fail-ratio<150%': '150%' is more than 100%; write e.g. error-rate<1%",
    ),
    (
        "rps<10ms",
        "rule 'rps<10ms': '10ms' is not a rate (requests per second); write e.g. rps<200",
    ),
    (
        "rps>=2%",
        "rule 'rps>=2%': '2%' is not a rate (requests per second); write e.g. rps>=200",
    ),
    (
        "requests>=10.5",
        "rule 'requests>=10.5': '10.5' is not a whole number (requests is a count); write e.g. requests>=1000",
    ),
    (
        "failures<1%",
        "rule 'failures<1%': '1%' is not a whole number (failures is a count); write e.g. failures<1000",
    ),
    (
        "p95==500ms",
        "rule 'p95==500ms': '==' is not a comparison; use <, <=, > or >=, e.g. p95<500ms",
    ),
    (
        "avg=500ms",
        "rule 'avg=500ms': '=' is not a comparison; use <, <=, > or >=, e.g. avg<500ms",
    ),
    (
        "p95<500ms for",
        "rule 'p95<500ms for': 'for' needs an entry after it, e.g. 'for GET /checkout' or 'for /checkout'",
    ),
    (
        "p95<500ms for   ",
        "rule 'p95<500ms for   ': 'for' needs an entry after it, e.g. 'for GET /checkout' or 'for /checkout'",
    ),
    (
        "p95<500ms for post",
        "rule 'p95<500ms for post': 'for post' names a method but no entry; write e.g. 'for POST /checkout'",
    ),
    (
        "p95<500ms for 'Login page",
        "rule 'p95<500ms for 'Login page': the entry name after ' needs a closing ' at the end of the rule",
    ),
    (
        "p95<500ms for GET \"/a\" /b",
        "rule 'p95<500ms for GET \"/a\" /b': the entry name after \" needs a closing \" at the end of the rule",
    ),
    (
        "p95<500ms for ''",
        "rule 'p95<500ms for ''': the entry name in quotes is empty",
    ),
    (
        "p95<abc for",
        "rule 'p95<abc for': 'abc' is not a duration (ms or s); write e.g. p95<500ms",
    ),
    (
        "for /checkout",
        "rule 'for /checkout': missing the condition before 'for'; write e.g. p95<500ms for GET /checkout",
    ),
];

#[test]
fn malformed_rules_are_rejected_with_a_message_that_says_what_to_write() {
    for &(written, message) in MALFORMED {
        let error = Threshold::parse(written).expect_err(written);
        assert_eq!(error.to_string(), message);
        assert_eq!(error.rule(), written);
        assert!(message.ends_with(error.problem()));
    }
}

#[test]
fn a_set_of_rules_is_rejected_at_its_first_malformed_rule() {
    let error = Thresholds::parse_all(["p95<500ms", "rps>=fast", "latency<1s"]).unwrap_err();
    assert_eq!(error.rule(), "rps>=fast");

    let rules = Thresholds::parse_all(["p95<500ms", "error-rate<1%"]).unwrap();
    let sources: Vec<_> = rules.rules().iter().map(Threshold::source).collect();
    assert_eq!(
        sources,
        ["p95<500ms", "error-rate<1%"],
        "command-line order"
    );
    assert!(
        Thresholds::parse_all(Vec::<String>::new())
            .unwrap()
            .is_empty()
    );
}
