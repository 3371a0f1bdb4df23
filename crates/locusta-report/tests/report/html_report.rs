//! The HTML report as a file: self-contained, escaped, and holding the run's rows, failures,
//! exceptions, thresholds and chart history. (The browser test in locusta-web checks that it
//! draws.)

use std::sync::Arc;
use std::time::Duration;

use locusta_report::RunMeta;
use locusta_report::html::write_html_report;
use locusta_report::thresholds::Verdict;
use locusta_stats::{Clock, HistoryPoint, Outcome, Recorder, RunState, RunView, Snapshot};
use tokio::time::Instant;

use crate::fixture::{self, START_UNIX, render};
use crate::html_page::{chart_data, fact, references, row_named, table_rows};

const SCRIPT_NAME: &str = "/x<script>alert(1)</script>";
const BOLD_FAILURE: &str = "CatchResponseError('<b>bold</b> & \"quoted\"')";
const HOSTILE_HOST: &str = "http://127.0.0.1:8000/\"><img src=x onerror=alert(2)>";

/// A run recorded through a real recorder: `/` three times, the `<script>` name twice (once
/// failing with a `<b>` message), and an exception with markup in it; two history points.
fn hostile_view() -> RunView {
    let origin = Instant::now();
    let recorder = Recorder::new(Clock::with_origin(origin, Duration::from_secs(START_UNIX)));
    let request = |name: &str, ms: u64, second: u64, error: Option<&str>| {
        let outcome = Outcome {
            response_time: Some(Duration::from_millis(ms)),
            content_length: 100,
            error,
            finished_at: origin + Duration::from_secs(second),
        };
        recorder.record("GET", name, &outcome);
    };
    request("/", 10, 1, None);
    request("/", 20, 2, None);
    request("/", 30, 3, None);
    request(SCRIPT_NAME, 5, 2, None);
    request(SCRIPT_NAME, 7, 65, Some(BOLD_FAILURE));
    recorder.record_exception("<i>checkout</i> is closed", "Traceback: <i>here</i>");

    let mut snapshot = Snapshot::new(START_UNIX as f64);
    snapshot.merge(&recorder.take_delta());
    let history: Arc<[HistoryPoint]> = [2.0, 4.0]
        .map(|offset| HistoryPoint {
            time: START_UNIX as f64 + offset,
            user_count: 4,
            current_rps: 1.5,
            current_fail_per_sec: 0.5,
            p50_ms: 10.0,
            p95_ms: 30.0,
        })
        .into();
    RunView::new(
        Arc::new(snapshot),
        RunState::Stopped,
        4,
        START_UNIX as f64 + 70.0,
    )
    .with_history(history)
    .with_users_by_class(Arc::from([3, 1]))
}

fn hostile_meta() -> RunMeta {
    RunMeta {
        host: Some(HOSTILE_HOST.to_owned()),
        locustfile: "<shop>.lua".to_owned(),
        class_names: vec!["Shopper".to_owned(), "<Admin>".to_owned()],
        thresholds: Vec::new(),
    }
}

fn report(view: &RunView, meta: &RunMeta) -> String {
    render(|out| write_html_report(view, meta, out))
}

#[test]
fn loads_nothing_from_anywhere() {
    let html = report(&hostile_view(), &hostile_meta());
    assert!(html.starts_with("<!doctype html>"));
    // The hostile host's `<img src=x>` is escaped text, so no tag loads anything.
    let loaded = references(&html);
    assert!(loaded.is_empty(), "the report loads {loaded:?}");
    for external in ["<link", "<script src", "@import", "<iframe", "<img"] {
        assert!(!html.contains(external), "the report contains {external}");
    }
    // uPlot, the chart code and the styles are inlined.
    assert!(html.contains("var uPlot="));
    assert!(html.contains("export class Charts"));
    assert!(html.contains(".u-legend"));
    assert!(
        html.contains("Copyright (c) 2022 Leon Sorokin"),
        "uPlot's licence"
    );
}

/// The check above can fail: the finder sees each way a page could reach the network.
#[test]
fn the_reference_finder_sees_what_a_browser_loads() {
    let page = r#"<link rel="stylesheet" href="https://example.com/a.css"><p>src=text</p>
<img src="http://example.com/b.png"><style>p { background: url(c.png) }</style>
<script>const a = 1 < 2; fetch("/d")</script><script src="e.js"></script>"#;
    assert_eq!(
        references(page),
        [
            "https://example.com/a.css",
            "http://example.com/b.png",
            "url( in a <style> element",
            "fetch( in a <script> element",
            "e.js",
        ]
    );
}

