//! `--threshold-abort`: when a rule that fails mid-run may stop the run.
//!
//! Rules are judged on whole-run statistics, which are final only at the end. Mid-run, a
//! failing rule is *certain* to fail at the end only when its statistic can move one way: a
//! maximum only grows, a minimum only shrinks, counts only grow. For everything else (averages,
//! percentiles, error rate, rate) the remaining requests could still change the outcome, so
//! those rules stop a run only after a warm-up, as k6's `abortOnFail` with `delayAbortEval`
//! does: once the run has produced enough data for the cumulative value to be a fair forecast.
//! Rules that a growing statistic can only come to satisfy (`requests>=1000`, `max>1s`) never
//! stop a run: failing mid-run is their normal state.
//!
//! "Certain" assumes the statistics are not reset during the run (the web UI's reset button),
//! which would let an exceeded maximum be forgotten.

use std::time::Duration;

use locusta_stats::RunView;

/// How long a run must have produced statistics before rules whose outcome is not yet certain
/// (averages, percentiles, error rate, rate) may stop it. Thirty seconds lets start-up effects
/// (connection set-up, cold caches) wash out and, at a few requests per second, gives a p95 a
/// hundred samples to stand on.
pub const DEFAULT_ABORT_WARM_UP: Duration = Duration::from_secs(30);

/// When a rule failing mid-run may stop the run under `--threshold-abort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbortWhen {
    /// As soon as it fails: the statistic only moves away from the limit, so the rule cannot
    /// pass at the end (`max<…`, `p100<…`, `min>…`, `requests<…`, `failures<…`).
    Certain,
    /// When it fails after the warm-up: the final value may still differ, but the cumulative
    /// value is a fair forecast (`avg`, `med`, `pNN` below 100, `error-rate`, `rps<…`).
    AfterWarmUp,
    /// Never: the statistic only moves toward the limit, so failing mid-run says nothing
    /// (`max>…`, `min<…`, `requests>…`, `failures>…`, and `rps>…`, which a ramp-up holds
    /// down until long after the target load is reached).
    Never,
}

/// How long `view`'s statistics have been collected: since the run started or they were last
/// reset.
pub(crate) fn statistics_age(view: &RunView) -> Duration {
    let start = view.snapshot().total().start_time().unwrap_or(view.now());
    Duration::try_from_secs_f64(view.now() - start).unwrap_or(Duration::ZERO)
}
