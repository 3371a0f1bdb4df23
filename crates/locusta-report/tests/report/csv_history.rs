//! `_stats_history.csv`: Locust's header and idle row byte for byte, one set of rows per call,
//! current rates with six decimals, cumulative or last-ten-seconds percentiles.

use locusta_report::csv::StatsHistoryWriter;
use locusta_stats::{EntryRow, PERCENTILES_TO_REPORT, RunView};

use crate::fixture::{START_UNIX, TimedRequest, Timeline, render};

/// Copied verbatim from `locust-reference.md` §5.2.
const REFERENCE_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size";
/// The reference's first row: an idle run at Unix second 1795436183 (`START_UNIX + 3`).
const REFERENCE_IDLE_ROW: &str = "1795436183,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0";

/// The rows `writer` writes for each view, one `Vec` of lines per call.
fn rows_per_call(writer: &mut StatsHistoryWriter, views: &[RunView]) -> Vec<Vec<String>> {
    views
        .iter()
        .map(|view| {
            let text = render(|out| writer.write_rows(view, out));
            let body = text.strip_suffix("\r\n").expect("rows end with \\r\\n");
            body.split("\r\n").map(str::to_owned).collect()
        })
        .collect()
}

fn fields(line: &str) -> Vec<&str> {
    line.split(',').collect()
}

