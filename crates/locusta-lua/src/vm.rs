//! One Luau VM with the locustfiles loaded: the prelude (the Lua API), each file run in an
//! environment of its own, and the user classes discovered and described.
//!
//! The same code loads the files once on the loading thread (to validate them and build the
//! engine's class list) and again on every shard thread (to run users).

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use locusta_engine::{TaskSetSpec, TaskSpec, WaitTime};
use mlua::{Function, Lua, RegistryKey, Table, Value};

use crate::error::{LoadError, split_location};
use crate::guard::Guard;
use crate::json;

const PRELUDE: &str = include_str!("prelude.luau");

/// One locustfile's text.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// The path as given (after expanding directories).
    pub(crate) path: PathBuf,
    /// The chunk name errors and tracebacks show: the path as text.
    pub(crate) chunk: String,
    /// The file's contents.
    pub(crate) text: String,
}

/// Time limits of the runaway guard.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// How long one resume of a user's coroutine may run without yielding.
    pub(crate) resume: Duration,
    /// How long a file's top level may run.
    pub(crate) load: Duration,
}

/// A VM with the locustfiles loaded.
pub(crate) struct Vm {
    pub(crate) lua: Lua,
    /// The prelude's `api.spawn`.
    pub(crate) spawn: Function,
    pub(crate) guard: Rc<Guard>,
    pub(crate) limits: Limits,
}

/// What the engine needs to know about a class, plus the Lua values that run its users.
pub(crate) struct ClassDef {
    pub(crate) name: String,
    pub(crate) weight: f64,
    pub(crate) fixed_count: u32,
    pub(crate) host: Option<String>,
    pub(crate) wait_time: WaitTime,
    pub(crate) tasks: Vec<TaskSpec>,
    pub(crate) runtime: ClassRuntime,
}

/// A class's Lua side, in one VM.
///
/// The functions a user runs are registry keys: the driver pushes them straight onto the
/// user's coroutine (`lua_rawgeti` on the registry), without going through an mlua handle.
pub(crate) struct ClassRuntime {
    pub(crate) class: Table,
    pub(crate) tasks: Vec<RegistryKey>,
    /// `Class.task` for each task, for the runaway guard's message.
    pub(crate) task_labels: Vec<Rc<str>>,
    /// Defined hooks only: a class without `on_start` pays nothing for it.
    pub(crate) on_start: Option<RegistryKey>,
    pub(crate) on_stop: Option<RegistryKey>,
    pub(crate) on_start_label: Rc<str>,
    pub(crate) on_stop_label: Rc<str>,
    /// The class's TaskSets, by `TaskSetSpec::id`.
    pub(crate) sets: Vec<SetRuntime>,
    /// Whether users have `self.client` (the class derives from `HttpUser`).
    pub(crate) http: bool,
    pub(crate) name: Rc<str>,
}

/// The two functions of a TaskSet, made by the prelude: entering it (a new TaskSet instance,
/// its `on_start`) and leaving it (its `on_stop`).
pub(crate) struct SetRuntime {
    pub(crate) enter: RegistryKey,
    pub(crate) leave: RegistryKey,
    /// `Set`, for the runaway guard's message.
    pub(crate) label: Rc<str>,
}

