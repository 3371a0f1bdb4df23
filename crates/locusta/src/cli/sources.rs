//! Where options come from, and which wins: config files < environment < command line, as in
//! Locust. Every source is turned into arguments for the one clap parser, so a value from a
//! file is checked exactly as the same flag on the command line (DESIGN.md §6.3).
//!
//! Order, each later source replacing an option set by an earlier one:
//! 1. `~/.locust.conf`, `~/.locusta.conf`
//! 2. `./locust.conf`, `./locusta.conf`
//! 3. `./pyproject.toml`: `[tool.locust]`, then `[tool.locusta]`
//! 4. `--config FILE` (a `.toml` file is read as in 3)
//! 5. `LOCUST_<NAME>`, then `LOCUSTA_<NAME>` environment variables
//! 6. the command line
//!
//! An option the command line gives is not taken from any other source; for a repeatable
//! option (`--threshold`) the values of the winning source replace, not extend, the others.

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{ArgMatches, Command, CommandFactory, FromArgMatches};

use super::args::Args;
use super::conf::{self, Entry, SyntaxError, Value};
use super::options::{Kind, Lookup, Spec, Table};
use super::pyproject;

/// Parses the command line `args` (the first one is the program name) together with the config
/// files and environment variables of this process.
pub fn parse<I, T>(args: I) -> Result<Args, ParseError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    parse_with(
        args.into_iter().map(Into::into).collect(),
        &Sources::from_process(),
    )
}

/// The clap command, as every parse uses it: `Args`, with clap's own environment handling
/// off (it would rank the environment below config files, see `options.rs`).
pub fn command() -> Command {
    let mut command = Args::command().mut_args(|arg| arg.env(None::<&str>));
    command.build();
    command
}

/// What the configuration is read from; the process's by default, a test's own in tests.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The directory holding `locust.conf`, `locusta.conf`, `pyproject.toml`; relative
    /// `--config` paths start here.
    pub cwd: PathBuf,
    /// The directory holding `.locust.conf` and `.locusta.conf`.
    pub home: Option<PathBuf>,
    /// The `LOCUST*` environment variables.
    pub vars: Vec<(String, OsString)>,
}

impl Sources {
    /// The current directory, `$HOME` and the environment of this process.
    pub fn from_process() -> Self {
        let home = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .filter(|home| !home.is_empty())
            .map(PathBuf::from);
        Self {
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            home,
            vars: std::env::vars_os()
                .filter_map(|(name, value)| {
                    let name = name.into_string().ok()?;
                    name.starts_with("LOCUST").then_some((name, value))
                })
                .collect(),
        }
    }
}

/// The command line could not be turned into [`Args`].
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// clap's own error (bad flag, bad value on the command line), or `--help`/`--version`.
    #[error(transparent)]
    Clap(#[from] clap::Error),
    /// A config file or environment variable is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl ParseError {
    /// Prints the error (or the help text) where clap would: stdout for help, else stderr.
    pub fn print(&self) -> io::Result<()> {
        match self {
            Self::Clap(error) => error.print(),
            Self::Config(error) => {
                eprintln!("locusta: {error}");
                Ok(())
            }
        }
    }

    /// 0 for `--help`/`--version`, 2 for a bad option anywhere (as Locust's argparse).
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Clap(error) => error.exit_code(),
            Self::Config(_) => 2,
        }
    }
}

/// Where a setting was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A line of a config file (`locust.conf:3`).
    Line {
        /// The file, as shown to the user.
        path: String,
        /// 1-based.
        line: usize,
    },
    /// An environment variable.
    Env(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Line { path, line } => write!(f, "{path}:{line}"),
            Self::Env(name) => f.write_str(name),
        }
    }
}

