//! Following redirects the way python-requests does.

use http::header::{
    AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, LOCATION, TRANSFER_ENCODING,
};
use http::{HeaderMap, Method, StatusCode};
use url::Url;

use crate::error_text::Failure;
use crate::hop::Hop;
use crate::target::{Origin, Target};

/// requests' `Session.max_redirects`.
pub(crate) const MAX_REDIRECTS: usize = 30;

/// The `Location` to follow, if `status` is a redirect that is followed (301, 302, 303, 307,
/// 308) and the header is present.
pub(crate) fn location(status: StatusCode, headers: &HeaderMap) -> Option<String> {
    if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let value = headers.get(LOCATION)?;
    // requests decodes Location as Latin-1 when it is not ASCII.
    Some(match value.to_str() {
        Ok(text) => text.to_owned(),
        Err(_) => value.as_bytes().iter().map(|&b| b as char).collect(),
    })
}

/// The request to send after `hop` was answered with `status` redirecting to `location`.
///
/// As in requests' `rebuild_method`: 303 turns anything but HEAD into GET, so does 302, and
/// 301 turns POST into GET. Except after 307/308 the body and its headers are dropped. The
/// caller's `Cookie` header is dropped (the jar supplies cookies for the new URL), and
/// credentials are not sent to another host.
pub(crate) fn follow(mut hop: Hop, status: StatusCode, location: &str) -> Result<Hop, Failure> {
    let bad = || Failure::BadRedirect(location.to_owned());
    let next = Url::parse(&hop.target.url())
        .and_then(|current| current.join(location))
        .map_err(|_| bad())?;
    let target = Target::from_url(&next, &hop.target.origin).map_err(|_| bad())?;

    let status = status.as_u16();
    let to_get = match status {
        302 | 303 => hop.method != Method::HEAD,
        301 => hop.method == Method::POST,
        _ => false,
    };
    if to_get {
        hop.method = Method::GET;
    }
    if !matches!(status, 307 | 308) {
        hop.body = bytes::Bytes::new();
        hop.headers.retain(|(name, _)| {
            !matches!(*name, CONTENT_LENGTH | CONTENT_TYPE | TRANSFER_ENCODING)
        });
    }
    hop.headers.retain(|(name, _)| *name != COOKIE);
    if should_strip_auth(&hop.target.origin, &target.origin) {
        hop.headers.retain(|(name, _)| *name != AUTHORIZATION);
        hop.send_auth = false;
    }
    hop.target = target;
    Ok(hop)
}

/// requests' `should_strip_auth`: another host, or another port/scheme except the upgrade from
/// `http` on port 80 to `https` on port 443.
fn should_strip_auth(old: &Origin, new: &Origin) -> bool {
    if old.host != new.host {
        return true;
    }
    if !old.tls && old.port == 80 && new.tls && new.port == 443 {
        return false;
    }
    old.tls != new.tls || old.port != new.port
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::Base;

    fn origin(url: &str) -> std::rc::Rc<Origin> {
        Base::parse(url).unwrap().origin
    }

    #[test]
    fn credentials_stay_on_their_host() {
        let base = origin("http://h");
        assert!(!should_strip_auth(&base, &origin("http://h/other")));
        assert!(
            !should_strip_auth(&base, &origin("https://h")),
            "http→https upgrade keeps auth"
        );
        assert!(should_strip_auth(&base, &origin("http://evil")));
        assert!(should_strip_auth(&base, &origin("http://h:8080")));
        assert!(should_strip_auth(&origin("https://h"), &origin("http://h")));
    }

    #[test]
    fn only_redirect_statuses_with_a_location_are_followed() {
        let mut headers = HeaderMap::new();
        assert_eq!(location(StatusCode::FOUND, &headers), None);
        headers.insert(LOCATION, "/next".parse().unwrap());
        assert_eq!(
            location(StatusCode::FOUND, &headers).as_deref(),
            Some("/next")
        );
        assert_eq!(location(StatusCode::NOT_MODIFIED, &headers), None);
        assert_eq!(location(StatusCode::OK, &headers), None);
    }
}
