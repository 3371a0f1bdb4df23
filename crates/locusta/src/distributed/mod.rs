//! Distributed runs in the binary: the master's population of remote users, the worker
//! process around a local runner, and `--processes`. The protocol and state machines are the
//! `locusta-cluster` crate's; this module only wires them to the runner and the command line.

pub mod master;
pub mod processes;
pub mod worker;
