//! Rows of the failures table (request failures) and of the exceptions table (errors raised by
//! user code).

use std::collections::BTreeSet;

/// One failure row: how often a `(method, name, error)` occurred, and when first and last.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorStats {
    occurrences: u64,
    first_seen: f64,
    last_seen: f64,
}

impl ErrorStats {
    /// A row for its first occurrence at Unix time `at`.
    pub(crate) fn first(at: f64) -> Self {
        Self {
            occurrences: 1,
            first_seen: at,
            last_seen: at,
        }
    }

    /// Counts one more occurrence at Unix time `at`.
    pub(crate) fn occurred(&mut self, at: f64) {
        self.occurrences += 1;
        self.first_seen = self.first_seen.min(at);
        self.last_seen = self.last_seen.max(at);
    }

    /// Adds `other`'s occurrences; the seen-times widen to cover both.
    pub(crate) fn merge(&mut self, other: &ErrorStats) {
        self.occurrences += other.occurrences;
        self.first_seen = self.first_seen.min(other.first_seen);
        self.last_seen = self.last_seen.max(other.last_seen);
    }

    /// How many requests failed this way.
    pub fn occurrences(&self) -> u64 {
        self.occurrences
    }

    /// Unix time (seconds) of the first occurrence.
    pub fn first_seen(&self) -> f64 {
        self.first_seen
    }

    /// Unix time (seconds) of the latest occurrence.
    pub fn last_seen(&self) -> f64 {
        self.last_seen
    }
}

/// One exception row, grouped by traceback text (the key of the exceptions table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionStats {
    count: u64,
    msg: String,
    nodes: BTreeSet<String>,
}

/// The node name of exceptions raised in this process, as Locust reports them when not
/// distributed.
pub const LOCAL_NODE: &str = "local";

impl ExceptionStats {
    /// A row for the first occurrence, with `msg` as the message tables show.
    pub(crate) fn first(msg: &str, node: &str) -> Self {
        Self {
            count: 1,
            msg: msg.to_owned(),
            nodes: BTreeSet::from([node.to_owned()]),
        }
    }

    /// Counts one more occurrence on `node`. The first message is kept, as in Locust.
    pub(crate) fn occurred(&mut self, node: &str) {
        self.count += 1;
        if !self.nodes.contains(node) {
            self.nodes.insert(node.to_owned());
        }
    }

    /// Adds `other`'s count and nodes; `self`'s message wins.
    pub(crate) fn merge(&mut self, other: &ExceptionStats) {
        self.count += other.count;
        self.nodes.extend(other.nodes.iter().cloned());
    }

    /// How many times this traceback was seen.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The message of the first occurrence.
    pub fn msg(&self) -> &str {
        &self.msg
    }

    /// The nodes it happened on, sorted (`"local"` until distribution exists).
    pub fn nodes(&self) -> impl Iterator<Item = &str> + '_ {
        self.nodes.iter().map(String::as_str)
    }
}

impl ErrorStats {
    /// A row with these exact values, for the snapshot wire format's decoder (`crate::wire`).
    pub(crate) fn from_parts(occurrences: u64, first_seen: f64, last_seen: f64) -> Self {
        Self {
            occurrences,
            first_seen,
            last_seen,
        }
    }
}

impl ExceptionStats {
    /// A row with these exact values, for the snapshot wire format's decoder (`crate::wire`).
    pub(crate) fn from_parts(count: u64, msg: String, nodes: BTreeSet<String>) -> Self {
        Self { count, msg, nodes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_rows_count_and_widen() {
        let mut a = ErrorStats::first(10.0);
        a.occurred(12.0);
        let mut b = ErrorStats::first(9.0);
        b.occurred(11.0);
        a.merge(&b);
        assert_eq!(
            (a.occurrences(), a.first_seen(), a.last_seen()),
            (4, 9.0, 12.0)
        );
    }

    #[test]
    fn exception_rows_keep_first_message_and_union_nodes() {
        let mut a = ExceptionStats::first("first", LOCAL_NODE);
        a.occurred(LOCAL_NODE);
        let b = ExceptionStats::first("second", "worker-1");
        a.merge(&b);
        assert_eq!(a.count(), 3);
        assert_eq!(a.msg(), "first");
        assert_eq!(a.nodes().collect::<Vec<_>>(), ["local", "worker-1"]);
    }
}
