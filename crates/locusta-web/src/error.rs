//! The crate's error type. Most variants are answers to a bad `/swarm` request: their
//! `Display` text is the `message` of `{"success": false, "message": ...}`, so each names the
//! field at fault, in Locust's wording where Locust has one.

/// What can go wrong in the web layer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `--web-auth` is not of the form `user:password`.
    #[error("Invalid auth_credentials. It should be a string in the following format: 'user:pass'")]
    InvalidCredentials,

    /// A `/swarm` body that is neither a form nor a JSON object of plain values.
    #[error("Invalid /swarm request body: {0}")]
    Body(String),

    /// A required `/swarm` field (`user_count`, `spawn_rate` or a legacy alias) is absent.
    #[error("Missing or invalid user_count or spawn_rate from /swarm request: {field} is missing")]
    MissingField {
        /// The field's modern name.
        field: &'static str,
    },

    /// A `/swarm` field has a value of the wrong type or range.
    #[error("Invalid {field} value: '{value}' (must be {expected})")]
    InvalidField {
        /// The field name as the client sent it (legacy aliases included).
        field: &'static str,
        /// The value as sent.
        value: String,
        /// What the value must be, e.g. `an integer`.
        expected: &'static str,
    },

    /// `run_time` is not a time span (Locust's message, word for word).
    #[error("Valid run_time formats are : 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.")]
    InvalidRunTime {
        /// The value as sent.
        value: String,
    },

    /// `user_classes` names a class the locustfile does not define.
    #[error("Invalid user_classes value: '{name}' (known classes: {known})")]
    UnknownUserClass {
        /// The unknown name.
        name: String,
        /// The defined class names, comma-separated.
        known: String,
    },
}
