//! Integration tests of the target server, through real sockets, organised by feature.

mod binary;
mod close;
mod control;
mod counting;
mod demo;
mod echo;
mod lifecycle;
mod quickstart;
mod support;
