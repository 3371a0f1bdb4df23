//! `pyproject.toml`: Locust reads the table `[tool.locust]`; we read it and then our own
//! `[tool.locusta]`. Keys are the same long option names as in a `.conf` file; values have
//! TOML's types (`users = 10`, `headless = true`, `threshold = ["p95<500ms"]`).

use toml::de::{DeTable, DeValue};

use super::conf::{Entry, SyntaxError, Value};

/// The entries of `[tool.locust]` and of `[tool.locusta]`, each in file order.
#[derive(Debug, Default)]
pub struct Tables {
    /// `[tool.locust]`.
    pub locust: Vec<Entry>,
    /// `[tool.locusta]`.
    pub locusta: Vec<Entry>,
}

/// Parses `text`; a file without the tables gives empty lists.
pub fn parse(text: &str) -> Result<Tables, SyntaxError> {
    let document = DeTable::parse(text).map_err(|error| SyntaxError {
        line: error.span().map_or(1, |span| line_of(text, span.start)),
        message: error.message().trim().to_string(),
    })?;
    let Some(tool) = document.get_ref().get("tool") else {
        return Ok(Tables::default());
    };
    let DeValue::Table(tool) = tool.get_ref() else {
        return Ok(Tables::default());
    };
    Ok(Tables {
        locust: entries(text, tool.get("locust"))?,
        locusta: entries(text, tool.get("locusta"))?,
    })
}

fn entries(
    text: &str,
    table: Option<&toml::Spanned<DeValue<'_>>>,
) -> Result<Vec<Entry>, SyntaxError> {
    let Some(table) = table else {
        return Ok(Vec::new());
    };
    let DeValue::Table(table) = table.get_ref() else {
        return Err(SyntaxError {
            line: line_of(text, table.span().start),
            message: "expected a table of options".to_string(),
        });
    };
    let mut entries = table
        .iter()
        .map(|(key, value)| {
            let line = line_of(text, key.span().start);
            let value = convert(value.get_ref()).map_err(|message| SyntaxError {
                line,
                message: format!("{}: {message}", key.get_ref()),
            })?;
            Ok(Entry {
                line,
                key: key.get_ref().to_string(),
                value,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // The map is sorted by key; file order makes the first error the first one in the file.
    entries.sort_by_key(|entry| entry.line);
    Ok(entries)
}

fn convert(value: &DeValue<'_>) -> Result<Value, String> {
    Ok(match value {
        DeValue::Boolean(flag) => Value::Bool(*flag),
        DeValue::Array(items) => Value::List(
            items
                .iter()
                .map(|item| match convert(item.get_ref())? {
                    Value::Text(text) => Ok(text),
                    Value::Bool(flag) => Ok(flag.to_string()),
                    _ => Err("lists must hold plain values".to_string()),
                })
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(_) => return Err("expected a value, not a table".to_string()),
        DeValue::String(text) => Value::Text(text.to_string()),
        DeValue::Integer(number) => Value::Text(
            i128::from_str_radix(number.as_str(), number.radix())
                .map_or_else(|_| number.to_string(), |n| n.to_string()),
        ),
        DeValue::Float(number) => Value::Text(number.as_str().to_string()),
        DeValue::Datetime(when) => Value::Text(when.to_string()),
    })
}

/// 1-based line of byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tool_locust_then_tool_locusta_with_lines() {
        let tables = parse(
            "[project]\nname = \"shop\"\n\n[tool.locust]\nusers = 3\nspawn-rate = 1.5\n\
             headless = true\nthreshold = [\"p95<500ms\", \"error-rate<1%\"]\nrun_time = \"1m\"\n\
             \n[tool.locusta]\nseed = 0x10\n",
        )
        .unwrap();
        let locust: Vec<_> = tables
            .locust
            .iter()
            .map(|entry| (entry.line, entry.key.as_str(), entry.value.clone()))
            .collect();
        assert_eq!(
            locust,
            vec![
                (5, "users", Value::Text("3".into())),
                (6, "spawn-rate", Value::Text("1.5".into())),
                (7, "headless", Value::Bool(true)),
                (
                    8,
                    "threshold",
                    Value::List(vec!["p95<500ms".into(), "error-rate<1%".into()])
                ),
                (9, "run_time", Value::Text("1m".into())),
            ]
        );
        assert_eq!(tables.locusta.len(), 1);
        assert_eq!(tables.locusta[0].line, 12);
        assert_eq!(tables.locusta[0].value, Value::Text("16".into()));
    }

    #[test]
    fn a_file_without_the_tables_is_empty() {
        let tables = parse("[project]\nname = \"x\"\n[tool.black]\nline-length = 100\n").unwrap();
        assert!(tables.locust.is_empty() && tables.locusta.is_empty());
    }

    #[test]
    fn reports_errors_with_their_line() {
        let error = parse("[tool.locust]\nusers = 3\nusers = 4\n").unwrap_err();
        assert_eq!(error.line, 3, "{error}");
        let error = parse("[tool.locust]\n\nweb = { port = 1 }\n").unwrap_err();
        assert_eq!(error.line, 3, "{error}");
        assert!(error.message.contains("table"), "{error}");
    }
}
