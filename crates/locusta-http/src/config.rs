//! Settings shared by every session of a process, built once.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use tokio_rustls::TlsConnector;

use crate::Error;

/// Default for [`HttpConfigBuilder::read_buffer_size`]: the most read buffer a keep-alive
/// connection keeps between requests, in bytes.
pub const DEFAULT_READ_BUFFER_SIZE: usize = 4096;

/// Process-wide HTTP client settings, shared by all sessions through an `Arc`.
///
/// Building the rustls configuration (parsing the root store) is the expensive part, which is
/// why it happens once here and not per user. Create it with [`HttpConfig::builder`].
pub struct HttpConfig {
    pub(crate) tls: TlsConnector,
    /// `User-Agent: …\r\nAccept: */*\r\n`, serialized once: the default headers of
    /// nearly every request.
    pub(crate) default_lines: Box<[u8]>,
    /// Largest read buffer an idle connection keeps (see the builder).
    pub(crate) read_buffer_size: usize,
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
    /// roots, 60 s connect timeout, no request timeout, idle read buffers of at most 4 KiB.
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

    /// The most read buffer a keep-alive connection keeps between requests (default
    /// [`DEFAULT_READ_BUFFER_SIZE`], minimum 512).
    ///
    /// A connection's buffer starts at 1 KiB and grows as a response needs: at once to the
    /// size of a body with a known `Content-Length`, by doubling otherwise. A body is handed
    /// out as a slice of the buffer without a copy. A buffer that grew beyond this size is
    /// released when its response is complete, so an idle connection holds at most this much;
    /// one within it is kept and reused, which saves an allocation per request. Raise it
    /// when responses are a few KiB and users are few; lower it for many idle users.
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
        let mut default_lines = Vec::new();
        crate::wire::head::header(&mut default_lines, b"User-Agent", user_agent.as_bytes());
        crate::wire::head::header(&mut default_lines, b"Accept", b"*/*");
        Ok(Arc::new(HttpConfig {
            tls: crate::tls::connector(self.insecure)?,
            default_lines: default_lines.into(),
            read_buffer_size: self.read_buffer_size,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            user_agent,
            insecure: self.insecure,
        }))
    }
}
