//! Simulated users and their tasks.
//!
//! A [`UserClass`] describes users the way a Locust `User` class does (weight, fixed count,
//! host, wait time, weighted tasks, `on_start`/`on_stop`). The [`Engine`] runs live users on
//! thread-per-core shards; each user is a task on its shard's `LocalSet`, driven through the
//! small [`UserBehaviour`] trait that Rust users and the Lua host both implement.
//!
//! The engine knows neither HTTP nor Lua, and nothing about when users should come and go:
//! the runner decides that and sends orders.

mod behaviour;
mod class;
mod context;
mod engine;
mod picker;
mod shard;
mod stop;
mod task;
mod tasks;
mod user;
mod wait;

pub use behaviour::{BoxedUser, UserBehaviour};
pub use class::{TaskFn, TaskSetBuilder, UserClass, UserClassBuilder, UserFactory};
pub use context::{Resources, UserContext};
pub use engine::{Engine, EngineConfig, EngineError, EngineReport};
pub use task::{TaskError, TaskResult};
pub use tasks::{TagFilter, TaskKind, TaskSetSpec, TaskSpec};
pub use wait::{WaitTime, between, constant, constant_pacing, constant_throughput};
