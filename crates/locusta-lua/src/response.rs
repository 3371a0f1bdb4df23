//! The response object Lua sees: a small userdata (a handle into the user's [`Responses`])
//! whose fields are computed when read (nothing is copied into Lua unless the script asks for
//! it).
//!
//! The handle is a Luau *tagged* userdata, made with raw FFI straight onto the user's
//! coroutine: the VM keeps the metatable and destructor per tag, so making one is a single
//! small allocation, where an mlua `UserData` also looked its metatable up in the registry and
//! made and released a Lua handle on the way. Fields and methods are still plain mlua
//! functions, which check the tag before they read the handle.

use std::cell::RefCell;
use std::ffi::{c_int, c_void};
use std::rc::Rc;

use locusta_http::{CatchResponse, Response};
use mlua::state::RawLua;
use mlua::{FromLuaMulti, Function, Lua, MultiValue, Value, ffi};

use crate::json;

/// The Luau userdata tag of responses (mlua uses none of the 128 tags: its userdata carry a
/// destructor, which Luau stores under a tag of its own).
const TAG: c_int = 64;

/// The responses of the call (task, `on_start` or `on_stop`) a user is running. Lua holds
/// small handles into it; the call's end drops them all, so a response never keeps the
/// connection's read buffer (which its body and headers share) or its memory past the call,
/// whenever the Lua garbage collector gets round to the handle.
#[derive(Default)]
pub(crate) struct Responses {
    generation: u32,
    items: Vec<Held>,
    /// The `catch_response` response waiting for a verdict, if any.
    pending: Option<usize>,
}

/// Shared between a user's driver and the handles its coroutine holds.
pub(crate) type SharedResponses = Rc<RefCell<Responses>>;

/// One response of the current call.
pub(crate) enum Held {
    /// Already recorded (the normal case).
    Plain(Response),
    /// `catch_response = true`, waiting for a verdict.
    Pending(CatchResponse),
    /// `catch_response = true`, recorded.
    Decided(Response),
    /// Transient, while moving between the states.
    Moving,
}

impl Held {
    fn response(&self) -> &Response {
        match self {
            Held::Plain(response) | Held::Decided(response) => response,
            Held::Pending(pending) => pending,
            Held::Moving => unreachable!("a response is never observed while moving"),
        }
    }
}

impl Responses {
    /// Keeps a response for the current call and returns the handle Lua gets.
    pub(crate) fn hold(this: &SharedResponses, held: Held) -> LuaResponse {
        let mut responses = this.borrow_mut();
        let index = responses.items.len();
        if matches!(held, Held::Pending(_)) {
            responses.pending = Some(index);
        }
        responses.items.push(held);
        LuaResponse {
            responses: Rc::clone(this),
            index: index as u32,
            generation: responses.generation,
        }
    }

    /// Records the pending `catch_response` response with its normal verdict, if it has none
    /// yet (called at each of the user's yields).
    pub(crate) fn settle(&mut self) {
        if let Some(index) = self.pending.take()
            && let held @ Held::Pending(_) = &mut self.items[index]
        {
            let Held::Pending(pending) = std::mem::replace(held, Held::Moving) else {
                unreachable!("checked above")
            };
            *held = Held::Decided(pending.into_response());
        }
    }

    /// Ends the call: settles and drops every response; older handles become stale.
    pub(crate) fn end_call(&mut self) {
        self.settle();
        self.items.clear();
        self.generation = self.generation.wrapping_add(1);
    }
}

/// What Lua holds for a response: an index into its user's [`Responses`]. Small, and with
/// nothing to drop but a reference count.
#[derive(Clone)]
pub(crate) struct LuaResponse {
    responses: SharedResponses,
    index: u32,
    generation: u32,
}

const STALE: &str = "this response is no longer available: a response lives until the end of \
                     the task (or on_start/on_stop) that made it; keep the values you need \
                     (e.g. local token = r:json().token), not the response";

impl LuaResponse {
    /// Pushes the handle onto `state` as a response userdata.
    ///
    /// # Safety
    /// `state` belongs to a VM where [`install`] ran, and has a free stack slot.
    pub(crate) unsafe fn push(self, state: *mut ffi::lua_State) {
        // SAFETY: the tag's metatable is set (install), and Luau aligns userdata memory for
        // any type; the destructor drops the value written here.
        unsafe {
            let data =
                ffi::lua_newuserdatataggedwithmetatable(state, size_of::<LuaResponse>(), TAG);
            data.cast::<LuaResponse>().write(self);
        }
    }

    fn with<R>(&self, f: impl FnOnce(&Response) -> mlua::Result<R>) -> mlua::Result<R> {
        let responses = self.responses.borrow();
        if responses.generation != self.generation {
            return Err(mlua::Error::runtime(STALE));
        }
        f(responses.items[self.index as usize].response())
    }

    fn decide(&self, verdict: Result<(), &str>) -> mlua::Result<()> {
        let mut responses = self.responses.borrow_mut();
        if responses.generation != self.generation {
            return Err(mlua::Error::runtime(STALE));
        }
        let held = &mut responses.items[self.index as usize];
        match held {
            Held::Pending(_) => {}
            Held::Plain(_) => {
                return Err(mlua::Error::runtime(
                    "success() and failure() need the request to be made with catch_response = true",
                ));
            }
            _ => {
                return Err(mlua::Error::runtime(
                    "this response was already recorded: call success() or failure() before \
                     the user's next request or sleep, or the end of the task",
                ));
            }
        }
        let Held::Pending(pending) = std::mem::replace(held, Held::Moving) else {
            unreachable!("checked above")
        };
        *held = Held::Decided(match verdict {
            Ok(()) => pending.success(),
            Err(message) => pending.failure(message),
        });
        if responses.pending == Some(self.index as usize) {
            responses.pending = None;
        }
        Ok(())
    }

