//! `GET|POST /echo`: describes the request back as JSON, so a test can see exactly what
//! a client sent (headers, cookies, query, body).

use std::collections::BTreeMap;

use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde::Serialize;

use crate::body::Body;
use crate::response::json;

use super::read_body;

/// Largest body echoed.
const MAX_ECHO_BODY: usize = 1024 * 1024;

/// The JSON `/echo` answers.
#[derive(Serialize)]
struct Echo {
    method: String,
    path: String,
    /// The raw query string, if any.
    query: Option<String>,
    /// The decoded query parameters; a repeated name keeps its last value.
    args: BTreeMap<String, String>,
    /// Lower-case header names; repeated headers are joined with `, `.
    headers: BTreeMap<String, String>,
    /// The body as text (invalid UTF-8 replaced).
    body: String,
    /// The body parsed as JSON, or `null` if it is not JSON.
    json: serde_json::Value,
}

/// Answers with an [`Echo`] of `request`.
pub(crate) async fn echo(request: Request<Incoming>) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = match read_body(body, MAX_ECHO_BODY).await {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let query = parts.uri.query();
    let args = query
        .and_then(|query| serde_urlencoded::from_str::<Vec<(String, String)>>(query).ok())
        .unwrap_or_default()
        .into_iter()
        .collect();
    let mut headers = BTreeMap::<String, String>::new();
    for (name, value) in &parts.headers {
        let value = String::from_utf8_lossy(value.as_bytes());
        headers
            .entry(name.as_str().to_owned())
            .and_modify(|joined| {
                joined.push_str(", ");
                joined.push_str(&value);
            })
            .or_insert_with(|| value.into_owned());
    }
    let echo = Echo {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: query.map(str::to_owned),
        args,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        json: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    };
    json(StatusCode::OK, &echo)
}
