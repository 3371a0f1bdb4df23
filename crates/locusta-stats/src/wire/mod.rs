//! A byte format for [`Snapshot`]s, so a worker's statistics delta can travel to the master and
//! be merged there exactly as if it had been recorded locally.
//!
//! Everything [`Snapshot::merge`] reads is carried: every entry and the total with their counts,
//! sums, min/max, start and last-request times, per-second counters and HDR histogram (in
//! HdrHistogram's standard V2 format), the failure rows and the exception rows. Decoding gives a
//! snapshot equal (`==`) to the encoded one, so merging decoded deltas equals merging the
//! originals.
//!
//! Layout (version 1), integers as unsigned LEB128 varints unless said otherwise:
//! ```text
//! "LSW" version:u8 flags:u8        flags bit 0: the rest is one zlib (deflate) stream
//! entry(total)
//! n  { name:str method:str entry }             entries
//! n  { method:str name:str error:str occurrences first_seen:f64 last_seen:f64 }
//! n  { traceback:str msg:str count  n { node:str } }
//! entry = num_requests num_none_requests num_failures total_response_time_us
//!         opt(min_us) max_us total_content_length opt_f64(start) opt_f64(last_request)
//!         n { second requests failures }  histogram(V2, self-delimiting)
//! str = len bytes(UTF-8)    f64 = 8 bytes little-endian    opt = 0 | 1 value
//! ```
//! Encoding reads the snapshot through its public accessors, so recording (the hot path) is
//! untouched by this module. Decoding validates what could make a later merge panic or allocate
//! without bound (histogram bounds, counts larger than the input), since the bytes come from
//! the network.

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::io::{Read, Write};

use flate2::Compression as DeflateLevel;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};

use crate::histogram::HIGHEST_TRACKABLE_US;
use crate::{
    EntryKey, EntryStats, ErrorKey, ErrorStats, ExceptionStats, LOCAL_NODE, SIGNIFICANT_DIGITS,
    Snapshot,
};

/// Version of the layout above; a decoder refuses any other.
pub const WIRE_VERSION: u8 = 1;

const MAGIC: [u8; 3] = *b"LSW";
const FLAG_DEFLATE: u8 = 1;

/// HdrHistogram's V2 cookie and header layout (`hdrhistogram::serialization`, 7.x).
const V2_COOKIE: u32 = 0x1c84_9313;
const V2_HEADER_SIZE: usize = 40;

/// The most bytes a deflated body may inflate to (a guard against zip bombs): far above any
/// real delta (a 100-entry delta is a few tens of KB).
pub const MAX_INFLATED_BYTES: u64 = 256 * 1024 * 1024;

/// Whether the encoder deflates its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WireCompression {
    /// Plain bytes. The default: a typical one-second delta is a few KB (see the decision log)
    /// and encoding it costs a few microseconds.
    #[default]
    None,
    /// One zlib stream over everything after the header (fast level): about half the bytes
    /// for several times the CPU on both sides.
    Deflate,
}

