//! Settings shared by every session of a process, built once.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use hyper::client::conn::http1;
use tokio_rustls::TlsConnector;

use crate::Error;

/// Default size of the read buffer of a request in flight, in bytes. Reads are never larger
/// than this, so a bigger buffer means fewer system calls for large bodies, at the cost of
/// memory per request in flight (see [`HttpConfigBuilder::read_buffer_size`]).
pub const DEFAULT_READ_BUFFER_SIZE: usize = 4096;

/// Process-wide HTTP client settings, shared by all sessions through an `Arc`.
///
/// Building the rustls configuration (parsing the root store) is the expensive part, which is
/// why it happens once here and not per user. Create it with [`HttpConfig::builder`].
pub struct HttpConfig {
    pub(crate) tls: TlsConnector,
    pub(crate) h1: http1::Builder,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) insecure: bool,
}

impl std::fmt::Debug for HttpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpConfig")
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("user_agent", &self.user_agent)
            .field("insecure", &self.insecure)
            .finish_non_exhaustive()
    }
}

impl HttpConfig {
    /// Starts a configuration with the defaults: certificates verified against the webpki
    /// roots, 60 s connect timeout, no request timeout, a 4 KiB read buffer.
    pub fn builder() -> HttpConfigBuilder {
        HttpConfigBuilder {
            insecure: false,
            connect_timeout: Duration::from_secs(60),
            request_timeout: None,
            read_buffer_size: DEFAULT_READ_BUFFER_SIZE,
            user_agent: concat!("locusta/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// The default configuration, ready to share.
    pub fn shared_default() -> Result<Arc<Self>, Error> {
        Self::builder().build()
    }

    /// Whether certificate verification is disabled.
    pub fn insecure(&self) -> bool {
        self.insecure
    }

    /// How long establishing a connection (TCP and TLS handshake) may take.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The timeout applied to requests that do not set their own, if any.
    pub fn request_timeout(&self) -> Option<Duration> {
        self.request_timeout
    }
}

/// Builder for [`HttpConfig`].
#[derive(Debug, Clone)]
pub struct HttpConfigBuilder {
    insecure: bool,
    connect_timeout: Duration,
    request_timeout: Option<Duration>,
    read_buffer_size: usize,
    user_agent: String,
}

impl HttpConfigBuilder {
    /// Skips TLS certificate verification (FastHttpUser's `insecure = True`). Off by default,
    /// as for Locust's HttpUser.
    pub fn insecure(mut self, insecure: bool) -> Self {
        self.insecure = insecure;
        self
    }

    /// Limit on establishing a connection, TCP connect plus TLS handshake (default 60 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Limit on a whole request, connect to last body byte and redirects included, for
    /// requests that do not set their own (default: none, like python-requests).
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Size of the read buffer of each request in flight (default
    /// [`DEFAULT_READ_BUFFER_SIZE`], minimum 512). Idle connections keep no buffer, but every
    /// request waiting for its response holds one, and a small body shares it until the
    /// response is dropped. Large bodies are read in pieces of this size, so raise it when
    /// bodies are large and users are few.
    pub fn read_buffer_size(mut self, bytes: usize) -> Self {
        self.read_buffer_size = bytes.max(512);
        self
    }

    /// The `User-Agent` header sent unless a request sets its own (default `locusta/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Builds the configuration; fails only if the TLS setup or the user agent is invalid.
    pub fn build(self) -> Result<Arc<HttpConfig>, Error> {
        let user_agent = HeaderValue::try_from(self.user_agent.as_str())
            .map_err(|e| Error::InvalidHeader(format!("user-agent: {e}")))?;
        let mut h1 = http1::Builder::new();
        h1.read_buf_exact_size(Some(self.read_buffer_size));
        Ok(Arc::new(HttpConfig {
            tls: crate::tls::connector(self.insecure)?,
            h1,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            user_agent,
            insecure: self.insecure,
        }))
    }
}
