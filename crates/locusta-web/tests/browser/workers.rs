//! A master's UI in a real headless Chromium: a real master (in-memory transport) with two
//! real workers (`../common/worker.rs`: each a real engine and runner with the run's classes,
//! aimed at the demo target); the header counts the workers and the Workers tab lists them,
//! markup in a worker's id shown as text; the Logs tab shows the lines a worker forwarded.

use std::sync::Arc;
use std::time::Duration;

use fantoccini::Locator;
use fantoccini::error::CmdError;
use locusta_cluster::transport::memory::memory_transport;
use locusta_cluster::{Master, MasterConfig, WorkerConfig};
use locusta_web::LogLines;
use tokio::task::LocalSet;

use crate::artifacts_dir;
use crate::driver::{Browser, programs};
use crate::page::Page;
use crate::server;
use crate::worker::spawn_worker;

/// A worker id that would show bold text if it reached the page as markup.
const MARKUP_ID: &str = "<b>bold</b>-worker";

/// What each worker logged.
const WORKER_LINE: &str = "worker log: <i>ready</i>";

#[tokio::test]
async fn a_master_shows_its_workers() {
    let Some(programs) = programs() else { return };
    let artifacts = artifacts_dir();
    // The workers' engines and runners run on this `LocalSet`, in real time.
    LocalSet::new()
        .run_until(async {
            let config = MasterConfig {
                heartbeat_interval: Duration::from_millis(200),
                report_interval: Duration::from_millis(200),
                view_interval: Duration::from_millis(50),
                ..MasterConfig::new(server::class_names())
            };
            let (listener, connector) = memory_transport();
            let (master, handle) = Master::new(config, listener);
            tokio::spawn(master.run());
            let server = server::start_with(|state| {
                state
                    .with_cluster(handle.subscribe())
                    .with_worker_logs(handle.worker_logs())
            })
            .await;
            let worker_lines = LogLines::new();
            worker_lines.push(WORKER_LINE.to_owned());
            for id in ["worker-a", MARKUP_ID] {
                let config = WorkerConfig {
                    worker_id: id.to_owned(),
                    hostname: "node-1".to_owned(),
                    log_tail: Some(Arc::new(worker_lines.clone())),
                    log_interval: Duration::from_millis(200),
                    ..WorkerConfig::new()
                };
                spawn_worker(
                    config,
                    server::classes(),
                    Some(server.target_url.clone()),
                    connector.clone(),
                );
            }
            let mut views = handle.subscribe();
            tokio::time::timeout(
                Duration::from_secs(10),
                views.wait_for(|view| view.ready_workers() == 2),
            )
            .await
            .expect("two workers ready within 10 s")
            .expect("the master runs");

            let browser =
                Browser::start(&programs, &artifacts.join("chromedriver-workers.log")).await;
            let page = Page::new(browser.client.clone(), artifacts.clone());

            let outcome = scenario(&page, &server.url).await;
            browser
                .finish(
                    &page,
                    "browser scenario",
                    "browser-workers-failure.png",
                    outcome,
                )
                .await;
        })
        .await;
}

async fn scenario(page: &Page, url: &str) -> Result<(), CmdError> {
    page.client.goto(url).await?;
    page.wait_visible("[data-testid=start-form]").await?;
    page.wait_text("[data-testid=header-workers]", "2").await?;

    // Start (the test's runner runs the users locally) to see the dashboard and its tabs.
    page.fill("#users", "2").await?;
    page.fill("#spawn-rate", "2").await?;
    page.click("[data-testid=start-button]").await?;
    page.click("[data-testid=tab-workers]").await?;
    page.wait_contains("#workers-body", "worker-a").await?;
    let rows = page
        .client
        .find_all(Locator::Css("#workers-body tr"))
        .await?;
    assert_eq!(rows.len(), 2);
    let first = page.text("#workers-body tr:nth-child(1)").await?;
    assert!(first.contains("node-1"), "{first}");
    assert!(first.contains("ready"), "{first}");
    let second = page.text("#workers-body tr:nth-child(2)").await?;
    assert!(second.contains(MARKUP_ID), "markup shows as text: {second}");
    let bold = page
        .client
        .find_all(Locator::Css("#workers-body b"))
        .await?;
    assert!(bold.is_empty(), "a worker id became markup");
    // The memory column, after the first heartbeats.
    page.wait_for("the workers' memory", || async {
        let memory = page
            .text("#workers-body tr:nth-child(1) td:nth-child(6)")
            .await?;
        Ok((memory.ends_with("MiB") || memory.ends_with("GiB")).then_some(()))
    })
    .await?;
    page.screenshot("browser-workers.png").await?;

    // Each worker's forwarded lines, under its id, as text.
    page.click("[data-testid=tab-logs]").await?;
    page.wait_contains("[data-testid=logs-workers]", WORKER_LINE)
        .await?;
    let logs = page.text("[data-testid=logs-workers]").await?;
    assert!(logs.contains("Worker worker-a"), "{logs}");
    assert!(logs.contains(&format!("Worker {MARKUP_ID}")), "{logs}");
    let markup = page
        .client
        .find_all(Locator::Css(
            "[data-testid=logs-workers] b, [data-testid=logs-workers] i",
        ))
        .await?;
    assert!(markup.is_empty(), "log text became markup");
    page.screenshot("browser-worker-logs.png").await?;

    let errors = page
        .client
        .execute("return window.locusta.errors", vec![])
        .await?;
    assert_eq!(errors, serde_json::json!([]), "the page reported errors");
    Ok(())
}