/// Creates a VM and loads `sources` into it, returning the discovered classes in
/// declaration order (files in the order given).
pub(crate) fn load(sources: &[Source], limits: Limits) -> Result<(Vm, Vec<ClassDef>), LoadError> {
    let lua = Lua::new();
    let vm_error = |e: mlua::Error| LoadError::Vm(e.to_string());
    let api = install_prelude(&lua).map_err(vm_error)?;
    let guard = Guard::install(&lua);
    crate::response::install(&lua).map_err(vm_error)?;
    let base_globals = lua.globals();
    // Libraries and globals become read-only; each file writes into its own environment.
    lua.sandbox(true).map_err(vm_error)?;
    let begin_file: Function = api.get("begin_file").map_err(vm_error)?;
    let end_file: Function = api.get("end_file").map_err(vm_error)?;
    let discover: Function = api.get("discover").map_err(vm_error)?;
    let created_in: Function = api.get("created_in").map_err(vm_error)?;
    let describe: Function = api.get("describe").map_err(vm_error)?;

    let load_label: Rc<str> = Rc::from("the locustfile's top level");
    let mut found: Vec<(String, usize, Table)> = Vec::new();
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (index, source) in sources.iter().enumerate() {
        let env = file_environment(&lua, &base_globals).map_err(vm_error)?;
        begin_file.call::<()>(index + 1).map_err(vm_error)?;
        guard.arm(&load_label, limits.load);
        let ran = lua
            .load(&source.text)
            .set_name(format!("@{}", source.chunk))
            .set_environment(env.clone())
            .exec();
        guard.disarm();
        ran.map_err(|e| lua_error(source, e))?;
        let (line, message): (Option<u32>, Option<String>) = end_file.call(()).map_err(vm_error)?;
        if let Some(message) = message {
            return Err(LoadError::Runtime {
                file: source.path.clone(),
                line,
                message,
                traceback: String::new(),
            });
        }
        let classes: Table = discover.call(&env).map_err(vm_error)?;
        for entry in classes.sequence_values::<Table>() {
            let entry = entry.map_err(vm_error)?;
            let name: String = entry.get("name").map_err(vm_error)?;
            let class: Table = entry.get("class").map_err(vm_error)?;
            if let Some(&first) = owner.get(&name) {
                if first != index {
                    return Err(LoadError::DuplicateClass {
                        name,
                        first: sources[first].path.clone(),
                        second: source.path.clone(),
                    });
                }
                continue;
            }
            owner.insert(name.clone(), index);
            found.push((name, index, class));
        }
    }
    if found.is_empty() {
        let mut kept_local = false;
        for index in 0..sources.len() {
            let created: usize = created_in.call(index + 1).map_err(vm_error)?;
            kept_local |= created > 0;
        }
        let hint = if kept_local {
            ": user classes are found by their global name (QuickstartUser = HttpUser { ... }); \
             classes kept in local variables, or marked abstract = true, are not run"
        } else {
            ": define one with QuickstartUser = HttpUser { ... }"
        };
        return Err(LoadError::NoUserClass {
            files: sources.iter().map(|s| s.path.clone()).collect(),
            hint: hint.to_string(),
        });
    }

    let mut classes = Vec::with_capacity(found.len());
    for (name, file, class) in found {
        let described: mlua::MultiValue = describe.call(&class).map_err(vm_error)?;
        let mut values = described.into_iter();
        match values.next() {
            Some(Value::Table(description)) => {
                classes.push(class_def(&lua, name, class, &description).map_err(vm_error)?);
            }
            _ => {
                let file_index: usize = values
                    .next()
                    .and_then(|v| v.as_usize())
                    .filter(|&f| f >= 1)
                    .map_or(file, |f| f - 1);
                let line = values.next().and_then(|v| v.as_u32()).unwrap_or(0);
                let message = values
                    .next()
                    .and_then(|v| v.as_string().map(|s| s.to_string_lossy()))
                    .unwrap_or_default();
                return Err(LoadError::InvalidClass {
                    file: sources[file_index].path.clone(),
                    line,
                    class: name,
                    message,
                });
            }
        }
    }
    let spawn: Function = api.get("spawn").map_err(vm_error)?;
    Ok((
        Vm {
            lua,
            spawn,
            guard,
            limits,
        },
        classes,
    ))
}

/// Runs the prelude with the Rust functions it needs; returns its internal API table.
fn install_prelude(lua: &Lua) -> mlua::Result<Table> {
    let rt = lua.create_table()?;
    let origin = tokio::time::Instant::now();
    rt.set(
        "perf_counter",
        lua.create_function(move |_, ()| Ok(origin.elapsed().as_secs_f64()))?,
    )?;
    rt.set(
        "wall_time",
        lua.create_function(|_, ()| {
            Ok(SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()))
        })?,
    )?;
    rt.set(
        "log",
        lua.create_function(|_, (level, message): (u8, mlua::LuaString)| {
            let message = message.to_string_lossy();
            match level {
                1 => tracing::debug!(target: "locustfile", "{message}"),
                2 => tracing::info!(target: "locustfile", "{message}"),
                3 => tracing::warn!(target: "locustfile", "{message}"),
                _ => tracing::error!(target: "locustfile", "{message}"),
            }
            Ok(())
        })?,
    )?;
    rt.set(
        "json_encode",
        lua.create_function(|_, value: Value| {
            let json = json::to_json(&value).map_err(mlua::Error::runtime)?;
            Ok(json.to_string())
        })?,
    )?;
    rt.set(
        "json_decode",
        lua.create_function(|lua, text: mlua::LuaString| json::decode(lua, &text.as_bytes()))?,
    )?;
    rt.set("json_null", json::null())?;
    // SAFETY: `in_user` only reads the running thread's data and pushes a boolean.
    rt.set("in_user", unsafe {
        lua.create_c_function(crate::user::in_user)?
    })?;
    rt.set(
        "client_method",
        lua.create_function(crate::request::make_client_method)?,
    )?;
    lua.load(PRELUDE).set_name("=locusta").call(rt)
}

/// A fresh environment for one file: its globals are its own, reads fall through to the
/// (read-only) shared globals. Marked "safe" so Luau keeps its fast paths for builtins.
fn file_environment(lua: &Lua, globals: &Table) -> mlua::Result<Table> {
    let env = lua.create_table()?;
    let meta = lua.create_table()?;
    meta.set("__index", globals)?;
    env.set_metatable(Some(meta))?;
    // SAFETY: the closure only flags the table just pushed on the stack.
    unsafe {
        lua.exec_raw::<()>(&env, |state| mlua::ffi::lua_setsafeenv(state, -1, 1))?;
    }
    Ok(env)
}

