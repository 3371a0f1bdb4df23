//! One parsed `--threshold` rule and its checks.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use locusta_stats::RunView;

use super::abort::{AbortWhen, statistics_age};
use super::comparison::Comparison;
use super::error::ParseThresholdError;
use super::measure::measure;
use super::metric::Metric;
use super::parse::{Rule, parse_rule};
use super::selector::Selector;
use super::verdict::Verdict;

/// A parsed `--threshold` rule, e.g. `p95<500ms`, `p99<1s for GET /checkout`,
/// `error-rate<1%`, `rps>=200`. The grammar is in docs/thresholds.md.
///
/// `Display` prints the rule in canonical form (limit in the metric's unit, single spaces):
/// `P95 < 0.5 s  for  get /checkout` prints as `p95<500ms for GET /checkout`.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    source: String,
    metric: Metric,
    comparison: Comparison,
    limit: f64,
    selector: Selector,
}

impl Threshold {
    /// Parses `rule`; the error quotes it and says what was expected.
    pub fn parse(rule: &str) -> Result<Self, ParseThresholdError> {
        let Rule {
            metric,
            comparison,
            limit,
            selector,
        } = parse_rule(rule).map_err(|problem| ParseThresholdError::new(rule, problem))?;
        Ok(Self {
            source: rule.trim().to_owned(),
            metric,
            comparison,
            limit,
            selector,
        })
    }

    /// The rule as written (without surrounding whitespace); reports print this.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The limit in [`Self::unit`].
    pub fn limit(&self) -> f64 {
        self.limit
    }

    /// The unit of the limit and the measured value: `ms`, `%`, `req/s`, or `""` for the counts
    /// `requests` and `failures`.
    pub fn unit(&self) -> &'static str {
        self.metric.dimension().unit()
    }

    /// The rule's statistic on `view` (whole-run statistics), in [`Self::unit`]; `None` when no
    /// request matched (or, for a response-time metric, none had a response time).
    pub fn measure(&self, view: &RunView) -> Option<f64> {
        measure(self.metric, &self.selector.rows(view))
    }

    /// Checks the rule on `view`. A rule with nothing to measure fails: a threshold never passes
    /// on no data, so a misspelt entry name cannot turn a CI check green.
    pub fn evaluate(&self, view: &RunView) -> Verdict {
        let actual = self.measure(view);
        Verdict {
            rule: self.source.clone(),
            actual,
            limit: self.limit,
            unit: self.unit(),
            passed: actual.is_some_and(|value| self.comparison.holds(value, self.limit)),
        }
    }

    /// When this rule, failing mid-run, may stop the run under `--threshold-abort`.
    pub fn abort_when(&self) -> AbortWhen {
        let upper = self.comparison.is_upper_bound();
        match self.metric {
            Metric::Percentile(p) if p.is_maximum() => max_like(upper),
            Metric::Max | Metric::Requests | Metric::Failures => max_like(upper),
            Metric::Min => max_like(!upper),
            Metric::Rps if !upper => AbortWhen::Never,
            _ => AbortWhen::AfterWarmUp,
        }
    }

    /// True when the rule is certain to fail on the final statistics whatever the rest of the
    /// run does: its statistic only moves one way and is already past the limit (see
    /// [`AbortWhen::Certain`]). Mid-run this is the only certainty there is.
    pub fn can_no_longer_pass(&self, view: &RunView) -> bool {
        self.abort_when() == AbortWhen::Certain && self.fails_with_data(view)
    }

    /// True when `--threshold-abort` should stop the run on this rule now: it can no longer
    /// pass, or its outcome is a forecast ([`AbortWhen::AfterWarmUp`]), the statistics are at
    /// least `warm_up` old, and it fails on them. A rule with no data yet never stops a run.
    pub fn justifies_abort(&self, view: &RunView, warm_up: Duration) -> bool {
        match self.abort_when() {
            AbortWhen::Certain => self.fails_with_data(view),
            AbortWhen::AfterWarmUp => statistics_age(view) >= warm_up && self.fails_with_data(view),
            AbortWhen::Never => false,
        }
    }

    fn fails_with_data(&self, view: &RunView) -> bool {
        self.measure(view)
            .is_some_and(|value| !self.comparison.holds(value, self.limit))
    }
}

/// For a statistic that only grows: an upper bound, once exceeded, is certain to fail; a lower
/// bound can still be reached.
fn max_like(upper_bound: bool) -> AbortWhen {
    if upper_bound {
        AbortWhen::Certain
    } else {
        AbortWhen::Never
    }
}

impl FromStr for Threshold {
    type Err = ParseThresholdError;

    fn from_str(rule: &str) -> Result<Self, Self::Err> {
        Self::parse(rule)
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.metric {
            // `req/s` is how values print; rules write rates bare.
            Metric::Rps => "",
            metric => metric.dimension().unit(),
        };
        write!(
            f,
            "{}{}{}{unit}{}",
            self.metric, self.comparison, self.limit, self.selector
        )
    }
}
