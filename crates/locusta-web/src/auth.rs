//! HTTP basic auth on every route (`--web-auth user:password`).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use subtle::ConstantTimeEq;

use crate::Error;

/// The user name and password every request must carry. Parse `--web-auth` with
/// `"user:password".parse()`; the password may itself contain `:`.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `user:password`, exactly what a client's basic-auth token decodes to.
    user_colon_password: String,
}

impl Credentials {
    /// Credentials for `user` (which cannot contain `:`, as RFC 7617 says) and `password`.
    pub fn new(user: &str, password: &str) -> Result<Self, Error> {
        if user.contains(':') {
            return Err(Error::InvalidCredentials);
        }
        Ok(Self {
            user_colon_password: format!("{user}:{password}"),
        })
    }

    /// The user name.
    pub fn user(&self) -> &str {
        self.user_colon_password
            .split_once(':')
            .map_or("", |(user, _)| user)
    }

    /// True if `token` (the base64 part of an `Authorization: Basic` header) decodes to these
    /// credentials. The comparison takes the same time wherever the first difference is, so
    /// response times do not reveal how much of a guess was right.
    fn accept(&self, token: &str) -> bool {
        let Ok(decoded) = STANDARD.decode(token.trim()) else {
            return false;
        };
        decoded.ct_eq(self.user_colon_password.as_bytes()).into()
    }
}

impl FromStr for Credentials {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let (user, password) = text.split_once(':').ok_or(Error::InvalidCredentials)?;
        Self::new(user, password)
    }
}

/// Shows the user name only, so credentials can be logged without the password.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user())
            .field("password", &"***")
            .finish()
    }
}

/// Middleware: passes the request on only if it carries the expected credentials, else answers
/// 401 with a basic-auth challenge.
pub(crate) async fn require_basic_auth(
    State(expected): State<Arc<Credentials>>,
    request: Request,
    next: Next,
) -> Response {
    if authorized(request.headers(), &expected) {
        next.run(request).await
    } else {
        challenge()
    }
}

fn authorized(headers: &HeaderMap, expected: &Credentials) -> bool {
    let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((scheme, token)) = value.trim().split_once(' ') else {
        return false;
    };
    scheme.eq_ignore_ascii_case("basic") && expected.accept(token)
}

fn challenge() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"locusta\""),
        )],
        "Unauthorized: this Locusta web UI requires the credentials given with --web-auth\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_user_and_password_with_colons() {
        let credentials: Credentials = "admin:s3:cr:et".parse().unwrap();
        assert_eq!(credentials.user(), "admin");
        assert!(credentials.accept(&STANDARD.encode("admin:s3:cr:et")));
        assert!(!credentials.accept(&STANDARD.encode("admin:s3")));
        assert!(!credentials.accept("not base64!"));
    }

    #[test]
    fn rejects_text_without_a_colon() {
        assert_eq!(
            "admin".parse::<Credentials>(),
            Err(Error::InvalidCredentials)
        );
    }

    #[test]
    fn debug_hides_the_password() {
        let credentials: Credentials = "admin:hunter2".parse().unwrap();
        let shown = format!("{credentials:?}");
        assert!(
            shown.contains("admin") && !shown.contains("hunter2"),
            "{shown}"
        );
    }

    #[test]
    fn scheme_is_case_insensitive() {
        let credentials: Credentials = "a:b".parse().unwrap();
        let mut headers = HeaderMap::new();
        let value = format!("basic {}", STANDARD.encode("a:b"));
        headers.insert(AUTHORIZATION, HeaderValue::from_str(&value).unwrap());
        assert!(authorized(&headers, &credentials));
    }
}