/// `count` GET requests of `name` taking `ms` each.
fn requests(name: &'static str, ms: u64, count: usize) -> Vec<TimedRequest<'static>> {
    vec![("GET", name, Some(ms * 1_000), None); count]
}

/// The fixture's requests (see `fixture.rs`), seconds 0 to 10, one view per second.
fn fixture_views() -> Vec<RunView> {
    let requests: [(u64, TimedRequest<'static>); 6] = [
        (1, ("GET", "/", Some(2_000), None)),
        (2, ("GET", "/", Some(5_000), None)),
        (2, ("GET", "/err", Some(1_000), Some("boom"))),
        (3, ("POST", "/login", Some(7_000), None)),
        (6, ("GET", "/err", Some(5_000), Some("boom"))),
        (9, ("GET", "/", Some(9_000), None)),
    ];
    let mut timeline = Timeline::start();
    (0..=10)
        .map(|second| {
            let now: Vec<TimedRequest<'_>> = requests
                .iter()
                .filter(|(at, _)| *at == second)
                .map(|(_, request)| *request)
                .collect();
            timeline.second(second, &now, 4)
        })
        .collect()
}

#[test]
fn the_header_matches_the_reference_byte_for_byte() {
    let text = render(StatsHistoryWriter::write_header);
    assert_eq!(text, format!("{REFERENCE_HEADER}\r\n"));
}

#[test]
fn an_idle_run_writes_the_references_row() {
    let idle = Timeline::start().second(3, &[], 0);
    for full_history in [false, true] {
        let mut writer = StatsHistoryWriter::new(full_history);
        assert_eq!(
            rows_per_call(&mut writer, std::slice::from_ref(&idle)),
            [[REFERENCE_IDLE_ROW]]
        );
    }
}

/// Without full history: the Aggregated row only, every column as the view has it, and
/// cumulative percentiles.
#[test]
fn aggregated_rows_agree_with_each_view() {
    let views = fixture_views();
    let mut writer = StatsHistoryWriter::new(false);
    let calls = rows_per_call(&mut writer, &views);
    assert_eq!(calls.len(), views.len());
    for (rows, view) in calls.iter().zip(&views) {
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_row_agrees(&rows[0], view, &view.total(), |p| {
            view.total().percentile_ms(p)
        });
    }
    // At the end the current-rate window is the seconds from the start up to two before the last
    // request (at +9 s): +0..+6, with 5 requests and 2 failures in 7 s, written with six
    // decimals as Python's "%2f" writes them.
    let last = fields(&calls[10][0]);
    assert_eq!(
        last[..6],
        ["1795436190", "4", "", "Aggregated", "0.714286", "0.285714"]
    );
    // Before the first request the percentiles are N/A; after it they are numbers.
    assert_eq!(fields(&calls[0][0])[6], "N/A");
    assert_eq!(fields(&calls[1][0])[6], "2");
}

/// With full history: every entry sorted by (name, method), then Aggregated, on each call.
#[test]
fn full_history_writes_every_entry_then_aggregated() {
    let views = fixture_views();
    let mut writer = StatsHistoryWriter::new(true);
    let calls = rows_per_call(&mut writer, &views);
    for (rows, view) in calls.iter().zip(&views) {
        let names: Vec<&str> = rows.iter().map(|row| fields(row)[3]).collect();
        let mut expected: Vec<&str> = view.entries().iter().map(EntryRow::name).collect();
        expected.push("Aggregated");
        assert_eq!(names, expected);
        for (row, entry) in rows.iter().zip(view.rows_with_total()) {
            assert_eq!(fields(row)[1], "4", "users");
            assert_eq!(fields(row)[2], entry.method());
        }
    }
    let last = &calls[10];
    assert_eq!(last.len(), 4, "/, /err, /login and Aggregated: {last:?}");
    assert!(last[1].starts_with("1795436190,4,GET,/err,0.285714,0.285714,"));
}

/// 24 slow requests (500 ms) in the first 12 s, then 36 fast ones (10 ms) until second 30.
fn slow_then_fast() -> Vec<RunView> {
    let mut timeline = Timeline::start();
    (1..=30)
        .map(|second| {
            let ms = if second <= 12 { 500 } else { 10 };
            timeline.second(second, &requests("/", ms, 2), 2)
        })
        .collect()
}

fn percentiles(row: &str) -> Vec<String> {
    fields(row)[6..6 + PERCENTILES_TO_REPORT.len()]
        .iter()
        .map(|field| field.to_string())
        .collect()
}

#[test]
fn full_history_percentiles_cover_the_last_ten_seconds() {
    let views = slow_then_fast();
    let mut writer = StatsHistoryWriter::new(true);
    let calls = rows_per_call(&mut writer, &views);
    let at = |second: usize| &calls[second - 1];

    // At 30 s the window holds seconds 21..30: fast requests only, for the entry and the total.
    for row in at(30) {
        assert_eq!(percentiles(row), vec!["10"; 11], "{row}");
    }
    // At 15 s it holds seconds 6..15: 14 slow and 6 fast; the median is slow.
    let fifteen = percentiles(&at(15)[0]);
    assert_eq!(fifteen[0], "500", "{fifteen:?}");
    // Until ten seconds are written, the window is everything so far: the cumulative values.
    let five = &views[4];
    let cumulative: Vec<String> = PERCENTILES_TO_REPORT
        .iter()
        .map(|&p| (five.total().percentile_ms(p).round() as u64).to_string())
        .collect();
    assert_eq!(percentiles(&at(5)[1]), cumulative);
    // The total columns stay cumulative: 60 requests, median 10 ms, max 500 ms.
    let total = fields(&at(30)[1]);
    assert_eq!(total[17..20], ["60", "0", "10"]);
    assert_eq!(total[22], "500.0");
}

#[test]
fn without_full_history_percentiles_are_cumulative() {
    let views = slow_then_fast();
    let mut writer = StatsHistoryWriter::new(false);
    let calls = rows_per_call(&mut writer, &views);
    // 60 samples, 36 fast: up to rank 36 (60 %) fast, from 66 % (rank 40) slow.
    assert_eq!(
        percentiles(&calls[29][0]),
        [
            "10", "500", "500", "500", "500", "500", "500", "500", "500", "500", "500"
        ]
    );
}

/// After a statistics reset the rows restart from zero: N/A until requests come, then
/// percentiles of the requests since the reset only.
#[test]
fn a_reset_restarts_the_window() {
    let mut timeline = Timeline::start();
    let mut views: Vec<RunView> = (1..=12)
        .map(|second| timeline.second(second, &requests("/", 500, 2), 1))
        .collect();
    timeline.reset(13);
    views.push(timeline.second(13, &[], 1));
    views.push(timeline.second(14, &requests("/", 10, 1), 1));
    let mut writer = StatsHistoryWriter::new(true);
    let calls = rows_per_call(&mut writer, &views);
    let after_reset = &calls[12];
    assert_eq!(percentiles(&after_reset[0]), vec!["N/A"; 11]);
    assert_eq!(percentiles(&calls[13][0]), vec!["10"; 11]);
    assert!(calls[13][0].starts_with(&format!("{},1,GET,/,", START_UNIX + 14)));
}

/// One row's columns against the view: timestamp, users, type, name, current rates with six
/// decimals, `percentile_ms` rounded (or N/A), totals as `_stats.csv` writes them.
fn assert_row_agrees(
    line: &str,
    view: &RunView,
    row: &EntryRow<'_>,
    percentile_ms: impl Fn(f64) -> f64,
) {
    let fields = fields(line);
    assert_eq!(fields.len(), 6 + 11 + 7, "{line}");
    assert_eq!(fields[0], (view.now() as u64).to_string());
    assert_eq!(fields[1], view.user_count().to_string());
    assert_eq!(fields[2], row.method());
    assert_eq!(fields[3], row.name());
    assert_eq!(fields[4], format!("{:.6}", row.current_rps()));
    assert_eq!(fields[5], format!("{:.6}", row.current_fail_per_sec()));
    for (i, &p) in PERCENTILES_TO_REPORT.iter().enumerate() {
        let expected = if row.num_requests() == 0 {
            "N/A".to_owned()
        } else {
            (percentile_ms(p).round() as u64).to_string()
        };
        assert_eq!(fields[6 + i], expected, "{line}");
    }
    assert_eq!(fields[17], row.num_requests().to_string());
    assert_eq!(fields[18], row.num_failures().to_string());
    let number = |field: &str| field.parse::<f64>().unwrap();
    assert_eq!(number(fields[19]), row.median_response_time_ms().round());
    assert_eq!(number(fields[20]), row.avg_response_time_ms());
    assert_eq!(number(fields[21]), row.min_response_time_ms());
    assert_eq!(number(fields[22]), row.max_response_time_ms());
    assert_eq!(number(fields[23]), row.avg_content_length());
}
