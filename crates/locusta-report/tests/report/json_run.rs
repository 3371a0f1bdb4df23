//! Our run report: valid against its published JSON Schema, and every value the view's.

use locusta_report::RunMeta;
use locusta_report::json::{RUN_REPORT_SCHEMA_VERSION, RunReport, write_run_json};
use locusta_report::thresholds::Verdict;
use locusta_stats::{PERCENTILES_TO_REPORT, RunView};
use serde_json::Value;

use crate::fixture::{START_UNIX, full_view, render};

/// The schema as published in the repository.
const SCHEMA: &str = include_str!("../../../../docs/schemas/run-report.schema.json");

fn meta() -> RunMeta {
    RunMeta {
        host: Some("http://127.0.0.1:8000".to_owned()),
        locustfile: "locustfile.lua".to_owned(),
        class_names: vec!["Browser".to_owned(), "Api".to_owned()],
        thresholds: vec![
            Verdict {
                rule: "p95<500ms".to_owned(),
                actual: Some(210.0),
                limit: 500.0,
                unit: "ms",
                passed: true,
            },
            Verdict {
                rule: "p95<1ms for GET /nothing".to_owned(),
                actual: None,
                limit: 1.0,
                unit: "ms",
                passed: false,
            },
        ],
    }
}

fn report_json(view: &RunView) -> Value {
    serde_json::from_str(&render(|out| write_run_json(view, &meta(), out))).unwrap()
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    jsonschema::validator_for(&schema).expect("the published schema is a valid JSON Schema")
}

fn schema_errors(document: &Value) -> Vec<String> {
    validator()
        .iter_errors(document)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

#[test]
fn a_recorded_run_validates_against_the_published_schema() {
    let document = report_json(&full_view());
    assert_eq!(schema_errors(&document), Vec::<String>::new());
}

#[test]
fn an_idle_run_validates_too() {
    let idle = crate::fixture::empty_view();
    let document = report_json(&idle);
    assert_eq!(schema_errors(&document), Vec::<String>::new());
    assert_eq!(document["aggregated"]["response_time_ms"], Value::Null);
}

/// The schema is strict enough to catch drift between it and the writer.
#[test]
fn the_schema_rejects_a_document_that_drifted() {
    let valid = report_json(&full_view());
    let mut missing = valid.clone();
    missing.as_object_mut().unwrap().remove("aggregated");
    let mut renamed = valid.clone();
    let entry = renamed["entries"][0].as_object_mut().unwrap();
    let count = entry.remove("num_requests").unwrap();
    entry.insert("requests".to_owned(), count);
    let mut retyped = valid.clone();
    retyped["run"]["start_time_iso"] = Value::from(START_UNIX);
    let mut short = valid;
    short["aggregated"]["response_time_ms"]["percentiles"]
        .as_object_mut()
        .unwrap()
        .remove("0.99");
    for document in [missing, renamed, retyped, short] {
        assert!(!schema_errors(&document).is_empty(), "{document}");
    }
}

#[test]
fn run_information_comes_from_the_view_and_meta() {
    let view = full_view();
    let document = report_json(&view);
    assert_eq!(document["schema_version"], RUN_REPORT_SCHEMA_VERSION);
    let run = &document["run"];
    assert_eq!(run["host"], "http://127.0.0.1:8000");
    assert_eq!(run["locustfile"], "locustfile.lua");
    assert_eq!(run["state"], "running");
    assert_eq!(run["start_time"], START_UNIX as f64);
    assert_eq!(run["start_time_iso"], "2026-11-23T12:16:20Z");
    assert_eq!(run["end_time"], view.now());
    assert_eq!(run["end_time_iso"], "2026-11-23T12:16:30Z");
    assert_eq!(run["duration_secs"], 10.5);
    assert_eq!(run["user_count"], 3);
    assert_eq!(
        document["users_by_class"],
        serde_json::json!([{"name": "Browser", "users": 2}, {"name": "Api", "users": 1}])
    );
    assert_eq!(
        document["thresholds"],
        serde_json::json!([
            {"rule": "p95<500ms", "actual": 210.0, "limit": 500.0, "unit": "ms", "passed": true},
            {"rule": "p95<1ms for GET /nothing", "actual": null, "limit": 1.0, "unit": "ms",
             "passed": false}
        ])
    );
}

#[test]
fn entries_and_aggregated_carry_the_views_numbers() {
    let view = full_view();
    let document = report_json(&view);
    let mut reported: Vec<&Value> = document["entries"].as_array().unwrap().iter().collect();
    reported.push(&document["aggregated"]);
    let rows = view.rows_with_total();
    assert_eq!(reported.len(), rows.len());
    for (entry, row) in reported.iter().zip(&rows) {
        assert_eq!(entry["method"], row.method());
        assert_eq!(entry["name"], row.name());
        assert_eq!(entry["num_requests"], row.num_requests());
        assert_eq!(entry["num_failures"], row.num_failures());
        assert_eq!(entry["num_none_requests"], row.num_none_requests());
        assert_eq!(entry["fail_ratio"], row.fail_ratio());
        assert_eq!(entry["total_rps"], row.total_rps());
        assert_eq!(entry["total_fail_per_sec"], row.total_fail_per_sec());
        assert_eq!(entry["avg_content_length"], row.avg_content_length());
        let times = &entry["response_time_ms"];
        if !row.has_timed_samples() {
            assert_eq!(*times, Value::Null, "{entry}");
            continue;
        }
        assert_eq!(times["avg"], row.avg_response_time_ms());
        assert_eq!(times["min"], row.min_response_time_ms());
        assert_eq!(times["max"], row.max_response_time_ms());
        assert_eq!(times["median"], row.median_response_time_ms());
        for &p in &PERCENTILES_TO_REPORT {
            assert_eq!(times["percentiles"][format!("{p:?}")], row.percentile_ms(p));
        }
    }
    // Hand-checked: 14 requests, 4 failed, one untimed (`/stream`).
    assert_eq!(document["aggregated"]["num_requests"], 14);
    assert_eq!(document["aggregated"]["num_failures"], 4);
    assert_eq!(document["entries"][5]["response_time_ms"], Value::Null);
}

#[test]
fn failures_exceptions_and_history_are_the_views() {
    let view = full_view();
    let document = report_json(&view);
    let failures = document["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 3);
    assert_eq!(failures[0]["error"], view.errors()[0].error());
    assert_eq!(failures[0]["occurrences"], 2);
    assert_eq!(failures[0]["first_seen"], (START_UNIX + 2) as f64);
    assert_eq!(
        document["exceptions"],
        serde_json::json!([{
            "count": 1,
            "message": "ValueError: bad",
            "traceback": "Traceback:\n  line 1\nValueError: bad",
            "nodes": ["local"]
        }])
    );
    let history = document["history"].as_array().unwrap();
    assert_eq!(history.len(), view.history().len());
    assert_eq!(history.len(), 11, "one point per second of the timeline");
    for (point, expected) in history.iter().zip(view.history()) {
        assert_eq!(point["time"], expected.time);
        assert_eq!(point["user_count"], expected.user_count);
        assert_eq!(point["current_rps"], expected.current_rps);
        assert_eq!(point["p95_ms"], expected.p95_ms);
    }
}

#[test]
fn the_document_reads_back_into_the_same_report() {
    let view = full_view();
    let text = render(|out| write_run_json(&view, &meta(), out));
    assert!(text.ends_with("}\n"));
    let read: RunReport = serde_json::from_str(&text).unwrap();
    assert_eq!(read, RunReport::new(&view, &meta()));
}
