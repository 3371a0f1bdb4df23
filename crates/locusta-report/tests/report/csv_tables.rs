//! `_stats.csv`, `_failures.csv` and `_exceptions.csv`: Locust's header lines byte for byte,
//! Python's line endings and quoting, and every number read back equal to the view's.

use locusta_report::csv::{write_exceptions_csv, write_failures_csv, write_stats_csv};
use locusta_stats::{EntryRow, PERCENTILES_TO_REPORT};

use crate::fixture::{Timeline, full_view, render, view};

/// Header lines copied verbatim from `locust-reference.md` §5.2.
const REFERENCE_STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";
const REFERENCE_FAILURES_HEADER: &str = "Method,Name,Error,Occurrences,First Seen,Last Seen";
const REFERENCE_EXCEPTIONS_HEADER: &str = "Count,Message,Traceback,Nodes";

/// The file's lines without their `\r\n`, checking that every line has one.
fn lines(text: &str) -> Vec<&str> {
    let body = text
        .strip_suffix("\r\n")
        .expect("the file ends with \\r\\n");
    for line in body.split("\r\n") {
        assert!(!line.contains('\r'), "{line:?}");
    }
    body.split("\r\n").collect()
}

/// The data rows of a CSV text, parsed as a CSV reader would.
fn data_records(text: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    reader.records().map(|record| record.unwrap()).collect()
}

fn float(field: &str) -> f64 {
    field
        .parse()
        .unwrap_or_else(|_| panic!("{field:?} is a number"))
}

#[test]
fn headers_match_the_reference_byte_for_byte() {
    let view = full_view();
    let stats = render(|out| write_stats_csv(&view, out));
    let failures = render(|out| write_failures_csv(&view, out));
    let exceptions = render(|out| write_exceptions_csv(&view, out));
    assert_eq!(lines(&stats)[0], REFERENCE_STATS_HEADER);
    assert_eq!(lines(&failures)[0], REFERENCE_FAILURES_HEADER);
    assert_eq!(lines(&exceptions)[0], REFERENCE_EXCEPTIONS_HEADER);
}

/// Every column of every row, read back, equals the view's value in Locust's form.
#[test]
fn stats_rows_agree_with_the_view() {
    let view = view();
    let text = render(|out| write_stats_csv(&view, out));
    let records = data_records(&text);
    let rows = view.rows_with_total();
    assert_eq!(records.len(), rows.len());
    for (record, row) in records.iter().zip(&rows) {
        assert_row_agrees(record, row);
    }
}

fn assert_row_agrees(record: &csv::StringRecord, row: &EntryRow<'_>) {
    let context = format!("{record:?}");
    assert_eq!(&record[0], row.method(), "{context}");
    assert_eq!(&record[1], row.name(), "{context}");
    assert_eq!(record[2].parse::<u64>().unwrap(), row.num_requests());
    assert_eq!(record[3].parse::<u64>().unwrap(), row.num_failures());
    assert_eq!(
        float(&record[4]),
        row.median_response_time_ms().round(),
        "{context}"
    );
    // Python's repr of a float reads back as exactly the same float.
    assert_eq!(float(&record[5]), row.avg_response_time_ms(), "{context}");
    assert_eq!(float(&record[6]), row.min_response_time_ms(), "{context}");
    assert_eq!(float(&record[7]), row.max_response_time_ms(), "{context}");
    assert_eq!(float(&record[8]), row.avg_content_length(), "{context}");
    assert_eq!(float(&record[9]), row.total_rps(), "{context}");
    assert_eq!(float(&record[10]), row.total_fail_per_sec(), "{context}");
    for (i, &p) in PERCENTILES_TO_REPORT.iter().enumerate() {
        assert_eq!(
            float(&record[11 + i]),
            row.percentile_ms(p).round(),
            "{context}"
        );
    }
}

