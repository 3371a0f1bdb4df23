//! Distributed runs through the real binary: a master and worker processes on loopback, and
//! (as root) on hosts in network namespaces.

mod loopback;
mod netns;
mod tap;
