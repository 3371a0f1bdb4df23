//! All the `--threshold` rules of a run, in command-line order.

use std::time::Duration;

use locusta_stats::RunView;

use super::error::ParseThresholdError;
use super::rule::Threshold;
use super::verdict::Verdict;

/// The rules of a run, kept in the order given so every report lists them that way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thresholds {
    rules: Vec<Threshold>,
}

impl Thresholds {
    /// The rules, in this order.
    pub fn new(rules: Vec<Threshold>) -> Self {
        Self { rules }
    }

    /// Parses every rule, stopping at the first that does not parse (its error names it), so a
    /// malformed rule is reported before the run starts.
    pub fn parse_all<I, S>(rules: I) -> Result<Self, ParseThresholdError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        rules
            .into_iter()
            .map(|rule| Threshold::parse(rule.as_ref()))
            .collect()
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[Threshold] {
        &self.rules
    }

    /// True without any rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Every rule's verdict on `view` (the final whole-run statistics), in order.
    pub fn evaluate_all(&self, view: &RunView) -> Vec<Verdict> {
        self.rules.iter().map(|rule| rule.evaluate(view)).collect()
    }

    /// For `--threshold-abort`, checked on each new view while the run goes on: the verdict of
    /// the first rule that justifies stopping now (see [`Threshold::justifies_abort`];
    /// [`super::DEFAULT_ABORT_WARM_UP`] is the usual `warm_up`), or `None` to keep running.
    pub fn abort_reason(&self, view: &RunView, warm_up: Duration) -> Option<Verdict> {
        self.rules
            .iter()
            .find(|rule| rule.justifies_abort(view, warm_up))
            .map(|rule| rule.evaluate(view))
    }
}

impl FromIterator<Threshold> for Thresholds {
    fn from_iter<I: IntoIterator<Item = Threshold>>(rules: I) -> Self {
        Self::new(rules.into_iter().collect())
    }
}

/// True when every verdict passed (also when there are none).
pub fn all_passed(verdicts: &[Verdict]) -> bool {
    verdicts.iter().all(|verdict| verdict.passed)
}
