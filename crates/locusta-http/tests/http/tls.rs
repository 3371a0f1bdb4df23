//! HTTPS against a server with a self-signed certificate.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use locusta_http::HttpConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::support::{entry, recorded, session, session_with};

/// An HTTPS server for `localhost`/`127.0.0.1` whose certificate nobody trusts.
async fn https_server() -> SocketAddr {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
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
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let alpn = tls
                    .get_ref()
                    .1
                    .alpn_protocol()
                    .map(|p| String::from_utf8_lossy(p).into_owned());
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let body = format!(
                        "secure {} alpn={}",
                        req.uri().path(),
                        alpn.as_deref().unwrap_or("none")
                    );
                    async move {
                        Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from(body))))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    addr
}

#[tokio::test(flavor = "current_thread")]
async fn https_with_insecure_accepts_a_self_signed_certificate() {
    let addr = https_server().await;
    let config = HttpConfig::builder().insecure(true).build().unwrap();
    let (client, recorder) = session_with(&config, &format!("https://localhost:{}", addr.port()));
    for _ in 0..3 {
        let r = client.get("/hello").send().await.unwrap();
        assert_eq!((r.status(), r.error()), (200, None));
        assert_eq!(r.text(), "secure /hello alpn=http/1.1");
    }
    let r = client.get("/x").send().await.unwrap();
    assert_eq!(r.url(), format!("https://localhost:{}/x", addr.port()));
    assert_eq!(
        recorded(&recorder).entries[0],
        entry("GET", "/hello", 3, 0, 81)
    );
}

#[tokio::test(flavor = "current_thread")]
async fn https_by_ip_address_with_insecure() {
    let addr = https_server().await;
    let config = HttpConfig::builder().insecure(true).build().unwrap();
    let (client, _recorder) = session_with(&config, &format!("https://{addr}"));
    assert_eq!(client.get("/").send().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "current_thread")]
async fn https_without_insecure_rejects_an_untrusted_certificate() {
    let addr = https_server().await;
    let (client, recorder) = session(&format!("https://localhost:{}", addr.port()));
    let r = client.get("/").send().await.unwrap();
    assert_eq!(r.status(), 0);
    let text = "SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate')";
    assert_eq!(r.error(), Some(text));
    assert_eq!(
        recorded(&recorder).entries,
        vec![entry("GET", "/", 1, 1, 0)]
    );
}
