//! Locust's console tables (reference §5.1), byte for byte: the stats table (printed every 2 s
//! with current rates, and at the end with total rates), the response-time percentile table and
//! the error report.

mod error_report;
mod layout;
mod percentile_table;
mod stats_table;
mod thresholds_table;

use std::io::{self, Write};

use locusta_stats::RunView;

pub use error_report::write_error_report;
pub use layout::{DEFAULT_NAME_WIDTH, stats_name_width};
pub use percentile_table::write_percentile_table;
pub use stats_table::{Rates, write_stats_table};
pub use thresholds_table::write_thresholds;

/// Locust's output at the end of a run: the stats table with total rates, the percentile table,
/// and the error report if anything failed. Each table ends with an empty line.
pub fn write_final_report(
    view: &RunView,
    out: &mut impl Write,
    name_width: usize,
) -> io::Result<()> {
    write_stats_table(view, out, name_width, Rates::Total)?;
    write_percentile_table(view, out, name_width)?;
    write_error_report(view, out, name_width)
}