/// A mistake in a config file or environment variable, named by where it was written.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists (or was named by `--config`) but cannot be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: io::Error,
    },
    /// Not `key = value`.
    #[error("{path}:{}: {}", .error.line, .error.message)]
    Syntax {
        /// The file.
        path: String,
        /// The line and what is wrong.
        error: SyntaxError,
    },
    /// A key that is no option.
    #[error("{origin}: unknown option '{key}'{}", suggestion_text(.suggestion))]
    UnknownKey {
        /// Where.
        origin: Origin,
        /// The key as written.
        key: String,
        /// The closest option.
        suggestion: Option<String>,
    },
    /// A Locust option Locusta does not have.
    #[error("{origin}: '{key}' is a Locust option that Locusta does not support yet")]
    LocustOnly {
        /// Where.
        origin: Origin,
        /// The key as written.
        key: String,
    },
    /// `config`, `help` or `version` in a file.
    #[error("{origin}: '{key}' can only be given on the command line")]
    CommandLineOnly {
        /// Where.
        origin: Origin,
        /// The key as written.
        key: String,
    },
    /// A setting that does not go with the others (a `requires` or a conflict clap refused).
    #[error("{origin}: '{key}' does not go with the other options: {problem}")]
    Combination {
        /// Where.
        origin: Origin,
        /// The option's key.
        key: String,
        /// clap's complaint, on one line.
        problem: String,
    },
    /// A value the option does not accept.
    #[error("{origin}: invalid value '{value}' for '{key}': {reason}")]
    BadValue {
        /// Where.
        origin: Origin,
        /// The option's key.
        key: String,
        /// The value as written.
        value: String,
        /// Why it is refused.
        reason: String,
    },
}

fn suggestion_text(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(key) => format!(" (did you mean '{key}'?)"),
        None => String::new(),
    }
}

/// The value one source gives an option.
#[derive(Debug, Clone, PartialEq)]
enum Setting {
    /// A flag, on or off.
    Flag(bool, Origin),
    /// The values of an option or of the positional user classes.
    Values(Vec<(String, Origin)>),
}

/// Option (index into the table) -> its setting.
type Settings = BTreeMap<usize, Setting>;

/// [`parse`] with explicit sources.
pub fn parse_with(argv: Vec<OsString>, sources: &Sources) -> Result<Args, ParseError> {
    let command = command();
    let table = Table::new(&command);
    // First the command line alone, leniently: it says which options the other sources must
    // not touch, and where `--config` points. `--help` and `--version` end here, so a broken
    // config file cannot hide the help text.
    let given = match command
        .clone()
        .ignore_errors(true)
        .try_get_matches_from(&argv)
    {
        Ok(matches) => Some(matches),
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            return Err(error.into());
        }
        // The full parse below reports it.
        Err(_) => None,
    };
    let on_command_line: HashSet<&str> = match &given {
        Some(matches) => table
            .specs()
            .iter()
            .filter(|spec| matches.value_source(&spec.id) == Some(ValueSource::CommandLine))
            .map(|spec| spec.id.as_str())
            .collect(),
        None => HashSet::new(),
    };
    let config = given.as_ref().and_then(config_arg);
    let mut settings = collect(&table, sources, config.as_deref())?;
    settings.retain(|&index, _| !on_command_line.contains(table.specs()[index].id.as_str()));

    let matches = command
        .try_get_matches_from(arguments(&table, &settings, &argv))
        .map_err(|error| locate(error, &table, &settings, &argv))?;
    Ok(Args::from_arg_matches(&matches)?)
}

/// The last `--config` of the command line.
fn config_arg(matches: &ArgMatches) -> Option<PathBuf> {
    matches
        .get_raw("config")
        .and_then(|mut values| values.next_back())
        .map(PathBuf::from)
}

