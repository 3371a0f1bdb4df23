//! Redirects: followed, recorded under the first URL, method rewriting, limits.

use serde_json::Value;

use crate::support::{entry, error, recorded, server, session};

#[tokio::test(flavor = "current_thread")]
async fn redirects_are_followed_and_recorded_under_the_first_url() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    let r = client.get("/redirect/3").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text(), "done");
    assert_eq!(r.url(), format!("{}/redirect/0", server.url()));
    assert_eq!(r.name(), "/redirect/3");
    let uris: Vec<_> = server.seen().into_iter().map(|s| s.uri).collect();
    assert_eq!(
        uris,
        ["/redirect/3", "/redirect/2", "/redirect/1", "/redirect/0"]
    );
    assert_eq!(
        recorded(&recorder).entries,
        vec![entry("GET", "/redirect/3", 1, 0, 4)]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn redirects_are_not_followed_for_head_or_when_disabled() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    let r = client.head("/redirect/2").send().await.unwrap();
    assert_eq!(r.status(), 302);
    assert!(r.ok());
    let r = client
        .get("/redirect/2")
        .allow_redirects(false)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    assert_eq!(r.header("location"), Some("/redirect/1"));
    assert_eq!(r.url(), format!("{}/redirect/2", server.url()));
    assert_eq!(server.seen().len(), 2);
    let stats = recorded(&recorder);
    assert_eq!(
        stats
            .entries
            .iter()
            .map(|e| (e.0.as_str(), e.2, e.3))
            .collect::<Vec<_>>(),
        [("GET", 1, 0), ("HEAD", 1, 0)]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn see_other_turns_post_into_get_without_body() {
    let server = server().await;
    let (client, _recorder) = session(&server.url());
    let r = client
        .post("/redirect-to?status=303&url=/echo")
        .json(&[1, 2])
        .send()
        .await
        .unwrap();
    let echo: Value = r.json().unwrap();
    assert_eq!(echo["method"], "GET");
    assert_eq!(echo["body"], "");
    assert!(echo["headers"].get("content-type").is_none());

    let r = client
        .post("/redirect-to?status=307&url=/echo")
        .json(&[1, 2])
        .send()
        .await
        .unwrap();
    let echo: Value = r.json().unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["body"], "[1,2]");
    assert_eq!(echo["headers"]["content-type"], "application/json");

    let r = client
        .put("/redirect-to?status=301&url=/echo")
        .body("x")
        .send()
        .await
        .unwrap();
    let echo: Value = r.json().unwrap();
    assert_eq!(
        (echo["method"].as_str(), echo["body"].as_str()),
        (Some("PUT"), Some(""))
    );
}

#[tokio::test(flavor = "current_thread")]
async fn absolute_redirects_and_cookies_along_the_way() {
    let server = server().await;
    let (client, _recorder) = session(&server.url());
    let r = client
        .get("/redirect-to?url={self}/set-cookie%3Fname%3Dk%26value%3Dv")
        .send()
        .await
        .unwrap();
    assert_eq!(r.text(), "cookie set");
    client.get("/echo").send().await.unwrap();
    assert_eq!(server.seen().last().unwrap().headers["cookie"], "k=v");
}

#[tokio::test(flavor = "current_thread")]
async fn endless_redirects_fail_after_thirty() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    let r = client.get("/redirect-forever").send().await.unwrap();
    assert_eq!(r.status(), 0);
    assert_eq!(
        r.error(),
        Some("TooManyRedirects('Exceeded 30 redirects.')")
    );
    assert_eq!(server.seen().len(), 31);
    let stats = recorded(&recorder);
    assert_eq!(
        stats.errors,
        vec![error(
            "GET",
            "/redirect-forever",
            "TooManyRedirects('Exceeded 30 redirects.')"
        )]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_redirect_to_an_error_is_a_failure_named_after_the_first_url() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    let r = client
        .get("/redirect-to?url=/status/503")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let text =
        "HTTPError('503 Server Error: Service Unavailable for url: /redirect-to?url=/status/503')";
    assert_eq!(r.error(), Some(text));
    assert_eq!(
        recorded(&recorder).errors,
        vec![error("GET", "/redirect-to?url=/status/503", text)]
    );
}
