//! `self.client:get(path, opts)`: the client methods, the options table read into plain Rust
//! values, then sent with the user's `HttpSession`.
//!
//! Options are read while the coroutine is suspended and copied out, so no Lua value is held
//! across the request's `.await`.

use std::ffi::{CStr, c_int};
use std::time::Duration;

use bytes::Bytes;
use locusta_http::{HttpSession, Method};
use mlua::{Function, Lua, Table, Value, ffi};

use crate::json;
use crate::response::Held;

/// The options of a request (the method and URL travel separately; a request without options
/// carries no `RequestSpec` at all, keeping the driver's future small).
#[derive(Debug, Default)]
pub(crate) struct RequestSpec {
    pub(crate) name: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) timeout: Option<Duration>,
    pub(crate) allow_redirects: Option<bool>,
    pub(crate) catch_response: bool,
    pub(crate) auth: Option<(String, String)>,
}

/// The request body.
#[derive(Debug, Default)]
pub(crate) enum Body {
    #[default]
    None,
    Json(serde_json::Value),
    Form(Vec<(String, String)>),
    Raw(Bytes),
}

/// The request options a script may give, for the error message about unknown ones.
const OPTIONS: &str =
    "name, headers, params, json, data, timeout, allow_redirects, catch_response, auth";

/// The method from the name the Lua wrapper yielded.
pub(crate) fn method(name: &[u8]) -> Result<Method, String> {
    Ok(match name {
        b"GET" => Method::GET,
        b"POST" => Method::POST,
        b"PUT" => Method::PUT,
        b"PATCH" => Method::PATCH,
        b"DELETE" => Method::DELETE,
        b"HEAD" => Method::HEAD,
        b"OPTIONS" => Method::OPTIONS,
        other => Method::from_bytes(other).map_err(|e| format!("invalid HTTP method: {e}"))?,
    })
}

/// Reads the options table.
pub(crate) fn read_options(opts: &Table, spec: &mut RequestSpec) -> Result<(), String> {
    for pair in opts.pairs::<Value, Value>() {
        let (key, value) = pair.map_err(|e| e.to_string())?;
        let Value::String(key) = key else {
            return Err(format!(
                "request options are named (one of {OPTIONS}), got a {} key",
                key.type_name()
            ));
        };
        let key = key.to_string_lossy();
        match key.as_str() {
            "name" => spec.name = Some(text(&value, "name")?),
            "headers" => spec.headers = pairs(&value, "headers")?,
            "params" => spec.params = pairs(&value, "params")?,
            "json" => spec.body = Body::Json(json::to_json(&value)?),
            "data" => {
                spec.body = match &value {
                    Value::String(s) => Body::Raw(Bytes::copy_from_slice(&s.as_bytes())),
                    Value::Table(_) => Body::Form(pairs(&value, "data")?),
                    Value::Nil => Body::None,
                    other => {
                        return Err(format!(
                            "data must be a string or a table, got {}",
                            other.type_name()
                        ));
                    }
                }
            }
            "timeout" => {
                let seconds = number(&value, "timeout")?;
                if seconds.is_nan() || seconds < 0.0 {
                    return Err(format!("timeout must be >= 0 seconds, got {seconds}"));
                }
                spec.timeout = Some(Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX));
            }
            "allow_redirects" => spec.allow_redirects = Some(boolean(&value, "allow_redirects")?),
            "catch_response" => spec.catch_response = boolean(&value, "catch_response")?,
            "auth" => {
                let Value::Table(auth) = &value else {
                    return Err("auth must be { user, password }".into());
                };
                let user: Value = auth.raw_get(1).map_err(|e| e.to_string())?;
                let password: Value = auth.raw_get(2).map_err(|e| e.to_string())?;
                spec.auth = Some((text(&user, "auth[1]")?, text(&password, "auth[2]")?));
            }
            other => {
                return Err(format!(
                    "unknown request option '{other}' (supported: {OPTIONS})"
                ));
            }
        }
    }
    Ok(())
}

