//! Clients for the tests: a keep-alive hyper client and a raw TCP exchange.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{CONTENT_TYPE, HOST, HeaderMap};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use locusta_target::Target;
use tokio::net::TcpStream;

/// A response read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("UTF-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ASCII header"))
    }
}

/// One keep-alive HTTP/1.1 connection.
pub struct Client {
    addr: SocketAddr,
    sender: SendRequest<Full<Bytes>>,
}

impl Client {
    pub async fn connect(target: &Target) -> Self {
        let stream = TcpStream::connect(target.addr()).await.expect("connect");
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::spawn(connection);
        Self {
            addr: target.addr(),
            sender,
        }
    }

    /// Sends a request; `Err` if the connection fails mid-response.
    pub async fn try_send(
        &mut self,
        method: Method,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<Reply, Box<dyn std::error::Error + Send + Sync>> {
        let mut request = Request::builder()
            .method(method)
            .uri(path_and_query)
            .header(HOST, self.addr.to_string());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Full::new(Bytes::from(body.to_owned())))?;
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok(Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    pub async fn send(
        &mut self,
        method: Method,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Reply {
        self.try_send(method, path_and_query, headers, body)
            .await
            .expect("response")
    }

    pub async fn get(&mut self, path_and_query: &str) -> Reply {
        self.send(Method::GET, path_and_query, &[], "").await
    }

    pub async fn post_json(&mut self, path: &str, body: &str) -> Reply {
        self.send(
            Method::POST,
            path,
            &[(CONTENT_TYPE.as_str(), "application/json")],
            body,
        )
        .await
    }
}

/// `GET path_and_query` on a new connection.
pub async fn get(target: &Target, path_and_query: &str) -> Reply {
    Client::connect(target).await.get(path_and_query).await
}

/// Writes `request` on a blocking socket and reads until the server closes it.
pub fn raw_exchange(addr: SocketAddr, request: &str) -> Vec<u8> {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(request.as_bytes()).expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read to EOF");
    response
}

/// Splits a raw HTTP/1.1 response into its head and body.
pub fn split_head(response: &[u8]) -> (String, Vec<u8>) {
    let end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of head");
    let head = String::from_utf8(response[..end].to_vec()).expect("UTF-8 head");
    (head.to_ascii_lowercase(), response[end + 4..].to_vec())
}