/// Reads every source below the command line, in order, later ones replacing earlier ones.
fn collect(
    table: &Table,
    sources: &Sources,
    config: Option<&Path>,
) -> Result<Settings, ConfigError> {
    let mut settings = Settings::new();
    if let Some(home) = &sources.home {
        for name in [".locust.conf", ".locusta.conf"] {
            let shown = format!("~/{name}");
            if let Some(text) = read(&home.join(name), false, &shown)? {
                settings.extend(conf_layer(table, &text, &shown)?);
            }
        }
    }
    for name in ["locust.conf", "locusta.conf"] {
        if let Some(text) = read(&sources.cwd.join(name), false, name)? {
            settings.extend(conf_layer(table, &text, name)?);
        }
    }
    let pyproject = "pyproject.toml";
    if let Some(text) = read(&sources.cwd.join(pyproject), false, pyproject)? {
        for layer in toml_layers(table, &text, pyproject)? {
            settings.extend(layer);
        }
    }
    if let Some(path) = config {
        let shown = path.display().to_string();
        let text = read(&sources.cwd.join(path), true, &shown)?.unwrap_or_default();
        if path.extension().is_some_and(|ext| ext == "toml") {
            for layer in toml_layers(table, &text, &shown)? {
                settings.extend(layer);
            }
        } else {
            settings.extend(conf_layer(table, &text, &shown)?);
        }
    }
    settings.extend(env_layer(table, sources, Spec::locust_env)?);
    settings.extend(env_layer(table, sources, Spec::locusta_env)?);
    Ok(settings)
}

/// The text of `path`; a missing default file is no error.
fn read(path: &Path, required: bool, shown: &str) -> Result<Option<String>, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == io::ErrorKind::NotFound && !required => Ok(None),
        Err(source) => Err(ConfigError::Read {
            path: shown.to_string(),
            source,
        }),
    }
}

fn conf_layer(table: &Table, text: &str, path: &str) -> Result<Settings, ConfigError> {
    let entries = conf::parse(text).map_err(|error| ConfigError::Syntax {
        path: path.to_string(),
        error,
    })?;
    file_layer(table, entries, path)
}

fn toml_layers(table: &Table, text: &str, path: &str) -> Result<[Settings; 2], ConfigError> {
    let tables = pyproject::parse(text).map_err(|error| ConfigError::Syntax {
        path: path.to_string(),
        error,
    })?;
    Ok([
        file_layer(table, tables.locust, path)?,
        file_layer(table, tables.locusta, path)?,
    ])
}

/// One file's settings. A repeated key replaces the earlier value, except for repeatable
/// options, whose values add up (`threshold = A` then `threshold = B`).
fn file_layer(table: &Table, entries: Vec<Entry>, path: &str) -> Result<Settings, ConfigError> {
    let mut layer = Settings::new();
    for entry in entries {
        let origin = Origin::Line {
            path: path.to_string(),
            line: entry.line,
        };
        let index = match table.lookup(&entry.key) {
            Lookup::Found(spec) => index_of(table, spec),
            Lookup::CommandLineOnly => {
                return Err(ConfigError::CommandLineOnly {
                    origin,
                    key: entry.key,
                });
            }
            Lookup::LocustOnly => {
                return Err(ConfigError::LocustOnly {
                    origin,
                    key: entry.key,
                });
            }
            Lookup::Unknown { suggestion } => {
                return Err(ConfigError::UnknownKey {
                    origin,
                    key: entry.key,
                    suggestion,
                });
            }
        };
        add(&mut layer, table, index, entry.value, origin)?;
    }
    Ok(layer)
}

/// The settings of the variables named by `name` (`LOCUST_USERS` or `LOCUSTA_USERS`). Other
/// `LOCUST*` variables are ignored, as Locust ignores them: some belong to other tools.
fn env_layer(
    table: &Table,
    sources: &Sources,
    name: fn(&Spec) -> String,
) -> Result<Settings, ConfigError> {
    let mut layer = Settings::new();
    for (index, spec) in table.specs().iter().enumerate() {
        let name = name(spec);
        let Some((_, raw)) = sources.vars.iter().rev().find(|(var, _)| *var == name) else {
            continue;
        };
        let origin = Origin::Env(name);
        let text = raw.to_str().ok_or_else(|| ConfigError::BadValue {
            origin: origin.clone(),
            key: spec.key.clone(),
            value: raw.to_string_lossy().into_owned(),
            reason: "not valid UTF-8".to_string(),
        })?;
        // An empty variable is unset (`LOCUSTA_USERS=` in a compose file, say).
        if text.trim().is_empty() {
            continue;
        }
        let value = match spec.kind {
            Kind::Multi => match text
                .trim()
                .strip_prefix('[')
                .and_then(|t| t.strip_suffix(']'))
            {
                Some(inner) => Value::List(
                    inner
                        .split(',')
                        .map(|item| item.trim().to_string())
                        .filter(|item| !item.is_empty())
                        .collect(),
                ),
                None => Value::Text(text.to_string()),
            },
            _ => Value::Text(text.to_string()),
        };
        add(&mut layer, table, index, value, origin)?;
    }
    Ok(layer)
}

