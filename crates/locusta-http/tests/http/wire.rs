//! HTTP/1.1 framing against raw servers: chunked bodies, interim responses, read-to-close
//! bodies, HTTP/1.0, large and fragmented heads, and when a connection may be reused.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::support::{entry, raw_server, read_request, recorded, server, session, write};

/// A raw server answering every request on a connection with `response(index)`, and a count
/// of the connections it accepted.
async fn answering<F>(response: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(usize) -> String + Send + Sync + 'static,
{
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    let response = Arc::new(response);
    let addr = raw_server(move |mut stream, _| {
        count.fetch_add(1, Ordering::SeqCst);
        let response = response.clone();
        async move {
            let mut index = 0;
            while read_request(&mut stream).await.is_some() {
                write(&mut stream, &response(index)).await;
                index += 1;
            }
        }
    })
    .await;
    (format!("http://{addr}"), connections)
}

/// Writes `bytes` in pieces of `step`, each its own segment.
async fn write_in_pieces(stream: &mut TcpStream, bytes: &[u8], step: usize) {
    stream.set_nodelay(true).unwrap();
    for piece in bytes.chunks(step) {
        stream.write_all(piece).await.unwrap();
        stream.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

#[tokio::test(flavor = "current_thread")]
async fn chunked_bodies_with_extensions_and_trailers_keep_the_connection() {
    let (url, connections) = answering(|_| {
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
         5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Checksum: abc\r\n\r\n"
            .into()
    })
    .await;
    let (client, recorder) = session(&url);
    for _ in 0..3 {
        let r = client.get("/").send().await.unwrap();
        assert_eq!((r.status(), r.error()), (200, None));
        assert_eq!(r.text(), "hello, world");
    }
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    assert_eq!(
        recorded(&recorder).entries,
        vec![entry("GET", "/", 3, 0, 36)]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_chunked_body_in_tiny_pieces() {
    let body: String = (0..40)
        .map(|i| format!("{:x}\r\n{}\r\n", i + 1, "x".repeat(i + 1)))
        .collect();
    let wire = format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{body}0\r\n\r\n");
    let addr = raw_server(move |mut stream, _| {
        let wire = wire.clone();
        async move {
            read_request(&mut stream).await;
            write_in_pieces(&mut stream, wire.as_bytes(), 97).await;
            read_request(&mut stream).await;
        }
    })
    .await;
    let (client, _recorder) = session(&format!("http://{addr}"));
    let r = client.get("/").send().await.unwrap();
    assert_eq!(r.error(), None);
    assert_eq!(r.bytes().len(), (1..=40).sum::<usize>());
    assert!(r.bytes().iter().all(|&b| b == b'x'));
}

#[tokio::test(flavor = "current_thread")]
async fn interim_responses_are_skipped() {
    let (url, connections) = answering(|_| {
        "HTTP/1.1 100 Continue\r\n\r\n\
         HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n\
         HTTP/1.1 201 Created\r\nContent-Length: 4\r\nX-Final: yes\r\n\r\nmade"
            .into()
    })
    .await;
    let (client, _recorder) = session(&url);
    for _ in 0..2 {
        let r = client.post("/").body("x").send().await.unwrap();
        assert_eq!((r.status(), r.text().as_ref()), (201, "made"));
        assert_eq!(r.header("x-final"), Some("yes"));
        assert!(
            r.header("link").is_none(),
            "headers of the interim response are dropped"
        );
    }
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn a_body_without_length_is_read_to_the_close() {
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    let addr = raw_server(move |mut stream, _| {
        count.fetch_add(1, Ordering::SeqCst);
        async move {
            read_request(&mut stream).await;
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ")
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
            stream.write_all(b"the end").await.unwrap();
        }
    })
    .await;
    let (client, recorder) = session(&format!("http://{addr}"));
    for _ in 0..2 {
        let r = client.get("/").send().await.unwrap();
        assert_eq!((r.status(), r.error()), (200, None));
        assert_eq!(r.text(), "until the end");
    }
    assert_eq!(connections.load(Ordering::SeqCst), 2, "never reused");
    assert_eq!(
        recorded(&recorder).entries,
        vec![entry("GET", "/", 2, 0, 26)]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn http_1_0_closes_unless_it_asks_for_keep_alive() {
    let (url, connections) =
        answering(|_| "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".into()).await;
    let (client, _recorder) = session(&url);
    for _ in 0..2 {
        assert_eq!(client.get("/").send().await.unwrap().text(), "ok");
    }
    assert_eq!(connections.load(Ordering::SeqCst), 2);

    let (url, connections) = answering(|_| {
        "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok".into()
    })
    .await;
    let (client, _recorder) = session(&url);
    for _ in 0..2 {
        assert_eq!(client.get("/").send().await.unwrap().text(), "ok");
    }
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn heads_larger_than_the_read_buffer() {
    let (url, _connections) = answering(|_| {
        let many: String = (0..60).map(|i| format!("X-Header-{i}: {i}\r\n")).collect();
        let big = "v".repeat(20_000);
        format!("HTTP/1.1 200 OK\r\n{many}X-Big: {big}\r\nContent-Length: 4\r\n\r\nbody")
    })
    .await;
    let (client, _recorder) = session(&url);
    for _ in 0..2 {
        let r = client.get("/").send().await.unwrap();
        assert_eq!((r.status(), r.error()), (200, None));
        assert_eq!(r.headers().len(), 62);
        assert_eq!(r.header("x-header-59"), Some("59"));
        assert_eq!(r.header("x-big").unwrap().len(), 20_000);
        assert_eq!(r.text(), "body");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_head_and_body_split_across_many_reads() {
    let wire =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world";
    let addr = raw_server(move |mut stream, _| async move {
        while read_request(&mut stream).await.is_some() {
            write_in_pieces(&mut stream, wire, 3).await;
        }
    })
    .await;
    let (client, _recorder) = session(&format!("http://{addr}"));
    for _ in 0..2 {
        let r = client.get("/").send().await.unwrap();
        assert_eq!((r.status(), r.error()), (200, None));
        assert_eq!(r.header("content-type"), Some("text/plain"));
        assert_eq!(r.text(), "hello world");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn bodies_stay_intact_while_the_connection_is_reused() {
    let server = server().await;
    let (client, _recorder) = session(&server.url());
    let mut kept = Vec::new();
    for n in [10, 2000, 5, 70_000, 1, 300] {
        kept.push((
            n,
            client.get(&format!("/large?n={n}")).send().await.unwrap(),
        ));
    }
    for (n, r) in &kept {
        assert_eq!(r.bytes().len(), *n);
        assert!(
            r.bytes()
                .iter()
                .enumerate()
                .all(|(i, &b)| b == b'a' + (i % 26) as u8),
            "body of {n} bytes was overwritten"
        );
        assert_eq!(r.header("content-length"), Some(n.to_string().as_str()));
    }
}

#[tokio::test(flavor = "current_thread")]
async fn responses_without_a_body_keep_the_connection() {
    let (url, connections) = answering(|i| match i % 3 {
        0 => "HTTP/1.1 204 No Content\r\n\r\n".into(),
        1 => "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n".into(),
        _ => "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".into(),
    })
    .await;
    let (client, _recorder) = session(&url);
    assert_eq!(client.get("/").send().await.unwrap().status(), 204);
    assert_eq!(client.get("/").send().await.unwrap().status(), 304);
    let head = client.head("/").send().await.unwrap();
    assert_eq!((head.status(), head.bytes().len()), (200, 0));
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn bytes_after_the_response_retire_the_connection() {
    let (url, connections) =
        answering(|_| "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokGARBAGE".into()).await;
    let (client, _recorder) = session(&url);
    for _ in 0..2 {
        let r = client.get("/").send().await.unwrap();
        assert_eq!((r.status(), r.text().as_ref()), (200, "ok"));
    }
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "current_thread")]
async fn the_callers_connection_close_is_honoured() {
    let (url, connections) =
        answering(|_| "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".into()).await;
    let (client, _recorder) = session(&url);
    for _ in 0..2 {
        let r = client
            .get("/")
            .header("connection", "close")
            .send()
            .await
            .unwrap();
        assert_eq!(r.text(), "ok");
    }
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "current_thread")]
async fn malformed_framing_has_requests_words() {
    let (url, _) = answering(|_| {
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n".into()
    })
    .await;
    let (client, _recorder) = session(&url);
    let r = client.get("/").send().await.unwrap();
    assert_eq!(r.status(), 0);
    assert_eq!(
        r.error(),
        Some(
            r#"ChunkedEncodingError(ProtocolError("Connection broken: InvalidChunkLength(got length b'zz\\r\\n', 3 bytes read)", InvalidChunkLength(got length b'zz\r\n', 3 bytes read)))"#
        )
    );

    let (url, _) =
        answering(|_| "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok".into())
            .await;
    let (client, _recorder) = session(&url);
    let r = client.get("/").send().await.unwrap();
    assert_eq!(
        r.error(),
        Some("ProtocolError('invalid content-length parsed')")
    );
}

#[tokio::test(flavor = "current_thread")]
async fn an_unknown_status_keeps_its_reason() {
    let (url, _) =
        answering(|_| "HTTP/1.1 599 Odd Thing\r\nContent-Length: 0\r\n\r\n".into()).await;
    let (client, _recorder) = session(&url);
    let r = client.get("/x").send().await.unwrap();
    assert_eq!(r.status(), 599);
    assert_eq!(
        r.error(),
        Some("HTTPError('599 Server Error: Odd Thing for url: /x')")
    );
}

#[tokio::test(flavor = "current_thread")]
async fn large_and_chunked_request_bodies_arrive_intact() {
    let server = server().await;
    let (client, _recorder) = session(&server.url());
    let large: Vec<u8> = (0..200_000).map(|i| b'a' + (i % 26) as u8).collect();
    let r = client
        .put("/echo")
        .body(large.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(server.seen()[0].body, large);
    assert_eq!(server.seen()[0].headers["content-length"], "200000");

    let r = client
        .post("/echo")
        .header("transfer-encoding", "chunked")
        .body("in chunks")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(server.seen()[1].body, b"in chunks");
    assert!(server.seen()[1].headers.get("content-length").is_none());
    // Both went over the one connection.
    assert_eq!(server.seen()[0].peer, server.seen()[1].peer);
}

#[tokio::test(flavor = "current_thread")]
async fn a_body_arriving_in_pieces_larger_than_the_buffer() {
    let body: Vec<u8> = (0..100_000).map(|i| (i % 251) as u8).collect();
    let mut wire =
        format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    wire.extend_from_slice(&body);
    let addr = raw_server(move |mut stream, _| {
        let wire = wire.clone();
        async move {
            while read_request(&mut stream).await.is_some() {
                for piece in wire.chunks(1000) {
                    stream.write_all(piece).await.unwrap();
                }
            }
        }
    })
    .await;
    let (client, _recorder) = session(&format!("http://{addr}"));
    for _ in 0..2 {
        let r = client.get("/").send().await.unwrap();
        assert_eq!(r.error(), None);
        assert_eq!(r.bytes().as_ref(), &body[..]);
    }
}
