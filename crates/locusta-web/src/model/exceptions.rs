//! The `/exceptions` document: errors raised by user code, grouped by traceback.

use locusta_stats::RunView;
use serde::Serialize;

/// `{"exceptions": [{"count", "msg", "nodes", "traceback"}]}`.
#[derive(Debug, Serialize)]
pub(crate) struct ExceptionsReport<'a> {
    exceptions: Vec<ExceptionJson<'a>>,
}

#[derive(Debug, Serialize)]
struct ExceptionJson<'a> {
    count: u64,
    msg: &'a str,
    /// The nodes it happened on joined by `", "`, as Locust sends them (`local` when not
    /// distributed).
    nodes: String,
    traceback: &'a str,
}

impl<'a> ExceptionsReport<'a> {
    /// The document for `view`, most frequent exception first.
    pub(crate) fn new(view: &'a RunView) -> Self {
        let exceptions = view
            .exceptions()
            .into_iter()
            .map(|row| ExceptionJson {
                count: row.count(),
                msg: row.msg(),
                nodes: row.nodes().collect::<Vec<_>>().join(", "),
                traceback: row.traceback(),
            })
            .collect();
        Self { exceptions }
    }
}
