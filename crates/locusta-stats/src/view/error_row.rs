//! Rows of the failures and exceptions tables as printers show them.

use std::borrow::Cow;

use crate::{ErrorKey, ErrorStats, ExceptionStats};

/// One failure row of the run view.
#[derive(Debug, Clone, Copy)]
pub struct ErrorRow<'a> {
    key: &'a ErrorKey,
    stats: &'a ErrorStats,
}

impl<'a> ErrorRow<'a> {
    pub(crate) fn new(key: &'a ErrorKey, stats: &'a ErrorStats) -> Self {
        Self { key, stats }
    }

    /// The request type of the failed requests.
    pub fn method(&self) -> &'a str {
        &self.key.method
    }

    /// The stats name of the failed requests.
    pub fn name(&self) -> &'a str {
        &self.key.name
    }

    /// The error text exactly as recorded (what CSV and JSON show).
    pub fn error(&self) -> &'a str {
        &self.key.error
    }

    /// How many requests failed this way.
    pub fn occurrences(&self) -> u64 {
        self.stats.occurrences()
    }

    /// Unix time (seconds) of the first occurrence.
    pub fn first_seen(&self) -> f64 {
        self.stats.first_seen()
    }

    /// Unix time (seconds) of the latest occurrence.
    pub fn last_seen(&self) -> f64 {
        self.stats.last_seen()
    }

    /// The error as the console and UI show it: a `CatchResponseError('msg')` (how Locust records a
    /// `response.failure("msg")`, and what its CSV shows) is unwrapped to the plain `msg`; any other
    /// text is shown as recorded.
    pub fn message(&self) -> Cow<'a, str> {
        unwrap_catch_response(self.error())
    }

    /// Locust's `StatsError.to_name()`: `"<METHOD> <name>: <message>"`.
    pub fn display_name(&self) -> String {
        format!("{} {}: {}", self.method(), self.name(), self.message())
    }
}

/// `CatchResponseError('msg')` → `msg`, undoing the quoting of Python's `repr` for quotes and
/// backslashes; anything else is returned unchanged.
fn unwrap_catch_response(error: &str) -> Cow<'_, str> {
    let Some(inner) = error
        .strip_prefix("CatchResponseError(")
        .and_then(|e| e.strip_suffix(')'))
    else {
        return Cow::Borrowed(error);
    };
    let quoted = ['\'', '"']
        .iter()
        .find_map(|&q| inner.strip_prefix(q).and_then(|i| i.strip_suffix(q)));
    let Some(text) = quoted else {
        return Cow::Borrowed(inner);
    };
    if !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some(next @ ('\\' | '\'' | '"'))) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// One exception row of the run view.
#[derive(Debug, Clone, Copy)]
pub struct ExceptionRow<'a> {
    traceback: &'a str,
    stats: &'a ExceptionStats,
}

impl<'a> ExceptionRow<'a> {
    pub(crate) fn new(traceback: &'a str, stats: &'a ExceptionStats) -> Self {
        Self { traceback, stats }
    }

    /// How many times this traceback was seen.
    pub fn count(&self) -> u64 {
        self.stats.count()
    }

    /// The message of the first occurrence.
    pub fn msg(&self) -> &'a str {
        self.stats.msg()
    }

    /// The traceback text that groups these occurrences.
    pub fn traceback(&self) -> &'a str {
        self.traceback
    }

    /// The nodes it happened on, sorted (`"local"` when not distributed).
    pub fn nodes(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.stats.nodes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwraps_catch_response_errors_only() {
        assert_eq!(
            unwrap_catch_response("CatchResponseError('Got 404 custom')"),
            "Got 404 custom"
        );
        assert_eq!(
            unwrap_catch_response(r#"CatchResponseError("it's")"#),
            "it's"
        );
        assert_eq!(
            unwrap_catch_response(r"CatchResponseError('it\'s a \\ path')"),
            r"it's a \ path"
        );
        assert_eq!(unwrap_catch_response("CatchResponseError(plain)"), "plain");
        assert_eq!(
            unwrap_catch_response("LocustBadStatusCode(code=500)"),
            "LocustBadStatusCode(code=500)"
        );
        assert_eq!(unwrap_catch_response("Got 404 custom"), "Got 404 custom");
    }
}
