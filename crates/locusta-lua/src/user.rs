//! One Lua user: a coroutine for its whole life, driven by the engine through
//! [`UserBehaviour`].
//!
//! Each call (`on_start`, a task, `on_stop`) resumes the coroutine with the function to run.
//! While it runs, the coroutine yields small operations (a request, a sleep, a custom timing)
//! to [`LuaUser::drive`], which performs them, awaiting Rust futures, and resumes it with the
//! result; the call ends when the coroutine yields its outcome.
//!
//! Rust holds one Lua handle per user, its coroutine (an mlua handle is a slot on an auxiliary
//! Lua stack: mlua's Luau build allows a million of them, LuaJIT only about 8,000, which is why
//! a LuaJIT host would have to use registry keys). The instance is a registry key, read only
//! when the coroutine has to be replaced. No other Lua value outlives a resume: request options
//! are copied out before the request is awaited.
//!
//! The driver resumes the coroutine through Luau's C API, not `mlua::Thread::resume`: it pushes
//! the input straight onto the coroutine's stack (a registry reference to the function to run,
//! a response userdata, an error message) and reads the yielded operation off it, making mlua
//! handles only for the rare operations that carry tables. With the raw response userdata
//! (`response.rs`) this took about 2,100 instructions off each request (two resumes): mlua's
//! resume spends them on status and stack checks, stack guards, argument and result
//! conversions, and a Lua handle made and released for each value passed.

use std::cell::RefCell;
use std::ffi::c_int;
use std::rc::Rc;
use std::time::Duration;

use futures_util::future::LocalBoxFuture;
use locusta_engine::{TaskError, TaskResult, UserBehaviour, UserContext};
use locusta_http::{HttpSession, Method};
use locusta_stats::{Outcome, Recorder};
use mlua::{Lua, RegistryKey, Thread, Value, ffi};

use crate::request::{self, RequestSpec};
use crate::response::{LuaResponse, Responses, SharedResponses};
use crate::shard::ShardVm;
use crate::vm::ClassRuntime;

// Operation codes yielded by the prelude (keep in sync with prelude.luau).
const OP_DONE: i64 = 0;
const OP_FAILED: i64 = 1;
const OP_STOP: i64 = 2;
const OP_NOW: i64 = 3;
/// `self:interrupt(reschedule)` in a TaskSet: yields the flag as its second value.
const OP_INTERRUPT: i64 = 4;
const OP_SLEEP: i64 = 5;
const OP_RECORD: i64 = 6;
const OP_COOKIE: i64 = 7;
const OP_GET: i64 = 10;
const OP_POST: i64 = 11;
const OP_PUT: i64 = 12;
const OP_PATCH: i64 = 13;
const OP_DELETE: i64 = 14;
const OP_HEAD: i64 = 15;
const OP_OPTIONS: i64 = 16;
/// `request(method, url, opts)`: yields `{ method, opts }` as its third value.
const OP_REQUEST: i64 = 17;

/// A task error raised in Lua: the message and the Lua traceback (file:line of each frame).
#[derive(Debug)]
pub struct LuaError {
    /// The error message, usually `file:line: text`.
    pub message: String,
    /// The Lua traceback, innermost frame first.
    pub traceback: String,
}

impl std::fmt::Display for LuaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LuaError {}

/// Which function a call runs.
#[derive(Clone, Copy)]
enum Call {
    OnStart,
    Task(usize),
    OnStop,
    /// Entering TaskSet number n: a new TaskSet instance and its `on_start`.
    EnterSet(usize),
    /// Leaving TaskSet number n: its `on_stop`.
    LeaveSet(usize),
}

/// What to resume the coroutine with.
enum Input {
    Call(Call),
    Response(LuaResponse),
    RequestError(String),
    Nothing,
    Text(Option<String>),
}