fn index_of(table: &Table, spec: &Spec) -> usize {
    table
        .specs()
        .iter()
        .position(|candidate| candidate.id == spec.id)
        .expect("a spec of this table")
}

/// Records `value` for option `index` in `layer`, checking that its shape fits the option.
fn add(
    layer: &mut Settings,
    table: &Table,
    index: usize,
    value: Value,
    origin: Origin,
) -> Result<(), ConfigError> {
    let spec = &table.specs()[index];
    let bad = |value: String, reason: &str| ConfigError::BadValue {
        origin: origin.clone(),
        key: spec.key.clone(),
        value,
        reason: reason.to_string(),
    };
    let values: Vec<String> = match (spec.kind, value) {
        (Kind::Flag, value) => {
            let on = match value {
                Value::Bare => true,
                Value::Bool(on) => on,
                Value::Text(text) => parse_bool(&text).ok_or_else(|| {
                    bad(text, "expected true or false (also yes/no, on/off, 1/0)")
                })?,
                Value::List(items) => {
                    return Err(bad(
                        format!("[{}]", items.join(", ")),
                        "expected true or false",
                    ));
                }
            };
            layer.insert(index, Setting::Flag(on, origin));
            return Ok(());
        }
        (_, Value::Bare) => return Err(bad(String::new(), "a value is needed")),
        (_, Value::Bool(on)) => vec![on.to_string()],
        (Kind::Single, Value::List(items)) if items.len() == 1 => items,
        (Kind::Single, Value::List(items)) => {
            return Err(bad(
                format!("[{}]", items.join(", ")),
                "takes one value, not a list",
            ));
        }
        (Kind::Single, Value::Text(text)) => {
            layer.insert(index, Setting::Values(vec![(text, origin)]));
            return Ok(());
        }
        (Kind::Multi, Value::Text(text)) => vec![text],
        (Kind::Positional, Value::Text(text)) => text
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|name| !name.is_empty())
            .map(str::to_string)
            .collect(),
        (Kind::Multi | Kind::Positional, Value::List(items)) => items,
    };
    let values = values.into_iter().map(|value| (value, origin.clone()));
    match (spec.kind, layer.get_mut(&index)) {
        // Repeated within one source: a repeatable option collects, others keep the last.
        (Kind::Multi | Kind::Positional, Some(Setting::Values(earlier))) => earlier.extend(values),
        _ => {
            layer.insert(index, Setting::Values(values.collect()));
        }
    }
    Ok(())
}

/// ConfigArgParse's booleans.
fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// The argument list clap parses: the program name, the settings as arguments, then the
/// command line as given. Values are passed as `--key=value`, so a value starting with `-` is
/// not mistaken for a flag; positional user classes go first, before any option.
fn arguments(table: &Table, settings: &Settings, argv: &[OsString]) -> Vec<OsString> {
    let mut argv = argv.iter().cloned();
    let mut all = vec![argv.next().unwrap_or_else(|| "locusta".into())];
    let mut options = Vec::new();
    for (&index, setting) in settings {
        let spec = &table.specs()[index];
        match (spec.kind, setting) {
            (_, Setting::Flag(true, _)) => options.push(format!("--{}", spec.key).into()),
            (_, Setting::Flag(false, _)) => {}
            (Kind::Positional, Setting::Values(values)) => {
                all.extend(values.iter().map(|(value, _)| value.into()));
            }
            (_, Setting::Values(values)) => options.extend(
                values
                    .iter()
                    .map(|(value, _)| format!("--{}={value}", spec.key).into()),
            ),
        }
    }
    all.extend(options);
    all.extend(argv);
    all
}

