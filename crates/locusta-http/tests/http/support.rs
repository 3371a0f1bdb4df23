//! Test fixtures: a counting target server, misbehaving raw-TCP servers, and stats helpers.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use locusta_http::{HttpConfig, HttpSession};
use locusta_stats::{Clock, Recorder, Snapshot};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub peer: SocketAddr,
}

/// The axum target server, with everything it received.
pub struct Server {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Starts the target server on 127.0.0.1:0.
pub async fn server() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .fallback(handle)
        .with_state((seen.clone(), addr));
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Server { addr, seen }
}

type AppState = (Arc<Mutex<Vec<Seen>>>, SocketAddr);

fn query_param(uri: &axum::http::Uri, key: &str) -> Option<String> {
    let query = uri.query()?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
    pairs.into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

async fn handle(
    State((seen, addr)): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap()
        .to_vec();
    let uri = parts
        .uri
        .path_and_query()
        .map(|pq| pq.to_string())
        .unwrap_or_default();
    seen.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        uri: uri.clone(),
        headers: parts.headers.clone(),
        body: body.clone(),
        peer,
    });
    let path = parts.uri.path().to_owned();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let redirect = |status: u16, location: String| {
        (
            StatusCode::from_u16(status).unwrap(),
            [(header::LOCATION, location)],
            "redirecting",
        )
            .into_response()
    };
    match segments.as_slice() {
        [""] => "hello".into_response(),
        ["echo"] | ["api", "echo"] => {
            let headers: BTreeMap<String, String> = parts
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            axum::Json(serde_json::json!({
                "method": parts.method.as_str(),
                "uri": uri,
                "headers": headers,
                "body": String::from_utf8_lossy(&body),
            }))
            .into_response()
        }
        ["status", code] => {
            let status = StatusCode::from_u16(code.parse().unwrap()).unwrap();
            (status, format!("status {code}")).into_response()
        }
        ["set-cookie"] => {
            let name = query_param(&parts.uri, "name").unwrap();
            let value = query_param(&parts.uri, "value").unwrap();
            (
                [(header::SET_COOKIE, format!("{name}={value}; Path=/"))],
                "cookie set",
            )
                .into_response()
        }
        ["redirect", n] => {
            let n: u32 = n.parse().unwrap();
            if n == 0 {
                "done".into_response()
            } else {
                redirect(302, format!("/redirect/{}", n - 1))
            }
        }
        ["redirect-to"] => {
            let status = query_param(&parts.uri, "status").map_or(302, |s| s.parse().unwrap());
            let location = query_param(&parts.uri, "url").unwrap();
            redirect(
                status,
                location.replace("{self}", &format!("http://{addr}")),
            )
        }
        ["redirect-forever"] => redirect(302, "/redirect-forever".into()),
        ["slow"] => {
            let ms: u64 = query_param(&parts.uri, "ms").unwrap().parse().unwrap();
            tokio::time::sleep(Duration::from_millis(ms)).await;
            "slow".into_response()
        }
        ["bytes"] => (
            [(header::CONTENT_TYPE, "text/plain")],
            Body::from(vec![b'o', b'k', 0xff, 0xfe, b'!']),
        )
            .into_response(),
        ["large"] => {
            let n: usize = query_param(&parts.uri, "n").unwrap().parse().unwrap();
            let body: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            body.into_response()
        }
        _ => (StatusCode::NOT_FOUND, "no such route").into_response(),
    }
}

/// A raw TCP server: for each accepted connection, runs `serve` on it.
pub async fn raw_server<F, Fut>(serve: F) -> SocketAddr
where
    F: Fn(TcpStream, usize) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut index = 0;
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, index));
            index += 1;
        }
    });
    addr
}

/// Reads one request head (up to the blank line) and any `Content-Length` body.
/// Returns `None` if the client closed the connection first.
pub async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).into_owned();
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            while data.len() < end + 4 + length {
                let n = stream.read(&mut buf).await.ok()?;
                if n == 0 {
                    return None;
                }
                data.extend_from_slice(&buf[..n]);
            }
            return Some(head);
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    }
}

/// Writes `response` and keeps the connection open.
pub async fn write(stream: &mut TcpStream, response: &str) {
    stream.write_all(response.as_bytes()).await.unwrap();
    stream.flush().await.unwrap();
}

/// A port nothing listens on.
pub async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// A recorder and a session for `host` with the default configuration.
pub fn session(host: &str) -> (HttpSession, Recorder) {
    session_with(&HttpConfig::shared_default().unwrap(), host)
}

/// A recorder and a session for `host` with `config`.
pub fn session_with(config: &Arc<HttpConfig>, host: &str) -> (HttpSession, Recorder) {
    let recorder = Recorder::new(Clock::start());
    let session = HttpSession::new(config, Some(host), recorder.clone()).unwrap();
    (session, recorder)
}

/// What was recorded, reduced to what these tests check. The only place that reads the
/// statistics crate, so a change there is fixed here.
#[derive(Debug, Default)]
pub struct Recorded {
    /// `(method, name, requests, failures, total content length)`, sorted.
    pub entries: Vec<(String, String, u64, u64, u64)>,
    /// `(method, name, error)`, sorted.
    pub errors: Vec<(String, String, String)>,
    /// Largest response time recorded, in microseconds.
    pub max_response_time_us: u64,
}

/// Takes everything recorded since the last call.
pub fn recorded(recorder: &Recorder) -> Recorded {
    let snapshot: Snapshot = recorder.take_delta();
    let mut entries: Vec<_> = snapshot
        .entries()
        .map(|(key, stats)| {
            (
                key.method.clone(),
                key.name.clone(),
                stats.num_requests(),
                stats.num_failures(),
                stats.total_content_length(),
            )
        })
        .collect();
    entries.sort();
    let mut errors: Vec<_> = snapshot
        .errors()
        .map(|(key, _)| (key.method.clone(), key.name.clone(), key.error.clone()))
        .collect();
    errors.sort();
    let max_response_time_us = snapshot.total().max_response_time_us().unwrap_or(0);
    Recorded {
        entries,
        errors,
        max_response_time_us,
    }
}

/// `(method, name, requests, failures, bytes)` as owned strings, for comparisons.
pub fn entry(
    method: &str,
    name: &str,
    requests: u64,
    failures: u64,
    bytes: u64,
) -> (String, String, u64, u64, u64) {
    (method.into(), name.into(), requests, failures, bytes)
}

/// `(method, name, error)` as owned strings, for comparisons.
pub fn error(method: &str, name: &str, error: &str) -> (String, String, String) {
    (method.into(), name.into(), error.into())
}