/// Why bytes could not be decoded into a snapshot.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// The bytes do not start with the snapshot magic.
    #[error("not a Locusta statistics snapshot (bad magic bytes)")]
    BadMagic,
    /// Written by another version of the format.
    #[error("statistics snapshot format version {found}, this build reads version {WIRE_VERSION}")]
    Version {
        /// The version found in the bytes.
        found: u8,
    },
    /// The bytes end in the middle of a value.
    #[error("statistics snapshot is truncated")]
    Truncated,
    /// A value is out of range or inconsistent.
    #[error("invalid statistics snapshot: {0}")]
    Invalid(&'static str),
    /// A histogram could not be decoded.
    #[error("invalid histogram in statistics snapshot: {0}")]
    Histogram(String),
    /// The deflated body could not be inflated.
    #[error("corrupt deflated statistics snapshot: {0}")]
    Inflate(#[from] std::io::Error),
}

/// The fields of one entry as the wire carries them; [`EntryStats::from_parts`] rebuilds it.
pub(crate) struct EntryParts {
    pub(crate) num_requests: u64,
    pub(crate) num_none_requests: u64,
    pub(crate) num_failures: u64,
    pub(crate) total_response_time_us: u64,
    pub(crate) min_response_time_us: Option<u64>,
    pub(crate) max_response_time_us: Option<u64>,
    pub(crate) total_content_length: u64,
    pub(crate) start_time: Option<f64>,
    pub(crate) last_request_timestamp: Option<f64>,
    pub(crate) seconds: Vec<(u64, u64, u64)>,
    pub(crate) histogram: Histogram<u64>,
}

/// Encodes snapshots, reusing its buffers between calls (one per worker connection).
pub struct SnapshotEncoder {
    compression: WireCompression,
    histograms: V2Serializer,
    body: Vec<u8>,
}

impl SnapshotEncoder {
    /// An encoder producing `compression`-ed output.
    pub fn new(compression: WireCompression) -> Self {
        Self {
            compression,
            histograms: V2Serializer::new(),
            body: Vec::new(),
        }
    }

    /// Appends the encoding of `snapshot` to `out`.
    pub fn encode_into(&mut self, snapshot: &Snapshot, out: &mut Vec<u8>) {
        out.extend_from_slice(&MAGIC);
        out.push(WIRE_VERSION);
        match self.compression {
            WireCompression::None => {
                out.push(0);
                self.encode_body(snapshot, out);
            }
            WireCompression::Deflate => {
                out.push(FLAG_DEFLATE);
                let mut body = std::mem::take(&mut self.body);
                body.clear();
                self.encode_body(snapshot, &mut body);
                let mut deflater = ZlibEncoder::new(out, DeflateLevel::fast());
                deflater
                    .write_all(&body)
                    .and_then(|()| deflater.finish().map(drop))
                    .expect("deflating into a Vec cannot fail");
                self.body = body;
            }
        }
    }

    /// The encoding of `snapshot` as a new vector.
    pub fn encode(&mut self, snapshot: &Snapshot) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(snapshot, &mut out);
        out
    }

    fn encode_body(&mut self, snapshot: &Snapshot, out: &mut Vec<u8>) {
        self.entry(snapshot.total(), out);
        let entries: Vec<_> = snapshot.entries().collect();
        put_varint(out, entries.len() as u64);
        for (key, stats) in entries {
            put_str(out, &key.name);
            put_str(out, &key.method);
            self.entry(stats, out);
        }
        let errors: Vec<_> = snapshot.errors().collect();
        put_varint(out, errors.len() as u64);
        for (key, row) in errors {
            put_str(out, &key.method);
            put_str(out, &key.name);
            put_str(out, &key.error);
            put_varint(out, row.occurrences());
            put_f64(out, row.first_seen());
            put_f64(out, row.last_seen());
        }
        let exceptions: Vec<_> = snapshot.exceptions().collect();
        put_varint(out, exceptions.len() as u64);
        for (traceback, row) in exceptions {
            put_str(out, traceback);
            put_str(out, row.msg());
            put_varint(out, row.count());
            let nodes: Vec<&str> = row.nodes().collect();
            put_varint(out, nodes.len() as u64);
            for node in nodes {
                put_str(out, node);
            }
        }
    }

    fn entry(&mut self, entry: &EntryStats, out: &mut Vec<u8>) {
        put_varint(out, entry.num_requests());
        put_varint(out, entry.num_none_requests());
        put_varint(out, entry.num_failures());
        put_varint(out, entry.total_response_time_us());
        put_opt_varint(out, entry.min_response_time_us());
        put_varint(out, entry.max_response_time_us().unwrap_or(0));
        put_varint(out, entry.total_content_length());
        put_opt_f64(out, entry.start_time());
        put_opt_f64(out, entry.last_request_timestamp());
        let seconds: Vec<_> = entry.recent_seconds().collect();
        put_varint(out, seconds.len() as u64);
        for (second, requests, failures) in seconds {
            put_varint(out, second);
            put_varint(out, requests);
            put_varint(out, failures);
        }
        self.histograms
            .serialize(entry.histogram(), out)
            .expect("a bounded histogram serializes into a Vec");
    }
}

impl Default for SnapshotEncoder {
    fn default() -> Self {
        Self::new(WireCompression::default())
    }
}

/// Decodes snapshots, reusing its buffers between calls.
#[derive(Default)]
pub struct SnapshotDecoder {
    histograms: Deserializer,
    inflated: Vec<u8>,
}

impl SnapshotDecoder {
    /// A decoder; one can decode any number of snapshots.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes `bytes` (plain or deflated) into a snapshot equal to the encoded one.
    pub fn decode(&mut self, bytes: &[u8]) -> Result<Snapshot, WireError> {
        self.decode_inner(bytes, None)
    }

    /// Decodes `bytes`, naming `node` instead of [`LOCAL_NODE`] as where exceptions happened:
    /// a worker records them as local, and the master shows which worker raised them.
    pub fn decode_from_node(&mut self, bytes: &[u8], node: &str) -> Result<Snapshot, WireError> {
        self.decode_inner(bytes, Some(node))
    }

