//! Shared by the hand-run benchmarks: a minimal keep-alive target server run as a child
//! process (so its memory and CPU are not counted), and resource-usage helpers.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, World!";

/// If this process was started as the server (`<exe> serve [tls]`), serves forever.
pub fn serve_if_child() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some("serve") {
        return;
    }
    raise_fd_limit();
    let tls = args.get(2).map(String::as_str) == Some("tls");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap().port());
        let acceptor = tls.then(tls_acceptor);
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let _ = stream.set_nodelay(true);
            match &acceptor {
                None => {
                    tokio::spawn(respond(stream));
                }
                Some(acceptor) => {
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        if let Ok(tls) = acceptor.accept(stream).await {
                            respond(tls).await;
                        }
                    });
                }
            }
        }
    });
    std::process::exit(0);
}

/// Answers every request head (`\r\n\r\n`) with a fixed 13-byte body, keeping the connection.
async fn respond<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(mut stream: S) {
    let mut buf = vec![0u8; 4096];
    let mut out = Vec::new();
    let mut tail = 0usize; // bytes of a possible split "\r\n\r\n" kept at the front
    loop {
        let n = match stream.read(&mut buf[tail..]).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let data = &buf[..tail + n];
        let count = data.windows(4).filter(|w| *w == b"\r\n\r\n").count();
        let keep = (tail + n).min(3);
        let start = tail + n - keep;
        buf.copy_within(start..tail + n, 0);
        tail = keep;
        out.clear();
        for _ in 0..count {
            out.extend_from_slice(RESPONSE);
        }
        if !out.is_empty() && stream.write_all(&out).await.is_err() {
            return;
        }
    }
}

fn tls_acceptor() -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// The server child process and its port.
pub struct ServerProcess {
    child: Child,
    pub port: u16,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts this executable as the server, pinned to CPU 1 when `taskset` exists.
pub fn start_server(tls: bool) -> ServerProcess {
    let exe = std::env::current_exe().unwrap();
    let mut command = if which("taskset") {
        let mut c = Command::new("taskset");
        c.arg("-c").arg("1").arg(exe);
        c
    } else {
        Command::new(exe)
    };
    command.arg("serve");
    if tls {
        command.arg("tls");
    }
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    ServerProcess {
        child,
        port: line.trim().parse().unwrap(),
    }
}

fn which(program: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Pins the calling thread to CPU 0.
pub fn pin_to_cpu0() {
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(0, &mut set);
        libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &set);
    }
}

/// Allows many sockets.
pub fn raise_fd_limit() {
    let _ = rlimit::increase_nofile_limit(1 << 20);
}

/// CPU time (user + system) used by this process, or by its waited-for children.
pub fn cpu_time(children: bool) -> Duration {
    let who = if children {
        libc::RUSAGE_CHILDREN
    } else {
        libc::RUSAGE_SELF
    };
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(who, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// (user, system) CPU time of this process.
pub fn cpu_split() -> (Duration, Duration) {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (tv(usage.ru_utime), tv(usage.ru_stime))
}

/// Resident set size of this process, in bytes.
pub fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}
