//! Golden tests: the console tables of the fixture run, byte for byte.
//!
//! The `REFERENCE_*` lines are copied verbatim from the Locust sample in
//! `locust-reference.md` §5.1 (non-TTY, name width 80): they are the contract. The golden tables
//! were produced by applying Locust's own printf formats (`stats.py`) to the values computed by
//! hand from the fixture's requests (see `fixture.rs`); the comments below give the arithmetic.

use locusta_report::console::{
    DEFAULT_NAME_WIDTH, Rates, write_error_report, write_final_report, write_percentile_table,
    write_stats_table,
};

use crate::fixture::{render, view};

/// Stats table header, from the reference sample.
const REFERENCE_STATS_HEADER: &str = "Type     Name                                                                          # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s";
/// Stats table separator (above the rows and above Aggregated), from the reference sample.
const REFERENCE_STATS_SEPARATOR: &str = "--------|----------------------------------------------------------------------------|-------|-------------|-------|-------|-------|-------|--------|-----------";
/// Percentile table title, header and separator, from the reference sample.
const REFERENCE_PERCENTILE_TITLE: &str = "Response time percentiles (approximated)";
const REFERENCE_PERCENTILE_HEADER: &str = "Type     Name                                                                                  50%    66%    75%    80%    90%    95%    98%    99%  99.9% 99.99%   100% # reqs";
const REFERENCE_PERCENTILE_SEPARATOR: &str = "--------|--------------------------------------------------------------------------------|--------|------|------|------|------|------|------|------|------|------|------|------";
/// Error report title, header (with its trailing spaces) and separator, from the reference sample.
const REFERENCE_ERROR_TITLE: &str = "Error report";
const REFERENCE_ERROR_HEADER: &str = "# occurrences      Error                                                                                               ";
const REFERENCE_ERROR_SEPARATOR: &str = "------------------|---------------------------------------------------------------------------------------------------------------------------------------------";

// Hand computation (times in ms; HDR values are the highest equivalent of the sample's bucket,
// clamped into [min, max]; the stats table truncates, the percentile table rounds):
// - `/`: 2, 5, 7, 9, 25 → avg 9.6 → 9; median rank 3 → 7 (7.007); 66–80 % rank 4 → 9 (9.023);
//   90 %+ rank 5 → 25; 5 requests over 10 s → 0.50/s; current window [t0, t8): 5 / 8 → 0.62.
// - `/err`: 1, 5, 0.5, all failed → avg 2.17 → 2; min 0.5 → 0; median rank 2 → 1 (1.003);
//   75 %+ rank 3 → 5; 0.30/s; current 3 / 8 = 0.375 → 0.38 (Python rounds the binary value).
// - `/item?id=[id]`: 3, 19 → avg 11; median 3 (3.007); 66 %+ → 19; current: only t3 → 0.12.
// - `/missing`: 4 (failed, `CatchResponseError('Got 404 custom')` shown as `Got 404 custom`).
// - `/slow`: 201, 210 → avg 205.5 → 205; median 201.727 → 201 truncated, 202 rounded.
// - `/stream`: one untimed request → zeros, and no percentile row.
// - Aggregated: 14 requests (13 timed, sum 491.5 → avg 37.8 → 37), 4 failures (28.57 %);
//   sorted 0.5 1 2 3 4 5 5 7 9 19 25 201 210: 50 % rank 7 → 5, 66 % rank 9 → 9, 75 % rank 10 → 19,
//   80 % rank 11 → 25, 90 % rank 12 → 202, 95 %+ → 210; 1.40/s and 0.40 failures/s;
//   current: 11 requests and 4 failures in t0..t7 → 1.38 and 0.50.

/// The final output (`--headless` end of run): stats with total rates, percentiles, errors.
const GOLDEN_FINAL: &[&str] = &[
    "Type     Name                                                                          # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s",
    "--------|----------------------------------------------------------------------------|-------|-------------|-------|-------|-------|-------|--------|-----------",
    "GET      /                                                                                  5     0(0.00%) |      9       2      25      7 |    0.50        0.00",
    "GET      /err                                                                               3   3(100.00%) |      2       0       5      1 |    0.30        0.30",
    "GET      /item?id=[id]                                                                      2     0(0.00%) |     11       3      19      3 |    0.20        0.00",
    "GET      /missing                                                                           1   1(100.00%) |      4       4       4      4 |    0.10        0.10",
    "GET      /slow                                                                              2     0(0.00%) |    205     201     210    201 |    0.20        0.00",
    "GET      /stream                                                                            1     0(0.00%) |      0       0       0      0 |    0.10        0.00",
    "--------|----------------------------------------------------------------------------|-------|-------------|-------|-------|-------|-------|--------|-----------",
    "         Aggregated                                                                        14    4(28.57%) |     37       0     210      5 |    1.40        0.40",
    "",
    "Response time percentiles (approximated)",
    "Type     Name                                                                                  50%    66%    75%    80%    90%    95%    98%    99%  99.9% 99.99%   100% # reqs",
    "--------|--------------------------------------------------------------------------------|--------|------|------|------|------|------|------|------|------|------|------|------",
    "GET      /                                                                                       7      9      9      9     25     25     25     25     25     25     25      5",
    "GET      /err                                                                                    1      1      5      5      5      5      5      5      5      5      5      3",
    "GET      /item?id=[id]                                                                           3     19     19     19     19     19     19     19     19     19     19      2",
    "GET      /missing                                                                                4      4      4      4      4      4      4      4      4      4      4      1",
    "GET      /slow                                                                                 202    210    210    210    210    210    210    210    210    210    210      2",
    "--------|--------------------------------------------------------------------------------|--------|------|------|------|------|------|------|------|------|------|------|------",
    "         Aggregated                                                                              5      9     19     25    202    210    210    210    210    210    210     14",
    "",
    "Error report",
    "# occurrences      Error                                                                                               ",
    "------------------|---------------------------------------------------------------------------------------------------------------------------------------------",
    "2                  GET /err: HTTPError('500 Server Error: Internal Server Error for url: /err')                        ",
    "1                  GET /err: LocustBadStatusCode(code=500)                                                             ",
    "1                  GET /missing: Got 404 custom                                                                        ",
    "------------------|---------------------------------------------------------------------------------------------------------------------------------------------",
    "",
];

