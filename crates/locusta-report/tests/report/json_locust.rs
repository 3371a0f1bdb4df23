//! Locust's `--json` document: its keys in its order, indented by 4, no Aggregated row, and
//! `response_times` in Locust's rounded buckets.

use locusta_report::json::write_locust_json;
use serde_json::Value;

use crate::fixture::{Timeline, render, view};

/// `StatsEntry.serialize()`'s keys, in Locust's order (reference §5.3).
const LOCUST_KEYS: [&str; 14] = [
    "name",
    "method",
    "last_request_timestamp",
    "start_time",
    "num_requests",
    "num_none_requests",
    "num_failures",
    "total_response_time",
    "max_response_time",
    "min_response_time",
    "total_content_length",
    "response_times",
    "num_reqs_per_sec",
    "num_fail_per_sec",
];

/// The fixture's `/` entry exactly as Python's `json.dumps(…, indent=4)` lays it out: 2, 5, 7,
/// 9 and 25 ms, one request a second from +1 s to +5 s, 11 bytes each.
const ROOT_ENTRY: &str = r#"[
    {
        "name": "/",
        "method": "GET",
        "last_request_timestamp": 1795436185.0,
        "start_time": 1795436181.0,
        "num_requests": 5,
        "num_none_requests": 0,
        "num_failures": 0,
        "total_response_time": 48.0,
        "max_response_time": 25.0,
        "min_response_time": 2.0,
        "total_content_length": 55,
        "response_times": {
            "2": 1,
            "5": 1,
            "7": 1,
            "9": 1,
            "25": 1
        },
        "num_reqs_per_sec": {
            "1795436181": 1,
            "1795436182": 1,
            "1795436183": 1,
            "1795436184": 1,
            "1795436185": 1
        },
        "num_fail_per_sec": {}
    },
"#;

fn document(text: &str) -> Vec<Value> {
    match serde_json::from_str(text).unwrap() {
        Value::Array(entries) => entries,
        other => panic!("not an array: {other}"),
    }
}

#[test]
fn entries_are_laid_out_as_pythons_json_dumps_with_indent_4() {
    let view = view();
    let text = render(|out| write_locust_json(&view, out));
    assert!(text.starts_with(ROOT_ENTRY), "{text}");
    assert!(text.ends_with("\n    }\n]\n"), "{text}");
}

#[test]
fn every_entry_has_locusts_keys_in_locusts_order() {
    let view = view();
    let text = render(|out| write_locust_json(&view, out));
    // Top-level keys of an entry are the lines indented by exactly 8 spaces.
    let keys: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("        \"") && !line.starts_with("         "))
        .map(|line| line.trim_start().split('"').nth(1).unwrap())
        .collect();
    let entries = view.entries().len();
    assert_eq!(keys.len(), LOCUST_KEYS.len() * entries);
    for chunk in keys.chunks(LOCUST_KEYS.len()) {
        assert_eq!(chunk, LOCUST_KEYS);
    }
}

/// Sorted entries without Aggregated; every number as the view has it, in ms.
#[test]
fn values_agree_with_the_view() {
    let view = view();
    let entries = document(&render(|out| write_locust_json(&view, out)));
    let rows = view.entries();
    assert_eq!(entries.len(), rows.len(), "no Aggregated row");
    for (entry, row) in entries.iter().zip(&rows) {
        let stats = row.stats();
        assert_eq!(entry["name"], row.name());
        assert_eq!(entry["method"], row.method());
        assert_eq!(entry["num_requests"], stats.num_requests());
        assert_eq!(entry["num_none_requests"], stats.num_none_requests());
        assert_eq!(entry["num_failures"], stats.num_failures());
        assert_eq!(
            entry["total_response_time"],
            stats.total_response_time_us() as f64 / 1000.0
        );
        assert_eq!(entry["total_content_length"], stats.total_content_length());
        assert_eq!(
            entry["last_request_timestamp"],
            stats.last_request_timestamp().unwrap()
        );
        let counted: u64 = entry["response_times"]
            .as_object()
            .unwrap()
            .values()
            .map(|count| count.as_u64().unwrap())
            .sum();
        assert_eq!(counted, stats.num_timed_requests(), "{entry}");
        let per_second: u64 = entry["num_reqs_per_sec"]
            .as_object()
            .unwrap()
            .values()
            .map(|count| count.as_u64().unwrap())
            .sum();
        assert_eq!(
            per_second,
            stats.num_requests(),
            "all within the kept seconds"
        );
    }
    let names: Vec<&str> = entries
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["/", "/err", "/item?id=[id]", "/missing", "/slow", "/stream"]
    );
}

#[test]
fn failures_and_untimed_requests_read_as_in_locust() {
    let view = view();
    let entries = document(&render(|out| write_locust_json(&view, out)));
    // `/err`: 1, 5 and 0.5 ms, all failed (+2, +6, +7 s). Python's round(0.5) is 0.
    let err = &entries[1];
    assert_eq!(
        err["response_times"],
        serde_json::json!({"0": 1, "1": 1, "5": 1})
    );
    assert_eq!(
        err["num_fail_per_sec"],
        serde_json::json!({"1795436182": 1, "1795436186": 1, "1795436187": 1})
    );
    assert_eq!(err["min_response_time"], 0.5);
    // `/stream`: one request without a response time.
    let stream = &entries[5];
    assert_eq!(stream["min_response_time"], Value::Null);
    assert_eq!(stream["max_response_time"], 0.0);
    assert_eq!(stream["response_times"], serde_json::json!({}));
    assert_eq!(stream["num_none_requests"], 1);
}

/// Locust's own examples: 147 → 150, 3432 → 3400, 58760 → 59000, counted as many times as
/// they happened.
#[test]
fn response_times_are_counted_in_locusts_buckets() {
    let mut requests = vec![("GET", "/", Some(147_000), None); 1000];
    requests.extend([("GET", "/", Some(3_432_000), None); 3]);
    requests.extend([("GET", "/", Some(58_760_000), None); 2]);
    requests.push(("GET", "/", Some(99_600), None));
    let view = Timeline::start().second(1, &requests, 1);
    let entries = document(&render(|out| write_locust_json(&view, out)));
    assert_eq!(
        entries[0]["response_times"],
        serde_json::json!({"100": 1, "150": 1000, "3400": 3, "59000": 2})
    );
}

#[test]
fn writing_resets_nothing() {
    let view = view();
    let first = render(|out| write_locust_json(&view, out));
    let second = render(|out| write_locust_json(&view, out));
    assert_eq!(first, second);
    assert_eq!(view.total().num_requests(), 14);
}

#[test]
fn entries_without_requests_are_left_out() {
    let mut timeline = Timeline::start();
    timeline.second(1, &[("GET", "/", Some(1_000), None)], 1);
    timeline.reset(2);
    let view = timeline.second(2, &[], 1);
    assert_eq!(view.entries().len(), 1, "the entry is kept, zeroed");
    assert_eq!(render(|out| write_locust_json(&view, out)), "[]\n");
}
