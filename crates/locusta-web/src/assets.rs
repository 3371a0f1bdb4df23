//! The web UI's static files (`assets/`), embedded in the binary so that it serves its UI
//! from anywhere and `cargo build` needs no Node. The charts (`js/charts.js`, `charts.css`) and
//! uPlot (`vendor/uplot/`) come from [`locusta_report::assets`], which inlines the same files
//! into the HTML report.
//!
//! Served under `/assets/<path>` with their content type, `Cache-Control: no-cache` and a
//! content-hash `ETag`: browsers keep them but ask again on each page load, and get a bodiless
//! `304` while the binary is unchanged. (The names carry no hash, so a long `max-age` would keep
//! a stale UI after an upgrade.)

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use locusta_report::assets as report;

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const SVG: &str = "image/svg+xml";
const TEXT: &str = "text/plain; charset=utf-8";

/// One embedded file.
struct Asset {
    /// Path below `/assets/`.
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

/// An [`Asset`] read from `assets/<path>` at compile time.
macro_rules! asset {
    ($path:literal, $content_type:expr) => {
        Asset {
            path: $path,
            content_type: $content_type,
            body: include_bytes!(concat!("../assets/", $path)),
        }
    };
}

/// An [`Asset`] shared with the HTML report, from `locusta_report::assets`.
macro_rules! shared {
    ($path:literal, $content_type:expr, $text:expr) => {
        Asset {
            path: $path,
            content_type: $content_type,
            body: $text.as_bytes(),
        }
    };
}

/// Every file under `/assets/`. `index.html` is not here: `GET /` serves it with the run's
/// settings filled in (see `routes::index`).
static ASSETS: &[Asset] = &[
    asset!("app.css", CSS),
    shared!("charts.css", CSS, report::CHARTS_CSS),
    asset!("favicon.svg", SVG),
    asset!("js/api.js", JS),
    shared!("js/charts.js", JS, report::CHARTS_JS),
    asset!("js/dom.js", JS),
    asset!("js/form.js", JS),
    asset!("js/header.js", JS),
    asset!("js/main.js", JS),
    asset!("js/tables.js", JS),
    asset!("js/tabs.js", JS),
    shared!("vendor/uplot/LICENSE", TEXT, report::UPLOT_LICENSE),
    shared!("vendor/uplot/uPlot.iife.min.js", JS, report::UPLOT_JS),
    shared!("vendor/uplot/uPlot.min.css", CSS, report::UPLOT_CSS),
];

/// The `ETag` of each asset (indexed like [`ASSETS`]), hashed once on first use.
static ETAGS: LazyLock<Vec<HeaderValue>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            HeaderValue::from_str(&format!("\"{:016x}\"", fnv1a(asset.body)))
                .expect("hex digits in quotes are a valid header value")
        })
        .collect()
});

/// `GET /assets/{*path}`: the file, `304` when the browser's copy is current, `404` otherwise.
pub(crate) async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(index) = ASSETS.iter().position(|asset| asset.path == path) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let asset = &ASSETS[index];
    let etag = ETAGS[index].clone();
    let cached = headers
        .get(IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let caching = [
        (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (ETAG, etag),
    ];
    if cached {
        return (StatusCode::NOT_MODIFIED, caching).into_response();
    }
    (
        caching,
        [
            (CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
            (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        asset.body,
    )
        .into_response()
}

/// 64-bit FNV-1a: stable across builds and Rust versions (unlike std's `DefaultHasher`), and
/// plenty to tell two versions of a file apart.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_and_files_are_not_empty() {
        for (index, asset) in ASSETS.iter().enumerate() {
            assert!(!asset.body.is_empty(), "{} is empty", asset.path);
            assert!(
                ASSETS[index + 1..]
                    .iter()
                    .all(|other| other.path != asset.path),
                "{} is listed twice",
                asset.path
            );
        }
    }

    /// A file added under `assets/` but not to [`ASSETS`] would be a 404 in the browser.
    #[test]
    fn every_file_under_assets_is_served() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, found);
                } else {
                    found.push(path.to_string_lossy().into_owned());
                }
            }
        }
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/");
        let mut found = Vec::new();
        walk(std::path::Path::new(root), &mut found);
        for file in found {
            let path = file.strip_prefix(root).unwrap().replace('\\', "/");
            assert!(
                path == "index.html" || ASSETS.iter().any(|asset| asset.path == path),
                "assets/{path} is not listed in ASSETS"
            );
        }
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
