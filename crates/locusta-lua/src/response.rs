//! The response object Lua sees: a userdata over the Rust [`Response`], whose fields are
//! computed when read (nothing is copied into Lua unless the script asks for it).

use std::cell::RefCell;
use std::rc::Rc;

use locusta_http::{CatchResponse, Response};
use mlua::{MetaMethod, UserData, UserDataFields, UserDataMethods, Value};

use crate::json;

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
pub(crate) struct LuaResponse {
    responses: SharedResponses,
    index: u32,
    generation: u32,
}

const STALE: &str = "this response is no longer available: a response lives until the end of \
                     the task (or on_start/on_stop) that made it; keep the values you need \
                     (e.g. local token = r:json().token), not the response";

impl LuaResponse {
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
}

impl UserData for LuaResponse {
    fn add_fields<F: UserDataFields<Self>>(fields: &mut F) {
        fields.add_field_method_get("status_code", |_, this| this.with(|r| Ok(r.status())));
        fields.add_field_method_get("ok", |_, this| this.with(|r| Ok(r.ok())));
        fields.add_field_method_get("text", |lua, this| {
            this.with(|r| lua.create_string(r.bytes()))
        });
        fields.add_field_method_get("content", |lua, this| {
            this.with(|r| lua.create_string(r.bytes()))
        });
        fields.add_field_method_get("elapsed", |_, this| {
            this.with(|r| Ok(r.elapsed().as_secs_f64()))
        });
        fields.add_field_method_get("url", |_, this| this.with(|r| Ok(r.url())));
        fields.add_field_method_get("error", |_, this| {
            this.with(|r| Ok(r.error().map(str::to_owned)))
        });
        fields.add_field_method_get("headers", |lua, this| {
            this.with(|r| {
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
                Ok(headers)
            })
        });
    }

    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_method("json", |lua, this, ()| {
            this.with(|r| json::decode(lua, r.bytes()))
        });
        methods.add_method("success", |_, this, ()| this.decide(Ok(())));
        methods.add_method("failure", |_, this, message: Value| {
            let message = match &message {
                Value::String(s) => s.to_string_lossy(),
                other => other.to_string()?,
            };
            this.decide(Err(&message))
        });
        methods.add_method("raise_for_status", |_, this, ()| {
            this.with(|r| match r.error() {
                Some(error) if r.status() >= 400 => Err(mlua::Error::runtime(error.to_owned())),
                _ => Ok(()),
            })
        });
        methods.add_meta_method(MetaMethod::ToString, |_, this, ()| {
            this.with(|r| Ok(format!("<Response [{}]>", r.status())))
        });
    }
}