    fn decode_inner(&mut self, bytes: &[u8], node: Option<&str>) -> Result<Snapshot, WireError> {
        let (header, body) = bytes.split_at_checked(5).ok_or(WireError::Truncated)?;
        if header[..3] != MAGIC {
            return Err(WireError::BadMagic);
        }
        if header[3] != WIRE_VERSION {
            return Err(WireError::Version { found: header[3] });
        }
        let flags = header[4];
        if flags & !FLAG_DEFLATE != 0 {
            return Err(WireError::Invalid("unknown flags"));
        }
        if flags & FLAG_DEFLATE == 0 {
            return Body::new(body, &mut self.histograms, node).snapshot();
        }
        let mut inflated = std::mem::take(&mut self.inflated);
        inflated.clear();
        let read = ZlibDecoder::new(body)
            .take(MAX_INFLATED_BYTES + 1)
            .read_to_end(&mut inflated);
        let result = match read {
            Ok(_) if inflated.len() as u64 > MAX_INFLATED_BYTES => {
                Err(WireError::Invalid("inflates beyond MAX_INFLATED_BYTES"))
            }
            Ok(_) => Body::new(&inflated, &mut self.histograms, node).snapshot(),
            Err(error) => Err(WireError::Inflate(error)),
        };
        self.inflated = inflated;
        result
    }
}

/// Decodes `bytes` with a fresh [`SnapshotDecoder`].
pub fn decode_snapshot(bytes: &[u8]) -> Result<Snapshot, WireError> {
    SnapshotDecoder::new().decode(bytes)
}

/// The body reader: a cursor over the bytes after the header.
struct Body<'a, 'd> {
    bytes: &'a [u8],
    histograms: &'d mut Deserializer,
    node: Option<&'a str>,
}

impl<'a, 'd> Body<'a, 'd> {
    fn new(bytes: &'a [u8], histograms: &'d mut Deserializer, node: Option<&'a str>) -> Self {
        Self {
            bytes,
            histograms,
            node,
        }
    }

    fn snapshot(mut self) -> Result<Snapshot, WireError> {
        let total = self.entry()?;
        let count = self.count()?;
        let mut entries = Vec::with_capacity(count);
        for _ in 0..count {
            let name = self.string()?;
            let method = self.string()?;
            entries.push((EntryKey { name, method }, self.entry()?));
        }
        let count = self.count()?;
        let mut errors = Vec::with_capacity(count);
        for _ in 0..count {
            let key = ErrorKey {
                method: self.string()?,
                name: self.string()?,
                error: self.string()?,
            };
            let occurrences = self.varint()?;
            let first_seen = self.f64()?;
            let last_seen = self.f64()?;
            errors.push((
                key,
                ErrorStats::from_parts(occurrences, first_seen, last_seen),
            ));
        }
        let count = self.count()?;
        let mut exceptions = Vec::with_capacity(count);
        for _ in 0..count {
            let traceback = self.string()?;
            let msg = self.string()?;
            let occurrences = self.varint()?;
            let node_count = self.count()?;
            let mut nodes = BTreeSet::new();
            for _ in 0..node_count {
                let node = self.string()?;
                match self.node {
                    Some(renamed) if node == LOCAL_NODE => nodes.insert(renamed.to_owned()),
                    _ => nodes.insert(node),
                };
            }
            exceptions.push((
                traceback,
                ExceptionStats::from_parts(occurrences, msg, nodes),
            ));
        }
        if !self.bytes.is_empty() {
            return Err(WireError::Invalid("trailing bytes"));
        }
        Ok(Snapshot::from_parts(total, entries, errors, exceptions))
    }

    fn entry(&mut self) -> Result<EntryStats, WireError> {
        let num_requests = self.varint()?;
        let num_none_requests = self.varint()?;
        let num_failures = self.varint()?;
        let total_response_time_us = self.varint()?;
        let min_response_time_us = self.opt_varint()?;
        let max = self.varint()?;
        let total_content_length = self.varint()?;
        let start_time = self.opt_f64()?;
        let last_request_timestamp = self.opt_f64()?;
        let count = self.count()?;
        let mut seconds = Vec::with_capacity(count);
        for _ in 0..count {
            seconds.push((self.varint()?, self.varint()?, self.varint()?));
        }
        let histogram = self.histogram()?;
        // What the readers of an entry subtract or divide by (`num_timed_requests`).
        if num_none_requests > num_requests || num_failures > num_requests {
            return Err(WireError::Invalid(
                "more untimed or failed requests than requests",
            ));
        }
        Ok(EntryStats::from_parts(EntryParts {
            num_requests,
            num_none_requests,
            num_failures,
            total_response_time_us,
            min_response_time_us,
            max_response_time_us: min_response_time_us.map(|_| max),
            total_content_length,
            start_time,
            last_request_timestamp,
            seconds,
            histogram,
        }))
    }

