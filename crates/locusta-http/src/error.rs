//! The crate's error type: mistakes in how a request was asked for.
//!
//! A request that was sent and failed (refused connection, timeout, HTTP 500) is *not* an
//! error: it is data, recorded in the statistics and returned as a [`Response`](crate::Response)
//! whose [`error()`](crate::Response::error) says what happened. These variants are the cases
//! where python-requests raises to the task instead (`MissingSchema`, `InvalidSchema`,
//! `InvalidURL`, bad headers, unserialisable bodies).

/// Why a session could not be built or a request could not be sent at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A relative path was requested but the session has no host (requests' `MissingSchema`).
    #[error(
        "MissingSchema: invalid URL '{0}': no scheme supplied and no host set (set the host, e.g. --host http://127.0.0.1:8000)"
    )]
    MissingHost(String),
    /// The URL or host uses a scheme other than `http` or `https` (requests' `InvalidSchema`).
    #[error(
        "InvalidSchema: no connection adapters were found for '{0}' (only http:// and https:// are supported)"
    )]
    InvalidScheme(String),
    /// The URL or host could not be parsed (requests' `InvalidURL`).
    #[error("InvalidURL: invalid URL '{url}': {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A header name or value is not valid HTTP.
    #[error("invalid header: {0}")]
    InvalidHeader(String),
    /// `.query()` or `.form()` could not be URL-encoded.
    #[error("could not URL-encode the request data: {0}")]
    UrlEncode(#[from] serde_urlencoded::ser::Error),
    /// `.json()` could not serialise its value, or `Response::json()` could not parse the body.
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
    /// The TLS configuration could not be built.
    #[error("TLS configuration error: {0}")]
    Tls(#[from] rustls::Error),
}