/// What the coroutine yielded, copied out of Lua.
enum Step {
    Done,
    Failed(LuaError),
    Stop,
    Now,
    Interrupt(bool),
    Request(Method, Option<Box<RequestSpec>>),
    Sleep(Duration),
    Record {
        request_type: String,
        name: String,
        response_time: Option<Duration>,
        length: u64,
        error: Option<String>,
    },
    Cookie(String),
    /// The runaway guard stopped the coroutine by force.
    Forced,
    /// The coroutine died (an error outside the task's error handler).
    Died(String),
    /// The operation was malformed; the message goes back to Lua as an error.
    Invalid(String),
}

/// A live Lua user.
pub(crate) struct LuaUser {
    shard: Rc<ShardVm>,
    class: Rc<ClassRuntime>,
    coroutine: Thread,
    instance: RegistryKey,
    /// Set while a call runs; still set at the next call if the engine dropped the previous
    /// one mid-way (the user was killed), so the coroutine is replaced first.
    busy: bool,
    session: Option<HttpSession>,
    recorder: Recorder,
    /// The responses of the running call.
    responses: SharedResponses,
    /// The URL of the current request (reused, so a request allocates no URL string).
    url: String,
}

impl LuaUser {
    /// Creates a user of class `class` on this thread's VM.
    pub(crate) fn new(
        shard: Rc<ShardVm>,
        class: usize,
        ctx: &UserContext<'_>,
    ) -> Result<Self, TaskError> {
        let class = Rc::clone(&shard.classes[class]);
        let session = if class.http {
            let config = shard.http_config(ctx.resources)?;
            Some(HttpSession::new(&config, ctx.host, ctx.recorder.clone())?)
        } else {
            None
        };
        let lua = &shard.vm.lua;
        let (coroutine, instance): (Thread, Value) = shard
            .vm
            .spawn
            .call((&class.class, ctx.host, Value::Nil))
            .map_err(lua_task_error)?;
        let instance = lua
            .create_registry_value(instance)
            .map_err(lua_task_error)?;
        mark_user(&coroutine);
        Ok(Self {
            shard,
            class,
            coroutine,
            instance,
            busy: false,
            session,
            recorder: ctx.recorder.clone(),
            responses: SharedResponses::default(),
            url: String::new(),
        })
    }

    /// Runs one call to its end, performing the operations it yields.
    async fn drive(&mut self, call: Call) -> TaskResult {
        if self.busy {
            self.replace_coroutine()?;
        }
        self.busy = true;
        let mut input = Input::Call(call);
        loop {
            let step = self.step(input, call);
            input = match step {
                Step::Done => return self.end(Ok(())),
                Step::Failed(error) => return self.end(Err(TaskError::Failed(Box::new(error)))),
                Step::Stop => return self.end(Err(TaskError::StopUser)),
                Step::Now => return self.end(Err(TaskError::RescheduleImmediately)),
                Step::Interrupt(reschedule) => {
                    return self.end(Err(TaskError::Interrupt { reschedule }));
                }
                Step::Request(method, spec) => {
                    self.settle();
                    self.request(method, spec).await
                }
                Step::Sleep(pause) => {
                    self.settle();
                    if pause.is_zero() {
                        tokio::task::yield_now().await;
                    } else {
                        tokio::time::sleep(pause).await;
                    }
                    Input::Nothing
                }
                Step::Record {
                    request_type,
                    name,
                    response_time,
                    length,
                    error,
                } => {
                    self.settle();
                    self.recorder.record(
                        &request_type,
                        &name,
                        &Outcome {
                            response_time,
                            content_length: length,
                            error: error.as_deref(),
                            finished_at: tokio::time::Instant::now(),
                        },
                    );
                    Input::Nothing
                }
                Step::Cookie(name) => {
                    Input::Text(self.session.as_ref().and_then(|s| s.cookie(&name)))
                }
                Step::Invalid(message) => Input::RequestError(message),
                Step::Forced => {
                    self.responses.borrow_mut().end_call();
                    self.replace_coroutine()?;
                    let message = self.shard.vm.guard.message();
                    return Err(TaskError::Failed(Box::new(LuaError {
                        traceback: format!(
                            "{message}\n(stopped by force after {:?} more)",
                            crate::guard::GRACE
                        ),
                        message,
                    })));
                }
                Step::Died(message) => {
                    self.responses.borrow_mut().end_call();
                    self.replace_coroutine()?;
                    return Err(TaskError::Failed(Box::new(LuaError {
                        traceback: message.clone(),
                        message,
                    })));
                }
            };
        }
    }

