//! A master's UI in a real headless Chromium: a real master (in-memory transport) with two
//! real workers over fake users; the header counts the workers and the Workers tab lists them,
//! markup in a worker's id shown as text.

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::error::CmdError;
use locusta_cluster::transport::memory::memory_transport;
use locusta_cluster::{LocalUsers, Master, MasterConfig, WorkerConfig, run_worker};
use locusta_stats::Snapshot;

use crate::artifacts_dir;
use crate::driver::{Browser, programs};
use crate::page::Page;
use crate::server;

/// A worker id that would show bold text if it reached the page as markup.
const MARKUP_ID: &str = "<b>bold</b>-worker";

/// Local users that reach their targets at once and record nothing.
struct FakeUsers {
    classes: Vec<String>,
    alive: Vec<u64>,
}

impl LocalUsers for FakeUsers {
    fn classes(&self) -> Vec<String> {
        self.classes.clone()
    }

    fn set_targets(&mut self, per_class: &[u64], _spawn_rate: f64, _host: Option<&str>) {
        self.alive = per_class.to_vec();
    }

    fn users_per_class(&self) -> Vec<u64> {
        self.alive.clone()
    }

    async fn take_stats(&mut self) -> Snapshot {
        Snapshot::default()
    }

    fn stop(&mut self) {
        self.alive = vec![0; self.classes.len()];
    }
}

#[tokio::test]
async fn a_master_shows_its_workers() {
    let Some(programs) = programs() else { return };
    let artifacts = artifacts_dir();

    let config = MasterConfig {
        heartbeat_interval: Duration::from_millis(200),
        report_interval: Duration::from_millis(200),
        view_interval: Duration::from_millis(50),
        ..MasterConfig::new(server::class_names())
    };
    let (listener, connector) = memory_transport();
    let (master, handle) = Master::new(config, listener);
    tokio::spawn(master.run());
    for id in ["worker-a", MARKUP_ID] {
        let users = FakeUsers {
            classes: server::class_names(),
            alive: vec![0; server::class_names().len()],
        };
        let config = WorkerConfig {
            worker_id: id.to_owned(),
            hostname: "node-1".to_owned(),
            ..WorkerConfig::new()
        };
        tokio::spawn(run_worker(
            config,
            connector.clone(),
            move |_| Ok(users),
            std::future::pending(),
        ));
    }
    let mut views = handle.subscribe();
    tokio::time::timeout(
        Duration::from_secs(10),
        views.wait_for(|view| view.ready_workers() == 2),
    )
    .await
    .expect("two workers ready within 10 s")
    .expect("the master runs");

    let server = server::start_with(|state| state.with_cluster(handle.subscribe())).await;
    let browser = Browser::start(&programs, &artifacts.join("chromedriver-workers.log")).await;
    let page = Page::new(browser.client.clone(), artifacts.clone());

    let outcome = scenario(&page, &server.url).await;
    if let Err(error) = &outcome {
        let shot = page.screenshot("browser-workers-failure.png").await;
        eprintln!("the page at the failure: {shot:?}");
        browser.close().await;
        panic!("browser scenario failed: {error}");
    }
    browser.close().await;
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

    let errors = page
        .client
        .execute("return window.locusta.errors", vec![])
        .await?;
    assert_eq!(errors, serde_json::json!([]), "the page reported errors");
    Ok(())
}
