//! JSON that can sit inside an HTML `<script type="application/json">` element.

use serde::Serialize;

/// `value` as JSON whose text cannot end or alter the element it is embedded in: `<`, `>` and
/// `&` (which only occur inside JSON strings) become `\u003c`-style escapes, so a request named
/// `</script><script>…` stays a string, and neither `<!--` nor a character reference can
/// appear. U+2028/2029 are escaped too, for JavaScript engines that predate ES2019. The result
/// parses back to the same value with `JSON.parse`.
pub(super) fn to_script_json(value: &impl Serialize) -> serde_json::Result<String> {
    let json = serde_json::to_string(value)?;
    let mut safe = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            c => safe.push(c),
        }
    }
    Ok(safe)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn markup_in_strings_is_escaped_and_round_trips() {
        let value = json!({"name": "</script><!-- & \u{2028}"});
        let text = to_script_json(&value).unwrap();
        for forbidden in ['<', '>', '&', '\u{2028}'] {
            assert!(!text.contains(forbidden), "{text}");
        }
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