    fn end(&mut self, result: TaskResult) -> TaskResult {
        self.responses.borrow_mut().end_call();
        self.busy = false;
        result
    }

    /// Records a pending `catch_response` response with its normal verdict.
    fn settle(&mut self) {
        self.responses.borrow_mut().settle();
    }

    async fn request(&mut self, method: Method, spec: Option<Box<RequestSpec>>) -> Input {
        let Some(session) = self.session.as_ref() else {
            return Input::RequestError(format!(
                "{} has no HTTP client: derive it from HttpUser",
                self.class.name
            ));
        };
        match request::send(session, method, &self.url, spec).await {
            Ok(held) => Input::Response(Responses::hold(&self.responses, held)),
            Err(message) => Input::RequestError(message),
        }
    }

    /// Resumes the coroutine once (synchronously) and copies out what it yielded.
    fn step(&mut self, input: Input, call: Call) -> Step {
        let vm = &self.shard.vm;
        let thread = self.coroutine.state();
        let label = match call {
            Call::OnStart => &self.class.on_start_label,
            Call::Task(index) => &self.class.task_labels[index],
            Call::OnStop => &self.class.on_stop_label,
            Call::EnterSet(set) | Call::LeaveSet(set) => &self.class.sets[set].label,
        };
        // SAFETY: `thread` is the user's coroutine, alive while `self.coroutine` holds it, and
        // not running (the driver resumes it only from here, on the VM's thread). Its stack
        // is empty between resumes (cleared below), and two free slots are checked for the
        // arguments; Luau's resume reports a coroutine that cannot be resumed as an error.
        unsafe {
            if ffi::lua_checkstack(thread, 2) == 0 {
                return Step::Died("out of Lua stack space".into());
            }
            let nargs = match input {
                Input::Call(call) => {
                    let key = match call {
                        Call::OnStart => self.class.on_start.as_ref(),
                        Call::Task(index) => Some(&self.class.tasks[index]),
                        Call::OnStop => self.class.on_stop.as_ref(),
                        Call::EnterSet(set) => Some(&self.class.sets[set].enter),
                        Call::LeaveSet(set) => Some(&self.class.sets[set].leave),
                    };
                    let key = key.expect("hooks are called only if defined");
                    ffi::lua_rawgeti_(thread, ffi::LUA_REGISTRYINDEX, key.id());
                    1
                }
                Input::Response(response) => {
                    response.push(thread);
                    1
                }
                Input::RequestError(message) => {
                    ffi::lua_pushnil(thread);
                    ffi::lua_pushlstring(thread, message.as_ptr().cast(), message.len());
                    2
                }
                Input::Nothing => 0,
                Input::Text(Some(text)) => {
                    ffi::lua_pushlstring(thread, text.as_ptr().cast(), text.len());
                    1
                }
                Input::Text(None) => {
                    ffi::lua_pushnil(thread);
                    1
                }
            };
            vm.guard.arm(label, vm.limits.resume);
            let status = ffi::lua_resume_(thread, std::ptr::null_mut(), nargs);
            vm.guard.disarm();
            let step = match status {
                ffi::LUA_YIELD => {
                    let yielded = read_yield(&vm.lua, thread);
                    self.decode(yielded)
                }
                ffi::LUA_OK => Step::Died("the user's coroutine returned".into()),
                _ => Step::Died(error_message(&vm.lua, thread)),
            };
            ffi::lua_settop(thread, 0);
            step
        }
    }

