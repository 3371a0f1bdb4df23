//! Counting the requests the server receives, and the snapshot tests read.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Mutex, PoisonError};

use hyper::Method;

use crate::endpoint::Endpoint;
use crate::striped::StripedCounters;

/// Live request counts, shared by the server and the [`Target`](crate::Target) handle.
///
/// Fixed endpoints (including `GET /`) cost one uncontended atomic add per request.
/// Everything else (parameterised paths, unknown paths, wrong methods) takes a mutex,
/// which is fine for tests and not on any benchmark path.
pub(crate) struct Counter {
    fixed: StripedCounters<{ Endpoint::COUNT }>,
    other: Mutex<HashMap<Method, HashMap<Box<str>, u64>>>,
}

impl Counter {
    /// No requests counted.
    pub(crate) fn new() -> Self {
        Self {
            fixed: StripedCounters::new(),
            other: Mutex::default(),
        }
    }

    /// Counts one request to a fixed endpoint.
    #[inline]
    pub(crate) fn count_endpoint(&self, endpoint: Endpoint) {
        self.fixed.increment(endpoint.index());
    }

    /// Counts one request, whatever its method and path (a path without its query).
    #[inline]
    pub(crate) fn count(&self, method: &Method, path: &str) {
        match Endpoint::lookup(method, path) {
            Some(endpoint) => self.count_endpoint(endpoint),
            None => self.count_other(method, path),
        }
    }

    /// Counts a request that is not to a fixed endpoint.
    pub(crate) fn count_other(&self, method: &Method, path: &str) {
        let mut other = self.other.lock().unwrap_or_else(PoisonError::into_inner);
        let paths = other.entry(method.clone()).or_default();
        // Look up before inserting so that a repeated path does not allocate.
        match paths.get_mut(path) {
            Some(count) => *count += 1,
            None => {
                paths.insert(path.into(), 1);
            }
        }
    }

    /// Requests received so far for `method` and `path`.
    pub(crate) fn get(&self, method: &str, path: &str) -> u64 {
        let Ok(method) = Method::from_bytes(method.as_bytes()) else {
            return 0;
        };
        if let Some(endpoint) = Endpoint::lookup(&method, path) {
            return self.fixed.get(endpoint.index());
        }
        let other = self.other.lock().unwrap_or_else(PoisonError::into_inner);
        other
            .get(&method)
            .and_then(|paths| paths.get(path))
            .copied()
            .unwrap_or(0)
    }

    /// A copy of every non-zero count. Counts are read one by one while requests may
    /// still arrive, so a snapshot taken under load is not a single instant.
    pub(crate) fn snapshot(&self) -> Counts {
        let mut requests = BTreeMap::new();
        for endpoint in Endpoint::ALL {
            let count = self.fixed.get(endpoint.index());
            if count > 0 {
                let key = (endpoint.method().to_string(), endpoint.path().to_owned());
                requests.insert(key, count);
            }
        }
        let other = self.other.lock().unwrap_or_else(PoisonError::into_inner);
        for (method, paths) in other.iter() {
            for (path, &count) in paths {
                requests.insert((method.to_string(), path.to_string()), count);
            }
        }
        Counts { requests }
    }
}

/// A snapshot of the requests a [`Target`](crate::Target) has received, per method and
/// path (without the query string).
///
/// Methods are compared exactly (`"GET"`, not `"get"`); paths exactly as sent, so
/// `/hello` and `/hello/` are different paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// (method, path) -> requests; zero counts are left out.
    requests: BTreeMap<(String, String), u64>,
}

impl Counts {
    /// Requests received for `method` and `path`; `0` if none.
    pub fn get(&self, method: &str, path: &str) -> u64 {
        self.iter()
            .find(|&(m, p, _)| m == method && p == path)
            .map_or(0, |(_, _, count)| count)
    }

    /// Requests received in total.
    pub fn total(&self) -> u64 {
        self.requests.values().sum()
    }

    /// Every `(method, path, count)` with a non-zero count, sorted by method then path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, u64)> {
        self.requests
            .iter()
            .map(|((method, path), &count)| (method.as_str(), path.as_str(), count))
    }

    /// True if no request has been received.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
    }
}

/// One line per method and path (`GET /hello 3`), then `total N`; handy in assertion
/// messages.
impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (method, path, count) in self.iter() {
            writeln!(f, "{method} {path} {count}")?;
        }
        write!(f, "total {}", self.total())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_fixed_and_other_requests_separately_by_method_and_path() {
        let counter = Counter::new();
        counter.count(&Method::GET, "/");
        counter.count(&Method::GET, "/");
        counter.count(&Method::POST, "/login");
        counter.count(&Method::GET, "/status/500");
        counter.count(&Method::DELETE, "/status/500");
        counter.count(&Method::POST, "/hello");

        assert_eq!(counter.get("GET", "/"), 2);
        assert_eq!(counter.get("POST", "/login"), 1);
        assert_eq!(counter.get("GET", "/status/500"), 1);
        assert_eq!(counter.get("GET", "/hello"), 0);
        assert_eq!(counter.get("not a method", "/"), 0);

        let counts = counter.snapshot();
        assert_eq!(counts.total(), 6);
        assert_eq!(counts.get("POST", "/hello"), 1);
        assert_eq!(counts.get("DELETE", "/status/500"), 1);
        assert_eq!(counts.get("GET", "/world"), 0);
        assert_eq!(counts.iter().count(), 5);
    }

    #[test]
    fn displays_one_line_per_request_and_the_total() {
        let counter = Counter::new();
        counter.count(&Method::GET, "/hello");
        counter.count(&Method::GET, "/nope");
        assert_eq!(
            counter.snapshot().to_string(),
            "GET /hello 1\nGET /nope 1\ntotal 2"
        );
    }

    #[test]
    fn empty_snapshot() {
        let counts = Counter::new().snapshot();
        assert!(counts.is_empty());
        assert_eq!(counts.total(), 0);
    }
}
