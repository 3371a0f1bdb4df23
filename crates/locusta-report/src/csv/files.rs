//! The four `--csv` files of a run, kept up to date once a second.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use locusta_stats::RunView;

use super::error::{CsvError, FileError};
use super::replace::replace_file;
use super::{StatsHistoryWriter, write_exceptions_csv, write_failures_csv, write_stats_csv};

/// `PREFIX_stats.csv`, `PREFIX_stats_history.csv`, `PREFIX_failures.csv` and
/// `PREFIX_exceptions.csv` for `--csv PREFIX` (see the [module documentation](super) for how
/// the binary drives it).
///
/// Every file is written on its own: one that cannot be written (a full disk, a directory in
/// its place) is reported with its path and does not keep the others from being written.
#[derive(Debug)]
pub struct CsvFiles {
    stats: PathBuf,
    failures: PathBuf,
    exceptions: PathBuf,
    history_path: PathBuf,
    history_file: BufWriter<File>,
    history: StatsHistoryWriter,
}

impl CsvFiles {
    /// Creates the parent directories of `prefix` and `PREFIX_stats_history.csv` with its header
    /// (truncating an older one, as Locust does), with every history row from now on for every
    /// entry when `full_history` (`--csv-full-history`), else for Aggregated only.
    ///
    /// The other three files are written by the first [`CsvFiles::update`]. The error names the
    /// path that could not be created, so a mistyped prefix stops the run before it starts.
    pub fn create(prefix: impl AsRef<Path>, full_history: bool) -> io::Result<Self> {
        let prefix = prefix.as_ref();
        let with_suffix = |suffix: &str| {
            let mut path = OsString::from(prefix.as_os_str());
            path.push(suffix);
            PathBuf::from(path)
        };
        let history_path = with_suffix("_stats_history.csv");
        if let Some(parent) = history_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|error| FileError::new(parent, error))?;
        }
        let history_file =
            create_history(&history_path).map_err(|error| FileError::new(&history_path, error))?;
        Ok(Self {
            stats: with_suffix("_stats.csv"),
            failures: with_suffix("_failures.csv"),
            exceptions: with_suffix("_exceptions.csv"),
            history_path,
            history_file,
            history: StatsHistoryWriter::new(full_history),
        })
    }

    /// Rewrites `_stats.csv`, `_failures.csv` and `_exceptions.csv` from `view` (each through a
    /// temporary file renamed over it, so a reader never sees one half-written) and appends
    /// `view`'s rows to `_stats_history.csv`, flushed at once. Call it once a second (Locust's
    /// `CSV_STATS_INTERVAL_SEC`) with the newest view.
    ///
    /// Returns the files that failed; the others were written. The next call tries every file
    /// again.
    pub fn update(&mut self, view: &RunView) -> Result<(), CsvError> {
        let history = self.append_history(view);
        let results = [
            (
                &self.stats,
                replace_file(&self.stats, |out| write_stats_csv(view, out)),
            ),
            (
                &self.failures,
                replace_file(&self.failures, |out| write_failures_csv(view, out)),
            ),
            (
                &self.exceptions,
                replace_file(&self.exceptions, |out| write_exceptions_csv(view, out)),
            ),
            (&self.history_path, history),
        ];
        let failures = results
            .into_iter()
            .filter_map(|(path, result)| result.err().map(|error| FileError::new(path, error)))
            .collect();
        CsvError::check(failures)
    }

    /// The final write, with the run's final view: [`CsvFiles::update`] once more, then the
    /// history file is closed. Its last row may repeat the previous row's second, with the
    /// final numbers.
    pub fn finish(mut self, view: &RunView) -> Result<(), CsvError> {
        self.update(view)
    }

    /// The four paths: stats, history, failures, exceptions.
    pub fn paths(&self) -> [&Path; 4] {
        [
            &self.stats,
            &self.history_path,
            &self.failures,
            &self.exceptions,
        ]
    }

    fn append_history(&mut self, view: &RunView) -> io::Result<()> {
        self.history.write_rows(view, &mut self.history_file)?;
        self.history_file.flush()
    }
}

fn create_history(path: &Path) -> io::Result<BufWriter<File>> {
    let mut file = BufWriter::new(File::create(path)?);
    StatsHistoryWriter::write_header(&mut file)?;
    file.flush()?;
    Ok(file)
}
