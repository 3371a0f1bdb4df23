//! Cost of one hyper HTTP/1 handshake plus taking the socket back (done per request).
//!
//! `cargo run --release -p locusta-http --example handshake_cost`

use std::time::Instant;

use bytes::Bytes;
use http_body_util::Full;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let _peer = listener.accept().await.unwrap();
        let mut builder = http1::Builder::new();
        builder.read_buf_exact_size(Some(4096));
        let n = 200_000;
        let started = Instant::now();
        for _ in 0..n {
            let (sender, conn) = builder
                .handshake::<_, Full<Bytes>>(TokioIo::new(stream))
                .await
                .unwrap();
            drop(sender);
            stream = conn.into_parts().io.into_inner();
        }
        let per = started.elapsed() / n;
        println!("handshake + into_parts: {per:?} per request");
    });
}
