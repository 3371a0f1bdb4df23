//! The HTML report (`--html FILE`, and the web UI's `GET /stats/report`): one self-contained
//! page with the run's period, host and script, its request, response-time, failure and
//! exception tables, threshold verdicts, and charts of requests per second, response times
//! and users over time.
//!
//! Self-contained means it opens from disk with no network: styles, uPlot and the chart code
//! (the web UI's own, from [`crate::assets`]) are inlined, and the chart history travels as
//! JSON in a `<script type="application/json">` element. The tables are rendered on the
//! server by an autoescaping template, so they read without JavaScript; every text from the
//! run (request names, error messages, tracebacks, the host) is HTML-escaped, and the JSON has
//! `<` written as `\u003c`, so no request name can end the element.
//!
//! Differences from Locust's report: the request table shows whole-run rates (RPS,
//! Failures/s) instead of the UI's "current" ones; times are UTC; the percentile table writes
//! `N/A` for a row without timed requests; "Final ratio" lists users per class (we keep no
//! per-task ratio); there is no dark theme and no "Download" link.

mod chart_data;
mod context;
mod duration;
mod numbers;
mod script_json;
mod tables;
mod template;

use std::io::{self, Write};

use locusta_stats::RunView;

use crate::RunMeta;
use chart_data::ChartData;
use context::{ReportContext, run_span};

/// Writes the HTML report of `view` (normally the run's final view, with its history) and
/// `meta` to `out`: a complete UTF-8 HTML document, about 70 KB plus the run's rows and
/// history.
///
/// Fails only when `out` does: the page is rendered whole first (a template error, which the
/// tests rule out, is an [`io::ErrorKind::Other`]), so a failed write leaves nothing half-made
/// in memory.
pub fn write_html_report(view: &RunView, meta: &RunMeta, out: &mut impl Write) -> io::Result<()> {
    let (_, end) = run_span(view);
    let page = template::render(&ReportContext::new(view, meta), &ChartData::new(view, end))
        .map_err(io::Error::other)?;
    out.write_all(page.as_bytes())
}
