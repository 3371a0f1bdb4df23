//! The session's cookie jar (what a `requests.Session` keeps in `session.cookies`).
//!
//! Cookie matching needs a parsed URL. To keep the cookie-less fast path free of URL parsing,
//! the store is only created when a response first sets a cookie, and a URL is only parsed
//! for a request when the store holds something, or for a response with `Set-Cookie`.

use std::cell::RefCell;

use cookie_store::CookieStore;
use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue};
use url::Url;

use crate::target::Target;

/// Cookies received by one session, sent back on its later requests.
#[derive(Default)]
pub(crate) struct Jar {
    store: RefCell<Option<Box<CookieStore>>>,
}

impl Jar {
    /// The `Cookie` header for a request to `target`, if any cookie matches.
    pub(crate) fn header_for(&self, target: &Target) -> Option<HeaderValue> {
        let store = self.store.borrow();
        let store = store.as_deref()?;
        store.iter_unexpired().next()?;
        let url = Url::parse(&target.url()).ok()?;
        let mut value = String::new();
        for (name, cookie_value) in store.get_request_values(&url) {
            if !value.is_empty() {
                value.push_str("; ");
            }
            value.push_str(name);
            value.push('=');
            value.push_str(cookie_value);
        }
        if value.is_empty() {
            None
        } else {
            HeaderValue::try_from(value).ok()
        }
    }

    /// Stores the cookies a response to `target` sets. Invalid cookies are ignored, as
    /// requests does.
    pub(crate) fn store_from(&self, headers: &HeaderMap, target: &Target) {
        let mut set_cookies = headers.get_all(SET_COOKIE).iter().peekable();
        if set_cookies.peek().is_none() {
            return;
        }
        let Ok(url) = Url::parse(&target.url()) else {
            return;
        };
        let mut store = self.store.borrow_mut();
        let store = store.get_or_insert_with(Default::default);
        for header in set_cookies {
            if let Ok(text) = header.to_str() {
                let _ = store.parse(text, &url);
            }
        }
    }

    /// The value of the unexpired cookie called `name`, whatever its domain and path.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        let store = self.store.borrow();
        let found = store
            .as_deref()?
            .iter_unexpired()
            .find(|cookie| cookie.name() == name)?;
        Some(found.value().to_owned())
    }

    /// Forgets every cookie.
    pub(crate) fn clear(&self) {
        self.store.borrow_mut().take();
    }
}