fn class_def(lua: &Lua, name: String, class: Table, d: &Table) -> mlua::Result<ClassDef> {
    let wait_time = wait_time(d)?;
    let key = |f: Function| lua.create_registry_value(f);
    let on_start: Option<Function> = d.get("on_start")?;
    let on_stop: Option<Function> = d.get("on_stop")?;
    let call_fns: Vec<Function> = d.get("call_fns")?;
    let call_labels: Vec<String> = d.get("call_labels")?;
    let set_enter: Vec<Function> = d.get("set_enter")?;
    let set_leave: Vec<Function> = d.get("set_leave")?;
    let set_labels: Vec<String> = d.get("set_labels")?;
    let tasks = task_tree(&d.get("tree")?)?;
    let task_labels = call_labels
        .iter()
        .map(|task| Rc::from(format!("{name}.{task}")))
        .collect();
    let sets = set_enter
        .into_iter()
        .zip(set_leave)
        .zip(&set_labels)
        .map(|((enter, leave), label)| {
            Ok(SetRuntime {
                enter: key(enter)?,
                leave: key(leave)?,
                label: Rc::from(label.as_str()),
            })
        })
        .collect::<mlua::Result<_>>()?;
    let fixed_count: f64 = d.get("fixed_count")?;
    let runtime = ClassRuntime {
        class,
        tasks: call_fns.into_iter().map(key).collect::<mlua::Result<_>>()?,
        task_labels,
        on_start: on_start.map(key).transpose()?,
        on_stop: on_stop.map(key).transpose()?,
        on_start_label: Rc::from(format!("{name}.on_start")),
        on_stop_label: Rc::from(format!("{name}.on_stop")),
        sets,
        http: d.get("http")?,
        name: Rc::from(name.as_str()),
    };
    Ok(ClassDef {
        weight: d.get("weight")?,
        fixed_count: fixed_count.min(f64::from(u32::MAX)) as u32,
        host: d.get("host")?,
        wait_time,
        tasks,
        runtime,
        name,
    })
}

/// A wait time described by the prelude (`wait_kind`, `wait_a`, `wait_b` of `d`).
fn wait_time(d: &Table) -> mlua::Result<WaitTime> {
    let kind: String = d.get("wait_kind")?;
    let a: f64 = d.get("wait_a")?;
    let b: f64 = d.get("wait_b")?;
    Ok(match kind.as_str() {
        "between" => locusta_engine::between(a, b),
        "constant_pacing" => locusta_engine::constant_pacing(a),
        _ => locusta_engine::constant(a),
    })
}

/// The task tree described by the prelude: `{ name, weight, tags, call = n }` for a task,
/// `{ name, weight, tags, set = { id, sequential, wait_kind?, tags, tasks } }` for a TaskSet.
fn task_tree(list: &Table) -> mlua::Result<Vec<TaskSpec>> {
    let mut tasks = Vec::new();
    for entry in list.sequence_values::<Table>() {
        let entry = entry?;
        let name: String = entry.get("name")?;
        let weight: u32 = entry.get("weight")?;
        let tags: Vec<String> = entry.get("tags")?;
        let spec = match entry.get::<Option<Table>>("set")? {
            None => TaskSpec::call(name, weight, entry.get("call")?),
            Some(set) => {
                let mut spec = TaskSetSpec::new(name, set.get("id")?);
                spec.sequential = set.get("sequential")?;
                spec.tags = set.get("tags")?;
                if set.contains_key("wait_kind")? {
                    spec.wait_time = Some(wait_time(&set)?);
                }
                spec.tasks = task_tree(&set.get("tasks")?)?;
                TaskSpec::task_set(weight, spec)
            }
        };
        tasks.push(spec.with_tags(tags));
    }
    Ok(tasks)
}

/// Maps an error from running a file to a [`LoadError`] naming the file and line.
fn lua_error(source: &Source, error: mlua::Error) -> LoadError {
    match error {
        mlua::Error::SyntaxError { message, .. } => {
            let (line, message) = split_location(&message, &source.chunk);
            LoadError::Syntax {
                file: source.path.clone(),
                line,
                message: message.to_string(),
            }
        }
        mlua::Error::RuntimeError(text) => {
            let (message, traceback) = match text.split_once("\nstack traceback:\n") {
                Some((message, traceback)) => (message, traceback),
                None => (text.as_str(), ""),
            };
            let (line, message) = split_location(message, &source.chunk);
            LoadError::Runtime {
                file: source.path.clone(),
                line,
                message: message.to_string(),
                traceback: traceback.to_string(),
            }
        }
        mlua::Error::CallbackError { traceback, cause } => {
            let line = traceback_line(&traceback, &source.chunk);
            LoadError::Runtime {
                file: source.path.clone(),
                line,
                message: cause.to_string(),
                traceback,
            }
        }
        mlua::Error::WithContext { cause, .. } => lua_error(source, (*cause).clone()),
        other => LoadError::Vm(other.to_string()),
    }
}

/// The first line number of `chunk` mentioned in a traceback.
fn traceback_line(traceback: &str, chunk: &str) -> Option<u32> {
    traceback.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix(chunk)?.strip_prefix(':')?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    })
}
