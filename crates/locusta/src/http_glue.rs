//! Gives user factories an HTTP client configured by the command line.

use std::sync::Arc;

use locusta_engine::{TaskError, UserContext};
use locusta_http::{HttpConfig, HttpSession};

/// Adds [`http_client`](UserContextExt::http_client) to [`UserContext`].
pub trait UserContextExt {
    /// A new HTTP session for this user (its own keep-alive connection and cookies), aimed at
    /// `--host` or the class's host, recording into the user's shard statistics.
    ///
    /// Uses the process-wide configuration set from the command line (`--insecure`, ...);
    /// outside the CLI, a default configuration.
    fn http_client(&self) -> Result<HttpSession, TaskError>;
}

impl UserContextExt for UserContext<'_> {
    fn http_client(&self) -> Result<HttpSession, TaskError> {
        let config = match self.resources.get::<Arc<HttpConfig>>() {
            Some(config) => Arc::clone(config),
            None => HttpConfig::shared_default()?,
        };
        Ok(HttpSession::new(&config, self.host, self.recorder.clone())?)
    }
}
