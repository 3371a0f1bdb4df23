//! The console: Locust's statistics table every 2 seconds, and the final tables.

use std::io::Write;
use std::time::Duration;

use locusta_report::console::{
    Rates, stats_name_width, write_final_report, write_stats_table, write_thresholds,
};
use locusta_report::thresholds::Verdict;
use locusta_runner::RunnerHandle;
use locusta_stats::RunView;

/// How often the periodic table is printed (Locust's `CONSOLE_STATS_INTERVAL_SEC`).
const INTERVAL: Duration = Duration::from_secs(2);

/// Prints the current table at once and then every 2 seconds, until dropped.
pub async fn print_periodically(handle: RunnerHandle) {
    let mut tick = tokio::time::interval(INTERVAL);
    loop {
        tick.tick().await;
        let view = handle.view();
        let mut buffer = Vec::new();
        if write_stats_table(&view, &mut buffer, name_width(), Rates::Current).is_ok() {
            emit(&buffer);
        }
    }
}

/// The final summary: statistics table, percentiles and error report.
pub fn print_final(view: &RunView) {
    let mut buffer = Vec::new();
    if write_final_report(view, &mut buffer, name_width()).is_ok() {
        emit(&buffer);
    }
}

/// The thresholds' summary table, when there are rules.
pub fn print_thresholds(verdicts: &[Verdict]) {
    let mut buffer = Vec::new();
    if write_thresholds(verdicts, &mut buffer).is_ok() {
        emit(&buffer);
    }
}

/// Locust prints its tables to stderr, like its log.
fn emit(table: &[u8]) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(table);
    let _ = stderr.flush();
}

/// Name column width from the terminal, if stderr is one.
fn name_width() -> usize {
    let columns = terminal_size::terminal_size_of(std::io::stderr()).map(|(width, _)| width.0);
    stats_name_width(columns)
}