    fn decode(&mut self, yielded: Yielded) -> Step {
        let Yielded { op, plain, a, b } = yielded;
        let Some(op) = op else {
            if self.shard.vm.guard.take_forced() {
                return Step::Forced;
            }
            // The task called `coroutine.yield()` itself: it lets the other users run, as
            // `sleep(0)` does (and gevent's), and goes on.
            return Step::Sleep(Duration::ZERO);
        };
        if plain && let Some(method) = plain_method(op) {
            YIELDED_URL.with_borrow_mut(|url| std::mem::swap(&mut self.url, url));
            return Step::Request(method, None);
        }
        match op {
            OP_DONE => Step::Done,
            OP_STOP => Step::Stop,
            OP_NOW => Step::Now,
            OP_INTERRUPT => Step::Interrupt(!matches!(a, Value::Boolean(false))),
            OP_FAILED => Step::Failed(LuaError {
                message: lossy(&a),
                traceback: clean_traceback(&lossy(&b)),
            }),
            OP_GET..=OP_REQUEST => {
                let Some(method) = plain_method(op) else {
                    // request(method, url, opts): the method rides in the options slot.
                    let Value::Table(call) = &b else {
                        return Step::Invalid("invalid request".into());
                    };
                    return self.custom_request(&a, call);
                };
                self.set_url(&a);
                let spec = match &b {
                    Value::Table(opts) => match options(opts) {
                        Ok(spec) => Some(spec),
                        Err(message) => return Step::Invalid(message),
                    },
                    _ => None,
                };
                Step::Request(method, spec)
            }
            OP_SLEEP => {
                let seconds = number(&a).unwrap_or(0.0).max(0.0);
                Step::Sleep(Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX))
            }
            OP_RECORD => {
                let Value::Table(event) = &a else {
                    return Step::Invalid("invalid record".into());
                };
                let field = |i: usize| event.raw_get::<Value>(i).unwrap_or(Value::Nil);
                Step::Record {
                    request_type: lossy(&field(1)),
                    name: lossy(&field(2)),
                    response_time: number(&field(3)).map(|ms| {
                        Duration::try_from_secs_f64(ms.max(0.0) / 1000.0).unwrap_or(Duration::MAX)
                    }),
                    length: number(&field(4)).map_or(0, |n| n.max(0.0) as u64),
                    error: match field(5) {
                        Value::Nil => None,
                        other => Some(lossy(&other)),
                    },
                }
            }
            OP_COOKIE => Step::Cookie(lossy(&a)),
            other => Step::Died(format!("unknown operation {other} yielded to locusta")),
        }
    }

    /// `self.client:request(method, url, opts)`: `call` is `{ method, opts }`.
    fn custom_request(&mut self, url: &Value, call: &mlua::Table) -> Step {
        let method = match call.raw_get::<Value>(1) {
            Ok(Value::String(name)) => request::method(&name.as_bytes()),
            _ => Err("invalid method".to_string()),
        };
        let method = match method {
            Ok(method) => method,
            Err(message) => return Step::Invalid(message),
        };
        self.set_url(url);
        let spec = match call.raw_get::<Value>(2) {
            Ok(Value::Table(opts)) => match options(&opts) {
                Ok(spec) => Some(spec),
                Err(message) => return Step::Invalid(message),
            },
            _ => None,
        };
        Step::Request(method, spec)
    }

    fn set_url(&mut self, url: &Value) {
        self.url.clear();
        if let Value::String(url) = url {
            match url.to_str() {
                Ok(url) => self.url.push_str(&url),
                Err(_) => self.url.push_str(&url.to_string_lossy()),
            }
        }
    }

    /// Abandons the coroutine (killed mid-call, died, or stopped by force) and parks a new
    /// one on the same instance, so `self` keeps its state.
    fn replace_coroutine(&mut self) -> Result<(), TaskError> {
        self.responses.borrow_mut().end_call();
        let lua = &self.shard.vm.lua;
        let instance: Value = lua.registry_value(&self.instance).map_err(lua_task_error)?;
        let (coroutine, _): (Thread, Value) = self
            .shard
            .vm
            .spawn
            .call((&self.class.class, Value::Nil, instance))
            .map_err(lua_task_error)?;
        mark_user(&coroutine);
        self.coroutine = coroutine;
        self.busy = false;
        Ok(())
    }
}

