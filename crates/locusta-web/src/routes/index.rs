//! `GET /`: the web UI's page, with the run's settings embedded as JSON.

use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, X_CONTENT_TYPE_OPTIONS};
use axum::response::{Html, IntoResponse, Response};

use super::Shared;
use crate::model::PageConfig;

/// The page; its scripts and styles are under `/assets/`.
const PAGE: &str = include_str!("../../assets/index.html");

/// Where the settings go: the content of `<script id="locusta-config" type="application/json">`.
const CONFIG_MARKER: &str = "__LOCUSTA_CONFIG__";

/// Scripts and styles from this server only (the settings are JSON, not a script). uPlot sets
/// inline styles, hence `'unsafe-inline'` for styles alone; images may be `data:` URLs (the
/// charts' PNG download).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'";

/// The UI page. Nothing from the run is formatted into HTML: the settings travel as escaped
/// JSON (see [`PageConfig::to_script_json`]) and the page's scripts insert all text with
/// `textContent`.
pub(super) async fn page(State(state): State<Shared>) -> Response {
    let config = PageConfig::new(&state).to_script_json();
    let html = PAGE.replacen(CONFIG_MARKER, &config, 1);
    (
        [
            (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
            (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        Html(html),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_one_place_for_the_settings() {
        assert_eq!(PAGE.matches(CONFIG_MARKER).count(), 1);
        let script =
            r#"<script id="locusta-config" type="application/json">__LOCUSTA_CONFIG__</script>"#;
        assert!(PAGE.contains(script));
    }
}
