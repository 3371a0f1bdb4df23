//! `GET /`: the web UI's page, with the run's settings embedded as JSON.

use std::sync::LazyLock;

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

/// Opens markup only a master's page has (the Workers count and tab).
const DISTRIBUTED_START: &str = "<!-- distributed -->";

/// Closes markup opened by [`DISTRIBUTED_START`].
const DISTRIBUTED_END: &str = "<!-- /distributed -->";

/// The page of a local run: [`PAGE`] without its distributed-only sections.
static LOCAL_PAGE: LazyLock<String> = LazyLock::new(|| distributed_sections(PAGE, false));

/// A master's page: [`PAGE`] with its distributed-only sections, without their markers.
static MASTER_PAGE: LazyLock<String> = LazyLock::new(|| distributed_sections(PAGE, true));

/// `page` with the sections between [`DISTRIBUTED_START`] and [`DISTRIBUTED_END`] kept or cut.
/// The markers go either way, with their lines when they stand alone on one.
fn distributed_sections(page: &str, keep: bool) -> String {
    let mut kept = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(start) = rest.find(DISTRIBUTED_START) {
        kept.push_str(before_marker(&rest[..start]));
        let inside = &rest[start + DISTRIBUTED_START.len()..];
        let end = inside
            .find(DISTRIBUTED_END)
            .expect("every distributed section of index.html is closed");
        if keep {
            let section = &inside[..end];
            let section = section.strip_prefix('\n').unwrap_or(section);
            kept.push_str(before_marker(section));
        }
        rest = &inside[end + DISTRIBUTED_END.len()..];
        rest = rest.strip_prefix('\n').unwrap_or(rest);
    }
    kept.push_str(rest);
    kept
}

/// `text` up to a marker that follows it: without the marker's indentation when the marker
/// starts its line.
fn before_marker(text: &str) -> &str {
    let line_start = text.rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..].trim().is_empty() {
        &text[..line_start]
    } else {
        text
    }
}

/// Scripts and styles from this server only (the settings are JSON, not a script). uPlot sets
/// inline styles, hence `'unsafe-inline'` for styles alone; images may be `data:` URLs (the
/// charts' PNG download).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'";

/// The UI page. Nothing from the run is formatted into HTML: the settings travel as escaped
/// JSON (see [`PageConfig::to_script_json`]) and the page's scripts insert all text with
/// `textContent`. A local run's page lacks the Workers count and tab altogether.
pub(super) async fn page(State(state): State<Shared>) -> Response {
    let config = PageConfig::new(&state).to_script_json();
    let template = if state.is_distributed() {
        &MASTER_PAGE
    } else {
        &LOCAL_PAGE
    };
    let html = template.replacen(CONFIG_MARKER, &config, 1);
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
        for page in [&*LOCAL_PAGE, &*MASTER_PAGE] {
            assert_eq!(page.matches(CONFIG_MARKER).count(), 1);
            assert!(page.contains(script));
        }
    }

    #[test]
    fn distributed_sections_are_balanced_and_only_on_a_masters_page() {
        let opened = PAGE.matches(DISTRIBUTED_START).count();
        assert!(opened >= 2, "the Workers count and tab");
        assert_eq!(PAGE.matches(DISTRIBUTED_END).count(), opened);
        for section in PAGE.split(DISTRIBUTED_START).skip(1) {
            let (inside, _) = section.split_once(DISTRIBUTED_END).expect("closed");
            assert!(!inside.contains(DISTRIBUTED_START), "not nested");
        }
        assert!(!LOCAL_PAGE.contains("distributed -->"));
        assert!(!LOCAL_PAGE.to_lowercase().contains("worker"));
        assert!(!MASTER_PAGE.contains("distributed -->"));
        assert!(MASTER_PAGE.contains(r#"id="panel-workers""#));
    }

    #[test]
    fn markers_go_with_their_lines_and_sections_with_them_unless_kept() {
        let page = "a\n  <!-- distributed -->\n  x\n  <!-- /distributed -->\nb <!-- distributed -->y<!-- /distributed --> c\n";
        assert_eq!(distributed_sections(page, false), "a\nb  c\n");
        assert_eq!(distributed_sections(page, true), "a\n  x\nb y c\n");
    }
}
