//! The options that config files and environment variables may set, read off the clap
//! command itself, so a new flag in `args.rs` gets a config key and environment variables
//! without being listed anywhere else.

use clap::{ArgAction, Command};

/// How an option takes its value, which decides how a config value becomes arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A flag (`--headless`): the config value is a boolean; `false` means "not given".
    Flag,
    /// One value (`--users 3`); a later source replaces it.
    Single,
    /// A repeatable option (`--threshold A --threshold B`): a config value may be a list.
    Multi,
    /// The positional user classes: a list, or a whitespace-separated string.
    Positional,
}

/// One option that config files and the environment can set.
#[derive(Debug, Clone)]
pub struct Spec {
    /// clap's id, for the parsed matches.
    pub id: String,
    /// The config-file key: the long name (`spawn-rate`), or `user-classes` for the positional.
    pub key: String,
    /// Other accepted long names (clap aliases).
    pub aliases: Vec<String>,
    /// How the value is passed on.
    pub kind: Kind,
    /// clap's rendering of the argument (`--users <USERS>`), as it appears in clap's errors.
    pub rendered: String,
}

impl Spec {
    /// `LOCUST_<NAME>`: Locust's variable, which for a few options is not the derived name.
    pub fn locust_env(&self) -> String {
        match LOCUST_ENV_EXCEPTIONS
            .iter()
            .find(|(key, _)| *key == self.key)
        {
            Some((_, name)) => (*name).to_string(),
            None => format!("LOCUST_{}", env_suffix(&self.key)),
        }
    }

    /// `LOCUSTA_<NAME>`: the derived name, except for the master's address, which follows
    /// Locust's `*_MASTER_NODE_*`: Kubernetes gives every pod `LOCUSTA_MASTER_PORT=tcp://...`
    /// for a Service named `locusta-master`, which would otherwise be read as `--master-port`.
    pub fn locusta_env(&self) -> String {
        match self.key.as_str() {
            "master-host" => "LOCUSTA_MASTER_NODE_HOST".to_owned(),
            "master-port" => "LOCUSTA_MASTER_NODE_PORT".to_owned(),
            key => format!("LOCUSTA_{}", env_suffix(key)),
        }
    }
}

/// Locust's environment variables whose names are not `LOCUST_` + the long name (reference
/// §2.1). Listed for the options Locusta has or may get; an entry for a missing option is inert.
const LOCUST_ENV_EXCEPTIONS: &[(&str, &str)] = &[
    ("class-picker", "LOCUST_USERCLASS_PICKER"),
    ("master", "LOCUST_MODE_MASTER"),
    ("worker", "LOCUST_MODE_WORKER"),
    ("master-host", "LOCUST_MASTER_NODE_HOST"),
    ("master-port", "LOCUST_MASTER_NODE_PORT"),
    ("otel", "LOCUST_ENABLE_OPENTELEMETRY"),
];

/// Locust's long options (2.47, reference §2.1), so that a Locust config file naming one that
/// Locusta lacks gets a clearer error than "unknown option".
const LOCUST_KEYS: &[&str] = &[
    "locustfile",
    "host",
    "users",
    "spawn-rate",
    "run-time",
    "list",
    "config-users",
    "web-host",
    "web-port",
    "headless",
    "autostart",
    "autoquit",
    "web-login",
    "tls-cert",
    "tls-key",
    "class-picker",
    "web-base-path",
    "headful",
    "web-host-display-name",
    "build-path",
    "master",
    "master-bind-host",
    "master-bind-port",
    "expect-workers",
    "expect-workers-max-wait",
    "enable-rebalancing",
    "worker",
    "processes",
    "master-host",
    "master-port",
    "tags",
    "exclude-tags",
    "csv",
    "csv-full-history",
    "print-stats",
    "only-summary",
    "reset-stats",
    "html",
    "json",
    "json-file",
    "skip-log-setup",
    "loglevel",
    "logfile",
    "show-task-ratio",
    "show-task-ratio-json",
    "exit-code-on-error",
    "stop-timeout",
    "equal-weights",
    "profile",
    "otel",
];

