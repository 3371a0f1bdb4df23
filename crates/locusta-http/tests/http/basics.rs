//! Requests that succeed: methods, bodies, query, headers, URLs, cookies, auth, recording.

use locusta_http::{Error, HttpConfig, HttpSession};
use locusta_stats::{Clock, Recorder};
use serde_json::{Value, json};

use crate::support::{entry, recorded, server, session};

#[tokio::test(flavor = "current_thread")]
async fn get_is_timed_and_recorded_under_its_path() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    let r = client.get("/").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.ok());
    assert_eq!(r.error(), None);
    assert_eq!(r.text(), "hello");
    assert_eq!(r.bytes().as_ref(), b"hello");
    assert_eq!(r.url(), format!("{}/", server.url()));
    assert_eq!(r.name(), "/");
    assert!(r.elapsed() > std::time::Duration::ZERO);
    let stats = recorded(&recorder);
    assert_eq!(stats.entries, vec![entry("GET", "/", 1, 0, 5)]);
    assert!(stats.errors.is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn post_json_and_form_bodies() {
    let server = server().await;
    let (client, recorder) = session(&server.url());

    let r = client
        .post("/echo")
        .json(&json!({"user": "ann", "n": 1}))
        .send()
        .await
        .unwrap();
    let echo: Value = r.json().unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["headers"]["content-type"], "application/json");
    let sent: Value = serde_json::from_str(echo["body"].as_str().unwrap()).unwrap();
    assert_eq!(sent, json!({"user": "ann", "n": 1}));

    let r = client
        .put("/echo")
        .form(&[("user", "ann b"), ("pw", "x&y")])
        .send()
        .await
        .unwrap();
    let echo: Value = r.json().unwrap();
    assert_eq!(echo["method"], "PUT");
    assert_eq!(
        echo["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(echo["body"], "user=ann+b&pw=x%26y");

    let r = client
        .patch("/echo")
        .body("raw")
        .header("content-type", "text/plain")
        .send()
        .await
        .unwrap();
    let echo: Value = r.json().unwrap();
    assert_eq!(
        (echo["method"].as_str(), echo["body"].as_str()),
        (Some("PATCH"), Some("raw"))
    );
    assert_eq!(echo["headers"]["content-type"], "text/plain");

    // An empty POST still says how long its body is, as requests does.
    let r = client.post("/echo").send().await.unwrap();
    let echo: Value = r.json().unwrap();
    assert_eq!(echo["headers"]["content-length"], "0");
    assert_eq!(server.seen()[1].body, b"user=ann+b&pw=x%26y");

    let stats = recorded(&recorder);
    let names: Vec<_> = stats
        .entries
        .iter()
        .map(|e| (e.0.as_str(), e.1.as_str(), e.2))
        .collect();
    assert_eq!(
        names,
        vec![
            ("PATCH", "/echo", 1),
            ("POST", "/echo", 2),
            ("PUT", "/echo", 1)
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn other_methods() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    client.delete("/echo").send().await.unwrap();
    client.options("/echo").send().await.unwrap();
    let head = client.head("/large?n=1000").send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.header("content-length"), Some("1000"));
    assert!(head.bytes().is_empty());
    client
        .request(locusta_http::Method::from_bytes(b"PURGE").unwrap(), "/echo")
        .send()
        .await
        .unwrap();
    let methods: Vec<_> = server.seen().into_iter().map(|s| s.method).collect();
    assert_eq!(methods, ["DELETE", "OPTIONS", "HEAD", "PURGE"]);
    let stats = recorded(&recorder);
    assert!(
        stats
            .entries
            .contains(&entry("HEAD", "/large?n=1000", 1, 0, 0))
    );
    assert!(
        stats
            .entries
            .iter()
            .any(|e| (e.0.as_str(), e.1.as_str(), e.2) == ("PURGE", "/echo", 1))
    );
}

#[tokio::test(flavor = "current_thread")]
async fn query_parameters_are_appended_and_named() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    let r = client
        .get("/echo?a=1")
        .query(&[("b", "x y")])
        .query(&[("c", 3)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.name(), "/echo?a=1&b=x+y&c=3");
    assert_eq!(server.seen()[0].uri, "/echo?a=1&b=x+y&c=3");
    #[derive(serde::Serialize)]
    struct Page {
        page: u32,
    }
    client
        .get("/echo")
        .query(&Page { page: 2 })
        .send()
        .await
        .unwrap();
    assert_eq!(server.seen()[1].uri, "/echo?page=2");
    let stats = recorded(&recorder);
    let names: Vec<_> = stats.entries.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(names, ["/echo?a=1&b=x+y&c=3", "/echo?page=2"]);
}

#[tokio::test(flavor = "current_thread")]
async fn headers_defaults_and_overrides() {
    let server = server().await;
    let (client, _recorder) = session(&server.url());
    client
        .get("/echo")
        .header("x-custom", "1")
        .send()
        .await
        .unwrap();
    client
        .get("/echo")
        .header("user-agent", "mine")
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let seen = server.seen();
    let first = &seen[0].headers;
    assert_eq!(first["x-custom"], "1");
    assert_eq!(first["host"], server.addr.to_string());
    assert!(
        first["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("locusta/")
    );
    assert_eq!(first["accept"], "*/*");
    assert!(
        first.get("accept-encoding").is_none(),
        "no compression is negotiated"
    );
    let second = &seen[1].headers;
    assert_eq!(
        second.get_all("user-agent").iter().collect::<Vec<_>>(),
        ["mine"]
    );
    assert_eq!(second["accept"], "text/html");

    let bad = client.get("/echo").header("bad header", "x").send().await;
    assert!(matches!(bad, Err(Error::InvalidHeader(_))), "{bad:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn base_path_and_absolute_urls() {
    let server = server().await;
    let other = crate::support::server().await;
    let (client, recorder) = session(&format!("{}/api/", server.url()));
    client.get("/echo").send().await.unwrap();
    let r = client
        .get(&format!("{}/echo?x=1", other.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.name(), "/echo?x=1");
    assert_eq!(server.seen()[0].uri, "/api/echo");
    assert_eq!(other.seen()[0].uri, "/echo?x=1");
    assert_eq!(other.seen()[0].headers["host"], other.addr.to_string());
    let stats = recorded(&recorder);
    let names: Vec<_> = stats.entries.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(names, ["/api/echo", "/echo?x=1"]);
}

#[tokio::test(flavor = "current_thread")]
async fn requests_that_cannot_be_made_are_errors_not_records() {
    let config = HttpConfig::shared_default().unwrap();
    let recorder = Recorder::new(Clock::start());
    let client = HttpSession::new(&config, None, recorder.clone()).unwrap();
    assert!(matches!(
        client.get("/x").send().await,
        Err(Error::MissingHost(_))
    ));
    assert!(matches!(
        client.get("ftp://h/x").send().await,
        Err(Error::InvalidScheme(_))
    ));
    assert!(matches!(
        client.get("http://").send().await,
        Err(Error::InvalidUrl { .. })
    ));
    assert!(matches!(
        HttpSession::new(&config, Some("example.com"), recorder.clone()),
        Err(Error::InvalidUrl { .. })
    ));
    assert!(recorded(&recorder).entries.is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn cookies_persist_across_requests() {
    let server = server().await;
    let (client, _recorder) = session(&server.url());
    client
        .get("/set-cookie?name=session&value=abc")
        .send()
        .await
        .unwrap();
    client
        .get("/set-cookie?name=theme&value=dark")
        .send()
        .await
        .unwrap();
    client.get("/echo").send().await.unwrap();
    assert_eq!(client.cookie("session").as_deref(), Some("abc"));
    let seen = server.seen();
    assert!(seen[0].headers.get("cookie").is_none());
    assert_eq!(seen[1].headers["cookie"], "session=abc");
    let cookie = seen[2].headers["cookie"].to_str().unwrap();
    let mut cookies: Vec<_> = cookie.split("; ").collect();
    cookies.sort();
    assert_eq!(cookies, ["session=abc", "theme=dark"]);

    // Another user (session) has its own jar.
    let (other, _) = session(&server.url());
    other.get("/echo").send().await.unwrap();
    assert!(server.seen()[3].headers.get("cookie").is_none());

    client.clear_cookies();
    client.get("/echo").send().await.unwrap();
    assert!(server.seen()[4].headers.get("cookie").is_none());
}

#[tokio::test(flavor = "current_thread")]
async fn basic_auth_from_the_host_url() {
    let server = server().await;
    let host = format!("http://ann:s%3Acret@{}", server.addr);
    let (client, _recorder) = session(&host);
    let r = client.get("/echo").send().await.unwrap();
    assert_eq!(
        r.url(),
        format!("{}/echo", server.url()),
        "credentials are stripped from the URL"
    );
    // "ann:s:cret" in base64
    assert_eq!(
        server.seen()[0].headers["authorization"],
        "Basic YW5uOnM6Y3JldA=="
    );
    client
        .get("/echo")
        .header("authorization", "Bearer t")
        .send()
        .await
        .unwrap();
    assert_eq!(server.seen()[1].headers["authorization"], "Bearer t");
    client
        .get("/echo")
        .basic_auth("bob", "pw")
        .send()
        .await
        .unwrap();
    assert_eq!(server.seen()[2].headers["authorization"], "Basic Ym9iOnB3");
}

#[tokio::test(flavor = "current_thread")]
async fn bodies_of_any_size_and_encoding() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    let r = client.get("/bytes").send().await.unwrap();
    assert_eq!(r.bytes().as_ref(), &[b'o', b'k', 0xff, 0xfe, b'!']);
    assert_eq!(r.text(), "ok\u{fffd}\u{fffd}!");
    assert!(r.json::<Value>().is_err());

    let n = 300_000;
    let r = client.get(&format!("/large?n={n}")).send().await.unwrap();
    assert_eq!(r.bytes().len(), n);
    assert!(
        r.bytes()
            .iter()
            .enumerate()
            .all(|(i, &b)| b == b'a' + (i % 26) as u8)
    );
    let stats = recorded(&recorder);
    assert!(
        stats
            .entries
            .contains(&entry("GET", &format!("/large?n={n}"), 1, 0, n as u64))
    );
}

#[tokio::test(flavor = "current_thread")]
async fn explicit_names_group_requests() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    for id in 0..3 {
        client
            .get(&format!("/echo?id={id}"))
            .name("/echo?id=[id]")
            .send()
            .await
            .unwrap();
    }
    let stats = recorded(&recorder);
    assert_eq!(stats.entries.len(), 1);
    assert_eq!(
        (stats.entries[0].1.as_str(), stats.entries[0].2),
        ("/echo?id=[id]", 3)
    );
}
