//! Why a locustfile could not be loaded, as `file:line: message` text.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why [`Locustfile::load`](crate::Locustfile::load) failed. Every variant names the file and,
/// where one is known, the line, so the message can be printed as is before exiting with 1.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file (or directory) could not be read.
    #[error(
        "Could not find '{}' ({source}). Ensure your locustfile ends with '.lua' or is a directory with locustfiles. See --help for available options.",
        .path.display()
    )]
    NotFound {
        /// The path as given.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// No file was given, or a directory held no `.lua` file.
    #[error("no locustfile given{}", .0.as_ref().map(|d| format!(": '{}' holds no .lua file", d.display())).unwrap_or_default())]
    NoFiles(Option<PathBuf>),
    /// The file is not valid Lua (Luau).
    #[error("{}: syntax error: {message}", Location(.file, *.line))]
    Syntax {
        /// The file.
        file: PathBuf,
        /// Line of the error, when the compiler told it.
        line: Option<u32>,
        /// The compiler's message.
        message: String,
    },
    /// Running the file (its top level) raised an error.
    #[error("{}: {message}", Location(.file, *.line))]
    Runtime {
        /// The file.
        file: PathBuf,
        /// Line of the error, when known.
        line: Option<u32>,
        /// The error message, without the location.
        message: String,
        /// Lua traceback, when one was produced.
        traceback: String,
    },
    /// A user class is not valid (a task that is not a function, a bad attribute, ...).
    #[error("{}: {class}: {message}", Location(.file, Some(*.line)))]
    InvalidClass {
        /// The file defining the class.
        file: PathBuf,
        /// Line where the class was created (or of the offending definition).
        line: u32,
        /// The class name.
        class: String,
        /// What is wrong.
        message: String,
    },
    /// A load shape is not valid (no `tick`, a bad stage, ...).
    #[error("{}: load shape {shape}: {message}", Location(.file, Some(*.line)))]
    InvalidShape {
        /// The file defining the shape.
        file: PathBuf,
        /// Line where the shape was created.
        line: u32,
        /// The shape's name (its global).
        shape: String,
        /// What is wrong.
        message: String,
    },
    /// The same class name is defined by two files.
    #[error(
        "Duplicate user class names: {name} is defined in {} and {}",
        .first.display(),
        .second.display()
    )]
    DuplicateClass {
        /// The class name.
        name: String,
        /// The file loaded first.
        first: PathBuf,
        /// The other file.
        second: PathBuf,
    },
    /// None of the files defines a user class.
    #[error("No User class found in {}{}", Files(.files), .hint)]
    NoUserClass {
        /// The files loaded.
        files: Vec<PathBuf>,
        /// Extra advice (e.g. classes kept in `local` variables are not discovered).
        hint: String,
    },
    /// The Lua VM itself failed (out of memory, internal error).
    #[error("Lua VM error: {0}")]
    Vm(String),
}

impl LoadError {
    /// The file the error is about, if it is about one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            LoadError::NotFound { path, .. } => Some(path),
            LoadError::Syntax { file, .. }
            | LoadError::Runtime { file, .. }
            | LoadError::InvalidClass { file, .. }
            | LoadError::InvalidShape { file, .. } => Some(file),
            LoadError::DuplicateClass { second, .. } => Some(second),
            LoadError::NoUserClass { files, .. } => files.first().map(PathBuf::as_path),
            LoadError::NoFiles(dir) => dir.as_deref(),
            LoadError::Vm(_) => None,
        }
    }

    /// The line the error is about, if known.
    pub fn line(&self) -> Option<u32> {
        match self {
            LoadError::Syntax { line, .. } | LoadError::Runtime { line, .. } => *line,
            LoadError::InvalidClass { line, .. } | LoadError::InvalidShape { line, .. } => {
                Some(*line)
            }
            _ => None,
        }
    }
}

/// `file:line` or `file`.
struct Location<'a>(&'a Path, Option<u32>);

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(line) => write!(f, "{}:{line}", self.0.display()),
            None => write!(f, "{}", self.0.display()),
        }
    }
}

struct Files<'a>(&'a [PathBuf]);

impl fmt::Display for Files<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, file) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", file.display())?;
        }
        Ok(())
    }
}

/// Splits a Lua error text `"<chunk>:<line>: message"` into line and message when it starts
/// with `chunk` (the chunk name the file was loaded under).
pub(crate) fn split_location<'a>(text: &'a str, chunk: &str) -> (Option<u32>, &'a str) {
    if let Some(rest) = text.strip_prefix(chunk).and_then(|r| r.strip_prefix(':'))
        && let Some((digits, message)) = rest.split_once(':')
        && let Ok(line) = digits.parse::<u32>()
    {
        return (Some(line), message.trim_start());
    }
    (None, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_file_line_message() {
        assert_eq!(
            split_location("a/b.lua:12: boom: x", "a/b.lua"),
            (Some(12), "boom: x")
        );
        assert_eq!(split_location("other:1: x", "a.lua"), (None, "other:1: x"));
        assert_eq!(split_location("a.lua: x", "a.lua"), (None, "a.lua: x"));
    }

    #[test]
    fn displays_file_and_line() {
        let error = LoadError::InvalidClass {
            file: "f.lua".into(),
            line: 3,
            class: "Web".into(),
            message: "task 'x' is not a function".into(),
        };
        assert_eq!(
            error.to_string(),
            "f.lua:3: Web: task 'x' is not a function"
        );
    }
}
