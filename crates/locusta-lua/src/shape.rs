//! Load shapes written in Lua (Locust's `LoadTestShape`).
//!
//! ```lua
//! Ramp = Stages {                                      -- Locust's stages example
//!     { duration = 60, users = 10, spawn_rate = 10 },
//!     { duration = 120, users = 50, spawn_rate = 10 },
//! }
//!
//! Wave = LoadTestShape { spawn_rate = 20 }             -- or any tick function
//! function Wave:tick(run_time)
//!     if run_time < 600 then return math.round(run_time / 100) * 100, self.spawn_rate end
//! end
//! ```
//!
//! Loading the files finds the shapes (the globals assigned one) and checks them: a `Stages`
//! shape becomes the runner's [`Stages`] at once (pure Rust, nothing runs in Lua afterwards); a
//! shape with a `tick` gets a Luau VM of its own on a thread of its own, because a shape must
//! run once (not once per shard VM) and the runner's [`LoadShape`] is `Send` while a VM is not.
//! The runner asks that thread for each tick (about once a second) and waits for the answer,
//! which takes microseconds; the runaway guard bounds a tick that loops.

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use locusta_runner::{
    LoadShape, ShapeContext, ShapeError, ShapeResult, ShapeTick, Stage, Stages, parse_timespan,
};
use mlua::{Function, Lua, MultiValue, Table, Value};

use crate::error::LoadError;
use crate::locustfile::Program;
use crate::vm::{self, Source};

/// The run's shape as found at load.
#[derive(Debug, Clone)]
pub(crate) struct ShapeDef {
    pub(crate) name: String,
    pub(crate) use_common_options: bool,
    pub(crate) kind: ShapeKind,
}

/// How the shape decides.
#[derive(Debug, Clone)]
pub(crate) enum ShapeKind {
    /// `Stages { ... }`, already converted.
    Stages(Stages),
    /// A Lua `tick` method.
    Tick,
}

impl ShapeDef {
    /// A runnable shape: the stages, or a Lua VM ticking the shape on a thread of its own.
    pub(crate) fn start(&self, program: &Arc<Program>) -> Result<Box<dyn LoadShape>, LoadError> {
        Ok(match &self.kind {
            ShapeKind::Stages(stages) => Box::new(stages.clone()),
            ShapeKind::Tick => Box::new(LuaShape::start(
                Arc::clone(program),
                self.name.clone(),
                self.use_common_options,
            )?),
        })
    }
}

/// The prelude's shape functions (`LoadTestShape.__locusta`).
fn host_api(lua: &Lua) -> mlua::Result<Table> {
    let root: Table = lua.globals().get("LoadTestShape")?;
    root.raw_get("__locusta")
}

/// The shapes the loaded files define, checked; the first one is the run's (Locust uses the
/// first shape class it finds). `classes` are the user class names, for stages' `user_classes`.
pub(crate) fn discover(
    lua: &Lua,
    sources: &[Source],
    classes: &[String],
) -> Result<Option<ShapeDef>, LoadError> {
    let vm_error = |e: mlua::Error| LoadError::Vm(e.to_string());
    let shapes: Function = host_api(lua)
        .and_then(|api| api.get("shapes"))
        .map_err(vm_error)?;
    let found: Vec<Table> = shapes.call(()).map_err(vm_error)?;
    let mut defs = Vec::with_capacity(found.len());
    for shape in found {
        defs.push(describe(&shape, sources, classes).map_err(|e| match e {
            Invalid::Lua(error) => vm_error(error),
            Invalid::Shape(error) => error,
        })?);
    }
    if defs.len() > 1 {
        let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
        tracing::warn!(
            "the locustfile defines {} load shapes ({}): using {}",
            defs.len(),
            names.join(", "),
            names[0]
        );
    }
    Ok(defs.into_iter().next())
}

enum Invalid {
    Lua(mlua::Error),
    Shape(LoadError),
}

impl From<mlua::Error> for Invalid {
    fn from(error: mlua::Error) -> Self {
        Invalid::Lua(error)
    }
}

