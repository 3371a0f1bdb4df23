//! `HttpSession`: one simulated user's HTTP client (Locust's `self.client`).

use std::cell::{Cell, RefCell};
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method};
use locusta_stats::Recorder;
use tokio::time::Instant;

use crate::error_text::{Failure, http_error, pool_name};
use crate::exchange::{Exchanged, exchange};
use crate::hop::Hop;
use crate::request::RequestBuilder;
use crate::response::{Response, StatsName};
use crate::target::{Base, Target, resolve};
use crate::{Error, HttpConfig, cookies, pool, redirect};

/// Per-request options that are not part of the HTTP message.
#[derive(Debug)]
pub(crate) struct Options {
    pub(crate) name: Option<Box<str>>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) allow_redirects: bool,
}

/// One user's HTTP client: its own keep-alive connection(s), its own cookies, and the shard's
/// statistics recorder.
///
/// Methods take `&self` (state is in `Cell`/`RefCell`, never a lock), so a session can be
/// shared by the futures of one user; concurrent requests each get their own connection. It
/// is `!Send`: it lives on its shard's thread, like its user.
///
/// An idle session holds its parsed host, the last resolved URL, a cookie jar (allocated on
/// the first cookie) and usually one idle connection: the socket with a read buffer of
/// 1 KiB (up to `HttpConfig::read_buffer_size`) and the last request head. See
/// `examples/idle_memory.rs` for the measured cost.
pub struct HttpSession {
    config: Arc<HttpConfig>,
    base: Option<Base>,
    /// The last URL requested without `.query()` and where it resolved to: users mostly repeat
    /// the same few URLs, and this skips building and parsing the target again.
    last_target: RefCell<Option<(Box<str>, Target)>>,
    pool: pool::Pool,
    cookies: cookies::Jar,
    recorder: Recorder,
}

impl std::fmt::Debug for HttpSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpSession")
            .field("host", &self.base.as_ref().map(|b| b.origin.url_prefix()))
            .field("idle_connections", &self.pool.len())
            .finish_non_exhaustive()
    }
}

impl HttpSession {
    /// A session for `host` (e.g. `http://user:pw@127.0.0.1:8000/api`; credentials are sent as
    /// basic auth to that origin; its path prefixes every relative request path) recording
    /// into `recorder`. With no host, only absolute URLs can be requested. Fails if the host
    /// is not an `http(s)://` URL.
    pub fn new(
        config: &Arc<HttpConfig>,
        host: Option<&str>,
        recorder: Recorder,
    ) -> Result<Self, Error> {
        let base = host
            .filter(|h| !h.is_empty())
            .map(Base::parse)
            .transpose()?;
        Ok(Self {
            config: config.clone(),
            base,
            last_target: RefCell::new(None),
            pool: pool::Pool::default(),
            cookies: cookies::Jar::default(),
            recorder,
        })
    }

    /// Starts a GET request. `url` is a path joined onto the host, or an absolute URL.
    pub fn get<'a>(&'a self, url: &'a str) -> RequestBuilder<'a> {
        self.request(Method::GET, url)
    }

    /// Starts a POST request.
    pub fn post<'a>(&'a self, url: &'a str) -> RequestBuilder<'a> {
        self.request(Method::POST, url)
    }

    /// Starts a PUT request.
    pub fn put<'a>(&'a self, url: &'a str) -> RequestBuilder<'a> {
        self.request(Method::PUT, url)
    }

    /// Starts a PATCH request.
    pub fn patch<'a>(&'a self, url: &'a str) -> RequestBuilder<'a> {
        self.request(Method::PATCH, url)
    }

    /// Starts a DELETE request.
    pub fn delete<'a>(&'a self, url: &'a str) -> RequestBuilder<'a> {
        self.request(Method::DELETE, url)
    }

    /// Starts a HEAD request (redirects are not followed, as in requests).
    pub fn head<'a>(&'a self, url: &'a str) -> RequestBuilder<'a> {
        self.request(Method::HEAD, url)
    }

    /// Starts an OPTIONS request.
    pub fn options<'a>(&'a self, url: &'a str) -> RequestBuilder<'a> {
        self.request(Method::OPTIONS, url)
    }

