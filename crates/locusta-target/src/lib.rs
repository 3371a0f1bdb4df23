//! The built-in target server: a small HTTP/1.1 server that Locusta's own integration
//! tests, `locusta demo` and the benchmarks point load at, and that counts every request
//! it receives so a test can assert what the server saw.
//!
//! ```
//! use locusta_target::{Target, TargetOptions};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let target = Target::start(TargetOptions::default())?; // 127.0.0.1, a free port
//! // ... run load against target.url() ...
//! assert_eq!(target.count("GET", "/hello"), 0);
//! println!("{}", target.counts());
//! target.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Endpoints ([`Mode::Full`])
//!
//! Locust's quickstart:
//! - `GET /`: `ok`, two bytes with no content type; built without allocating.
//! - `POST /login`: `{"username": .., "password": ..}` as JSON or as a form (any values
//!   accepted); answers `{"username": ..}` and sets a new cookie `session=<hex>; Path=/`.
//!   `400` if either field is missing.
//! - `GET /hello`, `GET /world`: `hello`, `world`.
//! - `GET /item?id=N`: `{"id":N,"name":"item N"}`; `400` without a numeric `id`.
//!
//! Behaviour on demand:
//! - `GET /status/{code}`: that status (200 to 599) with its reason phrase as the body.
//! - `GET /slow?ms=N`: `slow` after N milliseconds of `tokio::time` (at most an hour).
//! - `GET /redirect?to=URL[&status=30x]`: a `302` (or the given 301/303/307/308) to `to`.
//! - `GET /cookie/check`: `200` if a non-empty `session` cookie was sent, else `401`.
//! - `GET /bytes/{n}`: `n` bytes of `x` (at most 1 GiB).
//! - `GET /close`: headers claiming `content-length: 1024`, the 7 bytes `partial`, then
//!   the connection is closed.
//! - `GET|POST /echo`: the request as JSON: `method`, `path`, `query` (raw), `args`
//!   (decoded), `headers` (lower-case names), `body` (text) and `json` (the body parsed,
//!   or `null`).
//!
//! For `locusta demo` and the examples:
//! - `GET /flaky`: `500` for every fifth request ([`FLAKY_PERIOD`]), `200 ok` otherwise.
//! - `POST /predict`: `{"features": [numbers]}` gives `{"label": "positive"|"negative",
//!   "score": mean}`; `400` for anything else.
//!
//! - Anything else: `404`; a known path with another method: `405` with `allow`.
//!
//! [`Mode::Fast`] answers every request like `GET /`, for benchmarks.
//!
//! Every request is counted per method and path (without the query) before it is
//! answered; see [`Counts`].
//!
//! # Design
//!
//! Raw hyper with a hand-written `match` instead of axum: `GET /` costs one lock-free
//! counter increment and no allocation or boxed future, and `/close` needs to fail a
//! response body mid-stream, which hyper does by closing the connection. Counters for
//! the fixed endpoints are striped per thread (see `striped.rs`); other paths are
//! counted under a mutex.

#![warn(missing_docs)]

mod body;
mod counts;
mod endpoint;
mod options;
mod response;
mod routes;
mod server;
mod service;
mod striped;
mod target;

pub use counts::Counts;
pub use options::{Mode, TargetOptions};
pub use routes::FLAKY_PERIOD;
pub use target::Target;