/// Rows whose every field is known by hand (see `console_golden.rs` for the percentiles).
#[test]
fn stats_rows_read_as_locust_writes_them() {
    let view = view();
    let text = render(|out| write_stats_csv(&view, out));
    let lines = lines(&text);
    // 2, 5, 7, 9, 25 ms: average 9.6, 5 requests over the run's 10 s.
    assert_eq!(
        lines[1],
        "GET,/,5,0,7,9.6,2.0,25.0,11.0,0.5,0.0,7,9,9,9,25,25,25,25,25,25,25"
    );
    // One untimed request without a body: integer zeros for min and max (Locust's
    // `min_response_time or 0` and a max starting at 0), but `0 / 1` is the float 0.0.
    assert_eq!(
        lines[6],
        "GET,/stream,1,0,0,0.0,0,0,0.0,0.1,0.0,0,0,0,0,0,0,0,0,0,0,0"
    );
    assert!(lines[7].starts_with(",Aggregated,14,4,5,"), "{}", lines[7]);
}

#[test]
fn an_idle_run_has_only_an_empty_aggregated_row() {
    let view = Timeline::start().second(0, &[], 0);
    let text = render(|out| write_stats_csv(&view, out));
    assert_eq!(
        lines(&text)[1..],
        [",Aggregated,0,0,0,0.0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A"]
    );
}

#[test]
fn fields_are_quoted_only_where_python_quotes_them() {
    let view = Timeline::start().second(
        1,
        &[
            ("GET", "/search?q=a,b", Some(1_000), None),
            ("GET", r#"/say "hi""#, Some(1_000), Some("Err('a, \"b\"')")),
            ("GET", "/plain", Some(1_000), None),
        ],
        1,
    );
    let stats = render(|out| write_stats_csv(&view, out));
    let stats = lines(&stats);
    assert!(stats[1].starts_with("GET,/plain,1,"), "{}", stats[1]);
    assert!(
        stats[2].starts_with(r#"GET,"/say ""hi""",1,"#),
        "{}",
        stats[2]
    );
    assert!(
        stats[3].starts_with(r#"GET,"/search?q=a,b",1,"#),
        "{}",
        stats[3]
    );
    let failures = render(|out| write_failures_csv(&view, out));
    assert!(
        lines(&failures)[1].starts_with(r#"GET,"/say ""hi""","Err('a, ""b""')",1,"#),
        "{failures}"
    );
}

/// Sorted by (method, name, error), with the seen-times in UTC.
#[test]
fn failure_rows_read_as_locust_writes_them() {
    let view = view();
    let text = render(|out| write_failures_csv(&view, out));
    // The run starts at 12:16:20 UTC; `/err` failed at +2 s and +6 s with an HTTPError, at +7 s
    // with a bad status code; `/missing` at +6 s.
    assert_eq!(
        lines(&text)[1..],
        [
            "GET,/err,HTTPError('500 Server Error: Internal Server Error for url: /err'),2,2026-11-23T12:16:22Z,2026-11-23T12:16:26Z",
            "GET,/err,LocustBadStatusCode(code=500),1,2026-11-23T12:16:27Z,2026-11-23T12:16:27Z",
            "GET,/missing,CatchResponseError('Got 404 custom'),1,2026-11-23T12:16:26Z,2026-11-23T12:16:26Z",
        ]
    );
    let records = data_records(&text);
    for (record, error) in records.iter().zip(view.errors()) {
        assert_eq!(record[3].parse::<u64>().unwrap(), error.occurrences());
    }
}

#[test]
fn a_multi_line_traceback_is_quoted_and_kept_whole() {
    let view = full_view();
    let text = render(|out| write_exceptions_csv(&view, out));
    assert_eq!(
        text,
        "Count,Message,Traceback,Nodes\r\n\
         1,ValueError: bad,\"Traceback:\n  line 1\nValueError: bad\",local\r\n"
    );
    let records = data_records(&text);
    assert_eq!(&records[0][2], "Traceback:\n  line 1\nValueError: bad");
}
