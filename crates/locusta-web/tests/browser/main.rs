//! The web UI in a real headless Chromium (Debian `chromium` + `chromium-driver`, installed by
//! `.ci/run`): start a test from the form, watch the statistics and the charts fill, reload,
//! edit the user count, look at the other tabs, stop. Screenshots go to
//! `target/test-artifacts/`.
//!
//! `report.rs` opens the HTML report of a real run from disk and checks that it draws;
//! `workers.rs` opens a master's UI and checks its Workers count and tab (its workers are
//! `../common/worker.rs`, shared with the API tests).
//!
//! Fails with an installation hint when Chromium or chromedriver is missing, unless
//! `LOCUSTA_SKIP_BROWSER_TESTS=1`.

mod driver;
mod page;
mod report;
mod server;
#[path = "../common/worker.rs"]
mod worker;
mod workers;

use std::path::PathBuf;

use fantoccini::error::CmdError;
use locusta_web::LogLines;

use crate::driver::{Browser, programs};
use crate::page::Page;

/// Where screenshots and the chromedriver log go: `target/test-artifacts/`.
fn artifacts_dir() -> PathBuf {
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let dir = target
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory")
        .join("test-artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts directory");
    dir
}

/// A log line the Logs tab must show as text, markup and all.
const LOG_LINE: &str = "the cart holds <b>3</b> items";

#[tokio::test]
async fn start_watch_edit_and_stop_a_test_from_the_ui() {
    let Some(programs) = programs() else { return };
    let artifacts = artifacts_dir();
    let logs = LogLines::new();
    logs.push(format!(
        "[2026-12-07 01:00:00,000] host/INFO/locusta.test: {LOG_LINE}"
    ));
    let server = server::start_with(|state| state.with_logs(logs)).await;
    let browser = Browser::start(&programs, &artifacts.join("chromedriver.log")).await;
    let page = Page::new(browser.client.clone(), artifacts.clone());

    let outcome = scenario(&page, &server.url).await;
    browser
        .finish(&page, "browser scenario", "browser-failure.png", outcome)
        .await;
}

async fn scenario(page: &Page, url: &str) -> Result<(), CmdError> {
    page.client.goto(url).await?;
    page.wait_visible("[data-testid=start-form]").await?;
    assert_eq!(page.client.title().await?, "Locusta · shop.lua");
    assert!(page.text("#class-list").await?.contains("WebsiteUser"));
    assert_eq!(page.value("#host").await?, page.text("#header-host").await?);

    // Fill the form and start.
    page.fill("#users", "5").await?;
    page.fill("#spawn-rate", "5").await?;
    page.screenshot("browser-start-form.png").await?;
    page.click("[data-testid=start-button]").await?;
    page.wait_text("[data-testid=header-users]", "5").await?;

    // The statistics table counts requests.
    let requests = page
        .wait_for("the Aggregated row counts requests", || async {
            let text = page.text("#stats-body tr.total td:nth-child(3)").await?;
            let count: u64 = text.replace(',', "").parse().unwrap_or(0);
            Ok((count > 0).then_some(count))
        })
        .await?;
    println!("the statistics table shows {requests} requests");
    // Tasks are picked at random: the first requests need not include an item view.
    page.wait_for("an /item row", || async {
        Ok(page
            .text("#stats-body")
            .await?
            .contains("/item")
            .then_some(()))
    })
    .await?;

    // The RPS chart has points, with requests in them.
    page.click("[data-testid=tab-charts]").await?;
    let points = page.wait_for_chart_points(2).await?;
    println!("the RPS chart has {points} points");
    let shot = page.screenshot("browser-charts-running.png").await?;
    println!("screenshot of the running charts: {}", shot.display());

    // A reload redraws the charts from the server's history.
    page.client.refresh().await?;
    page.wait_visible("[data-testid=tab-charts]").await?;
    page.click("[data-testid=tab-charts]").await?;
    let reloaded = page.wait_for_chart_points(points).await?;
    println!("after a reload the RPS chart has {reloaded} points");

    // Edit the running test down to 2 users.
    page.click("[data-testid=edit-button]").await?;
    page.wait_visible("[data-testid=edit-dialog]").await?;
    page.fill("#edit-users", "2").await?;
    page.screenshot("browser-edit-dialog.png").await?;
    page.click("[data-testid=edit-submit]").await?;
    page.wait_text("[data-testid=header-users]", "2").await?;

    // The other tabs show failures, exceptions and task ratios.
    page.click("[data-testid=tab-failures]").await?;
    page.wait_contains("#failures-body", "/flaky").await?;
    page.screenshot("browser-failures.png").await?;
    page.click("[data-testid=tab-exceptions]").await?;
    page.wait_contains("#exceptions-body", "checkout is closed")
        .await?;
    page.screenshot("browser-exceptions.png").await?;
    page.click("[data-testid=tab-ratio]").await?;
    page.wait_contains("#ratio-per-class", "WebsiteUser")
        .await?;
    page.screenshot("browser-ratio.png").await?;
    page.click("[data-testid=tab-downloads]").await?;
    page.wait_contains("#panel-downloads", "Request statistics CSV")
        .await?;
    page.click("[data-testid=tab-logs]").await?;
    page.wait_contains("[data-testid=logs-master]", LOG_LINE)
        .await?;
    page.screenshot("browser-logs.png").await?;

    // Stop.
    page.click("[data-testid=tab-stats]").await?;
    page.click("[data-testid=stop-button]").await?;
    page.wait_text("[data-testid=header-state]", "STOPPED")
        .await?;
    page.wait_visible("[data-testid=new-button]").await?;
    let shot = page.screenshot("browser-stopped.png").await?;
    println!("screenshot of the stopped test: {}", shot.display());

    let errors = page
        .client
        .execute("return window.locusta.errors", vec![])
        .await?;
    assert_eq!(errors, serde_json::json!([]), "the page reported errors");
    Ok(())
}