fn describe(shape: &Table, sources: &[Source], classes: &[String]) -> Result<ShapeDef, Invalid> {
    let name: String = shape.get("name")?;
    let file: usize = shape.get("file")?;
    let line: u32 = shape.get("line")?;
    let path: PathBuf = sources
        .get(file.saturating_sub(1))
        .or(sources.first())
        .map(|source| source.path.clone())
        .unwrap_or_default();
    let invalid = |message: String| {
        Invalid::Shape(LoadError::InvalidShape {
            file: path.clone(),
            line,
            shape: name.clone(),
            message,
        })
    };
    if let Some(message) = shape.get::<Option<String>>("error")? {
        return Err(invalid(message));
    }
    let use_common_options: bool = shape.get("use_common_options")?;
    let kind = match shape.get::<Option<Vec<Table>>>("stages")? {
        Some(stages) => {
            let stages = stages
                .iter()
                .enumerate()
                .map(|(index, stage)| read_stage(index + 1, stage, classes))
                .collect::<Result<Result<Vec<Stage>, String>, mlua::Error>>()?
                .map_err(&invalid)?;
            let stages = Stages::new(stages).map_err(|e| invalid(e.to_string()))?;
            ShapeKind::Stages(stages.named(name.clone()))
        }
        None if shape.get::<bool>("has_tick")? => ShapeKind::Tick,
        None => {
            return Err(invalid(format!(
                "a load shape needs a tick method (function {name}:tick(run_time) ... end), \
                 or use Stages {{ ... }}"
            )));
        }
    };
    Ok(ShapeDef {
        name,
        use_common_options,
        kind,
    })
}

/// One `{duration = ..., users = ..., spawn_rate = ..., user_classes = ...}`, or why not.
fn read_stage(
    number: usize,
    stage: &Table,
    classes: &[String],
) -> mlua::Result<Result<Stage, String>> {
    let duration: Value = stage.get("duration")?;
    let until = match &duration {
        Value::String(text) => {
            let text = text.to_string_lossy();
            match parse_timespan(&text) {
                Ok(until) => until,
                Err(error) => return Ok(Err(format!("stage {number} duration: {error}"))),
            }
        }
        value => match number_of(value) {
            Some(secs) if secs == f64::INFINITY => Duration::MAX,
            Some(secs) if secs >= 0.0 => Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX),
            _ => {
                return Ok(Err(format!(
                    "stage {number} needs a duration: the time since the start at which it ends, \
                     in seconds (or a time span such as \"2m\"; math.huge holds it for ever), \
                     got {}",
                    describe_value(value)
                )));
            }
        },
    };
    let users: Value = stage.get("users")?;
    let Some(users) = whole(&users) else {
        return Ok(Err(format!(
            "stage {number} needs users as a whole number >= 0, got {}",
            describe_value(&users)
        )));
    };
    let rate: Value = stage.get("spawn_rate")?;
    let Some(spawn_rate) = number_of(&rate) else {
        return Ok(Err(format!(
            "stage {number} needs a spawn_rate (users per second), got {}",
            describe_value(&rate)
        )));
    };
    let user_classes: Option<Vec<String>> = stage.get("user_classes")?;
    if let Some(unknown) = user_classes
        .iter()
        .flatten()
        .find(|name| !classes.contains(name))
    {
        return Ok(Err(format!(
            "stage {number} user_classes: '{unknown}' is not a user class of the locustfile \
             (known: {})",
            classes.join(", ")
        )));
    }
    Ok(Ok(Stage {
        until,
        users,
        spawn_rate,
        user_classes,
    }))
}

fn number_of(value: &Value) -> Option<f64> {
    match *value {
        Value::Integer(i) => Some(i as f64),
        Value::Number(n) => Some(n),
        _ => None,
    }
}

/// A whole number >= 0.
fn whole(value: &Value) -> Option<u64> {
    let n = number_of(value)?;
    (n >= 0.0 && n.fract() == 0.0 && n < u64::MAX as f64).then_some(n as u64)
}

fn describe_value(value: &Value) -> String {
    match value {
        Value::Nil => "nothing".to_owned(),
        Value::String(text) => format!("\"{}\"", text.to_string_lossy()),
        Value::Integer(i) => i.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.type_name().to_owned(),
    }
}

/// A shape whose `tick` is Lua code, run by a VM on a thread of its own.
pub(crate) struct LuaShape {
    name: String,
    use_common_options: bool,
    requests: Option<mpsc::Sender<ShapeContext>>,
    replies: mpsc::Receiver<ShapeResult>,
    thread: Option<JoinHandle<()>>,
}

impl LuaShape {
    /// Starts the shape's thread and loads the files into its VM; returns once the VM is ready
    /// (or failed to load).
    fn start(
        program: Arc<Program>,
        name: String,
        use_common_options: bool,
    ) -> Result<Self, LoadError> {
        let (requests, incoming) = mpsc::channel();
        let (reply, replies) = mpsc::channel();
        let (ready, loaded) = mpsc::channel();
        let shape = name.clone();
        let thread = std::thread::Builder::new()
            .name("locusta-shape".to_owned())
            .spawn(move || serve(&program, &shape, &ready, &incoming, &reply))
            .map_err(|e| LoadError::Vm(format!("could not start the load shape's thread: {e}")))?;
        let mut shape = Self {
            name,
            use_common_options,
            requests: Some(requests),
            replies,
            thread: Some(thread),
        };
        match loaded.recv() {
            Ok(Ok(())) => Ok(shape),
            Ok(Err(error)) => Err(error),
            Err(_) => {
                shape.requests = None;
                Err(LoadError::Vm(
                    "the load shape's thread ended while loading".to_owned(),
                ))
            }
        }
    }
}

