//! A session's idle keep-alive connections.

use std::cell::RefCell;
use std::rc::Rc;

use crate::stream::Stream;
use crate::target::Origin;

/// How many idle connections a session keeps (python-requests' default `pool_maxsize`).
/// A session normally has one; more appear only with concurrent requests or several origins.
const MAX_IDLE: usize = 10;

/// An idle keep-alive connection: only the socket (hyper's state is dropped between
/// exchanges, see `connection`).
pub(crate) struct Idle {
    /// Where the socket is connected.
    pub(crate) origin: Rc<Origin>,
    /// The socket.
    pub(crate) stream: Stream,
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
    pub(crate) fn checkout(&self, origin: &Origin) -> Option<Stream> {
        let mut idle = self.idle.borrow_mut();
        while let Some(index) = idle.iter().rposition(|conn| conn.origin.same(origin)) {
            let mut conn = idle.remove(index);
            if conn.stream.is_open() {
                return Some(conn.stream);
            }
        }
        None
    }

    /// Keeps a connection after a complete exchange, closing the oldest if there are too many.
    pub(crate) fn checkin(&self, origin: Rc<Origin>, stream: Stream) {
        let mut idle = self.idle.borrow_mut();
        if idle.len() >= MAX_IDLE {
            idle.remove(0);
        }
        idle.push(Idle { origin, stream });
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
