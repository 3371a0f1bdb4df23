//! Rewriting a file so that readers never see it half-written.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `path` anew with `write`: into a temporary file in the same directory, renamed over
/// `path` once complete. A reader (a dashboard tailing the CSV files) sees the old content or the
/// new one, never a truncated file. The temporary file is removed if anything fails.
///
/// The rename is atomic because both names are in one directory (one file system). No `fsync`:
/// it would cost a disk flush per file per second and protects only against a machine crash,
/// after which the next tick rewrites the file anyway.
pub(super) fn replace_file(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let temporary = temporary_path(path);
    let result = write_and_rename(&temporary, path, write);
    if result.is_err() {
        // Best effort: the error that matters is the one returned.
        let _ = fs::remove_file(&temporary);
    }
    result
}

fn write_and_rename(
    temporary: &Path,
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let mut out = BufWriter::new(File::create(temporary)?);
    write(&mut out)?;
    out.flush()?;
    drop(out);
    fs::rename(temporary, path)
}

/// `dir/.name.<pid>.tmp` for `dir/name`: hidden, and distinct per process, so two runs writing
/// the same prefix cannot interleave in one temporary file.
fn temporary_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{}.tmp", std::process::id()));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_temporary_file_sits_beside_the_target() {
        let temporary = temporary_path(Path::new("out/run_stats.csv"));
        assert_eq!(temporary.parent(), Some(Path::new("out")));
        let name = temporary.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with(".run_stats.csv.") && name.ends_with(".tmp"),
            "{name}"
        );
    }
}
