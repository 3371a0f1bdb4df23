//! Request statistics, recorded where they are produced and merged exactly.
//!
//! Data flow: a request produces an [`Outcome`] that is pushed into the shard's own
//! [`Recorder`] (no lock, no channel). Once a second the runner asks each shard for a delta
//! [`Snapshot`] (`Recorder::take_delta`) and merges it into the run's cumulative snapshot
//! (`Snapshot::merge`). Printers, CSV, web and (later) the master read a [`RunView`].
//!
//! Response times are kept in microseconds in a bounded HDR histogram per entry, so memory does
//! not grow with run length and percentiles are within 1 % (see [`EntryRow::percentile_ms`]).
//!
//! This crate knows nothing else of Locusta.

#![warn(missing_docs)]

mod clock;
mod entry;
mod failures;
mod histogram;
mod key;
mod per_second;
mod recorder;
mod snapshot;
mod view;
mod wire;

pub use clock::Clock;
pub use entry::EntryStats;
pub use failures::{ErrorStats, ExceptionStats, LOCAL_NODE};
pub use histogram::{HIGHEST_TRACKABLE_US, SIGNIFICANT_DIGITS};
pub use key::{EntryKey, ErrorKey};
pub use per_second::SECONDS_KEPT;
pub use recorder::{ContentLength, Outcome, Recorder};
pub use snapshot::Snapshot;
pub use view::{
    AGGREGATED_NAME, EntryRow, ErrorRow, ExceptionRow, HISTORY_CAPACITY, HISTORY_INTERVAL, History,
    HistoryPoint, PERCENTILE_WINDOW, PERCENTILES_TO_CHART, PERCENTILES_TO_REPORT,
    PERCENTILES_TO_STATISTICS, RunState, RunView,
};
pub use wire::{
    MAX_INFLATED_BYTES, SnapshotDecoder, SnapshotEncoder, WIRE_VERSION, WireCompression, WireError,
    decode_snapshot,
};