/// Options that only make sense on the command line.
const COMMAND_LINE_ONLY: &[&str] = &["config", "help", "version"];

/// What a config key names.
#[derive(Debug)]
pub enum Lookup<'a> {
    /// An option of ours.
    Found(&'a Spec),
    /// `--config`, `--help`, `--version`: not settable from a config file or the environment.
    CommandLineOnly,
    /// A Locust option Locusta does not have.
    LocustOnly,
    /// Nothing; maybe a near miss.
    Unknown {
        /// The closest key, if any is close.
        suggestion: Option<String>,
    },
}

/// Every option that config files and the environment can set.
#[derive(Debug, Clone)]
pub struct Table {
    specs: Vec<Spec>,
}

impl Table {
    /// Reads the options of `command`, which must have been built (`Command::build`).
    pub fn new(command: &Command) -> Self {
        let specs = command
            .get_arguments()
            .filter_map(|arg| {
                let id = arg.get_id().as_str().to_string();
                if COMMAND_LINE_ONLY.contains(&id.as_str()) {
                    return None;
                }
                let kind = if arg.is_positional() {
                    Kind::Positional
                } else {
                    match arg.get_action() {
                        ArgAction::SetTrue | ArgAction::SetFalse | ArgAction::Count => Kind::Flag,
                        ArgAction::Append => Kind::Multi,
                        ArgAction::Set => Kind::Single,
                        _ => return None,
                    }
                };
                let key = match arg.get_long() {
                    Some(long) => long.to_string(),
                    None if kind == Kind::Positional => id.replace('_', "-"),
                    // A short-only flag has no name to write in a file.
                    None => return None,
                };
                Some(Spec {
                    id,
                    key,
                    aliases: arg
                        .get_all_aliases()
                        .unwrap_or_default()
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                    kind,
                    rendered: arg.to_string(),
                })
            })
            .collect();
        Self { specs }
    }

    /// All options, in the command's order.
    pub fn specs(&self) -> &[Spec] {
        &self.specs
    }

    /// The option a config key names: the long name, with `_` accepted for `-` and any case.
    pub fn lookup(&self, key: &str) -> Lookup<'_> {
        let key = normalise(key);
        if let Some(spec) = self
            .specs
            .iter()
            .find(|spec| spec.key == key || spec.aliases.contains(&key))
        {
            return Lookup::Found(spec);
        }
        if COMMAND_LINE_ONLY.contains(&key.as_str()) {
            return Lookup::CommandLineOnly;
        }
        if LOCUST_KEYS.contains(&key.as_str()) {
            return Lookup::LocustOnly;
        }
        // clap's own threshold for "a similar argument exists".
        let suggestion = self
            .specs
            .iter()
            .map(|spec| (strsim::jaro(&key, &spec.key), &spec.key))
            .filter(|(score, _)| *score > 0.7)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, key)| key.clone());
        Lookup::Unknown { suggestion }
    }

    /// The spec with clap's rendering `rendered` (from a clap error's context).
    pub fn by_rendering(&self, rendered: &str) -> Option<&Spec> {
        self.specs.iter().find(|spec| spec.rendered == rendered)
    }
}

/// `Spawn_Rate` -> `spawn-rate`.
fn normalise(key: &str) -> String {
    key.trim().to_ascii_lowercase().replace('_', "-")
}

