//! The runaway guard: a Luau interrupt that stops Lua code which runs too long without
//! yielding. One shard runs all its users on one thread, so a task looping without a request
//! or a sleep would freeze every other user of the shard.
//!
//! Luau calls the interrupt at function calls, returns and loop back-edges. A raw Luau
//! interrupt counts calls in a thread-local counter and enters mlua's interrupt dispatch (and
//! so [`Guard::check`]) only every [`CHECK_EVERY`] calls, so the cost on the hot path is a
//! counter increment, not mlua's callback dispatch (about 150 instructions); arming the guard
//! for a resume reads no clock either (clock reads are system calls on some virtual machines): the
//! first check of a resume starts its clock, which only lets a runaway run [`CHECK_EVERY`]
//! interrupts longer. When the time passes the limit, the interrupt raises a Lua error naming
//! the task;
//! the task's error handler records it with its traceback like any other task error. If user
//! code swallows that error (`pcall`) and keeps looping, the guard forces a yield after
//! another [`GRACE`], and the driver abandons the coroutine.

use std::cell::{Cell, RefCell};
use std::ffi::c_int;
use std::rc::Rc;
use std::time::{Duration, Instant};

use mlua::{Lua, VmState, ffi};

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
    /// Set when the guard forced a yield, until the driver asks.
    forced: Cell<bool>,
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
            forced: Cell::new(false),
            limit: Cell::new(Duration::MAX),
            label: RefCell::new(Rc::from("")),
        });
        let watched = Rc::clone(&guard);
        lua.set_interrupt(move |_| watched.check());
        // Put the counting interrupt in front of mlua's: it calls mlua's only every
        // CHECK_EVERY interrupts. mlua's function is the same for every VM (one closure
        // type), and finds the VM's callback from the Lua state it is given.
        lua.exec_raw_lua(|raw| unsafe {
            let callbacks = ffi::lua_callbacks(raw.state());
            if let Some(inner) = (*callbacks).interrupt
                && !std::ptr::fn_addr_eq(inner, counting_interrupt as Interrupt)
            {
                let _ = MLUA_INTERRUPT.set(inner);
                (*callbacks).interrupt = Some(counting_interrupt);
            }
        });
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

    /// Whether the yield that just happened was forced by the guard (else the user's code
    /// called `coroutine.yield` itself); asking clears it.
    pub(crate) fn take_forced(&self) -> bool {
        self.forced.replace(false)
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

    /// Called (through mlua) every [`CHECK_EVERY`] interrupts.
    fn check(&self) -> mlua::Result<VmState> {
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
        self.forced.set(true);
        Ok(VmState::Yield)
    }
}

type Interrupt = unsafe extern "C-unwind" fn(*mut ffi::lua_State, c_int);

/// mlua's interrupt function, which runs [`Guard::check`].
static MLUA_INTERRUPT: std::sync::OnceLock<Interrupt> = std::sync::OnceLock::new();

thread_local! {
    /// Interrupts since the last check, on this thread (its VMs share the count).
    static TICKS: Cell<u32> = const { Cell::new(0) };
}

/// The raw Luau interrupt: counts, and hands every [`CHECK_EVERY`]th call to mlua's.
unsafe extern "C-unwind" fn counting_interrupt(state: *mut ffi::lua_State, gc: c_int) {
    if gc >= 0 {
        // A GC interrupt: mlua ignores them too.
        return;
    }
    let ticks = TICKS.get().wrapping_add(1);
    TICKS.set(ticks);
    if ticks & (CHECK_EVERY - 1) != 0 {
        return;
    }
    if let Some(inner) = MLUA_INTERRUPT.get() {
        // SAFETY: mlua's own interrupt, called as Luau would call it.
        unsafe { inner(state, gc) }
    }
}
