//! The run state machine: ramps users up and down at Locust's spawn rate, picks each new
//! user's class (among all classes or a selected subset), enforces the run time, drives load
//! shapes, and turns shard statistics into published [`locusta_stats::RunView`]s.

pub mod cluster;
mod dispatch;
mod population;
mod ramp;
mod roster;
mod runner;
mod shape;
mod stages;
mod timespan;

pub use dispatch::{ClassSequence, ClassShare};
pub use population::Population;
pub use ramp::{batch_size, step_delay};
pub use runner::{Runner, RunnerConfig, RunnerHandle, Target};
pub use shape::{LoadShape, ShapeContext, ShapeError, ShapeOptions, ShapeResult, ShapeTick};
pub use stages::{Stage, StageError, Stages};
pub use timespan::{TIMESPAN_HELP, TimespanError, parse_timespan};
