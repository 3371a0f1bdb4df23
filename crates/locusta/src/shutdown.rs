//! Ctrl-C and SIGTERM: the first one stops the test cleanly (final statistics are still
//! printed); a second one exits at once.

use locusta_runner::RunnerHandle;

/// Exit code when a second signal cuts the orderly shutdown short.
const FORCED_EXIT: i32 = 130;

/// Waits for Ctrl-C or SIGTERM, then asks the runner to quit; a second signal exits the
/// process immediately.
pub async fn quit_on_signal(handle: RunnerHandle) {
    first_signal().await;
    handle.quit();
}

/// Completes at the first Ctrl-C or SIGTERM, after which a second one exits the process at
/// once (for everything that stops cleanly on the first).
pub async fn first_signal() {
    let signal = next_signal().await;
    tracing::info!("Got {signal} signal, stopping users and writing the final statistics");
    tokio::spawn(async {
        let signal = next_signal().await;
        tracing::warn!("Got a second {signal} signal, exiting without waiting for users to stop");
        std::process::exit(FORCED_EXIT);
    });
}

/// Completes at the second Ctrl-C or SIGTERM; the first is only logged (a parent whose
/// children handle the first one themselves).
pub async fn second_signal() {
    let signal = next_signal().await;
    tracing::info!("Got {signal} signal; the worker processes are leaving their master");
    next_signal().await;
}

#[cfg(unix)]
async fn next_signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        tracing::warn!("cannot listen for Ctrl-C/SIGTERM; the run can only end by its run time");
        return std::future::pending().await;
    };
    tokio::select! {
        _ = interrupt.recv() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    }
}

#[cfg(not(unix))]
async fn next_signal() -> &'static str {
    let _ = tokio::signal::ctrl_c().await;
    "Ctrl-C"
}