#[test]
fn markup_from_the_run_is_text() {
    let html = report(&hostile_view(), &hostile_meta());
    for raw in [
        "<script>alert(1)",
        "<b>bold",
        "<i>checkout",
        "<img src=x",
        "<shop>",
        "<Admin>",
    ] {
        assert!(!html.contains(raw), "{raw} reached the page unescaped");
    }
    // Our three script elements only: the chart data, uPlot, the chart module.
    assert_eq!(html.matches("<script").count(), 3);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));

    // Decoded, the cells hold exactly what was recorded.
    let stats = table_rows(&html, "stats-table");
    assert_eq!(row_named(&stats, SCRIPT_NAME)[2], "2");
    let failures = table_rows(&html, "failures-table");
    assert_eq!(
        failures,
        [["1", "GET", SCRIPT_NAME, "<b>bold</b> & \"quoted\""]]
    );
    let exceptions = table_rows(&html, "exceptions-table");
    assert_eq!(
        exceptions,
        [[
            "1",
            "<i>checkout</i> is closed",
            "Traceback: <i>here</i>",
            "local"
        ]]
    );
    assert_eq!(fact(&html, "host"), HOSTILE_HOST);
    assert_eq!(fact(&html, "script"), "<shop>.lua");
    assert_eq!(
        table_rows(&html, "ratio-table"),
        [["Shopper", "3", "75%"], ["<Admin>", "1", "25%"]]
    );
}

#[test]
fn tables_hold_every_entry_and_the_total() {
    let view = fixture::view();
    let meta = RunMeta {
        locustfile: "locustfile.lua".to_owned(),
        ..RunMeta::default()
    };
    let html = report(&view, &meta);

    let stats = table_rows(&html, "stats-table");
    let names: Vec<&str> = stats.iter().map(|row| row[1].as_str()).collect();
    let expected: Vec<&str> = view
        .rows_with_total()
        .iter()
        .map(|row| row.name())
        .collect();
    assert_eq!(names, expected, "entries sorted by name, Aggregated last");
    for row in view.rows_with_total() {
        let cells = row_named(&stats, row.name());
        assert_eq!(cells[0], row.method());
        assert_eq!(cells[2], row.num_requests().to_string(), "{}", row.name());
        assert_eq!(cells[3], row.num_failures().to_string(), "{}", row.name());
    }
    // `/slow`: 201 ms and 210 ms over a 10 s run.
    let slow = row_named(&stats, "/slow");
    assert_eq!(&slow[8..13], ["201", "210", "11", "0.2", "0"]);

    let percentiles = table_rows(&html, "response-times-table");
    assert_eq!(percentiles.len(), stats.len());
    assert_eq!(row_named(&percentiles, "/slow")[9], "210", "100%ile");
    assert!(
        row_named(&percentiles, "/stream")[2..]
            .iter()
            .all(|cell| cell == "N/A"),
        "an untimed entry has no percentiles"
    );

    let failures = table_rows(&html, "failures-table");
    assert_eq!(failures.len(), view.errors().len());
    assert!(failures.iter().any(|row| row[3] == "Got 404 custom"));

    // No history, no users per class, no thresholds: empty charts, no ratio or threshold table.
    assert_eq!(chart_data(&html)["history"], serde_json::json!([]));
    assert!(!html.contains("id=\"ratio-table\""));
    assert!(!html.contains("id=\"thresholds\""));
    assert!(html.contains("No exceptions."));
}

#[test]
fn the_period_runs_from_the_start_to_the_last_request() {
    let html = report(&hostile_view(), &hostile_meta());
    // The last request finished 65 s after the start (the view was taken at 70 s).
    assert_eq!(
        fact(&html, "period"),
        "2026-11-23 12:16:20 UTC – 2026-11-23 12:17:25 UTC (1 minute and 5 seconds)"
    );
    assert!(html.contains("<h1>Locusta Test Report</h1>"));
}

#[test]
fn the_charts_get_the_history_and_a_point_at_the_end() {
    let html = report(&hostile_view(), &hostile_meta());
    let history = chart_data(&html)["history"].clone();
    let times: Vec<f64> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|point| point["time"].as_f64().unwrap())
        .collect();
    let start = START_UNIX as f64;
    assert_eq!(times, [start + 2.0, start + 4.0, start + 65.0]);
    assert_eq!(history[0]["response_time_percentile_0.95"], 30.0);
    assert_eq!(history[0]["user_count"], 4);
    for id in ["chart-rps", "chart-response-times", "chart-users"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "no #{id}");
    }
}

#[test]
fn thresholds_are_listed_with_their_outcome() {
    let verdict = |rule: &str, actual, passed| Verdict {
        rule: rule.to_owned(),
        actual,
        limit: 500.0,
        unit: "ms",
        passed,
    };
    let meta = RunMeta {
        thresholds: vec![
            verdict("p95<500ms for GET <script>", Some(612.5), false),
            verdict("p50<500ms", Some(10.0), true),
            verdict("p99<500ms for GET /none", None, false),
        ],
        ..hostile_meta()
    };
    let html = report(&hostile_view(), &meta);
    assert_eq!(
        table_rows(&html, "thresholds-table"),
        [
            ["p95<500ms for GET <script>", "612.5 ms", "500 ms", "FAIL"],
            ["p50<500ms", "10 ms", "500 ms", "PASS"],
            ["p99<500ms for GET /none", "no data", "500 ms", "FAIL"],
        ]
    );
    assert!(html.contains("2 of 3 thresholds failed."));
}
