//! The HTML report in a real headless Chromium: a short real run against the demo target,
//! written with `write_html_report` to `target/test-artifacts/report.html` and opened from
//! disk (`file://`, so nothing could be fetched from a server). The three charts must draw
//! their series, the tables must hold the run's rows, and markup in request names, failure
//! messages and exceptions must show as text.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use fantoccini::error::CmdError;
use locusta_engine::{
    Engine, EngineConfig, Resources, TaskError, TaskResult, UserClass, UserContext, between,
};
use locusta_http::{HttpConfig, HttpSession};
use locusta_report::RunMeta;
use locusta_report::html::write_html_report;
use locusta_report::thresholds::Verdict;
use locusta_runner::{Runner, RunnerConfig, Target as RunTarget};
use locusta_stats::{Clock, RunView};
use locusta_target::{Target, TargetOptions};
use serde_json::Value;

use crate::artifacts_dir;
use crate::driver::{Browser, programs};
use crate::page::Page;

/// A request name that would run a script if it reached the page as markup.
const SCRIPT_NAME: &str = "/x<script>alert(1)</script>";
/// A `response.failure()` message with markup.
const BOLD_FAILURE: &str = "<b>bold</b> failure";
/// An exception message with markup.
const ITALIC_EXCEPTION: &str = "<i>checkout</i> is closed";

/// A user of the demo target whose names and messages carry markup.
struct Visitor {
    client: HttpSession,
}

impl Visitor {
    fn new(ctx: &UserContext<'_>) -> Result<Self, TaskError> {
        let config = HttpConfig::shared_default()?;
        Ok(Self {
            client: HttpSession::new(&config, ctx.host, ctx.recorder.clone())?,
        })
    }

    async fn hello(&mut self) -> TaskResult {
        self.client.get("/hello").send().await?;
        Ok(())
    }

    async fn scripted_name(&mut self) -> TaskResult {
        self.client.get("/world").name(SCRIPT_NAME).send().await?;
        Ok(())
    }

    async fn bold_failure(&mut self) -> TaskResult {
        let response = self.client.get("/item?id=3").name("/item").catch_response();
        response.send().await?.failure(BOLD_FAILURE);
        Ok(())
    }

    async fn checkout(&mut self) -> TaskResult {
        Err(TaskError::msg(ITALIC_EXCEPTION))
    }
}

fn classes() -> Vec<UserClass> {
    vec![
        UserClass::builder("Visitor", Visitor::new)
            .wait_time(between(0.05, 0.15))
            .task("hello", 4, |u| Box::pin(u.hello()))
            .task("scripted_name", 2, |u| Box::pin(u.scripted_name()))
            .task("bold_failure", 1, |u| Box::pin(u.bold_failure()))
            .task("checkout", 1, |u| Box::pin(u.checkout()))
            .build(),
    ]
}

/// Runs 3 users for 5 s against `target` and returns the final view, as a headless run does.
async fn record_a_run(target: &Target) -> Arc<RunView> {
    let classes: Arc<[UserClass]> = Arc::from(classes());
    let clock = Clock::start();
    let engine = Engine::start(EngineConfig {
        threads: 1,
        classes: Arc::clone(&classes),
        host_override: Some(target.url()),
        resources: Resources::default(),
        seed: 11,
        clock,
    })
    .expect("engine");
    let config = RunnerConfig {
        quit_at_run_time: true,
        clock,
        ..RunnerConfig::default()
    };
    let (runner, handle) = Runner::new(engine, classes, config);
    let run = tokio::spawn(runner.run());
    handle.start(RunTarget {
        run_time: Some(Duration::from_secs(5)),
        ..RunTarget::new(3, 10.0)
    });
    run.await.expect("the runner ends at its run time")
}

#[tokio::test]
async fn the_html_report_draws_its_charts_and_shows_names_as_text() {
    let Some(programs) = programs() else { return };
    let artifacts = artifacts_dir();
    let target = Target::spawn_thread(TargetOptions::default()).expect("demo target");
    let view = record_a_run(&target).await;
    assert!(view.history().len() >= 2, "the run has chart points");

    let meta = RunMeta {
        host: Some(target.url()),
        locustfile: "report.lua".to_owned(),
        class_names: vec!["Visitor".to_owned()],
        thresholds: vec![Verdict {
            rule: "error-rate<50%".to_owned(),
            actual: Some(view.total().fail_ratio() * 100.0),
            limit: 50.0,
            unit: "%",
            passed: view.total().fail_ratio() < 0.5,
        }],
    };
    let path = artifacts.join("report.html");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("report file"));
    write_html_report(&view, &meta, &mut file).expect("write the report");
    drop(file);
    println!("the report: {}", path.display());

    let browser = Browser::start(&programs, &artifacts.join("chromedriver-report.log")).await;
    let page = Page::new(browser.client.clone(), artifacts.clone());
    let outcome = check_report(&page, &path, &view).await;
    browser
        .finish(&page, "report check", "report-failure.png", outcome)
        .await;
}

