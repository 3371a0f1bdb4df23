//! Keep-alive: one connection per user, transparent reconnects, concurrency within a user.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::support::{entry, raw_server, read_request, recorded, server, session, write};

const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

#[tokio::test(flavor = "current_thread")]
async fn a_session_reuses_its_connection() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    for _ in 0..20 {
        assert!(client.get("/").send().await.unwrap().ok());
    }
    let peers: HashSet<_> = server.seen().into_iter().map(|s| s.peer).collect();
    assert_eq!(peers.len(), 1, "20 requests over one keep-alive connection");
    assert_eq!(
        recorded(&recorder).entries,
        vec![entry("GET", "/", 20, 0, 100)]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_connection_closed_while_idle_is_reopened_transparently() {
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    let addr = raw_server(move |mut stream, _| {
        count.fetch_add(1, Ordering::SeqCst);
        async move {
            // Answer one request as keep-alive, then close the idle connection.
            read_request(&mut stream).await;
            write(&mut stream, OK).await;
        }
    })
    .await;
    let (client, recorder) = session(&format!("http://{addr}"));
    for _ in 0..3 {
        let r = client.get("/").send().await.unwrap();
        assert_eq!((r.status(), r.error()), (200, None));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(connections.load(Ordering::SeqCst), 3);
    assert_eq!(
        recorded(&recorder).entries,
        vec![entry("GET", "/", 3, 0, 6)]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_request_racing_the_servers_close_is_retried_once() {
    let addr = raw_server(|mut stream, index| async move {
        read_request(&mut stream).await;
        write(&mut stream, OK).await;
        // The first connection closes when the second request arrives, without answering,
        // as a server whose keep-alive timeout fired at that moment would.
        if index == 0 {
            read_request(&mut stream).await;
            return;
        }
        while read_request(&mut stream).await.is_some() {
            write(&mut stream, OK).await;
        }
    })
    .await;
    let (client, recorder) = session(&format!("http://{addr}"));
    for _ in 0..3 {
        let r = client.get("/").send().await.unwrap();
        assert_eq!((r.status(), r.error()), (200, None));
    }
    assert_eq!(
        recorded(&recorder).entries,
        vec![entry("GET", "/", 3, 0, 6)]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_retry_happens_only_once() {
    let addr = raw_server(|mut stream, index| async move {
        read_request(&mut stream).await;
        if index == 0 {
            write(&mut stream, OK).await;
            read_request(&mut stream).await;
        }
        // Every later connection closes without answering.
    })
    .await;
    let (client, _recorder) = session(&format!("http://{addr}"));
    assert!(client.get("/").send().await.unwrap().ok());
    let r = client.get("/").send().await.unwrap();
    assert_eq!(
        r.error(),
        Some("RemoteDisconnected('Remote end closed connection without response')")
    );
}

#[tokio::test(flavor = "current_thread")]
async fn connection_close_responses_are_honoured() {
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    let addr = raw_server(move |mut stream, _| {
        count.fetch_add(1, Ordering::SeqCst);
        async move {
            read_request(&mut stream).await;
            write(
                &mut stream,
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
            )
            .await;
        }
    })
    .await;
    let (client, recorder) = session(&format!("http://{addr}"));
    for _ in 0..3 {
        assert!(client.get("/").send().await.unwrap().ok());
    }
    assert_eq!(connections.load(Ordering::SeqCst), 3);
    assert_eq!(
        recorded(&recorder).entries,
        vec![entry("GET", "/", 3, 0, 6)]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn concurrent_requests_of_one_session_use_separate_connections() {
    let server = server().await;
    let (client, recorder) = session(&server.url());
    let (a, b) = tokio::join!(
        client.get("/slow?ms=100").send(),
        client.get("/slow?ms=100").send()
    );
    assert!(a.unwrap().ok() && b.unwrap().ok());
    let peers: HashSet<_> = server.seen().into_iter().map(|s| s.peer).collect();
    assert_eq!(peers.len(), 2);
    // Both connections are kept; later requests reuse them.
    client.get("/").send().await.unwrap();
    let peers_after: HashSet<_> = server.seen().into_iter().map(|s| s.peer).collect();
    assert_eq!(peers_after.len(), 2);
    assert_eq!(
        recorded(&recorder).entries.iter().map(|e| e.2).sum::<u64>(),
        3
    );
}

#[tokio::test(flavor = "current_thread")]
async fn sessions_run_as_local_tasks() {
    let server = server().await;
    let local = tokio::task::LocalSet::new();
    let url = server.url();
    local
        .run_until(async move {
            let mut users = Vec::new();
            for _ in 0..5 {
                let (client, recorder) = session(&url);
                users.push(tokio::task::spawn_local(async move {
                    for _ in 0..10 {
                        assert!(client.get("/").send().await.unwrap().ok());
                    }
                    recorded(&recorder).entries
                }));
            }
            for user in users {
                assert_eq!(user.await.unwrap(), vec![entry("GET", "/", 10, 0, 50)]);
            }
        })
        .await;
    let peers: HashSet<_> = server.seen().into_iter().map(|s| s.peer).collect();
    assert_eq!(peers.len(), 5, "one connection per user");
}