    /// A V2 histogram whose bounds are ours: merging one with other bounds could fail (and
    /// `Snapshot::merge` panics then), and a forged header could ask for any allocation.
    fn histogram(&mut self) -> Result<Histogram<u64>, WireError> {
        let header = self
            .bytes
            .get(..V2_HEADER_SIZE)
            .ok_or(WireError::Truncated)?;
        let be_u32 = |at: usize| u32::from_be_bytes(header[at..at + 4].try_into().unwrap());
        let be_u64 = |at: usize| u64::from_be_bytes(header[at..at + 8].try_into().unwrap());
        if be_u32(0) != V2_COOKIE {
            return Err(WireError::Histogram("not a V2 histogram".into()));
        }
        let payload = be_u32(4) as usize;
        if be_u32(12) != u32::from(SIGNIFICANT_DIGITS)
            || be_u64(16) != 1
            || be_u64(24) != HIGHEST_TRACKABLE_US
        {
            return Err(WireError::Histogram(
                "bounds differ from this build's (1 µs .. 1 h, 2 digits)".into(),
            ));
        }
        let len = V2_HEADER_SIZE
            .checked_add(payload)
            .filter(|&len| len <= self.bytes.len())
            .ok_or(WireError::Truncated)?;
        let (encoded, rest) = self.bytes.split_at(len);
        let histogram = self
            .histograms
            .deserialize(&mut &encoded[..])
            .map_err(|error| WireError::Histogram(format!("{error:?}")))?;
        self.bytes = rest;
        Ok(histogram)
    }

    fn byte(&mut self) -> Result<u8, WireError> {
        let (&first, rest) = self.bytes.split_first().ok_or(WireError::Truncated)?;
        self.bytes = rest;
        Ok(first)
    }

    fn varint(&mut self) -> Result<u64, WireError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(WireError::Invalid("varint overflows 64 bits"));
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(WireError::Invalid("varint longer than 10 bytes"))
    }

    /// A collection length, bounded by the bytes left (every item takes at least one), so a
    /// forged length cannot make `with_capacity` allocate without bound.
    fn count(&mut self) -> Result<usize, WireError> {
        let count = self.varint()?;
        if count > self.bytes.len() as u64 {
            return Err(WireError::Truncated);
        }
        Ok(count as usize)
    }

    fn opt_varint(&mut self) -> Result<Option<u64>, WireError> {
        match self.byte()? {
            0 => Ok(None),
            1 => self.varint().map(Some),
            _ => Err(WireError::Invalid("bad option tag")),
        }
    }

    fn f64(&mut self) -> Result<f64, WireError> {
        let (bytes, rest) = self.bytes.split_at_checked(8).ok_or(WireError::Truncated)?;
        self.bytes = rest;
        Ok(f64::from_le_bytes(bytes.try_into().unwrap()))
    }

    fn opt_f64(&mut self) -> Result<Option<f64>, WireError> {
        match self.byte()? {
            0 => Ok(None),
            1 => self.f64().map(Some),
            _ => Err(WireError::Invalid("bad option tag")),
        }
    }

    fn string(&mut self) -> Result<String, WireError> {
        let len = self.count()?;
        let (bytes, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        String::from_utf8(bytes.to_vec()).map_err(|_| WireError::Invalid("string is not UTF-8"))
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_opt_varint(out: &mut Vec<u8>, value: Option<u64>) {
    match value {
        None => out.push(0),
        Some(value) => {
            out.push(1);
            put_varint(out, value);
        }
    }
}

fn put_f64(out: &mut Vec<u8>, value: f64) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_opt_f64(out: &mut Vec<u8>, value: Option<f64>) {
    match value {
        None => out.push(0),
        Some(value) => {
            out.push(1);
            put_f64(out, value);
        }
    }
}

fn put_str(out: &mut Vec<u8>, value: &str) {
    put_varint(out, value.len() as u64);
    out.extend_from_slice(value.as_bytes());
}
