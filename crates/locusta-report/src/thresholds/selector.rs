//! Which requests a rule reads: the `for [METHOD ]NAME` clause.

use std::fmt;

use locusta_stats::{EntryRow, RunView};

/// Request types written in any case in a `for` clause and matched in upper case, as HTTP
/// clients record them.
const HTTP_METHODS: [&str; 9] = [
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE",
];

/// The statistics rows a rule is checked on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selector {
    /// No `for` clause: the Aggregated row (every request of the run).
    Aggregated,
    /// `for [METHOD ]NAME`: the entries named `name`, of `method` only if one is given, else of
    /// every method (merged into one set of statistics).
    Entry {
        method: Option<String>,
        name: String,
    },
}

impl Selector {
    /// Parses what follows `for`.
    ///
    /// The first word is the method when it is an HTTP method (any case) or an all-upper-case
    /// request type (`GRPC`), and a name follows; otherwise the whole text is the name. A name
    /// in quotes (`for 'Login page'`, `for grpc "Say hello"`) is taken literally, and whatever
    /// word precedes it is the method: that is how to write a name that starts with a
    /// method-like word, or a lower-case custom request type.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err(
                "'for' needs an entry after it, e.g. 'for GET /checkout' or 'for /checkout'".into(),
            );
        }
        if let Some(quoted) = parse_quoted(text) {
            let (method, name) = quoted?;
            return Ok(Self::Entry {
                method: method.map(normalise_method),
                name: name.to_owned(),
            });
        }
        match text.split_once(char::is_whitespace) {
            Some((first, rest)) if is_method_like(first) => Ok(Self::Entry {
                method: Some(normalise_method(first)),
                name: rest.trim_start().to_owned(),
            }),
            _ if is_http_method(text) => Err(format!(
                "'for {text}' names a method but no entry; write e.g. 'for {} /checkout'",
                text.to_ascii_uppercase()
            )),
            _ => Ok(Self::Entry {
                method: None,
                name: text.to_owned(),
            }),
        }
    }

    /// The rows this selector reads from `view` (none when nothing matched).
    pub(crate) fn rows<'v>(&self, view: &'v RunView) -> Vec<EntryRow<'v>> {
        match self {
            Self::Aggregated => vec![view.total()],
            Self::Entry { method, name } => view
                .entries()
                .into_iter()
                .filter(|row| {
                    row.name() == name && method.as_deref().is_none_or(|m| row.method() == m)
                })
                .collect(),
        }
    }
}

/// `["METHOD" ]'NAME'` or `["METHOD" ]"NAME"`: `None` if `text` is not in that form.
fn parse_quoted(text: &str) -> Option<Result<(Option<&str>, &str), String>> {
    let starts_quoted = |s: &str| s.starts_with(['"', '\'']);
    let (method, quoted) = match text.split_once(char::is_whitespace) {
        Some((first, rest)) if !starts_quoted(first) && starts_quoted(rest.trim_start()) => {
            (Some(first), rest.trim_start())
        }
        _ if starts_quoted(text) => (None, text),
        _ => return None,
    };
    let quote = quoted.chars().next()?;
    let inner = &quoted[1..];
    let Some(name) = inner.strip_suffix(quote) else {
        return Some(Err(format!(
            "the entry name after {quote} needs a closing {quote} at the end of the rule"
        )));
    };
    if name.is_empty() {
        return Some(Err("the entry name in quotes is empty".into()));
    }
    Some(Ok((method, name)))
}

fn is_http_method(word: &str) -> bool {
    HTTP_METHODS.iter().any(|m| m.eq_ignore_ascii_case(word))
}

/// An HTTP method in any case, or a custom request type in capitals (`GRPC`, `WS_SEND`).
fn is_method_like(word: &str) -> bool {
    is_http_method(word)
        || (word.bytes().any(|b| b.is_ascii_uppercase())
            && word
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-'))
}

/// HTTP methods in upper case (as recorded); other request types verbatim.
fn normalise_method(word: &str) -> String {
    if is_http_method(word) {
        word.to_ascii_uppercase()
    } else {
        word.to_owned()
    }
}

impl fmt::Display for Selector {
    /// The clause in a form [`Selector::parse`] reads back: names with spaces or quotes, and
    /// names that could be read as a method, are quoted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self::Entry { method, name } = self else {
            return Ok(());
        };
        let first_word = name.split(char::is_whitespace).next().unwrap_or_default();
        let needs_quotes = name.contains(char::is_whitespace)
            || name.starts_with(['"', '\''])
            || (method.is_none() && is_http_method(first_word))
            || method.as_deref().is_some_and(|m| !is_method_like(m));
        let quote = if name.contains('"') { '\'' } else { '"' };
        f.write_str(" for ")?;
        if let Some(method) = method {
            write!(f, "{method} ")?;
        }
        if needs_quotes {
            write!(f, "{quote}{name}{quote}")
        } else {
            f.write_str(name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(method: Option<&str>, name: &str) -> Selector {
        Selector::Entry {
            method: method.map(str::to_owned),
            name: name.to_owned(),
        }
    }

    #[test]
    fn a_leading_method_is_split_off() {
        assert_eq!(
            Selector::parse("GET /checkout"),
            Ok(entry(Some("GET"), "/checkout"))
        );
        assert_eq!(
            Selector::parse("  post   /cart "),
            Ok(entry(Some("POST"), "/cart"))
        );
        assert_eq!(
            Selector::parse("GRPC Say/Hello"),
            Ok(entry(Some("GRPC"), "Say/Hello"))
        );
    }

    #[test]
    fn without_a_method_the_whole_text_is_the_name() {
        assert_eq!(Selector::parse("/checkout"), Ok(entry(None, "/checkout")));
        assert_eq!(Selector::parse("Login page"), Ok(entry(None, "Login page")));
        assert_eq!(
            Selector::parse("/search for  books"),
            Ok(entry(None, "/search for  books"))
        );
        assert_eq!(Selector::parse("LOGIN"), Ok(entry(None, "LOGIN")));
    }

    #[test]
    fn quotes_make_the_name_literal() {
        assert_eq!(Selector::parse("'Get user'"), Ok(entry(None, "Get user")));
        assert_eq!(
            Selector::parse("grpc \"Say hello\""),
            Ok(entry(Some("grpc"), "Say hello"))
        );
        assert_eq!(
            Selector::parse("get 'a \"b\"'"),
            Ok(entry(Some("GET"), "a \"b\""))
        );
        // A quote inside an unquoted name is just a character.
        assert_eq!(Selector::parse("/q?x='y'"), Ok(entry(None, "/q?x='y'")));
    }

    #[test]
    fn incomplete_clauses_are_rejected() {
        for bad in [
            "",
            "   ",
            "GET",
            "delete",
            "'unclosed",
            "GET \"a\" b",
            "\"\"",
        ] {
            assert!(Selector::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn display_reads_back() {
        for text in [
            "GET /checkout",
            "/checkout",
            "Login page",
            "'Get user'",
            "grpc \"Say hello\"",
            "GET 'a \"b\"'",
            "LOGIN",
        ] {
            let selector = Selector::parse(text).unwrap();
            let printed = selector.to_string();
            let reread = Selector::parse(printed.strip_prefix(" for ").unwrap()).unwrap();
            assert_eq!(reread, selector, "{text:?} printed as {printed:?}");
        }
        assert_eq!(Selector::Aggregated.to_string(), "");
    }
}
