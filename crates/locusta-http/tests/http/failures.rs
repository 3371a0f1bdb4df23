//! Requests that fail: HTTP errors, refused connections, broken servers, timeouts.

use std::time::Duration;

use locusta_http::HttpConfig;
use tokio::io::AsyncWriteExt;

use crate::support::{
    closed_port, entry, error, raw_server, read_request, recorded, server, session, session_with,
    write,
};

#[tokio::test(flavor = "current_thread")]
async fn error_statuses_are_failures_with_locust_text() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    let r = client.get("/status/500").send().await.unwrap();
    assert_eq!(r.status(), 500);
    assert!(!r.ok());
    assert_eq!(
        r.error(),
        Some("HTTPError('500 Server Error: Internal Server Error for url: /status/500')")
    );
    assert_eq!(
        r.text(),
        "status 500",
        "the body of an error response is still read"
    );
    let r = client
        .get("/status/404")
        .name("/status/[code]")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.error(),
        Some("HTTPError('404 Client Error: Not Found for url: /status/[code]')")
    );
    let r = client.get("/status/399").send().await.unwrap();
    assert!(r.ok());
    let stats = recorded(&recorder);
    assert_eq!(
        stats.entries,
        vec![
            entry("GET", "/status/399", 1, 0, 10),
            entry("GET", "/status/500", 1, 1, 10),
            entry("GET", "/status/[code]", 1, 1, 10)
        ]
    );
    assert_eq!(
        stats.errors,
        vec![
            error(
                "GET",
                "/status/500",
                "HTTPError('500 Server Error: Internal Server Error for url: /status/500')"
            ),
            error(
                "GET",
                "/status/[code]",
                "HTTPError('404 Client Error: Not Found for url: /status/[code]')"
            ),
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_refused_connection_is_status_zero_with_the_root_cause() {
    let port = closed_port().await;
    let (client, recorder) = session(&format!("http://127.0.0.1:{port}"));
    let r = client.get("/").send().await.unwrap();
    assert_eq!(r.status(), 0);
    assert!(!r.ok());
    assert_eq!(
        r.error(),
        Some("ConnectionRefusedError(111, 'Connection refused')")
    );
    assert!(r.bytes().is_empty());
    let stats = recorded(&recorder);
    assert_eq!(stats.entries, vec![entry("GET", "/", 1, 1, 0)]);
    assert_eq!(
        stats.errors,
        vec![error(
            "GET",
            "/",
            "ConnectionRefusedError(111, 'Connection refused')"
        )]
    );
    assert!(
        stats.max_response_time_us > 0,
        "a failed request is still timed"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_server_closing_mid_body_is_an_incomplete_read() {
    let addr = raw_server(|mut stream, _| async move {
        read_request(&mut stream).await;
        write(
            &mut stream,
            "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello",
        )
        .await;
    })
    .await;
    let (client, recorder) = session(&format!("http://{addr}"));
    let r = client.get("/partial").send().await.unwrap();
    assert_eq!(r.status(), 0);
    assert_eq!(
        r.error(),
        Some("IncompleteRead(5 bytes read, 95 more expected)")
    );
    assert_eq!(
        recorded(&recorder).errors,
        vec![error(
            "GET",
            "/partial",
            "IncompleteRead(5 bytes read, 95 more expected)"
        )]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_truncated_chunked_body_is_a_chunked_encoding_error() {
    let addr = raw_server(|mut stream, _| async move {
        read_request(&mut stream).await;
        write(
            &mut stream,
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        )
        .await;
    })
    .await;
    let (client, _recorder) = session(&format!("http://{addr}"));
    let r = client.get("/").send().await.unwrap();
    assert_eq!(r.status(), 0);
    assert_eq!(
        r.error(),
        Some("ChunkedEncodingError(ProtocolError('Response ended prematurely'))")
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_server_closing_without_response_is_remote_disconnected() {
    let addr = raw_server(|mut stream, _| async move {
        read_request(&mut stream).await;
        drop(stream);
    })
    .await;
    let (client, recorder) = session(&format!("http://{addr}"));
    let r = client.get("/").send().await.unwrap();
    assert_eq!(r.status(), 0);
    let text = "RemoteDisconnected('Remote end closed connection without response')";
    assert_eq!(r.error(), Some(text));
    assert_eq!(recorded(&recorder).errors, vec![error("GET", "/", text)]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_reset_connection_is_connection_reset_error() {
    let addr = raw_server(|mut stream, _| async move {
        read_request(&mut stream).await;
        // Linger 0 turns the close into a RST.
        stream.set_zero_linger().unwrap();
        drop(stream);
    })
    .await;
    let (client, _recorder) = session(&format!("http://{addr}"));
    let r = client.get("/").send().await.unwrap();
    assert_eq!(
        r.error(),
        Some("ConnectionResetError(104, 'Connection reset by peer')")
    );
}

#[tokio::test(flavor = "current_thread")]
async fn garbage_instead_of_http_is_a_protocol_error() {
    let addr = raw_server(|mut stream, _| async move {
        read_request(&mut stream).await;
        stream.write_all(b"SSH-2.0-OpenSSH\r\n\r\n").await.unwrap();
    })
    .await;
    let (client, _recorder) = session(&format!("http://{addr}"));
    let r = client.get("/").send().await.unwrap();
    assert_eq!(r.status(), 0);
    let text = r.error().unwrap();
    assert!(
        text.starts_with("ProtocolError(") || text.starts_with("BadStatusLine("),
        "{text}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_request_timeout_is_a_read_timeout() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    let started = std::time::Instant::now();
    let r = client
        .get("/slow?ms=2000")
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(r.status(), 0);
    let text = format!(
        "ReadTimeout(\"HTTPConnectionPool(host='127.0.0.1', port={}): Read timed out. (read timeout=0.2)\")",
        server.addr.port()
    );
    assert_eq!(r.error(), Some(text.as_str()));
    assert!(r.elapsed() >= Duration::from_millis(200));
    let stats = recorded(&recorder);
    assert_eq!(stats.errors, vec![error("GET", "/slow?ms=2000", &text)]);
    assert!(stats.max_response_time_us >= 200_000);

    // The timed-out connection is not reused: the next request works.
    let r = client
        .get("/")
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "current_thread")]
async fn the_configured_default_timeout_applies() {
    let server = server().await;
    let config = HttpConfig::builder()
        .request_timeout(Some(Duration::from_millis(100)))
        .build()
        .unwrap();
    let (client, _recorder) = session_with(&config, &server.url());
    let r = client.get("/slow?ms=1000").send().await.unwrap();
    assert!(
        r.error().unwrap().starts_with("ReadTimeout("),
        "{:?}",
        r.error()
    );
    assert_eq!(client.get("/").send().await.unwrap().status(), 200);
}
