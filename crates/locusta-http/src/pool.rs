//! A session's idle keep-alive connections.

use std::cell::RefCell;
use std::rc::Rc;

use crate::connection::Connection;
use crate::target::Origin;

/// How many idle connections a session keeps (python-requests' default `pool_maxsize`).
/// A session normally has one; more appear only with concurrent requests or several origins.
const MAX_IDLE: usize = 10;

/// An idle keep-alive connection: the socket and its (trimmed) buffers, boxed so the pool
/// moves a pointer.
pub(crate) struct Idle {
    /// Where the socket is connected.
    pub(crate) origin: Rc<Origin>,
    /// The connection.
    pub(crate) conn: Box<Connection>,
}

/// Idle connections, most recently used last. A connection is taken out while in use, so
/// concurrent requests of one session simply open more connections and never share one.
#[derive(Default)]
pub(crate) struct Pool {
    idle: RefCell<Vec<Idle>>,
}

impl Pool {
    /// Takes the most recently used idle connection to `origin` that the server has not
    /// closed meanwhile; closed ones are dropped on the way.
    pub(crate) fn checkout(&self, origin: &Origin) -> Option<Box<Connection>> {
        let mut idle = self.idle.borrow_mut();
        while let Some(index) = idle.iter().rposition(|idle| idle.origin.same(origin)) {
            let mut conn = idle.remove(index).conn;
            if conn.is_open() {
                return Some(conn);
            }
        }
        None
    }

    /// Keeps a connection after a complete exchange, closing the oldest if there are too many.
    pub(crate) fn checkin(&self, origin: Rc<Origin>, conn: Box<Connection>) {
        let mut idle = self.idle.borrow_mut();
        if idle.len() >= MAX_IDLE {
            idle.remove(0);
        }
        idle.push(Idle { origin, conn });
    }

    /// Closes every idle connection.
    pub(crate) fn clear(&self) {
        self.idle.borrow_mut().clear();
    }

    /// How many idle connections there are.
    pub(crate) fn len(&self) -> usize {
        self.idle.borrow().len()
    }
}
