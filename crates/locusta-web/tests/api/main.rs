//! The web API in process: a real engine and runner under paused time, the router in front,
//! requests sent with `tower::ServiceExt::oneshot` (no sockets, no fixed ports). `workers.rs`
//! adds a real master and workers on the in-memory transport, in real time; the workers
//! (`../common/worker.rs`, shared with the browser tests) run real engines and runners.

mod auth;
mod control;
mod csv;
mod history;
mod info;
mod report;
mod serve;
mod stats;
mod support;
mod swarm;
mod ui;
#[path = "../common/worker.rs"]
mod worker;
mod workers;
