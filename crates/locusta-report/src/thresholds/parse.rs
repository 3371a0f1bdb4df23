//! The rule grammar: `METRIC OP VALUE[UNIT] [for [METHOD ]NAME]` (see docs/thresholds.md).
//!
//! Errors are plain sentences (`String`) that [`super::ParseThresholdError`] prefixes with the
//! rule; each one says what was expected and, where it helps, shows a correct rule built from
//! the user's own metric and comparison.

use super::comparison::Comparison;
use super::metric::{Dimension, METRIC_NAMES, Metric, is_decimal};
use super::selector::Selector;

/// Characters that make up a comparison; the metric ends at the first of them.
const COMPARISON_CHARS: [char; 4] = ['<', '>', '=', '!'];

/// A rule's parts, limit already in the metric's unit (ms, %, req/s or a count).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    pub(crate) metric: Metric,
    pub(crate) comparison: Comparison,
    pub(crate) limit: f64,
    pub(crate) selector: Selector,
}

/// Parses a whole rule.
pub(crate) fn parse_rule(rule: &str) -> Result<Rule, String> {
    let rule = rule.trim();
    if rule.is_empty() {
        return Err(
            "the rule is empty; write e.g. p95<500ms or error-rate<1% for GET /checkout".into(),
        );
    }
    let (condition, selection) = split_at_for(rule);
    let condition = condition.trim();
    if condition.is_empty() {
        return Err(
            "missing the condition before 'for'; write e.g. p95<500ms for GET /checkout".into(),
        );
    }
    // Left to right, so the first mistake is the one reported.
    let (metric, comparison, limit) = parse_condition(condition)?;
    let selector = match selection {
        Some(text) => Selector::parse(text)?,
        None => Selector::Aggregated,
    };
    Ok(Rule {
        metric,
        comparison,
        limit,
        selector,
    })
}

/// Splits `rule` at its first word `for` (any case, with whitespace before it and whitespace or
/// the end after it). The condition cannot contain such a word, so the first one is the
/// keyword, and a name containing " for " is kept whole.
fn split_at_for(rule: &str) -> (&str, Option<&str>) {
    let is_keyword_at = |at: usize| {
        let (before, after) = (&rule[..at], &rule[at + 3..]);
        (before.is_empty() || before.ends_with(char::is_whitespace))
            && (after.is_empty() || after.starts_with(char::is_whitespace))
    };
    // ASCII lower-casing keeps every byte offset, so offsets found in `lower` index `rule`.
    let lower = rule.to_ascii_lowercase();
    lower
        .match_indices("for")
        .map(|(at, _)| at)
        .find(|&at| is_keyword_at(at))
        .map_or((rule, None), |at| (&rule[..at], Some(&rule[at + 3..])))
}

/// `METRIC OP VALUE[UNIT]`, whitespace allowed between the parts.
fn parse_condition(condition: &str) -> Result<(Metric, Comparison, f64), String> {
    let Some(op_start) = condition.find(COMPARISON_CHARS) else {
        let name = condition.split_whitespace().next().unwrap_or_default();
        let metric = Metric::from_name(name)?;
        let example = format!("{metric}<{}", metric.dimension().example());
        return Err(format!(
            "missing comparison after '{name}'; use <, <=, > or >=, e.g. {example}"
        ));
    };
    let name = condition[..op_start].trim();
    let rest = &condition[op_start..];
    let op_len = rest
        .find(|c| !COMPARISON_CHARS.contains(&c))
        .unwrap_or(rest.len());
    let (symbol, value) = rest.split_at(op_len);
    if name.is_empty() {
        return Err(format!(
            "missing metric before '{symbol}'; expected {METRIC_NAMES}"
        ));
    }
    let metric = Metric::from_name(name)?;
    let dimension = metric.dimension();
    let Some(comparison) = Comparison::from_symbol(symbol) else {
        return Err(format!(
            "'{symbol}' is not a comparison; use <, <=, > or >=, e.g. {metric}<{}",
            dimension.example()
        ));
    };
    let example = format!("{metric}{comparison}{}", dimension.example());
    let value = value.trim();
    if value.is_empty() {
        return Err(format!(
            "missing limit after '{symbol}'; write e.g. {example}"
        ));
    }
    let limit =
        parse_limit(metric, value).map_err(|problem| format!("{problem}; write e.g. {example}"))?;
    Ok((metric, comparison, limit))
}