impl LoadShape for LuaShape {
    fn tick(&mut self, context: &ShapeContext) -> ShapeResult {
        let gone = || ShapeError::msg("the load shape's Lua thread has ended");
        let requests = self.requests.as_ref().ok_or_else(gone)?;
        requests.send(*context).map_err(|_| gone())?;
        self.replies.recv().map_err(|_| gone())?
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn use_common_options(&self) -> bool {
        self.use_common_options
    }
}

impl Drop for LuaShape {
    fn drop(&mut self) {
        // Closing the request channel ends the thread's loop.
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The shape thread: loads the files, then answers ticks until the channel closes.
fn serve(
    program: &Program,
    name: &str,
    ready: &mpsc::Sender<Result<(), LoadError>>,
    incoming: &mpsc::Receiver<ShapeContext>,
    reply: &mpsc::Sender<ShapeResult>,
) {
    let (vm, tick, shape) = match load(program, name) {
        Ok(loaded) => loaded,
        Err(error) => {
            let _ = ready.send(Err(error));
            return;
        }
    };
    if ready.send(Ok(())).is_err() {
        return;
    }
    let label: Rc<str> = Rc::from(format!("{name}.tick"));
    for context in incoming {
        vm.guard.arm(&label, vm.limits.resume);
        let result = call_tick(&vm.lua, &tick, &shape, &context);
        vm.guard.disarm();
        let result = result.unwrap_or_else(|error| Err(ShapeError::msg(error.to_string())));
        if reply.send(result).is_err() {
            return;
        }
    }
}

fn load(program: &Program, name: &str) -> Result<(vm::Vm, Function, Table), LoadError> {
    let (vm, _classes) = vm::load(&program.sources, program.limits)?;
    let vm_error = |e: mlua::Error| LoadError::Vm(e.to_string());
    let api = host_api(&vm.lua).map_err(vm_error)?;
    let tick: Function = api.get("tick").map_err(vm_error)?;
    let shapes: Vec<Table> = api
        .get::<Function>("shapes")
        .and_then(|shapes| shapes.call(()))
        .map_err(vm_error)?;
    for described in shapes {
        if described.get::<String>("name").map_err(vm_error)? == name {
            let shape: Table = described.get("shape").map_err(vm_error)?;
            return Ok((vm, tick, shape));
        }
    }
    Err(LoadError::Vm(format!(
        "load shape {name} was not defined when its thread loaded the locustfile"
    )))
}

/// One tick through the prelude's wrapper, its result checked.
fn call_tick(
    lua: &Lua,
    tick: &Function,
    shape: &Table,
    context: &ShapeContext,
) -> mlua::Result<ShapeResult> {
    let options = lua.create_table()?;
    options.set("num_users", context.options.users)?;
    options.set("spawn_rate", context.options.spawn_rate)?;
    options.set(
        "run_time",
        context.options.run_time.map(|t| t.as_secs_f64()),
    )?;
    let results: MultiValue = tick.call((
        shape,
        context.run_time.as_secs_f64(),
        context.user_count,
        options,
    ))?;
    let mut results = results.into_iter();
    let ok = results.next().and_then(|v| v.as_boolean()).unwrap_or(false);
    let text = |value: Option<Value>| {
        value
            .and_then(|v| v.as_string().map(|s| s.to_string_lossy()))
            .unwrap_or_default()
    };
    if !ok {
        let message = text(results.next());
        let traceback = text(results.next());
        return Ok(Err(ShapeError { message, traceback }));
    }
    let users = results.next().unwrap_or(Value::Nil);
    if users.is_nil() {
        return Ok(Ok(None));
    }
    let rate = results.next().unwrap_or(Value::Nil);
    let Some(users) = whole(&users) else {
        return Ok(Err(ShapeError::msg(format!(
            "tick() returned {} users: the user count must be a whole number >= 0 (math.floor \
             or math.round it)",
            describe_value(&users)
        ))));
    };
    let Some(spawn_rate) = number_of(&rate) else {
        return Ok(Err(ShapeError::msg(format!(
            "tick() must return users, spawn_rate[, user_classes] (or nil to stop); the spawn \
             rate was {}",
            describe_value(&rate)
        ))));
    };
    let user_classes: Option<Vec<String>> = match results.next() {
        Some(Value::Table(names)) => Some(names.sequence_values().collect::<mlua::Result<_>>()?),
        _ => None,
    };
    Ok(Ok(Some(ShapeTick {
        users,
        spawn_rate,
        user_classes,
    })))
}
