//! Integration tests of the HTTP session against real servers on 127.0.0.1.

mod basics;
mod catch;
mod failures;
mod keepalive;
mod redirects;
mod support;
mod tls;
mod wire;
