//! A run with known requests, so every printed number can be computed by hand.

use std::sync::Arc;
use std::time::Duration;

use locusta_stats::{Clock, Outcome, Recorder, RunState, RunView, Snapshot};
use tokio::time::Instant;

/// Unix second the fixture run starts at.
pub const START_UNIX: u64 = 1_795_436_180;

const HTTP_500: &str = "HTTPError('500 Server Error: Internal Server Error for url: /err')";
const BAD_STATUS: &str = "LocustBadStatusCode(code=500)";
const CUSTOM_404: &str = "CatchResponseError('Got 404 custom')";

/// `(name, response time in µs or untimed, finished at second, body bytes, error)`, all `GET`.
type Request = (&'static str, Option<u64>, u64, u64, Option<&'static str>);

/// The last request finishes 10 s after the start, so total rates are counts / 10.
const REQUESTS: &[Request] = &[
    ("/", Some(2_000), 1, 11, None),
    ("/", Some(5_000), 2, 11, None),
    ("/", Some(7_000), 3, 11, None),
    ("/", Some(9_000), 4, 11, None),
    ("/", Some(25_000), 5, 11, None),
    ("/err", Some(1_000), 2, 0, Some(HTTP_500)),
    ("/err", Some(5_000), 6, 0, Some(HTTP_500)),
    ("/err", Some(500), 7, 0, Some(BAD_STATUS)),
    ("/item?id=[id]", Some(3_000), 3, 11, None),
    ("/item?id=[id]", Some(19_000), 8, 11, None),
    ("/missing", Some(4_000), 6, 0, Some(CUSTOM_404)),
    ("/stream", None, 9, 0, None),
    ("/slow", Some(201_000), 4, 11, None),
    ("/slow", Some(210_000), 10, 11, None),
];

/// The fixture run, recorded on two shards and merged as the runner does.
pub fn view() -> RunView {
    let origin = Instant::now();
    let clock = Clock::with_origin(origin, Duration::from_secs(START_UNIX));
    let shards = [Recorder::new(clock), Recorder::new(clock)];
    for (i, &(name, us, second, content_length, error)) in REQUESTS.iter().enumerate() {
        let outcome = Outcome {
            response_time: us.map(Duration::from_micros),
            content_length,
            error,
            finished_at: origin + Duration::from_secs(second),
        };
        shards[i % 2].record("GET", name, &outcome);
    }
    let mut cumulative = Snapshot::new(START_UNIX as f64);
    for shard in &shards {
        cumulative.merge(&shard.take_delta());
    }
    RunView::new(
        Arc::new(cumulative),
        RunState::Stopped,
        0,
        (START_UNIX + 10) as f64,
    )
}

/// A run that has not recorded anything yet (Locust's first periodic table).
pub fn empty_view() -> RunView {
    RunView::new(
        Arc::new(Snapshot::new(START_UNIX as f64)),
        RunState::Spawning,
        0,
        START_UNIX as f64,
    )
}

/// Renders `write` into a string.
pub fn render(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    write(&mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("tables are UTF-8")
}
