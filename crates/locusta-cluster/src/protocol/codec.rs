//! Messages on a byte stream: a fixed preamble, then length-delimited frames of MessagePack.

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::codec::LengthDelimitedCodec;

use crate::ClusterError;

/// The largest frame either side accepts by default (32 MiB). A statistics report of a run
/// with thousands of distinct request names is a few MB; a larger frame is a bug or not our
/// peer, and the connection is closed instead of buffering it.
pub const DEFAULT_MAX_FRAME_BYTES: usize = 32 * 1024 * 1024;

/// The first bytes each side writes on a new connection, before any frame. They tell a
/// Locusta peer from anything else that can reach the port (a Locust node speaking ZeroMQ, a
/// browser), so the error can say what went wrong. The last byte is the framing version.
pub const PREAMBLE: [u8; 8] = *b"LOCUSTA\x01";

/// The frame codec: a 4-byte big-endian length, then the payload, at most `max_frame_bytes`.
pub fn frame_codec(max_frame_bytes: usize) -> LengthDelimitedCodec {
    LengthDelimitedCodec::builder()
        .length_field_type::<u32>()
        .max_frame_length(max_frame_bytes)
        .new_codec()
}

/// One message as a frame payload (MessagePack with field names).
pub fn encode_message<T: Serialize>(message: &T) -> Result<Vec<u8>, ClusterError> {
    rmp_serde::to_vec_named(message).map_err(|error| ClusterError::Protocol(error.to_string()))
}

/// One message from a frame payload.
pub fn decode_message<T: DeserializeOwned>(payload: &[u8]) -> Result<T, ClusterError> {
    rmp_serde::from_slice(payload)
        .map_err(|error| ClusterError::Protocol(format!("undecodable message: {error}")))
}

/// Checks the peer's first 8 bytes; the error says what the peer seems to be instead.
pub fn recognise_preamble(first: &[u8; 8]) -> Result<(), String> {
    if *first == PREAMBLE {
        return Ok(());
    }
    if first[..7] == PREAMBLE[..7] {
        return Err(format!(
            "the peer uses Locusta framing version {}, this build version {}: run the same \
             Locusta version on the master and all workers",
            first[7], PREAMBLE[7]
        ));
    }
    if first[0] == 0xff {
        return Err(
            "the peer speaks ZeroMQ: it looks like a Locust (Python) master or worker, \
                    which Locusta cannot work with"
                .to_owned(),
        );
    }
    let http = [
        "HTTP/", "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ",
    ];
    if http
        .iter()
        .any(|start| first.starts_with(&start.as_bytes()[..start.len().min(8)]))
    {
        return Err(
            "the peer speaks HTTP: is this the web UI port? Workers connect to the \
                    master's worker port (--master-bind-port, 5557 by default)"
                .to_owned(),
        );
    }
    Err(format!(
        "the peer does not speak the Locusta master/worker protocol (it sent {:?})",
        String::from_utf8_lossy(first)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Hello, PROTOCOL_VERSION, ToMaster};

    #[test]
    fn messages_round_trip() {
        let hello = ToMaster::Hello(Hello {
            protocol_version: PROTOCOL_VERSION,
            locusta_version: "0.1.0".into(),
            worker_id: "host_1".into(),
            hostname: "host".into(),
            pid: 42,
            wants_locustfile: true,
        });
        let bytes = encode_message(&hello).unwrap();
        assert_eq!(decode_message::<ToMaster>(&bytes).unwrap(), hello);
    }

    #[test]
    fn preambles_are_recognised() {
        assert!(recognise_preamble(&PREAMBLE).is_ok());
        let zmq = [0xff, 0, 0, 0, 0, 0, 0, 1];
        assert!(recognise_preamble(&zmq).unwrap_err().contains("ZeroMQ"));
        assert!(
            recognise_preamble(b"GET / HT")
                .unwrap_err()
                .contains("HTTP")
        );
        assert!(
            recognise_preamble(b"HTTP/1.1")
                .unwrap_err()
                .contains("web UI port")
        );
        let newer = *b"LOCUSTA\x02";
        assert!(
            recognise_preamble(&newer)
                .unwrap_err()
                .contains("framing version 2")
        );
        assert!(
            recognise_preamble(b"SSH-2.0-")
                .unwrap_err()
                .contains("SSH-2.0-")
        );
    }
}
