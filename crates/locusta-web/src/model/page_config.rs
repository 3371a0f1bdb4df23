//! The settings the UI page starts from, embedded into `index.html` as JSON (Locust's
//! `window.templateArgs`, trimmed to what our UI reads).

use locusta_stats::{HISTORY_CAPACITY, HISTORY_INTERVAL, PERCENTILES_TO_CHART};
use serde::Serialize;

use crate::WebState;
use crate::time_format::timespan;

/// `{"class_picker", "classes", "form", "history", "host", "is_distributed", "locustfile",
/// "percentiles_to_chart", "shape", "version", "worker_count"}`.
#[derive(Debug, Serialize)]
pub(crate) struct PageConfig<'a> {
    /// Whether the start form lets the user choose classes (`--class-picker`).
    class_picker: bool,
    /// The user classes, for the start form's class list.
    classes: Vec<ClassJson<'a>>,
    /// What the start form proposes.
    form: FormJson,
    /// How the server records the chart history.
    history: HistoryJson,
    /// The run's host, `null` when the classes use hosts of their own.
    host: Option<String>,
    /// Whether this is a master's UI: the page shows the Workers count and tab.
    is_distributed: bool,
    /// The locustfile's name, for the page title.
    locustfile: &'a str,
    percentiles_to_chart: [f64; 2],
    /// The load shape, `null` without one: the form hides what the shape decides.
    shape: Option<ShapeJson<'a>>,
    /// Locusta's version, for the footer.
    version: &'static str,
    /// Workers ready for orders when the page was served (0 for a local run); the page then
    /// follows `/stats/requests`.
    worker_count: usize,
}

#[derive(Debug, Serialize)]
struct ClassJson<'a> {
    fixed_count: u32,
    name: &'a str,
    weight: f64,
}

#[derive(Debug, Serialize)]
struct ShapeJson<'a> {
    name: &'a str,
    use_common_options: bool,
}

#[derive(Debug, Serialize)]
struct FormJson {
    /// A time span such as `1h20m` (the form's text), or `null`.
    run_time: Option<String>,
    spawn_rate: Option<f64>,
    user_count: Option<u64>,
}

#[derive(Debug, Serialize)]
struct HistoryJson {
    /// Most points kept.
    capacity: usize,
    /// Seconds between points.
    interval: f64,
}

impl<'a> PageConfig<'a> {
    /// The settings of the run `state` serves.
    pub(crate) fn new(state: &'a WebState) -> Self {
        let run = state.run();
        let defaults = state.form_defaults();
        Self {
            class_picker: state.class_picker(),
            classes: run
                .classes
                .iter()
                .map(|class| ClassJson {
                    fixed_count: class.fixed_count,
                    name: &class.name,
                    weight: class.weight,
                })
                .collect(),
            form: FormJson {
                run_time: defaults.run_time.map(timespan),
                spawn_rate: defaults.spawn_rate,
                user_count: defaults.user_count,
            },
            history: HistoryJson {
                capacity: HISTORY_CAPACITY,
                interval: HISTORY_INTERVAL.as_secs_f64(),
            },
            host: state.host(),
            is_distributed: state.is_distributed(),
            locustfile: &run.locustfile,
            percentiles_to_chart: PERCENTILES_TO_CHART,
            shape: state.shape().map(|shape| ShapeJson {
                name: &shape.name,
                use_common_options: shape.use_common_options,
            }),
            version: env!("CARGO_PKG_VERSION"),
            worker_count: state.ready_workers(),
        }
    }

    /// The settings as JSON that is safe inside an HTML `<script>` element: `<`, `>` and `&`
    /// (which only occur inside JSON strings) are written as `\u003c`-style escapes, so no
    /// text from the run (a class name, a host) can close the element or open a comment.
    pub(crate) fn to_script_json(&self) -> String {
        let json = serde_json::to_string(self).expect("the page settings serialize");
        let mut safe = String::with_capacity(json.len());
        for c in json.chars() {
            match c {
                '<' => safe.push_str("\\u003c"),
                '>' => safe.push_str("\\u003e"),
                '&' => safe.push_str("\\u0026"),
                // Line separators are valid in JSON strings but not in older JavaScript.
                '\u{2028}' => safe.push_str("\\u2028"),
                '\u{2029}' => safe.push_str("\\u2029"),
                c => safe.push(c),
            }
        }
        safe
    }
}
