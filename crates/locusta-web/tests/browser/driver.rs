//! Headless Chromium under `chromedriver`, both started by the test on free ports and stopped
//! when the [`Browser`] is dropped.

use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::page::Page;

/// Set to `1` to skip the browser test (it fails when Chromium is missing otherwise).
const SKIP_VARIABLE: &str = "LOCUSTA_SKIP_BROWSER_TESTS";

/// How to install what the test needs, in its failure message.
const INSTALL_HINT: &str = "apt-get install -y chromium chromium-driver";

/// Where the two programs are.
pub struct Programs {
    chromedriver: PathBuf,
    chromium: PathBuf,
}

/// The programs, `None` (with a printed note) when the test is to be skipped, or a panic that
/// says how to install them.
pub fn programs() -> Option<Programs> {
    if std::env::var(SKIP_VARIABLE).is_ok_and(|value| value == "1") {
        eprintln!("note: {SKIP_VARIABLE}=1, skipping the browser test");
        return None;
    }
    let chromedriver = find(&["chromedriver"]);
    let chromium = find(&["chromium", "chromium-browser", "google-chrome"]);
    match (chromedriver, chromium) {
        (Some(chromedriver), Some(chromium)) => Some(Programs {
            chromedriver,
            chromium,
        }),
        (chromedriver, chromium) => panic!(
            "the browser test needs Chromium and chromedriver (found chromium: {chromium:?}, \
             chromedriver: {chromedriver:?}). Install them with `{INSTALL_HINT}` \
             (Debian; .ci/run does this), or set {SKIP_VARIABLE}=1 to skip this test."
        ),
    }
}

/// The first of `names` on the `PATH`.
fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// A running chromedriver and a WebDriver session with a headless Chromium.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

impl Browser {
    /// Starts chromedriver (logging to `log`) and a headless Chromium with a fresh profile.
    pub async fn start(programs: &Programs, log: &Path) -> Browser {
        let port = free_port();
        let mut driver = Command::new(&programs.chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, which Chromium joins: a failed test kills them all.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run {:?}: {error}", programs.chromedriver));
        wait_for_port(port, &mut driver);

        let profile = std::env::temp_dir().join(format!(
            "locusta-browser-test-{}-{port}",
            std::process::id()
        ));
        std::fs::create_dir_all(&profile).expect("profile directory");
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": programs.chromium,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    // No outside network here: without these Chromium floods refused
                    // connections (updates, sync, safe browsing, ...).
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--window-size=1440,1000",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("capabilities are an object"),
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "cannot start a Chromium session (see {}): {error}",
                    log.display()
                )
            });
        Browser {
            client,
            driver,
            profile,
        }
    }

    /// Ends the session (closing Chromium); the driver stops on drop.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    /// Ends the session after `scenario` ran on `page`. If it failed, the page is first saved
    /// to the screenshot `failure_shot`, and then the test fails with the error.
    pub async fn finish(
        self,
        page: &Page,
        scenario: &str,
        failure_shot: &str,
        outcome: Result<(), CmdError>,
    ) {
        let Err(error) = outcome else {
            self.close().await;
            return;
        };
        let shot = page.screenshot(failure_shot).await;
        eprintln!("the page at the failure: {shot:?}");
        self.close().await;
        panic!("{scenario} failed: {error}");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole group: after a panic mid-scenario the session was never closed, and
        // killing chromedriver alone would leave Chromium running.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// Waits until chromedriver accepts connections.
fn wait_for_port(port: u16, driver: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = driver.try_wait() {
            panic!("chromedriver exited at start: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "chromedriver did not listen on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
