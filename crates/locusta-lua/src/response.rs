//! The response object Lua sees: a userdata over the Rust [`Response`], whose fields are
//! computed when read (nothing is copied into Lua unless the script asks for it).

use std::cell::RefCell;
use std::rc::Rc;

use locusta_http::{CatchResponse, Response};
use mlua::{Lua, MetaMethod, UserData, UserDataFields, UserDataMethods, Value};

use crate::json;

/// A response as Lua sees it.
pub(crate) enum LuaResponse {
    /// Already recorded (the normal case).
    Plain(Response),
    /// `catch_response = true`: recorded on `success()`, `failure(msg)`, or with the normal
    /// verdict at the user's next yield (the driver settles it).
    Caught(Rc<RefCell<Caught>>),
}

/// The state of a `catch_response` response.
pub(crate) enum Caught {
    /// Waiting for a verdict; recording happens when it leaves this state.
    Pending(CatchResponse),
    /// Recorded.
    Decided(Response),
    /// Transient, while moving between the states.
    Moving,
}

impl Caught {
    /// Records the normal verdict if none was given yet.
    pub(crate) fn settle(&mut self) {
        if matches!(self, Caught::Pending(_)) {
            let Caught::Pending(pending) = std::mem::replace(self, Caught::Moving) else {
                unreachable!("checked above")
            };
            *self = Caught::Decided(pending.into_response());
        }
    }

    fn response(&self) -> &Response {
        match self {
            Caught::Pending(pending) => pending,
            Caught::Decided(response) => response,
            Caught::Moving => unreachable!("a caught response is never observed while moving"),
        }
    }
}

impl LuaResponse {
    fn with<R>(&self, f: impl FnOnce(&Response) -> R) -> R {
        match self {
            LuaResponse::Plain(response) => f(response),
            LuaResponse::Caught(caught) => f(caught.borrow().response()),
        }
    }

    fn decide(&self, verdict: Result<(), &str>) -> mlua::Result<()> {
        let LuaResponse::Caught(caught) = self else {
            return Err(mlua::Error::runtime(
                "success() and failure() need the request to be made with catch_response = true",
            ));
        };
        let mut caught = caught.borrow_mut();
        let Caught::Pending(_) = &*caught else {
            return Err(mlua::Error::runtime(
                "this response was already recorded: call success() or failure() before the \
                 user's next request or sleep, or the end of the task",
            ));
        };
        let Caught::Pending(pending) = std::mem::replace(&mut *caught, Caught::Moving) else {
            unreachable!("checked above")
        };
        *caught = Caught::Decided(match verdict {
            Ok(()) => pending.success(),
            Err(message) => pending.failure(message),
        });
        Ok(())
    }
}

impl UserData for LuaResponse {
    fn add_fields<F: UserDataFields<Self>>(fields: &mut F) {
        fields.add_field_method_get("status_code", |_, this| Ok(this.with(|r| r.status())));
        fields.add_field_method_get("ok", |_, this| Ok(this.with(Response::ok)));
        fields.add_field_method_get("text", |lua, this| {
            this.with(|r| lua.create_string(r.bytes()))
        });
        fields.add_field_method_get("content", |lua, this| {
            this.with(|r| lua.create_string(r.bytes()))
        });
        fields.add_field_method_get("elapsed", |_, this| {
            Ok(this.with(|r| r.elapsed().as_secs_f64()))
        });
        fields.add_field_method_get("url", |_, this| Ok(this.with(Response::url)));
        fields.add_field_method_get("error", |_, this| {
            Ok(this.with(|r| r.error().map(str::to_owned)))
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
            Ok(this.with(|r| format!("<Response [{}]>", r.status())))
        });
    }
}

/// Creates the Lua value for a response.
pub(crate) fn into_lua(lua: &Lua, response: LuaResponse) -> mlua::Result<mlua::AnyUserData> {
    lua.create_userdata(response)
}
