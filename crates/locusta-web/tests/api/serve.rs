//! `serve` over a real socket on an ephemeral port, and its graceful shutdown.

use std::time::Duration;

use locusta_web::serve;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::{local, start};

#[tokio::test]
async fn serves_http_until_shut_down() {
    local(async {
        let api = start(None);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::task::spawn_local(serve(listener, api.app.clone(), async {
            let _ = stopped.await;
        }));

        let mut stream = TcpStream::connect(address).await.unwrap();
        stream
            .write_all(
                b"GET /worker-count HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            )
            .await
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(response.contains("\"worker_count\": 0"), "{response}");

        stop.send(()).unwrap();
        let result = tokio::time::timeout(Duration::from_secs(10), server)
            .await
            .expect("server stops after shutdown");
        result.unwrap().unwrap();
    })
    .await;
}
