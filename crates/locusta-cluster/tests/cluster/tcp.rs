//! The TCP transport on loopback: handshake, a statistics report, and clear errors for peers
//! that are not Locusta.

use std::time::Duration;

use locusta_cluster::transport::Connector;
use locusta_cluster::transport::tcp::{TcpConnector, TcpListener};
use locusta_cluster::{ClusterError, ClusterTarget, Master, MasterConfig, MasterState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::*;

#[tokio::test]
async fn handshake_and_statistics_over_loopback() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().port();
    let config = MasterConfig {
        report_interval: Duration::from_millis(100),
        view_interval: Duration::from_millis(20),
        ..master_config()
    };
    let (master, handle) = Master::new(config, listener);
    let master = tokio::spawn(master.run());
    let worker = spawn_worker(
        TcpConnector::new("127.0.0.1", port),
        worker_config("tcp_w0"),
    );
    let within = |what: &'static str| {
        let handle = handle.clone();
        async move {
            tokio::time::timeout(Duration::from_secs(10), async {
                let mut views = handle.subscribe();
                match what {
                    "ready" => views.wait_for(|v| v.ready_workers() == 1).await.map(drop),
                    "running" => views
                        .wait_for(|v| v.state == MasterState::Running)
                        .await
                        .map(drop),
                    _ => views
                        .wait_for(|v| v.snapshot.total().num_requests() > 0)
                        .await
                        .map(drop),
                }
            })
            .await
            .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
            .unwrap();
        }
    };
    within("ready").await;
    let info = handle.view().workers[0].clone();
    assert_eq!(info.id, "tcp_w0");
    handle
        .start(ClusterTarget {
            per_class: MIX_10.to_vec(),
            spawn_rate: 10.0,
            host: None,
        })
        .await
        .unwrap();
    within("running").await;
    within("statistics").await;
    assert!(handle.view().workers[0].memory_bytes > 0);
    handle.quit();
    let last = master.await.unwrap();
    worker.task.await.unwrap().unwrap();
    let recorded: u64 = worker
        .log
        .lock()
        .unwrap()
        .deltas
        .iter()
        .map(|d| d.total().num_requests())
        .sum();
    assert!(recorded > 0);
    assert_eq!(last.snapshot.total().num_requests(), recorded);
}

#[tokio::test]
async fn a_worker_pointed_at_an_http_port_is_told_so() {
    let server = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = server.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut socket, _) = server.accept().await.unwrap();
        let mut request = [0u8; 8];
        let _ = socket.read_exact(&mut request).await;
        let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
    });
    let error = TcpConnector::new("127.0.0.1", port)
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(error, ClusterError::NotLocusta { .. }));
    assert_eq!(
        error.to_string(),
        format!(
            "127.0.0.1:{port} is not a Locusta master/worker: the peer speaks HTTP: is this the \
             web UI port? Workers connect to the master's worker port (--master-bind-port, 5557 \
             by default)"
        )
    );
}

#[tokio::test]
async fn the_master_drops_a_foreign_client() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().port();
    let (master, handle) = Master::new(master_config(), listener);
    let master = tokio::spawn(master.run());
    let mut client = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    // Exactly the 8 bytes the master reads, so closing sends a FIN (unread bytes would make
    // the kernel reset the connection instead).
    client.write_all(b"GET / HT").await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), client.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    // The preamble, then the connection is closed; the master lists nobody.
    assert_eq!(answer, b"LOCUSTA\x01");
    assert!(handle.view().workers.is_empty());
    handle.quit();
    master.await.unwrap();
}
