//! The CSV dialect of Python's `csv.writer` defaults, which Locust uses.

use std::io::Write;

/// A writer with Python's `excel` dialect: `,` between fields, quotes only where needed
/// (a field holding `,`, `"`, `\r` or `\n`; quotes inside are doubled), `\r\n` after each row.
///
/// The `csv` writer buffers; callers flush it before returning so errors surface.
pub(crate) fn python_csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}
