//! What went wrong writing the CSV files, file by file.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// One file that could not be written, with its path.
#[derive(Debug)]
pub struct FileError {
    path: PathBuf,
    source: io::Error,
}

impl FileError {
    pub(super) fn new(path: &Path, source: io::Error) -> Self {
        Self {
            path: path.to_owned(),
            source,
        }
    }

    /// The file that could not be written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Why.
    pub fn io_error(&self) -> &io::Error {
        &self.source
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.source)
    }
}

/// The message already carries the I/O error's text, so it is not repeated as a source (an
/// error chain printer would show it twice); [`FileError::io_error`] gives it.
impl std::error::Error for FileError {}

impl From<FileError> for io::Error {
    /// The same error kind, with the path in the message.
    fn from(error: FileError) -> Self {
        io::Error::new(error.source.kind(), error.to_string())
    }
}

/// The files that could not be written in one update; the others were written.
#[derive(Debug)]
pub struct CsvError {
    failures: Vec<FileError>,
}

impl CsvError {
    /// `Ok` when nothing failed.
    pub(super) fn check(failures: Vec<FileError>) -> Result<(), CsvError> {
        if failures.is_empty() {
            Ok(())
        } else {
            Err(CsvError { failures })
        }
    }

    /// Every file that failed, in the order they were written.
    pub fn failures(&self) -> &[FileError] {
        &self.failures
    }
}

/// `could not write out/run_stats.csv: Is a directory (os error 21)`, failures joined by `; `.
impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not write ")?;
        for (i, failure) in self.failures.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{failure}")?;
        }
        Ok(())
    }
}

/// The message names every failure, so there is no single source; see [`CsvError::failures`].
impl std::error::Error for CsvError {}