/// A periodic table of the same run (current rates).
const GOLDEN_PERIODIC: &[&str] = &[
    "Type     Name                                                                          # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s",
    "--------|----------------------------------------------------------------------------|-------|-------------|-------|-------|-------|-------|--------|-----------",
    "GET      /                                                                                  5     0(0.00%) |      9       2      25      7 |    0.62        0.00",
    "GET      /err                                                                               3   3(100.00%) |      2       0       5      1 |    0.38        0.38",
    "GET      /item?id=[id]                                                                      2     0(0.00%) |     11       3      19      3 |    0.12        0.00",
    "GET      /missing                                                                           1   1(100.00%) |      4       4       4      4 |    0.12        0.12",
    "GET      /slow                                                                              2     0(0.00%) |    205     201     210    201 |    0.12        0.00",
    "GET      /stream                                                                            1     0(0.00%) |      0       0       0      0 |    0.00        0.00",
    "--------|----------------------------------------------------------------------------|-------|-------------|-------|-------|-------|-------|--------|-----------",
    "         Aggregated                                                                        14    4(28.57%) |     37       0     210      5 |    1.38        0.50",
    "",
];

fn lines(text: &str) -> Vec<&str> {
    text.split('\n').collect()
}

/// Each golden line list ends with the empty line after the last table; the text then ends
/// with a newline.
fn joined(golden: &[&str]) -> String {
    golden.iter().map(|line| format!("{line}\n")).collect()
}

#[test]
fn final_report_matches_golden() {
    let view = view();
    let text = render(|out| write_final_report(&view, out, DEFAULT_NAME_WIDTH));
    assert_eq!(lines(&text), lines(&joined(GOLDEN_FINAL)));
    assert_eq!(text, joined(GOLDEN_FINAL));
}

#[test]
fn periodic_stats_table_matches_golden() {
    let view = view();
    let text = render(|out| write_stats_table(&view, out, DEFAULT_NAME_WIDTH, Rates::Current));
    assert_eq!(lines(&text), lines(&joined(GOLDEN_PERIODIC)));
}

#[test]
fn headers_and_separators_are_the_reference_lines() {
    let view = view();
    let stats = render(|out| write_stats_table(&view, out, DEFAULT_NAME_WIDTH, Rates::Total));
    let stats = lines(&stats);
    assert_eq!(stats[0], REFERENCE_STATS_HEADER);
    assert_eq!(stats[1], REFERENCE_STATS_SEPARATOR);
    assert_eq!(
        stats[stats.len() - 4],
        REFERENCE_STATS_SEPARATOR,
        "separator above Aggregated"
    );

    let percentiles = render(|out| write_percentile_table(&view, out, DEFAULT_NAME_WIDTH));
    let percentiles = lines(&percentiles);
    assert_eq!(percentiles[0], REFERENCE_PERCENTILE_TITLE);
    assert_eq!(percentiles[1], REFERENCE_PERCENTILE_HEADER);
    assert_eq!(percentiles[2], REFERENCE_PERCENTILE_SEPARATOR);
    assert_eq!(
        percentiles[percentiles.len() - 4],
        REFERENCE_PERCENTILE_SEPARATOR
    );

    let errors = render(|out| write_error_report(&view, out, DEFAULT_NAME_WIDTH));
    let errors = lines(&errors);
    assert_eq!(errors[0], REFERENCE_ERROR_TITLE);
    assert_eq!(errors[1], REFERENCE_ERROR_HEADER);
    assert_eq!(errors[2], REFERENCE_ERROR_SEPARATOR);
    assert_eq!(errors[errors.len() - 3], REFERENCE_ERROR_SEPARATOR);
}

#[test]
fn golden_rows_have_the_reference_row_widths() {
    // Every row of a table is as wide as the reference sample's rows of that table (names
    // shorter than the column), so the layout, not only the headers, matches.
    let (stats_width, percentile_width, error_width) = (160, 175, 119);
    assert_eq!(REFERENCE_STATS_HEADER.len(), stats_width);
    assert_eq!(REFERENCE_PERCENTILE_HEADER.len(), percentile_width);
    assert_eq!(REFERENCE_ERROR_HEADER.len(), error_width);
    for line in GOLDEN_FINAL.iter().chain(GOLDEN_PERIODIC) {
        assert!(
            line.is_empty()
                || [stats_width, percentile_width, error_width].contains(&line.len())
                || line.starts_with("Response time")
                || *line == "Error report",
            "unexpected width {}: {line:?}",
            line.len()
        );
    }
}
