//! The runaway guard: a Luau interrupt that stops Lua code which runs too long without
//! yielding. One shard runs all its users on one thread, so a task looping without a request
//! or a sleep would freeze every other user of the shard.
//!
//! Luau calls the interrupt at function calls, returns and loop back-edges. The callback
//! counts calls and looks at the clock only every [`CHECK_EVERY`] calls, so the cost on the
//! hot path is a counter increment (plus mlua's callback dispatch); arming the guard for a
//! resume reads no clock either (clock reads are system calls on some virtual machines): the
//! first check of a resume starts its clock, which only lets a runaway run [`CHECK_EVERY`]
//! interrupts longer. When the time passes the limit, the interrupt raises a Lua error naming
//! the task;
//! the task's error handler records it with its traceback like any other task error. If user
//! code swallows that error (`pcall`) and keeps looping, the guard forces a yield after
//! another [`GRACE`], and the driver abandons the coroutine.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use mlua::{Lua, VmState};

/// Interrupt calls between two clock readings (a power of two).
const CHECK_EVERY: u32 = 1024;
/// Time given to a task after its runaway error before its coroutine is abandoned.
pub(crate) const GRACE: Duration = Duration::from_secs(1);

/// What the guard watches: the current resume's deadline and what is running.
pub(crate) struct Guard {
    /// Whether a resume is being watched.
    armed: Cell<bool>,
    /// Set by the first check of a watched resume.
    deadline: Cell<Option<Instant>>,
    tripped: Cell<bool>,
    ticks: Cell<u32>,
    limit: Cell<Duration>,
    label: RefCell<Rc<str>>,
}

/// The error raised inside the runaway task.
#[derive(Debug)]
struct Runaway(String);

impl std::fmt::Display for Runaway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Runaway {}

impl Guard {
    /// Installs a guard on `lua`.
    pub(crate) fn install(lua: &Lua) -> Rc<Guard> {
        let guard = Rc::new(Guard {
            armed: Cell::new(false),
            deadline: Cell::new(None),
            tripped: Cell::new(false),
            ticks: Cell::new(0),
            limit: Cell::new(Duration::MAX),
            label: RefCell::new(Rc::from("")),
        });
        let watched = Rc::clone(&guard);
        lua.set_interrupt(move |_| watched.check());
        guard
    }

    /// Starts watching a resume of `label` that may run for `limit`.
    #[inline]
    pub(crate) fn arm(&self, label: &Rc<str>, limit: Duration) {
        self.armed.set(true);
        self.deadline.set(None);
        self.limit.set(limit);
        self.tripped.set(false);
        if !Rc::ptr_eq(&self.label.borrow(), label) {
            *self.label.borrow_mut() = Rc::clone(label);
        }
    }

    /// Stops watching (the coroutine yielded).
    #[inline]
    pub(crate) fn disarm(&self) {
        self.armed.set(false);
    }

    /// The message of a runaway error for what the guard last watched.
    pub(crate) fn message(&self) -> String {
        format!(
            "{} ran for more than {:?} without yielding (no request, sleep or other client call); \
             a loop that never yields blocks every user of its shard",
            self.label.borrow(),
            self.limit.get()
        )
    }

    fn check(&self) -> mlua::Result<VmState> {
        let ticks = self.ticks.get().wrapping_add(1);
        self.ticks.set(ticks);
        if ticks & (CHECK_EVERY - 1) != 0 {
            return Ok(VmState::Continue);
        }
        if !self.armed.get() {
            return Ok(VmState::Continue);
        }
        let now = Instant::now();
        let Some(deadline) = self.deadline.get() else {
            self.deadline.set(now.checked_add(self.limit.get()));
            return Ok(VmState::Continue);
        };
        if now < deadline {
            return Ok(VmState::Continue);
        }
        if !self.tripped.get() {
            self.tripped.set(true);
            self.deadline.set(now.checked_add(GRACE));
            return Err(mlua::Error::external(Runaway(self.message())));
        }
        // The error was swallowed and the loop goes on: force a yield; the driver sees a
        // yield without an operation and abandons the coroutine.
        self.armed.set(false);
        Ok(VmState::Yield)
    }
}
