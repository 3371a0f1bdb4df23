//! `--web-auth`: HTTP basic auth on every route.

use axum::body::Body;
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE,
};
use axum::http::{Request, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use locusta_stats::RunState;

use crate::support::{Answer, Api, local, send, start, state_and_users, wait_secs};

fn request(method: &str, uri: &str, credentials: Option<&str>, form: &str) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(credentials) = credentials {
        builder = builder.header(
            AUTHORIZATION,
            format!("Basic {}", STANDARD.encode(credentials)),
        );
    }
    builder.body(Body::from(form.to_owned())).unwrap()
}

async fn call(api: &Api, method: &str, uri: &str, credentials: Option<&str>) -> Answer {
    send(api, request(method, uri, credentials, "")).await
}

fn assert_challenged(answer: &Answer) {
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(
        answer
            .header(WWW_AUTHENTICATE)
            .unwrap()
            .starts_with("Basic")
    );
    assert_eq!(answer.header(ACCESS_CONTROL_ALLOW_ORIGIN), Some("*"));
}

fn protected() -> Api {
    start(Some("admin:s3cr:et".parse().unwrap()))
}

const ROUTES: [(&str, &str); 12] = [
    ("GET", "/"),
    ("POST", "/swarm"),
    ("POST", "/stop"),
    ("POST", "/stats/reset"),
    ("GET", "/stats/requests"),
    ("GET", "/stats/requests/csv"),
    ("GET", "/stats/failures/csv"),
    ("GET", "/exceptions"),
    ("GET", "/exceptions/csv"),
    ("GET", "/tasks"),
    ("GET", "/worker-count"),
    ("GET", "/logs"),
];

#[tokio::test(start_paused = true)]
async fn every_route_requires_credentials() {
    local(async {
        let api = protected();
        for (method, uri) in ROUTES {
            assert_challenged(&call(&api, method, uri, None).await);
            assert_challenged(&call(&api, method, uri, Some("admin:wrong")).await);
            assert_challenged(&call(&api, method, uri, Some("admin")).await);
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn credentials_open_every_route() {
    local(async {
        let api = protected();
        for (method, uri) in ROUTES.iter().filter(|(_, uri)| *uri != "/swarm") {
            let answer = call(&api, method, uri, Some("admin:s3cr:et")).await;
            assert_eq!(answer.status, StatusCode::OK, "{method} {uri}");
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn swarm_without_credentials_starts_nothing() {
    local(async {
        let api = protected();
        let form = "user_count=2&spawn_rate=10";
        assert_challenged(&send(&api, request("POST", "/swarm", None, form)).await);
        wait_secs(2.0).await;
        assert_eq!(state_and_users(&api), (RunState::Ready, 0));

        let answer = send(&api, request("POST", "/swarm", Some("admin:s3cr:et"), form)).await;
        assert_eq!(answer.json()["success"], true);
        wait_secs(2.0).await;
        assert_eq!(state_and_users(&api), (RunState::Running, 2));
    })
    .await;
}