    /// Starts a request with any method.
    pub fn request<'a>(&'a self, method: Method, url: &'a str) -> RequestBuilder<'a> {
        RequestBuilder::new(self, method, url)
    }

    /// The recorder requests are recorded into.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// The shared configuration.
    pub fn config(&self) -> &Arc<HttpConfig> {
        &self.config
    }

    /// The value of the session's cookie `name` (any domain or path), if it has one.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.get(name)
    }

    /// Forgets all cookies.
    pub fn clear_cookies(&self) {
        self.cookies.clear();
    }

    /// Closes the idle keep-alive connections (e.g. when the user stops). Later requests
    /// reconnect.
    pub fn close_idle_connections(&self) {
        self.pool.clear();
    }

    pub(crate) fn resolve(&self, url: &str, query: Option<&str>) -> Result<Target, Error> {
        if query.is_some() {
            return resolve(self.base.as_ref(), url, query);
        }
        let mut last = self.last_target.borrow_mut();
        if let Some((last_url, target)) = last.as_ref()
            && **last_url == *url
        {
            return Ok(target.clone());
        }
        let target = resolve(self.base.as_ref(), url, None)?;
        *last = Some((url.into(), target.clone()));
        Ok(target)
    }

    /// Runs a request to completion, redirects and timeout included, without recording it.
    pub(crate) async fn perform(&self, hop: Hop, options: Options) -> Response {
        let started = Instant::now();
        let method = hop.method.clone();
        let first = hop.target.clone();
        let name = match options.name {
            Some(name) => StatsName::Named(name),
            None => StatsName::Path(first.path.clone()),
        };
        let connecting = Cell::new(false);
        // Pinned where it is built and awaited through the pin: moving a future copies all
        // of it, and this one is most of a request's state.
        let mut run = pin!(self.run(hop, options.allow_redirects, &connecting));
        let result = match options.timeout.or(self.config.request_timeout) {
            None => run.as_mut().await,
            Some(timeout) => tokio::time::timeout(timeout, run.as_mut())
                .await
                .unwrap_or_else(|_| {
                    let pool = pool_name(&first.origin);
                    Err(if connecting.get() {
                        Failure::ConnectTimeout {
                            pool,
                            host: first.origin.host.clone(),
                            timeout,
                        }
                    } else {
                        Failure::ReadTimeout { pool, timeout }
                    })
                }),
        };
        let elapsed = started.elapsed();
        match result {
            Ok((target, Exchanged { head, body })) => {
                let error = http_error(head.status, head.reason.as_deref(), name.as_str());
                Response {
                    status: head.status.as_u16(),
                    headers: head.headers,
                    body,
                    target,
                    elapsed,
                    error,
                    method,
                    name,
                }
            }
            Err(failure) => Response {
                status: 0,
                headers: HeaderMap::new(),
                body: Bytes::new(),
                target: first,
                elapsed,
                error: Some(failure.message()),
                method,
                name,
            },
        }
    }

    /// Sends `hop` and follows redirects; returns the final target and response.
    async fn run(
        &self,
        mut hop: Hop,
        allow_redirects: bool,
        connecting: &Cell<bool>,
    ) -> Result<(Target, Exchanged), Failure> {
        let auth = self.base.as_ref().and_then(|base| base.auth.as_ref());
        let mut redirects = 0;
        loop {
            let auth = auth.filter(|_| {
                self.base
                    .as_ref()
                    .is_some_and(|b| b.origin.same(&hop.target.origin))
            });
            let cookie = self.cookies.header_for(&hop.target);
            let exchanged = pin!(exchange(
                &self.pool,
                &self.config,
                &hop,
                auth,
                cookie.as_ref(),
                connecting,
            ))
            .await?;
            if exchanged.head.sets_cookie {
                self.cookies
                    .store_from(&exchanged.head.headers, &hop.target);
            }
            let location = if allow_redirects && hop.method != Method::HEAD {
                redirect::location(exchanged.head.status, &exchanged.head.headers)
            } else {
                None
            };
            let Some(location) = location else {
                return Ok((hop.target, exchanged));
            };
            if redirects == redirect::MAX_REDIRECTS {
                return Err(Failure::TooManyRedirects(redirect::MAX_REDIRECTS));
            }
            redirects += 1;
            hop = redirect::follow(hop, exchanged.head.status, &location)?;
        }
    }
}
