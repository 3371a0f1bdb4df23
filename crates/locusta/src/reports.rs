//! The run's files and its CI verdict. While the test runs: the CSV files, refreshed with
//! every published view, and the `--threshold-abort` watch. At the end of every run (run time,
//! Ctrl-C, SIGTERM, quit from the web UI): the thresholds, then each requested file, each
//! written on its own so one failing writer cannot cost the others.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use locusta_report::RunMeta;
use locusta_report::csv::CsvFiles;
use locusta_report::html::write_html_report;
use locusta_report::json::{write_locust_json, write_run_json};
use locusta_report::thresholds::{DEFAULT_ABORT_WARM_UP, Thresholds, Verdict};
use locusta_runner::RunnerHandle;
use locusta_stats::{RunState, RunView};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::cli::ReportPlan;

/// Keeps the CSV files current: rewritten (and one history row appended) for each new view.
/// The task ends when the runner has ended, handing the files back for their final write.
pub(crate) fn keep_csv_current(
    mut files: CsvFiles,
    mut views: watch::Receiver<Arc<RunView>>,
) -> JoinHandle<CsvFiles> {
    tokio::spawn(async move {
        let mut failing = false;
        while views.changed().await.is_ok() {
            let view = Arc::clone(&views.borrow_and_update());
            match files.update(&view) {
                Ok(()) => failing = false,
                // Said once, not every second; the final write reports again.
                Err(error) if !failing => {
                    failing = true;
                    tracing::error!("Could not write the CSV files: {error}");
                }
                Err(_) => {}
            }
        }
        files
    })
}

/// The users per class while users last ran: the final view is taken after they stopped, so
/// its counts are zeros, and the reports' "final ratio" wants the counts from before the stop
/// (as Locust's report shows). The task ends with the runner.
pub(crate) fn remember_running_users(
    mut views: watch::Receiver<Arc<RunView>>,
) -> JoinHandle<Arc<[u64]>> {
    tokio::spawn(async move {
        let mut last: Arc<[u64]> = Arc::default();
        while views.changed().await.is_ok() {
            let view = views.borrow_and_update();
            // While stopping, the counts fall as users finish their tasks.
            let running = matches!(view.state(), RunState::Spawning | RunState::Running);
            if running && view.user_count() > 0 {
                last = view.users_by_class().into();
            }
        }
        last
    })
}

/// `--threshold-abort`: stops the test once a rule justifies it (see docs/thresholds.md) and
/// raises `aborted`, which makes the exit code the thresholds' even if the final numbers pass.
pub(crate) fn abort_on_threshold(
    thresholds: Thresholds,
    handle: RunnerHandle,
    quit: bool,
    aborted: Arc<AtomicBool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut views = handle.subscribe();
        while views.changed().await.is_ok() {
            let view = Arc::clone(&views.borrow_and_update());
            if let Some(verdict) = thresholds.abort_reason(&view, DEFAULT_ABORT_WARM_UP) {
                tracing::error!(
                    "Threshold failed, stopping the test (--threshold-abort): {verdict}"
                );
                aborted.store(true, Ordering::Relaxed);
                if quit {
                    handle.quit();
                } else {
                    handle.stop();
                }
                return;
            }
        }
    })
}

/// Checks the thresholds on the final view and writes every requested file. Returns the
/// verdicts, in rule order.
pub(crate) fn write_final(
    plan: &ReportPlan,
    thresholds: &Thresholds,
    mut meta: RunMeta,
    view: &RunView,
    csv: Option<CsvFiles>,
) -> Vec<Verdict> {
    let verdicts = thresholds.evaluate_all(view);
    for verdict in &verdicts {
        if verdict.passed {
            tracing::info!("Threshold passed: {verdict}");
        } else {
            tracing::error!("Threshold failed: {verdict}");
        }
    }
    meta.thresholds = verdicts.clone();

    if let Some(files) = csv
        && let Err(error) = files.finish(view)
    {
        tracing::error!("Could not write the CSV files: {error}");
    }
    if plan.json_stdout {
        let mut stdout = io::stdout().lock();
        report_error(
            "the JSON statistics to stdout",
            write_locust_json(view, &mut stdout).and_then(|()| stdout.flush()),
        );
    }
    if let Some(path) = &plan.json_file {
        write_file(path, "JSON statistics", |out| write_locust_json(view, out));
    }
    if let Some(path) = &plan.report_json {
        write_file(path, "JSON run report", |out| {
            write_run_json(view, &meta, out)
        });
    }
    if let Some(path) = &plan.html {
        write_file(path, "HTML report", |out| {
            write_html_report(view, &meta, out)
        });
    }
    verdicts
}

/// Writes one file through a buffer, creating its directory, and logs the outcome.
fn write_file(path: &Path, what: &str, write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>) {
    let result = (|| {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut out = BufWriter::new(File::create(path)?);
        write(&mut out)?;
        out.into_inner()
            .map_err(io::IntoInnerError::into_error)?
            .sync_all()
    })();
    match result {
        Ok(()) => tracing::info!("Wrote the {what} to {}", path.display()),
        Err(error) => report_error(&format!("the {what} to {}", path.display()), Err(error)),
    }
}

fn report_error(what: &str, result: io::Result<()>) {
    if let Err(error) = result {
        tracing::error!("Could not write {what}: {error}");
    }
}
