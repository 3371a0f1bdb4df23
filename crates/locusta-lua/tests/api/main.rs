//! Lua locustfiles run by real engines against the real target server, organised by
//! feature.

mod classes;
mod custom;
mod docs;
mod errors;
mod load_errors;
mod quickstart;
mod requests;
mod responses;
mod shapes;
mod support;
