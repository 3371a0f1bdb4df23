//! Integration tests of locusta-cluster, one binary organised by feature. Everything but
//! `tcp` runs master and workers in one process on the memory transport under paused time.

mod support;

mod dispatching;
mod failures;
mod handshake;
mod logs;
mod statistics;
mod tcp;