    fn headers(&self, lua: &Lua) -> mlua::Result<Value> {
        self.with(|r| {
            let headers = lua.create_table_with_capacity(0, r.headers().keys_len())?;
            for name in r.headers().keys() {
                let mut joined = Vec::new();
                for (i, value) in r.headers().get_all(name).iter().enumerate() {
                    if i > 0 {
                        joined.extend_from_slice(b", ");
                    }
                    joined.extend_from_slice(value.as_bytes());
                }
                headers.raw_set(name.as_str(), lua.create_string(&joined)?)?;
            }
            Ok(Value::Table(headers))
        })
    }
}

/// The Luau destructor of response userdata.
unsafe extern "C" fn drop_response(_state: *mut ffi::lua_State, data: *mut c_void) {
    // SAFETY: Luau calls it once, on the memory `LuaResponse::push` wrote.
    unsafe { std::ptr::drop_in_place(data.cast::<LuaResponse>()) }
}

/// Makes the response type of `lua`'s VM: its metatable and destructor. Once per VM.
pub(crate) fn install(lua: &Lua) -> mlua::Result<()> {
    let methods = Methods {
        json: lua.create_function(|lua, this: This| {
            this.response.with(|r| json::decode(lua, r.bytes()))
        })?,
        success: lua.create_function(|_, this: This| this.response.decide(Ok(())))?,
        failure: lua.create_function(|_, this: This| {
            let message = match &this.arg {
                Value::String(s) => s.to_string_lossy(),
                other => other.to_string()?,
            };
            this.response.decide(Err(&message))
        })?,
        raise_for_status: lua.create_function(|_, this: This| {
            this.response.with(|r| match r.error() {
                Some(error) if r.status() >= 400 => Err(mlua::Error::runtime(error.to_owned())),
                _ => Ok(()),
            })
        })?,
    };
    let index = lua.create_function(move |lua, this: This| {
        let Value::String(key) = &this.arg else {
            return Ok(Value::Nil);
        };
        let r = &this.response;
        Ok(match &*key.as_bytes() {
            b"status_code" => r.with(|r| Ok(Value::Integer(r.status().into())))?,
            b"ok" => r.with(|r| Ok(Value::Boolean(r.ok())))?,
            b"text" | b"content" => r.with(|r| lua.create_string(r.bytes()).map(Value::String))?,
            b"elapsed" => r.with(|r| Ok(Value::Number(r.elapsed().as_secs_f64())))?,
            b"url" => r.with(|r| lua.create_string(r.url()).map(Value::String))?,
            b"error" => r.with(|r| match r.error() {
                Some(error) => lua.create_string(error).map(Value::String),
                None => Ok(Value::Nil),
            })?,
            b"headers" => r.headers(lua)?,
            b"json" => Value::Function(methods.json.clone()),
            b"success" => Value::Function(methods.success.clone()),
            b"failure" => Value::Function(methods.failure.clone()),
            b"raise_for_status" => Value::Function(methods.raise_for_status.clone()),
            _ => Value::Nil,
        })
    })?;
    let meta = lua.create_table_with_capacity(0, 4)?;
    meta.raw_set("__index", index)?;
    meta.raw_set(
        "__tostring",
        lua.create_function(|_, this: This| {
            this.response
                .with(|r| Ok(format!("<Response [{}]>", r.status())))
        })?,
    )?;
    meta.raw_set("__type", "Response")?;
    // getmetatable(r) gives false: scripts cannot reach the functions above.
    meta.raw_set("__metatable", false)?;
    // SAFETY: the closure registers the table just pushed as the tag's metatable (it pops
    // it) and the destructor of the values `LuaResponse::push` writes.
    unsafe {
        lua.exec_raw::<()>(&meta, |state| {
            ffi::lua_setuserdatadtor(state, TAG, Some(drop_response));
            ffi::lua_setuserdatametatable(state, TAG);
        })
    }
}

struct Methods {
    json: Function,
    success: Function,
    failure: Function,
    raise_for_status: Function,
}

/// The arguments of a response method: the response (`self`) and the first other argument.
struct This {
    response: LuaResponse,
    arg: Value,
}

const NOT_A_RESPONSE: &str =
    "response methods are called with a colon on a response: r:json(), r:success(), ...";

impl FromLuaMulti for This {
    fn from_lua_multi(values: MultiValue, _lua: &Lua) -> mlua::Result<Self> {
        // Only reached from Rust callers, which never pass a response.
        let _ = values;
        Err(mlua::Error::runtime(NOT_A_RESPONSE))
    }

    unsafe fn from_stack_multi(nvals: c_int, lua: &RawLua) -> mlua::Result<Self> {
        let state = lua.state();
        // SAFETY: the `nvals` values are on the top of `state` (mlua's contract), and a
        // callback has LUA_MINSTACK free slots above them (for the push below).
        unsafe {
            let data = if nvals >= 1 {
                ffi::lua_touserdatatagged(state, -nvals, TAG)
            } else {
                std::ptr::null_mut()
            };
            if data.is_null() {
                return Err(mlua::Error::runtime(NOT_A_RESPONSE));
            }
            let response = (*data.cast::<LuaResponse>()).clone();
            let arg = if nvals >= 2 {
                ffi::lua_pushvalue(state, 1 - nvals);
                lua.pop_value()
            } else {
                Value::Nil
            };
            Ok(This { response, arg })
        }
    }
}
