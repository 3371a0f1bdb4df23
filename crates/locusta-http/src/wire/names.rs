//! Header names of recent responses, remembered by position.
//!
//! `HeaderName::from_bytes` lower-cases the name and matches it against the standard names,
//! about 140 instructions a header. A load test hears the same server answer the same way
//! over and over, with the same header names in the same order, so the name at position *i*
//! is almost always the one seen at position *i* last time. Comparing the raw bytes with
//! that one (a short `memcmp`) and cloning its `HeaderName` costs a fraction of parsing it.
//! A different name simply replaces the entry, without allocating.
//!
//! The cache is per thread (shards never share a response) and holds at most
//! [`POSITIONS`] names of at most [`NAME_LEN`] bytes: about 1 KiB a thread.

use std::cell::RefCell;

use http::HeaderName;
use http::header::InvalidHeaderName;

/// Positions remembered; later headers are parsed every time.
const POSITIONS: usize = 16;

/// Longest name remembered; longer ones are parsed every time.
const NAME_LEN: usize = 40;

/// One remembered name: the bytes as received (any case) and what they parsed to.
struct Entry {
    raw: [u8; NAME_LEN],
    len: u8,
    name: HeaderName,
}

thread_local! {
    static RECENT: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// Header names of one response, looked up through the thread's cache.
pub(crate) struct Names<'c> {
    recent: std::cell::RefMut<'c, Vec<Entry>>,
}

/// Runs `f` with the thread's name cache.
pub(crate) fn with_names<R>(f: impl FnOnce(&mut Names<'_>) -> R) -> R {
    RECENT.with(|recent| {
        f(&mut Names {
            recent: recent.borrow_mut(),
        })
    })
}

impl Names<'_> {
    /// The header name `raw` found at `position` in the head.
    pub(crate) fn get(
        &mut self,
        position: usize,
        raw: &[u8],
    ) -> Result<HeaderName, InvalidHeaderName> {
        if let Some(entry) = self.recent.get(position)
            && entry.raw[..entry.len as usize] == *raw
        {
            return Ok(entry.name.clone());
        }
        let name = HeaderName::from_bytes(raw)?;
        if position < POSITIONS && raw.len() <= NAME_LEN {
            let mut entry = Entry {
                raw: [0; NAME_LEN],
                len: raw.len() as u8,
                name: name.clone(),
            };
            entry.raw[..raw.len()].copy_from_slice(raw);
            match position.cmp(&self.recent.len()) {
                std::cmp::Ordering::Less => self.recent[position] = entry,
                std::cmp::Ordering::Equal => self.recent.push(entry),
                // A gap (a long name before it was not kept): leave this one out too.
                std::cmp::Ordering::Greater => {}
            }
        }
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_names_by_position() {
        with_names(|names| {
            assert_eq!(names.get(0, b"Content-Length").unwrap(), "content-length");
            assert_eq!(names.get(1, b"X-Custom").unwrap(), "x-custom");
            // Same bytes again: served from the cache, same result.
            assert_eq!(names.get(0, b"Content-Length").unwrap(), "content-length");
            assert_eq!(names.get(1, b"X-Custom").unwrap(), "x-custom");
            // Another name at a known position replaces it.
            assert_eq!(names.get(1, b"content-type").unwrap(), "content-type");
            assert_eq!(names.get(1, b"CONTENT-TYPE").unwrap(), "content-type");
            // Gaps and long names are parsed, not kept.
            assert_eq!(names.get(9, b"x-far").unwrap(), "x-far");
            let long = [b'a'; NAME_LEN + 1];
            assert_eq!(names.get(2, &long).unwrap().as_str().len(), NAME_LEN + 1);
            assert!(names.get(0, b"bad name").is_err());
            assert_eq!(names.get(0, b"Content-Length").unwrap(), "content-length");
        });
    }
}
