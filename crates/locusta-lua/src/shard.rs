//! The VM of a shard thread: loaded lazily, on the thread's first Lua user, and shared by
//! every shard on that thread (tests run several shards on one thread with
//! `Engine::start_local`).

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use locusta_engine::{Resources, TaskError};
use locusta_http::HttpConfig;

use crate::locustfile::Program;
use crate::vm::{self, ClassRuntime, Vm};

/// A thread's VM for one loaded locustfile, and its classes in the engine's order.
pub(crate) struct ShardVm {
    pub(crate) vm: Vm,
    pub(crate) classes: Vec<Rc<ClassRuntime>>,
    /// Built once when the process did not provide an HTTP configuration.
    default_http: OnceCell<Arc<HttpConfig>>,
}

impl ShardVm {
    /// The process's HTTP configuration (set by the composition root), or a default one.
    pub(crate) fn http_config(&self, resources: &Resources) -> Result<Arc<HttpConfig>, TaskError> {
        if let Some(config) = resources.get::<Arc<HttpConfig>>() {
            return Ok(Arc::clone(config));
        }
        if let Some(config) = self.default_http.get() {
            return Ok(Arc::clone(config));
        }
        let config = HttpConfig::shared_default()?;
        Ok(Arc::clone(self.default_http.get_or_init(|| config)))
    }
}

thread_local! {
    /// Loaded VMs by program id. A failed load is remembered too, so a locustfile that does
    /// not load on a shard is reported once per user, not re-run for each.
    static VMS: RefCell<HashMap<u64, Result<Rc<ShardVm>, String>>> = RefCell::new(HashMap::new());
}

/// This thread's VM for `program`, loading it on first use.
pub(crate) fn shard_vm(program: &Program) -> Result<Rc<ShardVm>, TaskError> {
    let cached = VMS.with(|vms| vms.borrow().get(&program.id).cloned());
    let loaded = match cached {
        Some(loaded) => loaded,
        None => {
            let loaded = load(program);
            VMS.with(|vms| vms.borrow_mut().insert(program.id, loaded.clone()));
            loaded
        }
    };
    loaded.map_err(TaskError::msg)
}

fn load(program: &Program) -> Result<Rc<ShardVm>, String> {
    let (vm, defs) = vm::load(&program.sources, program.limits).map_err(|e| e.to_string())?;
    let mut by_name: HashMap<String, ClassRuntime> = defs
        .into_iter()
        .map(|def| (def.name, def.runtime))
        .collect();
    let classes = program
        .class_names
        .iter()
        .map(|name| {
            by_name.remove(name).map(Rc::new).ok_or_else(|| {
                format!("user class {name} was not defined when this shard loaded the locustfile")
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Rc::new(ShardVm {
        vm,
        classes,
        default_http: OnceCell::new(),
    }))
}
