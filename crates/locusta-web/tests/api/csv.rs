//! The CSV downloads: Locust's header lines, rows, line endings and download names.

use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};

use crate::support::{Answer, get, local, post_form, start, swarm, wait_secs};

const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";
const FAILURES_HEADER: &str = "Method,Name,Error,Occurrences,First Seen,Last Seen";
const EXCEPTIONS_HEADER: &str = "Count,Message,Traceback,Nodes";

fn lines(answer: &Answer) -> Vec<String> {
    let text = answer.text();
    assert!(text.ends_with("\r\n"), "{text:?}");
    text.strip_suffix("\r\n")
        .unwrap()
        .split("\r\n")
        .map(str::to_owned)
        .collect()
}

fn assert_download(answer: &Answer, kind: &str) {
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header(CONTENT_TYPE), Some("text/csv"));
    let disposition = answer.header(CONTENT_DISPOSITION).unwrap();
    assert!(
        disposition.starts_with("attachment;filename=Locust_")
            && disposition.ends_with(&format!("_locustfile.lua_http://127.0.0.1:8000_{kind}.csv")),
        "{disposition}"
    );
}

#[tokio::test(start_paused = true)]
async fn idle_files_are_headers_and_an_empty_aggregated_row() {
    local(async {
        let api = start(None);
        let requests = get(&api, "/stats/requests/csv").await;
        assert_download(&requests, "requests");
        assert_eq!(
            lines(&requests),
            [
                STATS_HEADER,
                ",Aggregated,0,0,0,0.0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A"
            ]
        );
        let failures = get(&api, "/stats/failures/csv").await;
        assert_download(&failures, "failures");
        assert_eq!(lines(&failures), [FAILURES_HEADER]);
        let exceptions = get(&api, "/exceptions/csv").await;
        assert_download(&exceptions, "exceptions");
        assert_eq!(lines(&exceptions), [EXCEPTIONS_HEADER]);
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn rows_after_a_run() {
    local(async {
        let api = start(None);
        swarm(&api, "user_count=8&spawn_rate=100").await;
        wait_secs(6.0).await;
        post_form(&api, "/stop", "").await;
        wait_secs(1.0).await;

        let stats = lines(&get(&api, "/stats/requests/csv").await);
        assert_eq!(stats[0], STATS_HEADER);
        assert_eq!(stats.len(), 5, "{stats:#?}");
        let index: Vec<&str> = stats[1].split(',').collect();
        assert_eq!(index[..2], ["GET", "/"]);
        // Median, average, min, max, average size: every request took 10 ms and got 11 bytes.
        assert_eq!(index[4..9], ["10", "10.0", "10.0", "10.0", "11.0"]);
        assert_eq!(index[10], "0.0", "no failures per second");
        assert_eq!(index[11..], ["10"; 11]);
        assert!(stats[2].starts_with("GET,/err,"));
        assert!(stats[3].starts_with("POST,/login,"));
        assert!(stats[4].starts_with(",Aggregated,"));

        let failures = lines(&get(&api, "/stats/failures/csv").await);
        assert_eq!(failures[0], FAILURES_HEADER);
        assert_eq!(failures.len(), 2);
        // The error text contains a comma-free quote, so it is not quoted.
        let fields: Vec<&str> = failures[1].split(',').collect();
        assert_eq!(
            fields[..3],
            ["GET", "/err", "HTTPError('500 Server Error')"]
        );
        for seen in &fields[4..] {
            assert_eq!(seen.len(), "2026-11-23T12:16:23Z".len(), "{seen}");
            assert!(seen.ends_with('Z') && seen.as_bytes()[10] == b'T', "{seen}");
        }

        let exceptions = lines(&get(&api, "/exceptions/csv").await);
        assert_eq!(exceptions[0], EXCEPTIONS_HEADER);
        assert_eq!(exceptions.len(), 2);
        assert!(
            exceptions[1].ends_with(",login page changed,login page changed,local"),
            "{}",
            exceptions[1]
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn percentiles_are_na_for_rows_without_requests() {
    local(async {
        let api = start(None);
        swarm(&api, "user_count=4&spawn_rate=100").await;
        wait_secs(3.0).await;
        post_form(&api, "/stop", "").await;
        wait_secs(1.0).await;
        post_form(&api, "/stats/reset", "").await;
        wait_secs(0.1).await;
        let stats = lines(&get(&api, "/stats/requests/csv").await);
        assert!(stats.len() > 2);
        for row in &stats[1..] {
            assert!(row.ends_with(&",N/A".repeat(11)), "{row}");
        }
    })
    .await;
}