fn text(value: &Value, what: &str) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.to_string_lossy()),
        Value::Integer(i) => Ok(i.to_string()),
        Value::Number(n) => Ok(number_text(*n)),
        Value::Boolean(b) => Ok(if *b { "True" } else { "False" }.to_string()),
        other => Err(format!(
            "{what} must be a string, got {}",
            other.type_name()
        )),
    }
}

/// Numbers as Python's `str()` would write them in a URL: integral values without `.0`.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

fn number(value: &Value, what: &str) -> Result<f64, String> {
    match value {
        Value::Integer(i) => Ok(*i as f64),
        Value::Number(n) => Ok(*n),
        other => Err(format!(
            "{what} must be a number, got {}",
            other.type_name()
        )),
    }
}

fn boolean(value: &Value, what: &str) -> Result<bool, String> {
    match value {
        Value::Boolean(b) => Ok(*b),
        Value::Nil => Ok(false),
        other => Err(format!(
            "{what} must be true or false, got {}",
            other.type_name()
        )),
    }
}

/// `{ k = v }` (sorted by key, since Lua tables have no order), `{ {k, v}, ... }` (in
/// order), and `{ k = { v1, v2 } }` (repeated key), as requests accepts for params and data.
fn pairs(value: &Value, what: &str) -> Result<Vec<(String, String)>, String> {
    let Value::Table(table) = value else {
        return Err(format!("{what} must be a table, got {}", value.type_name()));
    };
    let mut out = Vec::new();
    let len = table.raw_len();
    for i in 1..=len {
        let item: Value = table.raw_get(i).map_err(|e| e.to_string())?;
        let Value::Table(pair) = &item else {
            return Err(format!(
                "{what}[{i}] must be a {{ name, value }} pair, got {}",
                item.type_name()
            ));
        };
        let name: Value = pair.raw_get(1).map_err(|e| e.to_string())?;
        let value: Value = pair.raw_get(2).map_err(|e| e.to_string())?;
        out.push((text(&name, what)?, text(&value, what)?));
    }
    let mut keyed = Vec::new();
    for pair in table.pairs::<Value, Value>() {
        let (key, item) = pair.map_err(|e| e.to_string())?;
        if let Value::Integer(i) = key
            && i >= 1
            && (i as usize) <= len
        {
            continue;
        }
        if let Value::Number(n) = key
            && n >= 1.0
            && n.fract() == 0.0
            && (n as usize) <= len
        {
            continue;
        }
        let name = text(&key, what)?;
        match &item {
            Value::Table(list) => {
                for entry in list.sequence_values::<Value>() {
                    let entry = entry.map_err(|e| e.to_string())?;
                    keyed.push((name.clone(), text(&entry, what)?));
                }
            }
            other => keyed.push((name, text(other, what)?)),
        }
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    out.extend(keyed);
    Ok(out)
}

/// Sends the request. `Err` is for requests that cannot be made at all (bad URL, header, no
/// host): python-requests raises those to the task, and so does the Lua wrapper.
pub(crate) async fn send(
    session: &HttpSession,
    method: Method,
    url: &str,
    spec: Option<Box<RequestSpec>>,
) -> Result<Held, String> {
    let builder = session.request(method, url);
    let Some(spec) = spec else {
        let response = builder.send().await.map_err(|e| e.to_string())?;
        return Ok(Held::Plain(response));
    };
    let spec = *spec;
    let mut builder = builder;
    if let Some(name) = spec.name {
        builder = builder.name(name);
    }
    for (name, value) in &spec.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if !spec.params.is_empty() {
        builder = builder.query(&spec.params);
    }
    builder = match spec.body {
        Body::None => builder,
        Body::Json(value) => builder.json(&value),
        Body::Form(fields) => builder.form(&fields),
        Body::Raw(bytes) => builder.body(bytes),
    };
    if let Some(timeout) = spec.timeout {
        builder = builder.timeout(timeout);
    }
    if let Some(allow) = spec.allow_redirects {
        builder = builder.allow_redirects(allow);
    }
    if let Some((user, password)) = &spec.auth {
        builder = builder.basic_auth(user, password);
    }
    if spec.catch_response {
        let caught = builder
            .catch_response()
            .send()
            .await
            .map_err(|e| e.to_string())?;
        Ok(Held::Pending(caught))
    } else {
        let response = builder.send().await.map_err(|e| e.to_string())?;
        Ok(Held::Plain(response))
    }
}

/// `self.client:get(url, opts)` and the other one-method requests: Luau C functions that
/// check their call and yield `(op, url, opts)` to the driver, which resumes them with the
/// response, or with `(nil, message)` when the request could not be made (raised at the
/// caller's line, as python-requests raises it to the task).
///
/// They are the hot path of every locustfile: as Lua wrappers they cost about 1,100
/// instructions per request (a Lua call and return, upvalue loads, a C call for the user
/// check); as C functions about 300.
///
/// Upvalues: 1 the operation code, 2 the `Client` table, 3 the Lua function that raises the
/// error of a wrong call (`fn(c, url, opts, name)`), 4 the method's name.
unsafe extern "C-unwind" fn client_method(state: *mut ffi::lua_State) -> c_int {
    // SAFETY: Luau calls it with its arguments on the stack and LUA_MINSTACK free slots;
    // nothing here owns memory, so the errors Luau may raise (from the check function, or
    // from the yield inside a metamethod) unwind no Rust value.
    unsafe {
        ffi::lua_settop(state, 3);
        let valid = ffi::lua_rawequal(state, 1, ffi::lua_upvalueindex(2)) != 0
            && crate::user::is_user_thread(state)
            && ffi::lua_type(state, 2) == ffi::LUA_TSTRING
            && matches!(ffi::lua_type(state, 3), ffi::LUA_TNIL | ffi::LUA_TTABLE);
        if !valid {
            // check(c, url, opts, name) raises the error at our caller's line.
            ffi::lua_pushvalue(state, ffi::lua_upvalueindex(3));
            ffi::lua_insert(state, 1);
            ffi::lua_pushvalue(state, ffi::lua_upvalueindex(4));
            ffi::lua_call(state, 4, 0);
            return 0;
        }
        // c, url, opts -> op, url, opts: yield them.
        ffi::lua_pushvalue(state, ffi::lua_upvalueindex(1));
        ffi::lua_replace(state, 1);
        ffi::lua_yield(state, 3)
    }
}

/// The continuation of [`client_method`]: the top of its stack is what the driver resumed it
/// with, a response or `(nil, message)`. Only the top is read: on resuming a C function with
/// a continuation Luau restores the frame's own base, so whatever the driver left of the
/// yielded values is still below what it pushed.
unsafe extern "C-unwind" fn client_method_resumed(
    state: *mut ffi::lua_State,
    _status: c_int,
) -> c_int {
    // SAFETY: as in `client_method`.
    unsafe {
        if ffi::lua_type(state, -1) == ffi::LUA_TSTRING {
            // (nil, message): raise the message at the caller's line.
            ffi::luaL_where(state, 1);
            ffi::lua_insert(state, -2);
            ffi::lua_concat(state, 2);
            ffi::lua_error(state);
        }
        // The response, the top value.
        1
    }
}

/// `rt.client_method(op, name, Client, check)`: the C function of one client method.
pub(crate) fn make_client_method(
    lua: &Lua,
    (op, name, client, check): (i64, mlua::LuaString, Table, Function),
) -> mlua::Result<Function> {
    // Luau keeps the debug name's pointer: it must be static.
    let debug_name: &'static CStr = match &*name.as_bytes() {
        b"get" => c"get",
        b"post" => c"post",
        b"put" => c"put",
        b"patch" => c"patch",
        b"delete" => c"delete",
        b"head" => c"head",
        b"options" => c"options",
        _ => return Err(mlua::Error::runtime("unknown client method")),
    };
    // SAFETY: the closure pops the four values just pushed as the upvalues of the C
    // function it pushes.
    unsafe {
        lua.exec_raw((op, client, check, name), |state| {
            ffi::lua_pushcclosurek(
                state,
                client_method,
                debug_name.as_ptr(),
                4,
                Some(client_method_resumed),
            );
        })
    }
}