/// The thread data of users' coroutines (any address of ours: only its identity matters).
static USER_MARK: u8 = 0;

/// Marks `coroutine` as a user's, for [`in_user`].
fn mark_user(coroutine: &Thread) {
    // SAFETY: the thread is alive (held by `coroutine`); Luau keeps the pointer as is (new
    // threads start with none, and mlua does not use thread data).
    unsafe {
        ffi::lua_setthreaddata(
            coroutine.state(),
            std::ptr::from_ref(&USER_MARK).cast_mut().cast(),
        );
    }
}

/// Whether `state` is a user's coroutine.
///
/// # Safety
/// `state` is a live Lua thread.
pub(crate) unsafe fn is_user_thread(state: *mut ffi::lua_State) -> bool {
    // SAFETY: reading a thread's data pointer has no precondition beyond a live thread.
    let data = unsafe { ffi::lua_getthreaddata(state) };
    std::ptr::eq(data.cast_const().cast(), &USER_MARK)
}

/// `rt.in_user()`: whether the running coroutine is a user's (see `in_user` in the prelude).
/// It cannot fail, so it is a plain C function (no mlua callback machinery).
pub(crate) unsafe extern "C-unwind" fn in_user(state: *mut ffi::lua_State) -> c_int {
    // SAFETY: Luau calls it with a live state; a C function may push one value.
    unsafe { ffi::lua_pushboolean(state, c_int::from(is_user_thread(state))) };
    1
}

/// The method of a one-method request operation (`OP_GET` to `OP_OPTIONS`).
fn plain_method(op: i64) -> Option<Method> {
    Some(match op {
        OP_GET => Method::GET,
        OP_POST => Method::POST,
        OP_PUT => Method::PUT,
        OP_PATCH => Method::PATCH,
        OP_DELETE => Method::DELETE,
        OP_HEAD => Method::HEAD,
        OP_OPTIONS => Method::OPTIONS,
        _ => return None,
    })
}

thread_local! {
    /// The URL of a plain request just yielded, copied off the Lua stack by [`Yielded`]; the
    /// driver swaps it with its own buffer, so neither allocates once warm.
    static YIELDED_URL: RefCell<String> = const { RefCell::new(String::new()) };
}

/// What the coroutine yielded: an operation code and up to two arguments.
struct Yielded {
    /// `None` if the first value is not a number (the guard forced a yield).
    op: Option<i64>,
    /// A plain request: the URL is in [`YIELDED_URL`], `a` and `b` are nil.
    plain: bool,
    a: Value,
    b: Value,
}

/// Reads the values `thread` yielded (its whole stack).
///
/// A plain request (`self.client:get(url)` without options), the hot path, is read straight
/// off the Lua stack: its URL goes to [`YIELDED_URL`] and no Lua handle is made.
///
/// # Safety
/// `thread` belongs to `lua` and has just yielded.
unsafe fn read_yield(lua: &Lua, thread: *mut ffi::lua_State) -> Yielded {
    // SAFETY: indexes 1..=n are the yielded values.
    unsafe {
        let n = ffi::lua_gettop(thread);
        let op = (n >= 1 && ffi::lua_type(thread, 1) == ffi::LUA_TNUMBER)
            .then(|| ffi::lua_tonumber(thread, 1) as i64);
        if let Some(code) = op
            && plain_method(code).is_some()
            && n >= 2
            && ffi::lua_type(thread, 2) == ffi::LUA_TSTRING
            && (n < 3 || ffi::lua_type(thread, 3) == ffi::LUA_TNIL)
        {
            let mut len = 0;
            let bytes = ffi::lua_tolstring(thread, 2, &mut len);
            let bytes = std::slice::from_raw_parts(bytes.cast::<u8>(), len);
            YIELDED_URL.with_borrow_mut(|url| {
                url.clear();
                match std::str::from_utf8(bytes) {
                    Ok(text) => url.push_str(text),
                    Err(_) => url.push_str(&String::from_utf8_lossy(bytes)),
                }
            });
            return Yielded {
                op,
                plain: true,
                a: Value::Nil,
                b: Value::Nil,
            };
        }
        let value = |i: c_int| {
            if i <= n {
                stack_value(lua, thread, i)
            } else {
                Value::Nil
            }
        };
        Yielded {
            op,
            plain: false,
            a: value(2),
            b: value(3),
        }
    }
}

