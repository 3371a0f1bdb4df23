//! The runner in a distributed run: on the master its users live on the workers
//! ([`ClusterUsers`]), and on a worker the cluster layer drives a local runner
//! ([`WorkerUsers`]). The protocol and the master/worker state machines are `locusta-cluster`'s.

mod master;
mod worker;

pub use master::ClusterUsers;
pub use worker::WorkerUsers;
