/// One `--threshold` rule checked against a run's statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The rule as the user wrote it, e.g. `p95<500ms for GET /checkout`.
    pub rule: String,
    /// The measured value in the rule's unit (ms, %, requests/s); `None` when the statistic
    /// does not exist (for example no requests matched the rule's entry).
    pub actual: Option<f64>,
    /// The limit in the same unit.
    pub limit: f64,
    /// The unit both numbers are in, as printed: `ms`, `%` or `req/s`.
    pub unit: &'static str,
    /// Whether the rule held.
    pub passed: bool,
}