/// The limit `value` (number and unit) of `metric`, converted to the metric's unit.
fn parse_limit(metric: Metric, value: &str) -> Result<f64, String> {
    let number_len = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(number_len);
    let unit = unit.trim().to_ascii_lowercase();
    let dimension = metric.dimension();
    let not_a = |what: &str| format!("'{value}' is not {what}");
    if !is_decimal(number) {
        return Err(not_a(match dimension {
            Dimension::ResponseTime => "a duration (ms or s)",
            Dimension::Percentage => "a percentage",
            Dimension::Rate => "a rate (requests per second)",
            Dimension::Count => "a whole number",
        }));
    }
    // Scaling by a decimal exponent in the text keeps the conversion exact: `0.3s` is the same
    // f64 as `300ms` (0.3 * 1000.0 need not be).
    let scaled = |exponent: i32| -> f64 {
        format!("{number}e{exponent}")
            .parse()
            .expect("a checked decimal with an exponent parses")
    };
    match (dimension, unit.as_str()) {
        (Dimension::ResponseTime, "" | "ms") => Ok(scaled(0)),
        (Dimension::ResponseTime, "s") => Ok(scaled(3)),
        (Dimension::ResponseTime, _) => Err(not_a("a duration (ms or s)")),
        (Dimension::Percentage, "%") if scaled(0) <= 100.0 => Ok(scaled(0)),
        (Dimension::Percentage, "%") => Err(format!("'{value}' is more than 100%")),
        (Dimension::Percentage, "") => Err(format!(
            "'{value}' needs a % sign ({metric} is a percentage of requests, and a bare number \
             could be read as a percentage or as a ratio)"
        )),
        (Dimension::Percentage, _) => Err(not_a("a percentage")),
        (Dimension::Rate, "" | "/s" | "req/s") => Ok(scaled(0)),
        (Dimension::Rate, _) => Err(not_a("a rate (requests per second)")),
        (Dimension::Count, "") if !number.contains('.') => Ok(scaled(0)),
        (Dimension::Count, _) => Err(format!(
            "'{value}' is not a whole number ({metric} is a count)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn for_is_found_as_a_word_only() {
        assert_eq!(
            split_at_for("p95<1s for GET /x"),
            ("p95<1s ", Some(" GET /x"))
        );
        assert_eq!(split_at_for("p95<1s FOR /x"), ("p95<1s ", Some(" /x")));
        assert_eq!(split_at_for("p95<1s for"), ("p95<1s ", Some("")));
        assert_eq!(
            split_at_for("p95<1s for /a for b"),
            ("p95<1s ", Some(" /a for b"))
        );
        assert_eq!(split_at_for("failures<1"), ("failures<1", None));
        assert_eq!(split_at_for("p95<1sfor /x"), ("p95<1sfor /x", None));
        assert_eq!(split_at_for("p95<1s format"), ("p95<1s format", None));
        assert_eq!(split_at_for("for /x"), ("", Some(" /x")));
    }

    #[test]
    fn seconds_convert_exactly() {
        let limit = |rule| parse_rule(rule).unwrap().limit;
        assert_eq!(limit("p95<0.3s"), 300.0);
        assert_eq!(limit("p95<1.5S"), 1500.0);
        assert_eq!(limit("p95<0.0005s"), 0.5);
        assert_eq!(limit("avg<250"), 250.0);
    }
}