async fn check_report(page: &Page, path: &Path, view: &RunView) -> Result<(), CmdError> {
    page.client
        .goto(&format!("file://{}", path.display()))
        .await?;
    assert_eq!(
        page.client.title().await?,
        "Locusta Test Report · report.lua"
    );

    // The three charts drew: a canvas each, with pixels of their series' colours.
    let charts = page
        .wait_for("the charts are drawn", || async {
            let read = page.client.execute(READ_CHARTS, vec![]).await?;
            let drawn = read.as_array().is_some_and(|charts| {
                charts.len() == 3 && charts.iter().all(|c| c["seriesPixels"].as_u64() > Some(0))
            });
            Ok(drawn.then_some(read))
        })
        .await?;
    // The history, and a point at the last request when the history stops before it.
    let last_request = view.total().stats().last_request_timestamp().unwrap();
    let last_point = view.history().last().unwrap().time;
    let expected_points = view.history().len() + usize::from(last_point < last_request);
    for chart in charts.as_array().unwrap() {
        println!("chart {chart}");
        assert_eq!(chart["points"].as_u64(), Some(expected_points as u64));
        assert!(chart["width"].as_u64() > Some(100) && chart["height"].as_u64() > Some(100));
    }

    // The statistics table holds every row of the run, with its counts.
    let rows = page.client.execute(READ_STATS_ROWS, vec![]).await?;
    let rows = rows.as_array().unwrap();
    let expected = view.rows_with_total();
    assert_eq!(rows.len(), expected.len(), "{rows:?}");
    for (cells, row) in rows.iter().zip(&expected) {
        assert_eq!(cells[1], row.name(), "names in the run's order, as text");
        assert_eq!(count(&cells[2]), row.num_requests(), "{}", row.name());
        assert_eq!(count(&cells[3]), row.num_failures(), "{}", row.name());
    }
    let names: Vec<&str> = rows
        .iter()
        .map(|cells| cells[1].as_str().unwrap())
        .collect();
    for name in ["/hello", "/item", SCRIPT_NAME, "Aggregated"] {
        assert!(names.contains(&name), "no row {name} in {names:?}");
    }
    assert!(view.total().num_requests() > 0);

    // Markup from the run is text: no element was made of it and no alert opened.
    let markup = page.client.execute(READ_MARKUP, vec![]).await?;
    assert_eq!(markup["scripts"], 3, "chart data, uPlot, chart module");
    assert_eq!(
        markup["injected"], 0,
        "no <b>, <i> or <script> from the run"
    );
    assert!(markup["failures"].as_str().unwrap().contains(BOLD_FAILURE));
    assert!(
        markup["exceptions"]
            .as_str()
            .unwrap()
            .contains(ITALIC_EXCEPTION)
    );
    assert!(
        page.client.get_alert_text().await.is_err(),
        "an alert is open"
    );

    let shot = page.screenshot("report.png").await?;
    println!("screenshot of the report: {}", shot.display());
    page.client
        .execute("document.getElementById('charts').scrollIntoView()", vec![])
        .await?;
    let shot = page.screenshot("report-charts.png").await?;
    println!("screenshot of the report's charts: {}", shot.display());
    Ok(())
}

/// A table cell's count: `1,234` → 1234.
fn count(cell: &Value) -> u64 {
    cell.as_str()
        .unwrap_or_default()
        .replace(',', "")
        .parse()
        .unwrap_or(u64::MAX)
}

/// For each chart: its canvas size, uPlot's point count, and how many pixels are close to the
/// colour of its first series (green RPS, violet 50th percentile, blue users): axes and grid
/// are grey, so those pixels are the series' line.
const READ_CHARTS: &str = r##"
const series = {
  "chart-rps": [22, 163, 74],
  "chart-response-times": [124, 58, 237],
  "chart-users": [37, 99, 235],
};
const plots = window.locustaReport?.charts?.plots;
if (!plots) return null;
return Object.entries(series).map(([id, [r, g, b]]) => {
  const canvas = document.querySelector(`#${id} canvas`);
  if (!canvas || !canvas.width || !canvas.height) return { id, seriesPixels: 0 };
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let seriesPixels = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const close = Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g) + Math.abs(pixels[i + 2] - b) < 60;
    if (close && pixels[i + 3] > 200) seriesPixels += 1;
  }
  const plot = Object.values(plots).find((p) => p.container.id === id).plot;
  return {
    id,
    width: canvas.width,
    height: canvas.height,
    points: plot.data[0].length,
    seriesPixels,
  };
});
"##;

/// The text of every cell of the Request Statistics rows.
const READ_STATS_ROWS: &str = r##"
return [...document.querySelectorAll("#stats-table tbody tr")].map(
  (tr) => [...tr.children].map((td) => td.textContent)
);
"##;

/// How many script elements the page has, how many elements were made from markup in the
/// run's text, and the text of the failures and exceptions tables.
const READ_MARKUP: &str = r##"
return {
  scripts: document.querySelectorAll("script").length,
  injected: document.querySelectorAll("main b, main i, main script, main img").length,
  failures: document.getElementById("failures-table").textContent,
  exceptions: document.getElementById("exceptions-table").textContent,
};
"##;