/// A clap error caused by a config file or the environment, restated with the file and line
/// (or the variable) instead of the flag.
fn locate(error: clap::Error, table: &Table, settings: &Settings, argv: &[OsString]) -> ParseError {
    match error.kind() {
        ErrorKind::ValueValidation | ErrorKind::InvalidValue => {
            locate_value(error, table, settings)
        }
        ErrorKind::MissingRequiredArgument | ErrorKind::ArgumentConflict => {
            locate_combination(error, table, settings, argv)
        }
        _ => error.into(),
    }
}

/// A combination clap refuses (`csv-full-history` without `csv`, say): the first setting
/// from a file or the environment without which the refusal goes away is named, so the user
/// knows which line to change. Settings are few, so trying each costs nothing noticeable (and
/// only on this error path).
fn locate_combination(
    error: clap::Error,
    table: &Table,
    settings: &Settings,
    argv: &[OsString],
) -> ParseError {
    let culprit = settings.iter().find(|&(index, _)| {
        let mut without = settings.clone();
        without.remove(index);
        let retry = command().try_get_matches_from(arguments(table, &without, argv));
        retry.err().is_none_or(|other| other.kind() != error.kind())
    });
    let origin = match culprit {
        Some((_, Setting::Flag(_, origin))) => Some(origin),
        Some((_, Setting::Values(values))) => values.first().map(|(_, origin)| origin),
        None => None,
    };
    let (Some((&index, _)), Some(origin)) = (culprit, origin) else {
        return error.into();
    };
    // clap's text without its "error: " prefix and usage lines, on one line.
    let rendered = error.render().to_string();
    let complaint = rendered.split("\n\n").next().unwrap_or_default();
    let problem = complaint
        .strip_prefix("error: ")
        .unwrap_or(complaint)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    ConfigError::Combination {
        origin: origin.clone(),
        key: table.specs()[index].key.clone(),
        problem,
    }
    .into()
}

