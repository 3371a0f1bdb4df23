//! The UI page (`/`) with its embedded settings, and the static assets under `/assets/`.

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG};
use locusta_web::FormDefaults;
use serde_json::{Value, json};

use crate::support::{HOST, get, local, page_config, send, start, start_with, swarm};

#[tokio::test(start_paused = true)]
async fn the_page_embeds_the_runs_settings() {
    local(async {
        let defaults = FormDefaults {
            user_count: Some(50),
            spawn_rate: Some(2.5),
            run_time: Some(Duration::from_secs(4_800)),
        };
        let api = start_with(None, |_| {}, defaults);
        let page = get(&api, "/").await;
        assert_eq!(page.status, 200);
        assert_eq!(page.header(CONTENT_TYPE), Some("text/html; charset=utf-8"));
        assert_eq!(page.header(CACHE_CONTROL), Some("no-cache"));
        assert!(
            page.header(CONTENT_SECURITY_POLICY)
                .unwrap()
                .contains("script-src 'self'")
        );
        let config = page_config(&page);
        assert_eq!(config["host"], HOST);
        assert_eq!(config["locustfile"], "locustfile.lua");
        assert_eq!(
            config["form"],
            json!({"user_count": 50, "spawn_rate": 2.5, "run_time": "1h20m"})
        );
        assert_eq!(
            config["classes"],
            json!([
                {"name": "Visitor", "weight": 3.0, "fixed_count": 0},
                {"name": "Crasher", "weight": 1.0, "fixed_count": 0}
            ])
        );
        assert_eq!(
            config["history"],
            json!({"capacity": 3600, "interval": 2.0})
        );
        assert_eq!(config["percentiles_to_chart"], json!([0.5, 0.95]));
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_reloaded_page_proposes_what_swarm_last_accepted() {
    local(async {
        let defaults = FormDefaults {
            user_count: Some(10),
            spawn_rate: Some(1.0),
            run_time: Some(Duration::from_secs(60)),
        };
        let api = start_with(None, |_| {}, defaults);
        swarm(&api, "user_count=5&spawn_rate=2.5").await;
        let config = page_config(&get(&api, "/").await);
        assert_eq!(
            config["form"],
            json!({"user_count": 5, "spawn_rate": 2.5, "run_time": "1m"})
        );
        swarm(&api, "user_count=7&spawn_rate=3&run_time=2m").await;
        let config = page_config(&get(&api, "/").await);
        assert_eq!(
            config["form"],
            json!({"user_count": 7, "spawn_rate": 3.0, "run_time": "2m"})
        );
        let refused = swarm(&api, "user_count=-1&spawn_rate=3").await;
        assert_eq!(refused["success"], false);
        assert_eq!(page_config(&get(&api, "/").await)["form"]["user_count"], 7);
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn run_text_cannot_break_out_of_the_settings() {
    local(async {
        let hostile = "</script><script>alert(1)</script><!-- & \u{2028}";
        let api = start_with(
            None,
            |run| {
                run.locustfile = hostile.to_owned();
                run.host = None;
            },
            FormDefaults::default(),
        );
        let page = get(&api, "/").await;
        let text = page.text();
        assert!(!text.contains("alert(1)</script>"), "{text}");
        assert!(!text.contains("<!-- &"), "{text}");
        let config = page_config(&page);
        assert_eq!(config["locustfile"], hostile);
        assert_eq!(config["host"], Value::Null);
        assert_eq!(
            config["form"],
            json!({"user_count": null, "spawn_rate": null, "run_time": null})
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn assets_are_served_with_their_type_and_revalidated_by_etag() {
    local(async {
        let api = start(None);
        let page = get(&api, "/").await.text();
        for (path, content_type) in [
            ("/assets/js/main.js", "text/javascript; charset=utf-8"),
            ("/assets/app.css", "text/css; charset=utf-8"),
            ("/assets/favicon.svg", "image/svg+xml"),
            (
                "/assets/vendor/uplot/uPlot.iife.min.js",
                "text/javascript; charset=utf-8",
            ),
            (
                "/assets/vendor/uplot/uPlot.min.css",
                "text/css; charset=utf-8",
            ),
            ("/assets/vendor/uplot/LICENSE", "text/plain; charset=utf-8"),
        ] {
            let answer = get(&api, path).await;
            assert_eq!(answer.status, 200, "{path}");
            assert_eq!(answer.header(CONTENT_TYPE), Some(content_type), "{path}");
            assert_eq!(answer.header(CACHE_CONTROL), Some("no-cache"), "{path}");
            assert!(!answer.body.is_empty(), "{path}");
            let etag = answer.header(ETAG).expect("an ETag").to_owned();

            let again = Request::get(path)
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap();
            let again = send(&api, again).await;
            assert_eq!(again.status, 304, "{path}");
            assert!(again.body.is_empty());
            assert_eq!(again.header(ETAG), Some(etag.as_str()));
        }
        // The page refers to its assets relative to itself, so a path prefix works.
        assert!(page.contains(r#"src="assets/js/main.js""#));
        assert!(page.contains(r#"href="assets/app.css""#));

        let uplot = get(&api, "/assets/vendor/uplot/uPlot.iife.min.js").await;
        assert!(
            uplot
                .text()
                .starts_with("/*! https://github.com/leeoniya/uPlot (v1.6.32) */")
        );
        assert_eq!(get(&api, "/assets/nope.js").await.status, 404);
        assert_eq!(get(&api, "/assets/../Cargo.toml").await.status, 404);
    })
    .await;
}
