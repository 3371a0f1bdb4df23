//! Lua values to and from JSON (`json = {...}` request bodies, `response:json()`,
//! `json.encode/decode`).
//!
//! Conventions, as in lua-cjson: a table whose keys are exactly `1..n` (n > 0) is an array,
//! any other table an object (so `{}` encodes as `{}`); JSON `null` is the sentinel
//! `json.null` (a light userdata), so arrays keep their length.

use mlua::{LightUserData, Lua, Table, Value};
use serde_json::{Map, Number};

/// Deepest nesting converted (guards against cycles).
const MAX_DEPTH: usize = 128;

/// `json.null`.
pub(crate) fn null() -> Value {
    Value::LightUserData(LightUserData(std::ptr::null_mut()))
}

/// Converts a Lua value to JSON.
pub(crate) fn to_json(value: &Value) -> Result<serde_json::Value, String> {
    convert(value, 0)
}

fn convert(value: &Value, depth: usize) -> Result<serde_json::Value, String> {
    if depth > MAX_DEPTH {
        return Err("JSON nesting too deep (a table that contains itself?)".into());
    }
    Ok(match value {
        Value::Nil => serde_json::Value::Null,
        Value::LightUserData(ud) if ud.0.is_null() => serde_json::Value::Null,
        Value::Boolean(b) => serde_json::Value::Bool(*b),
        Value::Integer(i) => serde_json::Value::Number((*i).into()),
        Value::Number(n) => number(*n)?,
        Value::String(s) => serde_json::Value::String(s.to_string_lossy()),
        Value::Table(table) => table_to_json(table, depth)?,
        other => return Err(format!("cannot encode a {} as JSON", other.type_name())),
    })
}

fn number(n: f64) -> Result<serde_json::Value, String> {
    // Lua has one number type: integral values are written without a fraction.
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        return Ok(serde_json::Value::Number((n as i64).into()));
    }
    Number::from_f64(n)
        .map(serde_json::Value::Number)
        .ok_or_else(|| format!("cannot encode {n} as JSON"))
}

fn table_to_json(table: &Table, depth: usize) -> Result<serde_json::Value, String> {
    let len = table.raw_len();
    let mut count = 0usize;
    for pair in table.pairs::<Value, Value>() {
        pair.map_err(|e| e.to_string())?;
        count += 1;
    }
    if len > 0 && count == len {
        let mut items = Vec::with_capacity(len);
        for i in 1..=len {
            let item: Value = table.raw_get(i).map_err(|e| e.to_string())?;
            items.push(convert(&item, depth + 1)?);
        }
        return Ok(serde_json::Value::Array(items));
    }
    let mut map = Map::new();
    for pair in table.pairs::<Value, Value>() {
        let (key, item) = pair.map_err(|e| e.to_string())?;
        let key = match &key {
            Value::String(s) => s.to_string_lossy(),
            Value::Integer(i) => i.to_string(),
            Value::Number(n) if n.fract() == 0.0 => format!("{}", *n as i64),
            Value::Number(n) => n.to_string(),
            Value::Boolean(b) => b.to_string(),
            other => {
                return Err(format!(
                    "cannot encode a table with a {} key as JSON",
                    other.type_name()
                ));
            }
        };
        map.insert(key, convert(&item, depth + 1)?);
    }
    Ok(serde_json::Value::Object(map))
}

/// Converts JSON to a Lua value.
pub(crate) fn to_lua(lua: &Lua, value: &serde_json::Value) -> mlua::Result<Value> {
    Ok(match value {
        serde_json::Value::Null => null(),
        serde_json::Value::Bool(b) => Value::Boolean(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) if i.unsigned_abs() < (1 << 53) => Value::Number(i as f64),
            _ => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::String(lua.create_string(s)?),
        serde_json::Value::Array(items) => {
            let table = lua.create_table_with_capacity(items.len(), 0)?;
            for (i, item) in items.iter().enumerate() {
                table.raw_set(i + 1, to_lua(lua, item)?)?;
            }
            Value::Table(table)
        }
        serde_json::Value::Object(map) => {
            let table = lua.create_table_with_capacity(0, map.len())?;
            for (key, item) in map {
                table.raw_set(key.as_str(), to_lua(lua, item)?)?;
            }
            Value::Table(table)
        }
    })
}

/// Parses JSON text into a Lua value (Python's `JSONDecodeError` text on failure).
pub(crate) fn decode(lua: &Lua, text: &[u8]) -> mlua::Result<Value> {
    let value: serde_json::Value = serde_json::from_slice(text)
        .map_err(|e| mlua::Error::runtime(format!("JSONDecodeError: {e}")))?;
    to_lua(lua, &value)
}