/// A clap error about a value that came from a config file or the environment, restated with
/// the file and line (or the variable) instead of the flag.
fn locate_value(error: clap::Error, table: &Table, settings: &Settings) -> ParseError {
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(text)) => Some(text.clone()),
        _ => None,
    };
    let (Some(rendered), Some(value)) = (
        text(ContextKind::InvalidArg),
        text(ContextKind::InvalidValue),
    ) else {
        return error.into();
    };
    let Some(spec) = table.by_rendering(&rendered) else {
        return error.into();
    };
    let Some(Setting::Values(values)) = settings.get(&index_of(table, spec)) else {
        return error.into();
    };
    let Some((_, origin)) = values.iter().find(|(candidate, _)| *candidate == value) else {
        return error.into();
    };
    let reason = match std::error::Error::source(&error) {
        Some(source) => source.to_string(),
        None => match error.get(ContextKind::ValidValue) {
            Some(ContextValue::Strings(valid)) => format!("expected one of {}", valid.join(", ")),
            _ => error.kind().to_string(),
        },
    };
    ConfigError::BadValue {
        origin: origin.clone(),
        key: spec.key.clone(),
        value,
        reason,
    }
    .into()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// A directory for one test's files, removed at the end.
    struct Dir(PathBuf);

    impl Dir {
        fn new(test: &str) -> Self {
            let path =
                std::env::temp_dir().join(format!("locusta-sources-{}-{test}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(path.join("home")).unwrap();
            std::fs::create_dir_all(path.join("work")).unwrap();
            Self(path)
        }

        fn write(&self, name: &str, text: &str) -> &Self {
            std::fs::write(self.0.join(name), text).unwrap();
            self
        }

        fn sources(&self, vars: &[(&str, &str)]) -> Sources {
            Sources {
                cwd: self.0.join("work"),
                home: Some(self.0.join("home")),
                vars: vars
                    .iter()
                    .map(|(name, value)| (name.to_string(), OsString::from(value)))
                    .collect(),
            }
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn run(sources: &Sources, args: &[&str]) -> Result<Args, ParseError> {
        let argv = std::iter::once("locusta")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        parse_with(argv, sources)
    }

    fn config_error(sources: &Sources, args: &[&str]) -> String {
        match run(sources, args) {
            Err(error @ ParseError::Config(_)) => {
                assert_eq!(error.exit_code(), 2);
                error.to_string()
            }
            Err(other) => panic!("not a config error: {other}"),
            Ok(args) => panic!("parsed: {args:?}"),
        }
    }

    #[test]
    fn each_source_beats_the_one_before() {
        let dir = Dir::new("order");
        let users = |dir: &Dir, vars: &[(&str, &str)], args: &[&str]| {
            run(&dir.sources(vars), args).unwrap().users
        };
        assert_eq!(users(&dir, &[], &[]), None);
        dir.write("home/.locust.conf", "users = 1\nrun-time = 1m\n");
        assert_eq!(users(&dir, &[], &[]), Some(1));
        dir.write("home/.locusta.conf", "users = 2\n");
        assert_eq!(users(&dir, &[], &[]), Some(2));
        dir.write("work/locust.conf", "users = 3\n");
        assert_eq!(users(&dir, &[], &[]), Some(3));
        dir.write("work/locusta.conf", "users = 4\n");
        assert_eq!(users(&dir, &[], &[]), Some(4));
        dir.write("work/pyproject.toml", "[tool.locust]\nusers = 5\n");
        assert_eq!(users(&dir, &[], &[]), Some(5));
        dir.write(
            "work/pyproject.toml",
            "[tool.locust]\nusers = 5\n[tool.locusta]\nusers = 6\n",
        );
        assert_eq!(users(&dir, &[], &[]), Some(6));
        dir.write("work/other.conf", "users = 7\n");
        assert_eq!(users(&dir, &[], &["--config", "other.conf"]), Some(7));
        assert_eq!(users(&dir, &[], &["--config=other.conf"]), Some(7));
        dir.write("work/other.toml", "[tool.locust]\nusers = 8\n");
        assert_eq!(users(&dir, &[], &["--conf", "other.toml"]), Some(8));
        let env = [("LOCUST_USERS", "9")];
        assert_eq!(users(&dir, &env, &["--config", "other.conf"]), Some(9));
        let env = [("LOCUSTA_USERS", "10"), ("LOCUST_USERS", "9")];
        assert_eq!(users(&dir, &env, &["--config", "other.conf"]), Some(10));
        assert_eq!(
            users(&dir, &env, &["--config", "other.conf", "-u", "11"]),
            Some(11)
        );
        assert_eq!(users(&dir, &env, &["--us=12"]), Some(12));
        // What no later source touched still comes from the first file.
        let args = run(&dir.sources(&env), &[]).unwrap();
        assert_eq!(args.run_time, Some(Duration::from_secs(60)));
    }

    #[test]
    fn false_turns_a_flag_off_and_the_command_line_turns_it_back_on() {
        let dir = Dir::new("flags");
        dir.write("work/locust.conf", "headless = true\nonly-summary\n");
        let sources = dir.sources(&[]);
        let args = run(&sources, &[]).unwrap();
        assert!(args.headless && args.only_summary);
        let sources = dir.sources(&[("LOCUSTA_HEADLESS", "false"), ("LOCUST_ONLY_SUMMARY", "0")]);
        let args = run(&sources, &[]).unwrap();
        assert!(!args.headless && !args.only_summary);
        let args = run(&sources, &["--headless"]).unwrap();
        assert!(args.headless);
        // Locust's --headful overrides a config file's headless.
        let args = run(&dir.sources(&[]), &["--headful"]).unwrap();
        assert!(args.headful);
        dir.write("work/locusta.conf", "headless = false\n");
        assert!(!run(&dir.sources(&[]), &[]).unwrap().headless);
        dir.write("work/locusta.conf", "headless = maybe\n");
        assert_eq!(
            config_error(&dir.sources(&[]), &[]),
            "locusta.conf:1: invalid value 'maybe' for 'headless': expected true or false \
             (also yes/no, on/off, 1/0)"
        );
    }

    #[test]
    fn repeatable_options_and_user_classes_take_lists_and_the_winner_replaces() {
        let dir = Dir::new("lists");
        dir.write(
            "work/locust.conf",
            "threshold = [p95<500ms, error-rate<1%]\nthreshold = p99<1s\nuser-classes = Web Mobile\n",
        );
        let args = run(&dir.sources(&[]), &[]).unwrap();
        assert_eq!(args.thresholds, ["p95<500ms", "error-rate<1%", "p99<1s"]);
        assert_eq!(args.user_classes, ["Web", "Mobile"]);
        let sources = dir.sources(&[
            ("LOCUST_USER_CLASSES", "Admin  Web"),
            ("LOCUSTA_THRESHOLD", "[p50<10ms, p90<20ms]"),
        ]);
        let args = run(&sources, &[]).unwrap();
        assert_eq!(args.thresholds, ["p50<10ms", "p90<20ms"]);
        assert_eq!(args.user_classes, ["Admin", "Web"]);
        let args = run(&sources, &["--threshold", "p75<1s", "Mobile"]).unwrap();
        assert_eq!(args.thresholds, ["p75<1s"]);
        assert_eq!(args.user_classes, ["Mobile"]);
        // An option taking several values per occurrence (-T a b) gets them one by one, and
        // does not swallow the command line's positional names that follow.
        dir.write(
            "work/locust.conf",
            "tags = [checkout, search]
",
        );
        let args = run(
            &dir.sources(&[("LOCUST_EXCLUDE_TAGS", "slow,flaky")]),
            &["Web"],
        )
        .unwrap();
        assert_eq!(args.tags, ["checkout", "search"]);
        assert_eq!(args.exclude_tags, ["slow", "flaky"]);
        assert_eq!(args.user_classes, ["Web"]);
    }

    #[test]
    fn values_come_through_the_same_parser_and_errors_name_the_line() {
        let dir = Dir::new("values");
        dir.write(
            "work/locust.conf",
            "# settings\nlocustfile = -weird.lua\nhost = http://127.0.0.1:1\n\nusers = abc\n",
        );
        assert_eq!(
            config_error(&dir.sources(&[]), &[]),
            "locust.conf:5: invalid value 'abc' for 'users': 'abc' is not a whole number of \
             users (e.g. -u 100)"
        );
        // The command line's value wins, so the file's is never parsed.
        let args = run(&dir.sources(&[]), &["-u", "3"]).unwrap();
        assert_eq!(args.users, Some(3));
        assert_eq!(args.locustfile.as_deref(), Some("-weird.lua"));
        let message = config_error(&dir.sources(&[("LOCUSTA_RUN_TIME", "5x")]), &["-u", "1"]);
        assert!(
            message.starts_with("LOCUSTA_RUN_TIME: invalid value '5x' for 'run-time': "),
            "{message}"
        );
        let message = config_error(&dir.sources(&[("LOCUST_THREADS", "0")]), &["-u", "1"]);
        assert!(
            message.starts_with("LOCUST_THREADS: invalid value '0' for 'threads'"),
            "{message}"
        );
        // A bad value on the command line stays clap's error.
        let error = run(&dir.sources(&[]), &["-u", "x"]).unwrap_err();
        assert!(matches!(error, ParseError::Clap(_)), "{error}");
        assert_eq!(error.exit_code(), 2);
    }

    #[test]
    fn bad_keys_and_lines_are_reported_with_file_and_line() {
        let dir = Dir::new("keys");
        dir.write("work/locust.conf", "headless = true\n\nuserz = 3\n");
        assert_eq!(
            config_error(&dir.sources(&[]), &[]),
            "locust.conf:3: unknown option 'userz' (did you mean 'users'?)"
        );
        dir.write("work/locust.conf", "[locust]\notel = true\n");
        assert!(
            config_error(&dir.sources(&[]), &[])
                .starts_with("locust.conf:2: 'otel' is a Locust option")
        );
        dir.write("work/locust.conf", "config = other.conf\n");
        assert_eq!(
            config_error(&dir.sources(&[]), &[]),
            "locust.conf:1: 'config' can only be given on the command line"
        );
        dir.write("work/locust.conf", "users 3\n");
        assert_eq!(
            config_error(&dir.sources(&[]), &[]),
            "locust.conf:1: expected 'key = value', got 'users 3'"
        );
        dir.write("work/locust.conf", "users = [1, 2]\n");
        assert!(config_error(&dir.sources(&[]), &[]).contains("takes one value, not a list"));
        dir.write("work/locust.conf", "users =\n");
        assert!(config_error(&dir.sources(&[]), &[]).contains("a value is needed"));
        std::fs::remove_file(dir.0.join("work/locust.conf")).unwrap();
        dir.write("home/.locust.conf", "spawn_rate = 0\n");
        assert!(
            config_error(&dir.sources(&[]), &[])
                .starts_with("~/.locust.conf:1: invalid value '0' for 'spawn-rate'")
        );
        std::fs::remove_file(dir.0.join("home/.locust.conf")).unwrap();
        dir.write(
            "work/pyproject.toml",
            "[tool.locust]\nusers = 1\nuzers = 2\n",
        );
        assert_eq!(
            config_error(&dir.sources(&[]), &[]),
            "pyproject.toml:3: unknown option 'uzers' (did you mean 'users'?)"
        );
        std::fs::remove_file(dir.0.join("work/pyproject.toml")).unwrap();
        assert!(
            config_error(&dir.sources(&[]), &["--config", "missing.conf"])
                .starts_with("cannot read config file missing.conf: ")
        );
    }

    #[test]
    fn a_setting_that_does_not_go_with_the_others_names_its_line() {
        let dir = Dir::new("combination");
        dir.write(
            "work/locust.conf",
            "headless = true\ncsv-full-history = true\n",
        );
        assert_eq!(
            config_error(&dir.sources(&[]), &[]),
            "locust.conf:2: 'csv-full-history' does not go with the other options: the \
             following required arguments were not provided: --csv <PREFIX>"
        );
        // The option it needs, from any source, mends it.
        run(&dir.sources(&[]), &["--csv", "out"]).unwrap();
        run(&dir.sources(&[("LOCUSTA_CSV", "out")]), &[]).unwrap();
        // A conflict with the command line names the variable.
        let message = config_error(&dir.sources(&[("LOCUSTA_MASTER", "true")]), &["--worker"]);
        assert!(
            message.starts_with(
                "LOCUSTA_MASTER: 'master' does not go with the other options: the argument"
            ),
            "{message}"
        );
        // A combination the command line makes on its own stays clap's error.
        let empty = Dir::new("combination-cli");
        let error = run(&empty.sources(&[]), &["--csv-full-history"]).unwrap_err();
        assert!(matches!(error, ParseError::Clap(_)), "{error}");
        assert_eq!(error.exit_code(), 2);
    }

    #[test]
    fn locusts_enable_rebalancing_is_accepted_from_every_source() {
        let dir = Dir::new("rebalancing");
        dir.write(
            "work/locust.conf",
            "master = true\nenable-rebalancing = true\n",
        );
        assert!(run(&dir.sources(&[]), &[]).unwrap().enable_rebalancing);
        let empty = Dir::new("rebalancing-cli");
        assert!(
            run(&empty.sources(&[]), &["--master", "--enable-rebalancing"])
                .unwrap()
                .enable_rebalancing
        );
    }

    #[test]
    fn help_and_version_do_not_read_config_files() {
        let dir = Dir::new("help");
        dir.write("work/locust.conf", "broken line here\n");
        for flag in ["--help", "--version"] {
            let error = run(&dir.sources(&[]), &[flag]).unwrap_err();
            assert_eq!(error.exit_code(), 0, "{flag}: {error}");
        }
        let help = run(&dir.sources(&[]), &["--help"]).unwrap_err().to_string();
        assert!(help.contains("--config <FILE>"), "{help}");
        assert!(help.contains("LOCUSTA_"), "{help}");
    }

    #[test]
    fn unrelated_environment_variables_are_ignored() {
        let dir = Dir::new("env");
        let sources = dir.sources(&[
            ("LOCUSTA_SKIP_BROWSER_TESTS", "1"),
            ("LOCUST_SKIP_MONKEY_PATCH", "1"),
            ("LOCUSTA_USERS", ""),
        ]);
        assert_eq!(run(&sources, &[]).unwrap().users, None);
    }
}
