//! The master/worker protocol: typed messages, their framing on a byte stream, and the
//! version handshake. See `docs/distributed.md` for the conversation.

mod codec;
pub(crate) mod handshake;
mod message;

pub use codec::{
    DEFAULT_MAX_FRAME_BYTES, PREAMBLE, decode_message, encode_message, frame_codec,
    recognise_preamble,
};
pub use handshake::{check_hello, check_welcome};
pub use message::{
    ClassTarget, Hello, Locustfile, PROTOCOL_VERSION, Ready, Refused, Spawn, StatsReport, ToMaster,
    ToWorker, Welcome, WorkerHeartbeat, WorkerState,
};
