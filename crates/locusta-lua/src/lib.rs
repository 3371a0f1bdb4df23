//! Lua locustfiles: user classes written in Lua (Luau), run by the engine.
//!
//! ```lua
//! QuickstartUser = HttpUser {          -- class QuickstartUser(HttpUser):
//!     wait_time = between(1, 5),       --     wait_time = between(1, 5)
//! }
//!
//! task(3)                              --     @task(3)
//! function QuickstartUser:view_items() --     def view_items(self):
//!     self.client:get("/item?id=1", { name = "/item" })
//! end
//! ```
//!
//! [`Locustfile::load`] reads and validates the files and describes their classes
//! ([`Locustfile::user_classes`]); the engine then creates users through the classes'
//! factories. Each shard thread loads the files into a Luau VM of its own, lazily on its first
//! user; each user is a coroutine that yields its requests and sleeps to a Rust driver (see
//! `user.rs`), which awaits them and resumes it with the result. [`Locustfile::shape`] gives the
//! runner the files' load shape, if they define one (`shape.rs`). The whole Lua API is
//! documented in `docs/lua-api.md`.

mod error;
mod guard;
mod json;
mod locustfile;
mod request;
mod response;
mod shape;
mod shard;
mod user;
mod vm;

pub use error::LoadError;
pub use locustfile::{DEFAULT_RUNAWAY_LIMIT, Locustfile, split_locustfile_arg};
pub use user::LuaError;
