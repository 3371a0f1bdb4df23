//! The run state machine: ramps users up and down at Locust's spawn rate, picks each new
//! user's class, enforces the run time, and turns shard statistics into published
//! [`locusta_stats::RunView`]s.

mod dispatch;
mod ramp;
mod runner;
mod timespan;

pub use dispatch::{ClassSequence, ClassShare};
pub use ramp::{RampStep, batch_size, ramp_step};
pub use runner::{Runner, RunnerConfig, RunnerHandle, Target};
pub use timespan::{TIMESPAN_HELP, TimespanError, parse_timespan};