/// `spawn-rate` -> `SPAWN_RATE`.
fn env_suffix(key: &str) -> String {
    key.to_ascii_uppercase().replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table::new(&super::super::sources::command())
    }

    #[test]
    fn every_long_option_is_a_key_with_its_kind() {
        let table = table();
        let kind = |key: &str| match table.lookup(key) {
            Lookup::Found(spec) => spec.kind,
            other => panic!("{key}: {other:?}"),
        };
        assert_eq!(kind("users"), Kind::Single);
        assert_eq!(kind("locustfile"), Kind::Single);
        assert_eq!(kind("headless"), Kind::Flag);
        assert_eq!(kind("user-classes"), Kind::Positional);
        assert_eq!(kind("Spawn_Rate"), Kind::Single);
        assert!(matches!(table.lookup("config"), Lookup::CommandLineOnly));
        assert!(matches!(table.lookup("help"), Lookup::CommandLineOnly));
        assert!(matches!(table.lookup("version"), Lookup::CommandLineOnly));
        // Every option of the command is reachable by its long name.
        let command = super::super::sources::command();
        for arg in command.get_arguments() {
            if let Some(long) = arg.get_long()
                && !COMMAND_LINE_ONLY.contains(&long)
            {
                assert!(
                    matches!(table.lookup(long), Lookup::Found(_)),
                    "--{long} cannot be set from a config file"
                );
            }
        }
    }

    #[test]
    fn every_option_can_be_passed_on_as_arguments() {
        // The token builder passes each value as its own `--key=value`: a repeatable option
        // (Append) collects them, whatever its `num_args`, but a single occurrence taking
        // several values (`ArgAction::Set` with `num_args(2..)`) would keep only the last.
        let command = super::super::sources::command();
        for arg in command.get_arguments() {
            if arg.is_positional() || !matches!(arg.get_action(), ArgAction::Set) {
                continue;
            }
            let max = arg.get_num_args().map_or(1, |range| range.max_values());
            assert!(
                max <= 1,
                "--{:?} takes {max} values in one occurrence; make it ArgAction::Append or \
                 teach sources.rs to pass it on",
                arg.get_long()
            );
        }
    }

    #[test]
    fn unknown_keys_get_a_suggestion_or_a_locust_note() {
        let table = table();
        match table.lookup("userz") {
            Lookup::Unknown { suggestion } => assert_eq!(suggestion.as_deref(), Some("users")),
            other => panic!("{other:?}"),
        }
        match table.lookup("spawnrate") {
            Lookup::Unknown { suggestion } => {
                assert_eq!(suggestion.as_deref(), Some("spawn-rate"))
            }
            other => panic!("{other:?}"),
        }
        match table.lookup("zzzzzz") {
            Lookup::Unknown { suggestion } => assert_eq!(suggestion, None),
            other => panic!("{other:?}"),
        }
        assert!(matches!(table.lookup("otel"), Lookup::LocustOnly));
    }

    #[test]
    fn environment_names_follow_locust() {
        let table = table();
        let spec = |key: &str| match table.lookup(key) {
            Lookup::Found(spec) => spec.clone(),
            other => panic!("{key}: {other:?}"),
        };
        assert_eq!(spec("run-time").locust_env(), "LOCUST_RUN_TIME");
        assert_eq!(spec("run-time").locusta_env(), "LOCUSTA_RUN_TIME");
        assert_eq!(spec("user-classes").locust_env(), "LOCUST_USER_CLASSES");
        let picker = Spec {
            key: "class-picker".into(),
            ..spec("headless")
        };
        assert_eq!(picker.locust_env(), "LOCUST_USERCLASS_PICKER");
        assert_eq!(picker.locusta_env(), "LOCUSTA_CLASS_PICKER");
        assert_eq!(spec("master-port").locust_env(), "LOCUST_MASTER_NODE_PORT");
        assert_eq!(
            spec("master-port").locusta_env(),
            "LOCUSTA_MASTER_NODE_PORT"
        );
        assert_eq!(
            spec("master-host").locusta_env(),
            "LOCUSTA_MASTER_NODE_HOST"
        );
        assert_eq!(
            spec("master-bind-port").locusta_env(),
            "LOCUSTA_MASTER_BIND_PORT"
        );
    }

    #[test]
    fn no_option_declares_a_clap_env_variable() {
        // clap reads `env = ...` only when the argument is absent from argv, so it would rank
        // below the config files that sources.rs turns into arguments. Environment variables
        // come from sources.rs for every option; declare none in args.rs.
        use clap::CommandFactory;
        let command = super::super::args::Args::command();
        for arg in command.get_arguments() {
            assert!(
                arg.get_env().is_none(),
                "{} declares env = {:?}; remove it (sources.rs reads LOCUSTA_*/LOCUST_* for every option)",
                arg.get_id(),
                arg.get_env()
            );
        }
    }
}