/// An mlua value for the value at `index` of `thread`'s stack.
///
/// # Safety
/// `thread` belongs to `lua` and `index` is valid on its stack.
unsafe fn stack_value(lua: &Lua, thread: *mut ffi::lua_State, index: c_int) -> Value {
    lua.exec_raw_lua(|raw| {
        // SAFETY: copies the value onto the state mlua works on (outside any callback, the
        // main one), where `pop_value` takes it.
        unsafe {
            let state = raw.state();
            if ffi::lua_checkstack(state, 1) == 0 {
                return Value::Nil;
            }
            ffi::lua_xpush(thread, state, index);
            raw.pop_value()
        }
    })
}

/// The message of the error that ended `thread`, on the top of its stack.
///
/// # Safety
/// `thread` belongs to `lua` and its resume has just failed.
unsafe fn error_message(lua: &Lua, thread: *mut ffi::lua_State) -> String {
    // SAFETY: Luau leaves the error value on the top of the failed thread's stack.
    let value = unsafe {
        if ffi::lua_gettop(thread) == 0 {
            return "the user's coroutine failed".into();
        }
        stack_value(lua, thread, -1)
    };
    match value {
        Value::Error(error) => error.to_string(),
        other => lossy(&other),
    }
}

fn options(opts: &mlua::Table) -> Result<Box<RequestSpec>, String> {
    let mut spec = Box::<RequestSpec>::default();
    request::read_options(opts, &mut spec)?;
    Ok(spec)
}

fn lossy(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string_lossy(),
        Value::Nil => String::new(),
        other => other.to_string().unwrap_or_default(),
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(*i as f64),
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// Drops the frames of Locusta's own Lua code from a traceback, so the exceptions table
/// shows (and groups by) the locustfile's frames only.
fn clean_traceback(traceback: &str) -> String {
    let mut out = String::with_capacity(traceback.len());
    for line in traceback.lines() {
        if line.trim_start().starts_with("locusta:") || line.trim().is_empty() {
            continue;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn lua_task_error(error: mlua::Error) -> TaskError {
    TaskError::msg(error.to_string())
}

impl UserBehaviour for LuaUser {
    fn on_start(&mut self) -> LocalBoxFuture<'_, TaskResult> {
        if self.class.on_start.is_none() {
            return Box::pin(std::future::ready(Ok(())));
        }
        Box::pin(self.drive(Call::OnStart))
    }

    fn run_task(&mut self, index: usize) -> LocalBoxFuture<'_, TaskResult> {
        // `Box::pin(future)` built the 2.3 KB future on the stack and copied it into the box
        // (about 250 instructions per task); writing it into the allocation lets the compiler
        // build it there.
        let mut slot = Box::new_uninit();
        slot.write(self.drive(Call::Task(index)));
        // SAFETY: written just above.
        Box::into_pin(unsafe { slot.assume_init() })
    }

    fn on_stop(&mut self) -> LocalBoxFuture<'_, TaskResult> {
        if self.class.on_stop.is_none() {
            return Box::pin(std::future::ready(Ok(())));
        }
        Box::pin(self.drive(Call::OnStop))
    }

    fn on_taskset_start(&mut self, set: usize) -> LocalBoxFuture<'_, TaskResult> {
        Box::pin(self.drive(Call::EnterSet(set)))
    }

    fn on_taskset_stop(&mut self, set: usize) -> LocalBoxFuture<'_, TaskResult> {
        Box::pin(self.drive(Call::LeaveSet(set)))
    }

    fn traceback(&self, error: &TaskError) -> String {
        if let TaskError::Failed(error) = error
            && let Some(lua) = error.downcast_ref::<LuaError>()
        {
            return lua.traceback.clone();
        }
        error.to_string()
    }
}
