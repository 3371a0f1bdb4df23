//! A custom (non-HTTP) client: each user times a round trip over a raw TCP echo connection
//! and records it into the same statistics as HTTP requests (Locust's "testing other systems").
//!
//! Run it: `cargo run --example tcp_echo -- --headless -u 5 -r 5 -t 10s`. The program starts its
//! own echo server on 127.0.0.1 unless `ECHO_ADDR=HOST:PORT` names another one.

use std::net::SocketAddr;
use std::process::ExitCode;

use locusta::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The bytes each round trip sends.
const PING: &[u8] = b"ping\n";

/// A user holding one TCP connection to an echo server.
pub struct EchoUser {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    recorder: Recorder,
}

impl EchoUser {
    /// One timed round trip, recorded as request type `tcp`, name `echo`.
    async fn ping(&mut self) -> TaskResult {
        let recorder = self.recorder.clone();
        let result = recorder.measure("tcp", "echo", self.round_trip()).await;
        if result.is_err() {
            // Reconnect on the next task; the failure itself is already in the statistics.
            self.stream = None;
        }
        Ok(())
    }

    async fn round_trip(&mut self) -> std::io::Result<usize> {
        let stream = match &mut self.stream {
            Some(stream) => stream,
            None => self.stream.insert(TcpStream::connect(self.addr).await?),
        };
        stream.write_all(PING).await?;
        let mut reply = [0u8; PING.len()];
        stream.read_exact(&mut reply).await?;
        if reply != PING {
            return Err(std::io::Error::other(format!(
                "unexpected echo {:?}",
                String::from_utf8_lossy(&reply)
            )));
        }
        Ok(reply.len())
    }
}

/// The echo user class, aimed at `addr`.
pub fn echo_user(addr: SocketAddr) -> UserClass {
    UserClass::builder("EchoUser", move |ctx| {
        Ok(EchoUser {
            addr,
            stream: None,
            recorder: ctx.recorder.clone(),
        })
    })
    .wait_time(constant(0.1))
    .task("ping", 1, task!(EchoUser::ping))
    .build()
}

/// A line echo server on 127.0.0.1, on a thread of its own.
pub fn start_echo_server() -> std::io::Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = stream;
                let mut writer = match reader.try_clone() {
                    Ok(writer) => writer,
                    Err(_) => return,
                };
                let _ = std::io::copy(&mut reader, &mut writer);
            });
        }
    });
    Ok(addr)
}

fn main() -> ExitCode {
    let addr = match std::env::var("ECHO_ADDR") {
        Ok(addr) => match addr.parse() {
            Ok(addr) => addr,
            Err(error) => {
                eprintln!("ECHO_ADDR={addr:?} is not an address like 127.0.0.1:7: {error}");
                return ExitCode::from(2);
            }
        },
        Err(_) => match start_echo_server() {
            Ok(addr) => addr,
            Err(error) => {
                eprintln!("could not start the echo server: {error}");
                return ExitCode::from(1);
            }
        },
    };
    locusta::run_cli(vec![echo_user(addr)])
}
