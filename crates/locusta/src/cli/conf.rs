//! The syntax of Locust's `.conf` files (ConfigArgParse's default format), without meaning:
//! which keys exist and what their values must be is decided by `sources.rs`.
//!
//! ```text
//! # a comment            ; also a comment
//! [any section]          # headers are tolerated and ignored
//! users = 10             # key = value; `key: value` works too
//! spawn_rate = 2.5       # `_` and `-` are the same in keys
//! headless               # a bare key is `true`
//! host = "http://127.0.0.1:8000"
//! threshold = [p95<500ms, "error-rate<1%"]
//! ```

/// A value as written, before we know which option it is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A bare key (`headless`), or `key =` with nothing after it.
    Bare,
    /// A boolean from TOML (a `.conf` `true` stays text: it may be a value of a text option).
    Bool(bool),
    /// One value, quotes removed.
    Text(String),
    /// `[a, b]`.
    List(Vec<String>),
}

/// One `key = value` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// 1-based line number.
    pub line: usize,
    /// The key as written.
    pub key: String,
    /// The value.
    pub value: Value,
}

/// A line that is not `key = value`, a comment, a section header or blank.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct SyntaxError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses a `.conf` file into its entries, in file order.
pub fn parse(text: &str) -> Result<Vec<Entry>, SyntaxError> {
    let mut entries = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if trimmed.starts_with('[') {
            if !strip_comment(trimmed).ends_with(']') {
                return Err(SyntaxError {
                    line,
                    message: format!("unclosed section header '{trimmed}'"),
                });
            }
            continue;
        }
        let error = |message: String| SyntaxError { line, message };
        // The separator is searched for before any inline comment, so `headless  # see: x`
        // stays a bare key; a `#` inside a quoted value comes after the separator anyway.
        let (key, rest) = match strip_comment(trimmed).find(['=', ':']) {
            Some(at) => (trimmed[..at].trim(), Some(trimmed[at + 1..].trim())),
            None => (strip_comment(trimmed), None),
        };
        if key.is_empty() {
            return Err(error(format!("missing key before '=' in '{trimmed}'")));
        }
        if key.contains(char::is_whitespace) {
            return Err(error(format!("expected 'key = value', got '{trimmed}'")));
        }
        let value = match rest {
            None => Value::Bare,
            Some(rest) => parse_value(rest).map_err(error)?,
        };
        entries.push(Entry {
            line,
            key: key.to_string(),
            value,
        });
    }
    Ok(entries)
}

/// The value after `=`: quoted, a `[list]`, or plain text up to an inline comment.
fn parse_value(rest: &str) -> Result<Value, String> {
    if rest.is_empty() || rest.starts_with('#') || rest.starts_with(';') {
        return Ok(Value::Bare);
    }
    if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let body = &rest[1..];
        let end = body
            .find(quote)
            .ok_or_else(|| format!("missing closing {quote} in {rest}"))?;
        let after = body[end + 1..].trim();
        if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
            return Err(format!("unexpected '{after}' after the quoted value"));
        }
        return Ok(Value::Text(body[..end].to_string()));
    }
    let value = strip_comment(rest);
    if let Some(inner) = value.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or_else(|| format!("missing closing ] in '{value}'"))?;
        let items = inner
            .split(',')
            .map(|item| unquote(item.trim()).to_string())
            .filter(|item| !item.is_empty())
            .collect();
        return Ok(Value::List(items));
    }
    Ok(Value::Text(value.to_string()))
}

/// Drops an inline comment: `#` or `;` after whitespace (so `http://h/#top` keeps its `#`).
fn strip_comment(text: &str) -> &str {
    let bytes = text.as_bytes();
    let cut = (1..bytes.len())
        .find(|&i| (bytes[i] == b'#' || bytes[i] == b';') && bytes[i - 1].is_ascii_whitespace());
    match cut {
        Some(at) => text[..at].trim_end(),
        None => text,
    }
}

/// `"a"` or `'a'` -> `a`.
fn unquote(item: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = item
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Value {
        Value::Text(value.to_string())
    }

    fn entries(text: &str) -> Vec<(usize, String, Value)> {
        parse(text)
            .unwrap()
            .into_iter()
            .map(|entry| (entry.line, entry.key, entry.value))
            .collect()
    }

    #[test]
    fn reads_keys_values_comments_and_sections() {
        let parsed = entries(
            "# Locust's example\n\
             ; another comment\n\
             \n\
             [locust]\n\
             locustfile = locustfile.lua\n\
             users=10   # peak\n\
             spawn_rate : 2.5 ; per second\n\
             host = http://127.0.0.1:8000/#fragment\n\
             \t run-time = 1m \n",
        );
        assert_eq!(
            parsed,
            vec![
                (5, "locustfile".into(), text("locustfile.lua")),
                (6, "users".into(), text("10")),
                (7, "spawn_rate".into(), text("2.5")),
                (8, "host".into(), text("http://127.0.0.1:8000/#fragment")),
                (9, "run-time".into(), text("1m")),
            ]
        );
    }

    #[test]
    fn booleans_stay_text_and_bare_keys_are_bare() {
        let parsed = entries(
            "headless = true\nautostart  # see: docs\nprint-stats =\nonly-summary = false\n",
        );
        assert_eq!(
            parsed,
            vec![
                (1, "headless".into(), text("true")),
                (2, "autostart".into(), Value::Bare),
                (3, "print-stats".into(), Value::Bare),
                (4, "only-summary".into(), text("false")),
            ]
        );
    }

    #[test]
    fn reads_lists_and_quotes() {
        let parsed = entries(
            "threshold = [p95<500ms, \"error-rate<1%\", 'p99<1s for GET /a']\n\
             tags = []\n\
             html = \"report #1.html\"  # the quotes keep the '#'\n\
             logfile = 'a b.log'\n",
        );
        assert_eq!(
            parsed,
            vec![
                (
                    1,
                    "threshold".into(),
                    Value::List(vec![
                        "p95<500ms".into(),
                        "error-rate<1%".into(),
                        "p99<1s for GET /a".into()
                    ])
                ),
                (2, "tags".into(), Value::List(vec![])),
                (3, "html".into(), text("report #1.html")),
                (4, "logfile".into(), text("a b.log")),
            ]
        );
    }

    #[test]
    fn reports_bad_lines_with_their_number() {
        for (text, line, needle) in [
            (
                "users = 1\nthis is not a setting\n",
                2,
                "expected 'key = value'",
            ),
            ("\n\n= 3\n", 3, "missing key"),
            ("[section\n", 1, "unclosed section"),
            ("tags = [a, b\n", 1, "missing closing ]"),
            ("host = \"http://x\n", 1, "missing closing \""),
            ("host = \"http://x\" junk\n", 1, "unexpected 'junk'"),
        ] {
            let error = parse(text).unwrap_err();
            assert_eq!(error.line, line, "{text:?}: {error}");
            assert!(error.message.contains(needle), "{text:?}: {error}");
        }
    }
}
