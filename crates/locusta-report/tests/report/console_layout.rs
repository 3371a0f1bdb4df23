//! Console tables at other name widths and for an empty run. Expected lines were produced with
//! Locust's printf formats in Python.

use locusta_report::console::{
    DEFAULT_NAME_WIDTH, Rates, stats_name_width, write_error_report, write_final_report,
    write_percentile_table, write_stats_table,
};

use crate::fixture::{empty_view, render, view};

#[test]
fn the_first_periodic_table_has_only_an_aggregated_row_of_zeros() {
    let view = empty_view();
    let text = render(|out| write_stats_table(&view, out, DEFAULT_NAME_WIDTH, Rates::Current));
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[1], lines[2], "two separators with no rows between");
    assert_eq!(
        lines[3],
        "         Aggregated                                                                         0     0(0.00%) |      0       0       0      0 |    0.00        0.00"
    );
    assert_eq!(lines[4], "");
    assert!(text.ends_with("\n\n"));
}

#[test]
fn an_empty_run_has_no_percentile_rows_and_no_error_report() {
    let view = empty_view();
    let percentiles = render(|out| write_percentile_table(&view, out, DEFAULT_NAME_WIDTH));
    let lines: Vec<_> = percentiles.lines().collect();
    assert_eq!(
        lines.len(),
        5,
        "title, header, two separators, empty line: {percentiles}"
    );
    assert_eq!(lines[2], lines[3]);
    assert_eq!(
        render(|out| write_error_report(&view, out, DEFAULT_NAME_WIDTH)),
        ""
    );

    let stats = render(|out| write_stats_table(&view, out, DEFAULT_NAME_WIDTH, Rates::Total));
    let full = render(|out| write_final_report(&view, out, DEFAULT_NAME_WIDTH));
    assert_eq!(full, stats + &percentiles);
}

#[test]
fn a_120_column_terminal_gets_a_40_wide_name_budget() {
    let width = stats_name_width(Some(120));
    assert_eq!(width, 40);
    let view = view();

    let stats = render(|out| write_stats_table(&view, out, width, Rates::Total));
    let stats: Vec<_> = stats.lines().collect();
    assert_eq!(
        stats[0],
        "Type     Name                                  # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s"
    );
    assert_eq!(
        stats[1],
        "--------|------------------------------------|-------|-------------|-------|-------|-------|-------|--------|-----------"
    );
    assert!(
        stats
            .iter()
            .filter(|l| !l.is_empty())
            .all(|l| l.len() == 120)
    );

    let percentiles = render(|out| write_percentile_table(&view, out, width));
    let percentiles: Vec<_> = percentiles.lines().collect();
    assert_eq!(
        percentiles[1],
        "Type     Name                                          50%    66%    75%    80%    90%    95%    98%    99%  99.9% 99.99%   100% # reqs"
    );
    assert_eq!(
        percentiles[2],
        "--------|----------------------------------------|--------|------|------|------|------|------|------|------|------|------|------|------"
    );

    let errors = render(|out| write_error_report(&view, out, width));
    assert_eq!(
        errors.lines().nth(2).unwrap(),
        "------------------|-----------------------------------------------------------------------------------------------------"
    );
}

#[test]
fn an_80_column_terminal_reproduces_locusts_negative_width_quirk() {
    let width = stats_name_width(Some(80));
    assert_eq!(width, 0);
    let view = empty_view();

    let stats = render(|out| write_stats_table(&view, out, width, Rates::Current));
    let stats: Vec<_> = stats.lines().collect();
    assert_eq!(
        stats[0],
        "Type     Name  # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s"
    );
    assert_eq!(
        stats[1],
        "--------||-------|-------------|-------|-------|-------|-------|--------|-----------"
    );
    assert_eq!(
        stats[3],
        "         Aggregated       0     0(0.00%) |      0       0       0      0 |    0.00        0.00"
    );

    let percentiles = render(|out| write_percentile_table(&view, out, width));
    let percentiles: Vec<_> = percentiles.lines().collect();
    assert_eq!(
        percentiles[1],
        "Type     Name      50%    66%    75%    80%    90%    95%    98%    99%  99.9% 99.99%   100% # reqs"
    );
    assert_eq!(
        percentiles[2],
        "--------||--------|------|------|------|------|------|------|------|------|------|------|------"
    );
}

#[test]
fn long_names_overflow_their_column_as_in_locust() {
    let view = view();
    let text = render(|out| write_stats_table(&view, out, 10, Rates::Total));
    // Name column 10 − 8 + 4 = 6: "/item?id=[id]" (13 chars) is printed whole, shifting its row.
    assert!(text.contains("GET      /item?id=[id]       2     0(0.00%) |"));
}
