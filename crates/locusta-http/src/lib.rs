//! One HTTP session per simulated user, recording every request into `locusta-stats`.
//!
//! This is Locust's `HttpUser.client` (a `requests.Session`) rebuilt on a lean HTTP/1.1
//! client of our own (`httparse` for parsing, the `http` crate's types), built for many
//! cheap users: no task or channel per connection, one reusable buffer each way, bodies
//! handed out without a copy:
//!
//! ```no_run
//! # async fn demo(recorder: locusta_stats::Recorder) -> Result<(), locusta_http::Error> {
//! use locusta_http::{HttpConfig, HttpSession};
//!
//! let config = HttpConfig::builder().build()?; // once per process
//! let client = HttpSession::new(&config, Some("http://127.0.0.1:8000"), recorder)?; // per user
//!
//! client.get("/").send().await?; // recorded as GET /
//! client.post("/login").form(&[("user", "ann")]).send().await?;
//! client.get(&format!("/item?id={}", 7)).name("/item?id=[id]").send().await?;
//!
//! let r = client.get("/missing").catch_response().send().await?;
//! if r.status() == 404 {
//!     r.success(); // a 404 is expected here
//! }
//! # Ok(()) }
//! ```
//!
//! What a session does, as python-requests and Locust do:
//! - keeps one keep-alive connection per origin (reopened transparently when the server
//!   closed it), its own cookies, and basic-auth credentials taken from the host URL;
//! - follows redirects (not for HEAD), recording the chain under the first URL's path;
//! - times the whole exchange including the body, and records method, name, time, body
//!   length and, for a failure, Locust's error text (`HTTPError('500 Server Error: …')`,
//!   `ConnectionRefusedError(111, 'Connection refused')`, …).
//!
//! A failed request is data, not an error: `send()` returns a [`Response`] with status 0 for
//! connection errors. [`Error`] is only for requests that cannot be made (bad URL, no host).
//!
//! Everything is single-threaded (`!Send`): sessions live on their shard's `LocalSet` and
//! never take a lock.

#![warn(missing_docs)]

mod catch;
mod config;
mod connection;
mod cookies;
mod error;
mod error_text;
mod exchange;
mod hop;
mod pool;
mod receive;
mod redirect;
mod request;
mod response;
mod session;
mod stream;
mod target;
mod tls;
mod wire;

pub use catch::CatchResponse;
pub use config::{DEFAULT_READ_BUFFER_SIZE, HttpConfig, HttpConfigBuilder};
pub use error::Error;
pub use request::{Catch, Immediate, RequestBuilder};
pub use response::Response;
pub use session::HttpSession;

/// Re-exported so callers can name methods and headers without depending on `http`.
pub use http::{HeaderMap, HeaderName, HeaderValue, Method};
