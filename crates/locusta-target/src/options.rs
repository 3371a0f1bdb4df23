//! How a [`Target`](crate::Target) is started: where it listens and what it serves.

use std::net::{Ipv4Addr, SocketAddr};

/// Settings for [`Target::start`](crate::Target::start) and
/// [`Target::spawn_thread`](crate::Target::spawn_thread).
///
/// `TargetOptions::default()` listens on `127.0.0.1:0` (a free port chosen by the OS)
/// and serves every endpoint ([`Mode::Full`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetOptions {
    /// Address to bind. Port `0` asks the OS for a free port; read it back with
    /// [`Target::addr`](crate::Target::addr).
    pub addr: SocketAddr,
    /// Which endpoints are served.
    pub mode: Mode,
}

impl TargetOptions {
    /// Default options in [`Mode::Fast`], for benchmarks.
    pub fn fast() -> Self {
        Self {
            mode: Mode::Fast,
            ..Self::default()
        }
    }
}

impl Default for TargetOptions {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            mode: Mode::Full,
        }
    }
}

/// What the server answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// Every endpoint listed in the [crate documentation](crate).
    #[default]
    Full,
    /// Every request, whatever its method and path, gets the tiny fixed `GET /` response,
    /// with no routing, no request-body reading and no per-request allocation.
    ///
    /// Requests are still counted per method and path, so a benchmark can check that
    /// the server saw exactly what the tool reported. `GET /` is counted lock-free;
    /// other paths take a mutex, so benchmark against `/`.
    Fast,
}
