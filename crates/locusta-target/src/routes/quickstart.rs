//! The endpoints of Locust's quickstart locustfile: `/`, `/hello`, `/world`, `/item`,
//! `/login`, plus `/cookie/check` to see whether the login cookie came back.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, COOKIE, HeaderMap, HeaderValue, SET_COOKIE};
use hyper::{Request, Response, StatusCode};
use serde::{Deserialize, Serialize};

use crate::body::Body;
use crate::response::{bad_request, json, text};
use crate::service::Shared;

use super::read_body;

/// Name of the cookie set by `/login` and checked by `/cookie/check`.
const SESSION_COOKIE: &str = "session";

/// Largest `/login` body read.
const MAX_LOGIN_BODY: usize = 64 * 1024;

/// `GET /`: two bytes, no headers beyond hyper's own, no allocation.
pub(crate) fn root() -> Response<Body> {
    Response::new(Body::full(bytes::Bytes::from_static(b"ok")))
}

/// `GET /item?id=N`: `{"id":N,"name":"item N"}`.
pub(crate) fn item(query: Option<&str>) -> Response<Body> {
    #[derive(Deserialize)]
    struct Query {
        id: u64,
    }
    #[derive(Serialize)]
    struct Item {
        id: u64,
        name: String,
    }
    match serde_urlencoded::from_str::<Query>(query.unwrap_or_default()) {
        Ok(Query { id }) => json(
            StatusCode::OK,
            &Item {
                id,
                name: format!("item {id}"),
            },
        ),
        Err(error) => bad_request(format!("/item needs ?id=<unsigned integer>: {error}")),
    }
}

/// Login credentials, as JSON or as an HTML form.
#[derive(Deserialize)]
struct Credentials {
    username: String,
    #[allow(
        dead_code,
        reason = "required in the body, but any password is accepted"
    )]
    password: String,
}

/// `POST /login`: accepts any username and password, as JSON (`{"username","password"}`)
/// or as a form, and sets a new `session` cookie.
pub(crate) async fn login(shared: Arc<Shared>, request: Request<Incoming>) -> Response<Body> {
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    let body = match read_body(request.into_body(), MAX_LOGIN_BODY).await {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let credentials: Result<Credentials, String> = if is_form {
        serde_urlencoded::from_bytes(&body).map_err(|e| e.to_string())
    } else {
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    };
    let credentials = match credentials {
        Ok(credentials) => credentials,
        Err(error) => {
            return bad_request(format!(
                "/login needs {{\"username\", \"password\"}} as JSON or a form: {error}"
            ));
        }
    };

    let session = shared.sessions.fetch_add(1, Ordering::Relaxed) + 1;
    let mut response = json(
        StatusCode::OK,
        &serde_json::json!({ "username": credentials.username }),
    );
    let cookie = format!("{SESSION_COOKIE}={session:016x}; Path=/; HttpOnly");
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    response
}

/// `GET /cookie/check`: `200` if a non-empty `session` cookie was sent, else `401`.
pub(crate) fn cookie_check(headers: &HeaderMap) -> Response<Body> {
    if has_session_cookie(headers) {
        text(StatusCode::OK, "session cookie present")
    } else {
        text(
            StatusCode::UNAUTHORIZED,
            "no session cookie; POST /login first",
        )
    }
}

fn has_session_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| name == SESSION_COOKIE && !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookies(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(COOKIE, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn finds_the_session_cookie_among_others() {
        assert!(has_session_cookie(&cookies(&["a=1; session=abc; b=2"])));
        assert!(has_session_cookie(&cookies(&["a=1", "session=abc"])));
    }

    #[test]
    fn ignores_missing_empty_or_similarly_named_cookies() {
        assert!(!has_session_cookie(&cookies(&[])));
        assert!(!has_session_cookie(&cookies(&["session="])));
        assert!(!has_session_cookie(&cookies(&["sessionid=abc"])));
    }
}
