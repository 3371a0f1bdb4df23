//! Locust's `--json` / `--json-file` output: its raw per-entry dicts.

use std::collections::BTreeMap;
use std::io::{self, Write};

use locusta_stats::{EntryRow, RunView};
use serde::Serialize;

use super::buckets::locust_response_times;

/// Locust's `StatsEntry.serialize()`, field for field and in its order. Times are ms.
#[derive(Debug, Serialize)]
struct LocustEntry<'a> {
    name: &'a str,
    method: &'a str,
    last_request_timestamp: Option<f64>,
    start_time: f64,
    num_requests: u64,
    num_none_requests: u64,
    num_failures: u64,
    total_response_time: f64,
    max_response_time: f64,
    /// `null` without timed requests, as Locust's `None`.
    min_response_time: Option<f64>,
    total_content_length: u64,
    /// Locust's bucket (ms) → count.
    response_times: BTreeMap<u64, u64>,
    /// Unix second → requests.
    num_reqs_per_sec: BTreeMap<u64, u64>,
    /// Unix second → failures (only seconds that had some).
    num_fail_per_sec: BTreeMap<u64, u64>,
}

impl<'a> LocustEntry<'a> {
    fn new(row: &EntryRow<'a>, run_start: f64) -> Self {
        let stats = row.stats();
        let recent: Vec<(u64, u64, u64)> = stats.recent_seconds().collect();
        let per_second = |pick: fn(&(u64, u64, u64)) -> u64| -> BTreeMap<u64, u64> {
            recent
                .iter()
                .filter(|counts| pick(counts) > 0)
                .map(|counts| (counts.0, pick(counts)))
                .collect()
        };
        Self {
            name: row.name(),
            method: row.method(),
            last_request_timestamp: stats.last_request_timestamp(),
            start_time: stats.start_time().unwrap_or(run_start),
            num_requests: stats.num_requests(),
            num_none_requests: stats.num_none_requests(),
            num_failures: stats.num_failures(),
            total_response_time: us_to_ms(stats.total_response_time_us()),
            max_response_time: stats.max_response_time_us().map_or(0.0, us_to_ms),
            min_response_time: stats.min_response_time_us().map(us_to_ms),
            total_content_length: stats.total_content_length(),
            response_times: locust_response_times(stats),
            num_reqs_per_sec: per_second(|&(_, requests, _)| requests),
            num_fail_per_sec: per_second(|&(_, _, failures)| failures),
        }
    }
}

/// Writes Locust's `--json` document: a JSON array, indented by 4 spaces, of one object per
/// entry with Locust's keys in Locust's order (`name`, `method`, `last_request_timestamp`,
/// `start_time`, `num_requests`, `num_none_requests`, `num_failures`, `total_response_time`,
/// `max_response_time`, `min_response_time`, `total_content_length`, `response_times`,
/// `num_reqs_per_sec`, `num_fail_per_sec`), then a newline.
///
/// As in Locust: no Aggregated row, no errors, entries without requests or failures left out;
/// times in ms as floats, timestamps in Unix seconds. Differences: entries are sorted by
/// (name, method) (Locust: first-request order, which merged shards do not have);
/// `response_times` is rebuilt from our histogram (see [`super`]); the per-second counters
/// cover the last [`locusta_stats::SECONDS_KEPT`] seconds only; nothing is reset (Locust's
/// writer zeroes every entry, so its console summary printed afterwards shows zeros).
pub fn write_locust_json(view: &RunView, out: &mut impl Write) -> io::Result<()> {
    let run_start = view.total().stats().start_time().unwrap_or(view.now());
    let entries: Vec<LocustEntry<'_>> = view
        .entries()
        .iter()
        .filter(|row| row.num_requests() > 0 || row.num_failures() > 0)
        .map(|row| LocustEntry::new(row, run_start))
        .collect();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, formatter);
    entries.serialize(&mut serializer)?;
    out.write_all(b"\n")
}

fn us_to_ms(us: u64) -> f64 {
    us as f64 / 1000.0
}
