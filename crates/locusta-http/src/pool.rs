//! A session's idle keep-alive connections.

use std::cell::RefCell;

use crate::connection::Connection;
use crate::target::Origin;

/// How many idle connections a session keeps (python-requests' default `pool_maxsize`).
/// A session normally has one; more appear only with concurrent requests or several origins.
const MAX_IDLE: usize = 10;

/// Idle connections, most recently used last. A connection is taken out while in use, so
/// concurrent requests of one session simply open more connections and never share one.
#[derive(Default)]
pub(crate) struct Pool {
    idle: RefCell<Vec<Box<Connection>>>,
}

impl Pool {
    /// Takes the most recently used idle connection to `origin`, if any.
    pub(crate) fn checkout(&self, origin: &Origin) -> Option<Box<Connection>> {
        let mut idle = self.idle.borrow_mut();
        let index = idle.iter().rposition(|conn| conn.origin.same(origin))?;
        Some(idle.remove(index))
    }

    /// Returns a connection after a complete exchange, closing the oldest if there are too many.
    pub(crate) fn checkin(&self, conn: Box<Connection>) {
        if !conn.is_open() {
            return;
        }
        let mut idle = self.idle.borrow_mut();
        if idle.len() >= MAX_IDLE {
            idle.remove(0);
        }
        idle.push(conn);
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
