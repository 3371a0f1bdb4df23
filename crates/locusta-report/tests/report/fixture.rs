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

/// Builds a run second by second, as the runner does: each second's requests are recorded
/// into a delta, merged into the cumulative snapshot, noted in the charts' history, and a view
/// is taken at the end of the second.
pub struct Timeline {
    origin: Instant,
    clock: Clock,
    cumulative: Snapshot,
    history: locusta_stats::History,
}

/// One request of a [`Timeline`] second: `(method, name, response time in µs or untimed,
/// error)`, with 11 bytes of body.
pub type TimedRequest<'a> = (&'a str, &'a str, Option<u64>, Option<&'a str>);

impl Timeline {
    /// A run starting at [`START_UNIX`] with nothing recorded.
    pub fn start() -> Self {
        let origin = Instant::now();
        Self {
            origin,
            clock: Clock::with_origin(origin, Duration::from_secs(START_UNIX)),
            cumulative: Snapshot::new(START_UNIX as f64),
            history: locusta_stats::History::default(),
        }
    }

    /// Records `requests`, finishing at `START_UNIX + second`, and returns the view taken
    /// half a second later with `users` running.
    pub fn second(&mut self, second: u64, requests: &[TimedRequest<'_>], users: u64) -> RunView {
        let recorder = Recorder::new(self.clock);
        for &(method, name, us, error) in requests {
            let outcome = Outcome {
                response_time: us.map(Duration::from_micros),
                content_length: 11,
                error,
                finished_at: self.origin + Duration::from_secs(second),
            };
            recorder.record(method, name, &outcome);
        }
        let delta = recorder.take_delta();
        let now = (START_UNIX + second) as f64 + 0.5;
        self.cumulative.merge(&delta);
        self.history.observe(now, delta.total());
        // As the runner does: the point is computed from the view, then attached to it.
        let view = self.view_at(now, users);
        self.history.record(&view);
        view.with_history(self.history.points())
    }

    /// Records an error raised by user code, as a shard's recorder does.
    pub fn exception(&mut self, message: &str, traceback: &str) {
        let recorder = Recorder::new(self.clock);
        recorder.record_exception(message, traceback);
        self.cumulative.merge(&recorder.take_delta());
    }

    /// Zeroes the statistics at `START_UNIX + second`, as the web UI's reset does.
    pub fn reset(&mut self, second: u64) {
        self.cumulative.reset((START_UNIX + second) as f64);
        self.history.clear();
    }

    fn view_at(&self, now: f64, users: u64) -> RunView {
        RunView::new(
            Arc::new(self.cumulative.clone()),
            RunState::Running,
            users,
            now,
        )
    }
}

/// The fixture run's requests (see [`view`]) recorded second by second through a
/// [`Timeline`], plus an exception and users of two classes; the view is taken at its end.
/// Every table of the reports has rows.
pub fn full_view() -> RunView {
    let mut timeline = Timeline::start();
    let mut view = timeline.second(0, &[], 3);
    for second in 1..=10 {
        let requests: Vec<TimedRequest<'_>> = REQUESTS
            .iter()
            .filter(|request| request.2 == second)
            .map(|&(name, us, _, _, error)| ("GET", name, us, error))
            .collect();
        if second == 5 {
            timeline.exception("ValueError: bad", "Traceback:\n  line 1\nValueError: bad");
        }
        view = timeline.second(second, &requests, 3);
    }
    view.with_users_by_class(Arc::from([2, 1]))
}

/// A directory of its own under the system's temporary directory, removed when dropped.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    /// An empty directory named after `test` (and this process, so runs do not collide).
    pub fn new(test: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("locusta-report-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("the temporary directory can be created");
        Self(path)
    }

    /// The directory.
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// The names of the files and directories in it, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .expect("the temporary directory is readable")
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
