//! `GET /stats/requests`: Locust's keys, types, order and row limits.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::support::{get, local, row, start, stats, swarm, wait_secs};

const TOP_KEYS: [&str; 12] = [
    "current_fail_per_sec",
    "current_response_time_percentile_50",
    "current_response_time_percentile_95",
    "current_response_time_percentiles",
    "current_rps",
    "errors",
    "fail_ratio",
    "state",
    "stats",
    "total_fail_per_sec",
    "total_rps",
    "user_count",
];

const ROW_KEYS: [&str; 15] = [
    "avg_content_length",
    "avg_response_time",
    "current_fail_per_sec",
    "current_rps",
    "max_response_time",
    "median_response_time",
    "method",
    "min_response_time",
    "name",
    "num_failures",
    "num_requests",
    "response_time_percentile_0.95",
    "response_time_percentile_0.99",
    "total_fail_per_sec",
    "total_rps",
];

fn keys(object: &Value) -> BTreeSet<&str> {
    object
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[tokio::test(start_paused = true)]
async fn idle_document_has_only_an_empty_aggregated_row() {
    local(async {
        let api = start(None);
        let stats = stats(&api).await;
        assert_eq!(keys(&stats), BTreeSet::from(TOP_KEYS));
        assert_eq!(stats["state"], "ready");
        assert_eq!(stats["user_count"], 0);
        assert_eq!(stats["errors"], json!([]));
        assert_eq!(stats["stats"].as_array().unwrap().len(), 1);
        let total = row(&stats, "Aggregated");
        assert_eq!(total["method"], "");
        assert_eq!(total["num_requests"], 0);
        assert_eq!(total["min_response_time"], 0.0);
        assert_eq!(total["median_response_time"], 0);
        assert_eq!(stats["fail_ratio"], 0.0);
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn running_document_has_locusts_keys_types_and_values() {
    local(async {
        let api = start(None);
        swarm(&api, "user_count=8&spawn_rate=100").await;
        wait_secs(6.0).await;
        let stats = stats(&api).await;
        assert_eq!(keys(&stats), BTreeSet::from(TOP_KEYS));
        assert_eq!(stats["state"], "running");
        assert_eq!(stats["user_count"], 8);

        // Sorted by (name, method), Aggregated last.
        let names: Vec<&str> = stats["stats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["/", "/err", "/login", "Aggregated"]);
        for row in stats["stats"].as_array().unwrap() {
            assert_eq!(keys(row), BTreeSet::from(ROW_KEYS), "{row}");
            for integer in [
                "median_response_time",
                "num_failures",
                "num_requests",
                "response_time_percentile_0.95",
                "response_time_percentile_0.99",
            ] {
                assert!(row[integer].is_u64(), "{integer} in {row}");
            }
            for float in [
                "avg_content_length",
                "avg_response_time",
                "current_fail_per_sec",
                "current_rps",
                "max_response_time",
                "min_response_time",
                "total_fail_per_sec",
                "total_rps",
            ] {
                assert!(row[float].is_f64(), "{float} in {row}");
            }
        }

        let index = row(&stats, "/");
        assert_eq!(index["method"], "GET");
        assert_eq!(index["num_failures"], 0);
        assert_eq!(index["median_response_time"], 10);
        assert_eq!(index["response_time_percentile_0.99"], 10);
        assert_eq!(index["min_response_time"], 10.0);
        assert_eq!(index["max_response_time"], 10.0);
        assert_eq!(index["avg_response_time"], 10.0);
        assert_eq!(index["avg_content_length"], 11.0);
        let login = row(&stats, "/login");
        assert_eq!(login["method"], "POST");
        assert_eq!(login["max_response_time"], 30.0);

        let total = row(&stats, "Aggregated");
        let requests = total["num_requests"].as_f64().unwrap();
        let failures = total["num_failures"].as_f64().unwrap();
        assert!(failures > 0.0);
        assert_eq!(stats["fail_ratio"].as_f64().unwrap(), failures / requests);
        assert_eq!(stats["total_rps"], total["total_rps"]);
        assert_eq!(stats["current_rps"], total["current_rps"]);
        assert!(stats["current_rps"].as_f64().unwrap() > 0.0);

        let errors = stats["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1);
        let error = &errors[0];
        assert_eq!(
            keys(error),
            BTreeSet::from([
                "error",
                "first_seen",
                "last_seen",
                "method",
                "name",
                "occurrences"
            ])
        );
        assert_eq!(error["error"], "HTTPError('500 Server Error')");
        assert_eq!(error["method"], "GET");
        assert_eq!(error["name"], "/err");
        assert_eq!(error["occurrences"], row(&stats, "/err")["num_failures"]);
        assert!(error["first_seen"].as_f64().unwrap() <= error["last_seen"].as_f64().unwrap());
    })
    .await;
}

/// Keys of the objects indented by `indent` spaces, in the order the text has them.
fn keys_at_indent(text: &str, indent: usize) -> Vec<String> {
    let prefix = format!("{}\"", " ".repeat(indent));
    text.lines()
        .filter_map(|line| line.strip_prefix(&prefix))
        .filter_map(|rest| rest.split_once("\":").map(|(key, _)| key.to_owned()))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn keys_are_sorted_and_indented_like_flask_jsonify() {
    local(async {
        let api = start(None);
        swarm(&api, "user_count=8&spawn_rate=100").await;
        wait_secs(6.0).await;
        let answer = get(&api, "/stats/requests").await;
        assert_eq!(
            answer.header(axum::http::header::CONTENT_TYPE),
            Some("application/json")
        );
        let text = answer.text();
        assert_eq!(keys_at_indent(&text, 2), TOP_KEYS);
        // Rows are the objects 6 spaces deep inside the `stats` array.
        let rows_text = &text[text.find("\n  \"stats\": [").unwrap()..];
        let rows_text = &rows_text[..rows_text.find("\n  ]").unwrap()];
        let row_keys = keys_at_indent(rows_text, 6);
        assert_eq!(row_keys.len(), 4 * ROW_KEYS.len(), "{rows_text}");
        for keys in row_keys.chunks(ROW_KEYS.len()) {
            assert_eq!(keys, ROW_KEYS);
        }
    })
    .await;
}
