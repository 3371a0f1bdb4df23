//! `CsvFiles`, the `--csv PREFIX` driver: the four files, replaced whole or appended, and one
//! file's failure kept from the others.

use std::fs;
use std::io::ErrorKind;

use locusta_report::csv::{CsvFiles, StatsHistoryWriter, write_failures_csv, write_stats_csv};

use crate::fixture::{TempDir, Timeline, full_view, render};

const FILES: [&str; 4] = [
    "run_exceptions.csv",
    "run_failures.csv",
    "run_stats.csv",
    "run_stats_history.csv",
];

fn read(dir: &TempDir, name: &str) -> String {
    fs::read_to_string(dir.path().join(name)).unwrap()
}

fn history_lines(dir: &TempDir) -> usize {
    read(dir, "run_stats_history.csv").matches("\r\n").count()
}

#[test]
fn create_makes_the_directories_and_the_history_header() {
    let dir = TempDir::new("csv-create");
    let prefix = dir.path().join("nested/deeper/run");
    let files = CsvFiles::create(&prefix, false).unwrap();
    let nested = dir.path().join("nested/deeper");
    assert_eq!(
        fs::read_to_string(nested.join("run_stats_history.csv")).unwrap(),
        render(StatsHistoryWriter::write_header)
    );
    assert!(
        !nested.join("run_stats.csv").exists(),
        "written by the first update"
    );
    assert_eq!(
        files.paths(),
        [
            nested.join("run_stats.csv").as_path(),
            nested.join("run_stats_history.csv").as_path(),
            nested.join("run_failures.csv").as_path(),
            nested.join("run_exceptions.csv").as_path(),
        ]
    );
}

#[test]
fn updates_replace_three_files_and_append_history() {
    let dir = TempDir::new("csv-update");
    let mut files = CsvFiles::create(dir.path().join("run"), true).unwrap();
    let mut timeline = Timeline::start();
    let idle = timeline.second(0, &[], 0);
    files.update(&idle).unwrap();
    assert_eq!(
        read(&dir, "run_stats.csv"),
        render(|out| write_stats_csv(&idle, out))
    );
    assert_eq!(history_lines(&dir), 2, "header and the idle Aggregated row");

    let busy = full_view();
    files.update(&busy).unwrap();
    // Whole new contents, not the old ones with the new appended.
    assert_eq!(
        read(&dir, "run_stats.csv"),
        render(|out| write_stats_csv(&busy, out))
    );
    assert_eq!(
        read(&dir, "run_failures.csv"),
        render(|out| write_failures_csv(&busy, out))
    );
    assert!(read(&dir, "run_exceptions.csv").contains("ValueError: bad"));
    // Full history: the six entries and Aggregated.
    assert_eq!(history_lines(&dir), 2 + 7);

    files.finish(&busy).unwrap();
    assert_eq!(history_lines(&dir), 2 + 7 + 7, "the final rows");
    assert_eq!(dir.names(), FILES, "no temporary file is left behind");
}

#[test]
fn a_file_that_cannot_be_written_does_not_stop_the_others() {
    let dir = TempDir::new("csv-unwritable");
    let mut files = CsvFiles::create(dir.path().join("run"), false).unwrap();
    // A directory where `_stats.csv` should go: the rename over it fails.
    fs::create_dir(dir.path().join("run_stats.csv")).unwrap();
    let view = full_view();

    let error = files.update(&view).unwrap_err();
    let stats_path = dir.path().join("run_stats.csv");
    assert_eq!(error.failures().len(), 1, "{error}");
    assert_eq!(error.failures()[0].path(), stats_path);
    assert!(
        error
            .to_string()
            .contains(&stats_path.display().to_string()),
        "the message names the file: {error}"
    );
    assert_eq!(
        read(&dir, "run_failures.csv"),
        render(|out| write_failures_csv(&view, out))
    );
    assert!(read(&dir, "run_exceptions.csv").contains("ValueError: bad"));
    assert_eq!(history_lines(&dir), 2);
    assert_eq!(
        dir.names(),
        FILES,
        "the failed file's temporary copy is removed"
    );

    // Once the obstacle is gone, the next update writes it.
    fs::remove_dir(&stats_path).unwrap();
    files.update(&view).unwrap();
    assert_eq!(
        read(&dir, "run_stats.csv"),
        render(|out| write_stats_csv(&view, out))
    );
}

#[test]
fn create_names_the_path_it_could_not_create() {
    let dir = TempDir::new("csv-create-error");
    fs::create_dir(dir.path().join("run_stats_history.csv")).unwrap();
    let error = CsvFiles::create(dir.path().join("run"), false).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::IsADirectory);
    let history = dir.path().join("run_stats_history.csv");
    assert!(
        error
            .to_string()
            .starts_with(&history.display().to_string()),
        "{error}"
    );
}
