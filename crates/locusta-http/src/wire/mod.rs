//! HTTP/1.1 on the wire: request heads out, response heads and bodies in.
//!
//! Pure functions over byte buffers, without I/O, so each piece is tested on its own; the
//! [`Connection`](crate::connection::Connection) drives them with reads and writes. Parsing
//! is `httparse` (what hyper uses), framing follows RFC 9112 §6.

pub(crate) mod body;
pub(crate) mod head;
pub(crate) mod names;
pub(crate) mod parse;
