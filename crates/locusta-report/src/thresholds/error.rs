//! The error of a rule that does not parse.

use std::error::Error;
use std::fmt;

/// A `--threshold` rule that does not parse. Its message quotes the rule, says what is wrong
/// and shows a correct rule, e.g. `rule 'p95<abc': 'abc' is not a duration (ms or s); write
/// e.g. p95<500ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseThresholdError {
    rule: String,
    problem: String,
}

impl ParseThresholdError {
    pub(crate) fn new(rule: &str, problem: String) -> Self {
        Self {
            rule: rule.to_owned(),
            problem,
        }
    }

    /// The rule as given.
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// What is wrong with it and what to write instead, without the rule.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for ParseThresholdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule '{}': {}", self.rule, self.problem)
    }
}

impl Error for ParseThresholdError {}
