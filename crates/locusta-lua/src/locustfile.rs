//! `Locustfile`: the files, loaded once to validate them and describe their user classes.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use locusta_engine::{BoxedUser, TaskSpec, UserClass, UserFactory, WaitTime};
use locusta_runner::LoadShape;

use crate::error::LoadError;
use crate::shape::{self, ShapeDef};
use crate::shard;
use crate::user::LuaUser;
use crate::vm::{self, Limits, Source};

/// Default limit on one resume of a user's coroutine (the runaway guard).
pub const DEFAULT_RUNAWAY_LIMIT: Duration = Duration::from_secs(2);
/// Limit on running a file's top level.
const LOAD_LIMIT: Duration = Duration::from_secs(30);

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// What every shard needs to load the same program into its own VM.
#[derive(Debug)]
pub(crate) struct Program {
    /// Distinguishes programs in a thread's VM cache.
    pub(crate) id: u64,
    pub(crate) sources: Vec<Source>,
    /// Class names in the engine's order (the order of [`Locustfile::user_classes`]).
    pub(crate) class_names: Vec<String>,
    pub(crate) limits: Limits,
}

/// One class as discovered at load.
#[derive(Debug, Clone)]
struct ClassInfo {
    name: String,
    weight: f64,
    fixed_count: u32,
    host: Option<String>,
    wait_time: WaitTime,
    tasks: Vec<TaskSpec>,
}

/// Lua locustfiles, loaded and validated, ready to give the engine its user classes.
///
/// Loading runs each file once on the calling thread, in a VM that is then dropped; every
/// shard thread later loads the same sources into a VM of its own on its first user, so the
/// files' top level runs once per shard thread, as a Python locustfile runs once per process.
#[derive(Debug)]
pub struct Locustfile {
    program: Arc<Program>,
    classes: Vec<ClassInfo>,
    shape: Option<ShapeDef>,
}

impl Locustfile {
    /// Reads, compiles and runs `paths` (files, or directories whose `.lua` files are all
    /// loaded, in name order), each in an environment of its own, and discovers their user
    /// classes: every global assigned a class (`Name = HttpUser { ... }`) that is not
    /// `abstract`, named after that global, in the order the classes were created.
    pub fn load(paths: &[PathBuf]) -> Result<Self, LoadError> {
        Self::from_sources(read_sources(paths)?)
    }

    /// Loads one locustfile given as text, e.g. received by a distributed worker started with
    /// `-f -`; `name` is the file's name on the master, which errors and tracebacks show.
    pub fn from_text(name: &str, text: String) -> Result<Self, LoadError> {
        Self::from_sources(vec![Source {
            path: PathBuf::from(name),
            chunk: name.to_owned(),
            text,
        }])
    }

    /// The text of the single file loaded, with the name it was loaded by, for sending to
    /// distributed workers; `None` when several files were loaded.
    pub fn single_file_text(&self) -> Option<(String, String)> {
        match self.program.sources.as_slice() {
            [source] => Some((source.chunk.clone(), source.text.clone())),
            _ => None,
        }
    }

    fn from_sources(sources: Vec<Source>) -> Result<Self, LoadError> {
        let limits = Limits {
            resume: DEFAULT_RUNAWAY_LIMIT,
            load: LOAD_LIMIT,
        };
        let (vm, defs) = vm::load(&sources, limits)?;
        let classes: Vec<ClassInfo> = defs
            .into_iter()
            .map(|def| ClassInfo {
                name: def.name,
                weight: def.weight,
                fixed_count: def.fixed_count,
                host: def.host,
                wait_time: def.wait_time,
                tasks: def.tasks,
            })
            .collect();
        let class_names: Vec<String> = classes.iter().map(|class| class.name.clone()).collect();
        let shape = shape::discover(&vm.lua, &sources, &class_names)?;
        let program = Program {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            sources,
            class_names,
            limits,
        };
        Ok(Self {
            program: Arc::new(program),
            classes,
            shape,
        })
    }

    /// Sets how long a user's Lua code may run without yielding (a request, a sleep, ...)
    /// before the runaway guard raises an error in it (default [`DEFAULT_RUNAWAY_LIMIT`]).
    pub fn with_runaway_limit(self, limit: Duration) -> Self {
        let program = Program {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            sources: self.program.sources.clone(),
            class_names: self.program.class_names.clone(),
            limits: Limits {
                resume: limit,
                ..self.program.limits
            },
        };
        Self {
            program: Arc::new(program),
            classes: self.classes,
            shape: self.shape,
        }
    }

    /// The files loaded, in order.
    pub fn files(&self) -> Vec<&Path> {
        self.program
            .sources
            .iter()
            .map(|source| source.path.as_path())
            .collect()
    }

    /// The names of the user classes, in order (`--list`).
    pub fn class_names(&self) -> Vec<&str> {
        self.classes
            .iter()
            .map(|class| class.name.as_str())
            .collect()
    }

    /// The name of the load shape the files define (the first one found; Locust's
    /// `LoadTestShape`), without starting it.
    pub fn shape_name(&self) -> Option<&str> {
        self.shape.as_ref().map(|shape| shape.name.as_str())
    }

    /// The load shape the files define, ready for `Runner::with_shape`, or `None`. A `Stages`
    /// shape is plain data; a shape with a `tick` method gets a Luau VM of its own, on a thread
    /// of its own, which loads the files once more (their top level runs again) and ends when
    /// the shape is dropped.
    pub fn shape(&self) -> Result<Option<Box<dyn LoadShape>>, LoadError> {
        self.shape
            .as_ref()
            .map(|shape| shape.start(&self.program))
            .transpose()
    }

    /// The user classes for the engine, in declaration order. Their factories create Lua
    /// users in the VM of the thread they run on, loading it on first use.
    pub fn user_classes(&self) -> Vec<UserClass> {
        self.classes
            .iter()
            .enumerate()
            .map(|(index, class)| {
                let program = Arc::clone(&self.program);
                let factory: UserFactory = Arc::new(move |ctx| {
                    let shard = shard::shard_vm(&program)?;
                    Ok(Box::new(LuaUser::new(shard, index, ctx)?) as BoxedUser)
                });
                UserClass {
                    name: class.name.clone(),
                    weight: class.weight,
                    fixed_count: class.fixed_count,
                    host: class.host.clone(),
                    wait_time: class.wait_time,
                    tasks: class.tasks.clone(),
                    factory,
                }
            })
            .collect()
    }
}

/// Splits a `-f` argument into paths: Locust accepts a comma-separated list.
pub fn split_locustfile_arg(arg: &str) -> Vec<PathBuf> {
    arg.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(PathBuf::from)
        .collect()
}

fn read_sources(paths: &[PathBuf]) -> Result<Vec<Source>, LoadError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            collect_dir(path, &mut files)?;
            if files.len() == before {
                return Err(LoadError::NoFiles(Some(path.clone())));
            }
        } else {
            files.push(path.clone());
        }
    }
    if files.is_empty() {
        return Err(LoadError::NoFiles(None));
    }
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|source| LoadError::NotFound {
                path: path.clone(),
                source,
            })?;
            Ok(Source {
                chunk: path.display().to_string(),
                path,
                text,
            })
        })
        .collect()
}

/// Every `.lua` file under `dir`, recursively, in name order.
fn collect_dir(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let not_found = |source| LoadError::NotFound {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(not_found)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(not_found)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_dir(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "lua") {
            files.push(path);
        }
    }
    Ok(())
}
