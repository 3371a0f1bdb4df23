//! Map keys of the entries and failures tables, and their borrowed forms.
//!
//! The hot path looks entries up by `(&str, &str)` without building an owned key: the owned keys
//! implement `Borrow<dyn …View>`, and the view trait objects hash and compare exactly like the owned
//! keys, so `HashMap::get_mut` accepts a borrowed pair. An owned key is allocated only when the
//! entry is new.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

/// Key of one statistics entry: Locust keys entries by `(name, method)`, and sorts rows by it
/// (the derived `Ord` compares `name` first, then `method`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EntryKey {
    /// The stats name (path or `name=` override).
    pub name: String,
    /// The request type, e.g. `GET`, or a custom client's type.
    pub method: String,
}

impl EntryKey {
    /// An owned key for `method` and `name`.
    pub fn new(method: &str, name: &str) -> Self {
        Self {
            name: name.to_owned(),
            method: method.to_owned(),
        }
    }
}

/// Key of one failure row: `(method, name, error)`, Locust's `StatsError` identity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ErrorKey {
    /// The request type of the failed request.
    pub method: String,
    /// The stats name of the failed request.
    pub name: String,
    /// The error text, as the producer recorded it.
    pub error: String,
}

impl ErrorKey {
    /// An owned key for a failure of `method name` with `error`.
    pub fn new(method: &str, name: &str, error: &str) -> Self {
        Self {
            method: method.to_owned(),
            name: name.to_owned(),
            error: error.to_owned(),
        }
    }
}

/// A borrowed view of an [`EntryKey`], so lookups need no allocation.
pub(crate) trait EntryKeyView {
    fn name(&self) -> &str;
    fn method(&self) -> &str;
}

impl EntryKeyView for EntryKey {
    fn name(&self) -> &str {
        &self.name
    }
    fn method(&self) -> &str {
        &self.method
    }
}

/// `(method, name)`, the order in which callers pass them to `record`.
impl EntryKeyView for (&str, &str) {
    fn name(&self) -> &str {
        self.1
    }
    fn method(&self) -> &str {
        self.0
    }
}

impl<'a> Borrow<dyn EntryKeyView + 'a> for EntryKey {
    fn borrow(&self) -> &(dyn EntryKeyView + 'a) {
        self
    }
}

// `Hash` for the owned key and for the view must agree, so both go through this one function.
fn hash_entry<H: Hasher>(key: &(impl EntryKeyView + ?Sized), state: &mut H) {
    key.name().hash(state);
    key.method().hash(state);
}

impl Hash for EntryKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_entry(self, state);
    }
}

impl Hash for dyn EntryKeyView + '_ {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_entry(self, state);
    }
}

impl PartialEq for dyn EntryKeyView + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name() && self.method() == other.method()
    }
}

impl Eq for dyn EntryKeyView + '_ {}

/// A borrowed view of an [`ErrorKey`], so counting a known failure needs no allocation.
pub(crate) trait ErrorKeyView {
    fn method(&self) -> &str;
    fn name(&self) -> &str;
    fn error(&self) -> &str;
}

impl ErrorKeyView for ErrorKey {
    fn method(&self) -> &str {
        &self.method
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn error(&self) -> &str {
        &self.error
    }
}

/// `(method, name, error)`.
impl ErrorKeyView for (&str, &str, &str) {
    fn method(&self) -> &str {
        self.0
    }
    fn name(&self) -> &str {
        self.1
    }
    fn error(&self) -> &str {
        self.2
    }
}

impl<'a> Borrow<dyn ErrorKeyView + 'a> for ErrorKey {
    fn borrow(&self) -> &(dyn ErrorKeyView + 'a) {
        self
    }
}

fn hash_error<H: Hasher>(key: &(impl ErrorKeyView + ?Sized), state: &mut H) {
    key.method().hash(state);
    key.name().hash(state);
    key.error().hash(state);
}

impl Hash for ErrorKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_error(self, state);
    }
}

impl Hash for dyn ErrorKeyView + '_ {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_error(self, state);
    }
}

impl PartialEq for dyn ErrorKeyView + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.method() == other.method()
            && self.name() == other.name()
            && self.error() == other.error()
    }
}

impl Eq for dyn ErrorKeyView + '_ {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn borrowed_pair_finds_owned_entry_key() {
        let mut map = HashMap::new();
        map.insert(EntryKey::new("GET", "/a"), 1);
        map.insert(EntryKey::new("POST", "/a"), 2);
        assert_eq!(map.get(&("GET", "/a") as &dyn EntryKeyView), Some(&1));
        assert_eq!(map.get(&("POST", "/a") as &dyn EntryKeyView), Some(&2));
        assert_eq!(map.get(&("/a", "GET") as &dyn EntryKeyView), None);
    }

    #[test]
    fn borrowed_triple_finds_owned_error_key() {
        let mut map = HashMap::new();
        map.insert(ErrorKey::new("GET", "/a", "boom"), 1);
        assert_eq!(
            map.get(&("GET", "/a", "boom") as &dyn ErrorKeyView),
            Some(&1)
        );
        assert_eq!(map.get(&("GET", "/a", "bang") as &dyn ErrorKeyView), None);
    }

    #[test]
    fn entry_keys_sort_by_name_then_method() {
        let mut keys = [
            EntryKey::new("POST", "/b"),
            EntryKey::new("GET", "/b"),
            EntryKey::new("PUT", "/a"),
        ];
        keys.sort();
        let names: Vec<_> = keys
            .iter()
            .map(|k| format!("{} {}", k.method, k.name))
            .collect();
        assert_eq!(names, ["PUT /a", "GET /b", "POST /b"]);
    }
}
