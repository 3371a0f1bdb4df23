//! The UI as the test sees it: find, fill, click, read, and wait for things to show up.

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::error::CmdError;
use fantoccini::{Client, Locator};

/// How long anything may take to show up (the page polls every 2 s; charts get a point every
/// 2 s).
const PATIENCE: Duration = Duration::from_secs(30);

/// A WebDriver session on the UI.
pub struct Page {
    /// The session.
    pub client: Client,
    artifacts: PathBuf,
}

impl Page {
    pub fn new(client: Client, artifacts: PathBuf) -> Self {
        Self { client, artifacts }
    }

    /// The text of the element matching `css`.
    pub async fn text(&self, css: &str) -> Result<String, CmdError> {
        self.client.find(Locator::Css(css)).await?.text().await
    }

    /// The value of the input matching `css`.
    pub async fn value(&self, css: &str) -> Result<String, CmdError> {
        let input = self.client.find(Locator::Css(css)).await?;
        Ok(input.prop("value").await?.unwrap_or_default())
    }

    /// Replaces the content of the input matching `css` with `text`.
    pub async fn fill(&self, css: &str, text: &str) -> Result<(), CmdError> {
        let input = self.client.find(Locator::Css(css)).await?;
        input.clear().await?;
        input.send_keys(text).await
    }

    /// Clicks the element matching `css` once it is visible.
    pub async fn click(&self, css: &str) -> Result<(), CmdError> {
        self.wait_visible(css).await?;
        self.client.find(Locator::Css(css)).await?.click().await
    }

    /// Saves a screenshot of the window as `name` in the artifacts directory.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf, CmdError> {
        let png = self.client.screenshot().await?;
        let path = self.artifacts.join(name);
        std::fs::write(&path, png).expect("write the screenshot");
        Ok(path)
    }

    /// Polls `probe` every 200 ms until it gives a value; fails after [`PATIENCE`].
    pub async fn wait_for<T, F, Fut>(&self, what: &str, mut probe: F) -> Result<T, CmdError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>, CmdError>>,
    {
        let deadline = Instant::now() + PATIENCE;
        let mut last_error = None;
        loop {
            match probe().await {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => {}
                // The element may not exist yet, or was just replaced by a new table.
                Err(CmdError::Standard(error)) => last_error = Some(error),
                Err(error) => return Err(error),
            }
            if Instant::now() > deadline {
                eprintln!("gave up waiting: {what} (last WebDriver error: {last_error:?})");
                return Err(CmdError::WaitTimeout);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until the element matching `css` is displayed.
    pub async fn wait_visible(&self, css: &str) -> Result<(), CmdError> {
        self.wait_for(&format!("{css} is visible"), || async {
            let element = self.client.find(Locator::Css(css)).await?;
            Ok(element.is_displayed().await?.then_some(()))
        })
        .await
    }

    /// Waits until the element matching `css` reads exactly `expected`.
    pub async fn wait_text(&self, css: &str, expected: &str) -> Result<(), CmdError> {
        self.wait_for(&format!("{css} reads {expected:?}"), || async {
            Ok((self.text(css).await?.trim() == expected).then_some(()))
        })
        .await
    }

    /// Waits until the text of the element matching `css` contains `expected`.
    pub async fn wait_contains(&self, css: &str, expected: &str) -> Result<(), CmdError> {
        self.wait_for(&format!("{css} contains {expected:?}"), || async {
            Ok(self.text(css).await?.contains(expected).then_some(()))
        })
        .await
    }

    /// Waits until uPlot's RPS chart holds at least `at_least` points, one of them with
    /// requests, and the chart's `data-points` says so too; returns the number of points.
    pub async fn wait_for_chart_points(&self, at_least: u64) -> Result<u64, CmdError> {
        const READ: &str = "const plot = window.locusta.charts.plots.rps.plot; \
             return [plot.data[0].length, Math.max(0, ...plot.data[1]), \
             Number(document.querySelector('[data-testid=chart-rps]').dataset.points)];";
        self.wait_for(&format!("the RPS chart has {at_least} points"), || async {
            let read = self.client.execute(READ, vec![]).await?;
            let points = read[0].as_u64().unwrap_or(0);
            let highest_rps = read[1].as_f64().unwrap_or(0.0);
            let attribute = read[2].as_u64().unwrap_or(0);
            let ready = points >= at_least && highest_rps > 0.0 && attribute == points;
            Ok(ready.then_some(points))
        })
        .await
    }
}
