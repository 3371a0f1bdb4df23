//! Reading and checking a `/swarm` request. Nothing here touches the runner: a request is
//! either turned into a complete [`Target`] or rejected whole, so a bad field never leaves a
//! test half-changed.

use std::collections::BTreeSet;
use std::time::Duration;

use locusta_runner::{ShapeOptions, Target, parse_timespan};
use serde_json::Value;

use crate::{Error, RunInfo, ShapeInfo};

/// The longest run time, and the longest pause between two spawn steps, that a request may
/// ask for. Far longer spans make no sense for a load test, and spans near `u64::MAX` seconds
/// would overflow the runner's clock arithmetic (`Instant + Duration` panics).
const LONGEST_SPAN: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// The request's fields as `(name, value)` pairs in the order sent; a name may repeat
/// (`user_classes`).
pub(crate) type Fields = Vec<(String, String)>;

/// Decodes a form (`application/x-www-form-urlencoded`, also assumed when no content type is
/// given) or a JSON object whose values are strings, numbers, booleans or arrays of those.
pub(crate) fn decode_fields(content_type: Option<&str>, body: &[u8]) -> Result<Fields, Error> {
    let media_type = content_type
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase());
    match media_type.as_deref() {
        Some("application/json") => decode_json(body),
        Some("multipart/form-data") => Err(Error::Body(
            "multipart/form-data is not supported; send application/x-www-form-urlencoded or JSON"
                .to_owned(),
        )),
        _ => Ok(url::form_urlencoded::parse(body).into_owned().collect()),
    }
}

fn decode_json(body: &[u8]) -> Result<Fields, Error> {
    let Value::Object(object) =
        serde_json::from_slice(body).map_err(|error| Error::Body(error.to_string()))?
    else {
        return Err(Error::Body("expected a JSON object".to_owned()));
    };
    let mut fields = Vec::new();
    for (name, value) in object {
        let values = match value {
            Value::Array(items) => items,
            single => vec![single],
        };
        for value in values {
            let text = match value {
                Value::Null => continue,
                Value::String(text) => text,
                Value::Bool(flag) => flag.to_string(),
                Value::Number(number) => number.to_string(),
                Value::Array(_) | Value::Object(_) => {
                    return Err(Error::Body(format!("{name} must be a plain value")));
                }
            };
            fields.push((name.clone(), text));
        }
    }
    Ok(fields)
}

/// A checked `/swarm` request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SwarmRequest {
    /// What to tell the runner.
    pub(crate) order: Order,
    /// A host other than the current one, for users spawned from now on.
    pub(crate) new_host: Option<String>,
    /// `run_time` in whole seconds, for the answer.
    pub(crate) run_time_secs: Option<u64>,
}

/// What a `/swarm` request starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Order {
    /// A test (or an edit of the running one) aiming at a fixed target.
    Start(Target),
    /// The run's load shape, with the common options it may use.
    Shape {
        /// The shape's name, for the answer.
        name: String,
        /// The form's user count, spawn rate and run time (empty unless the shape uses them).
        options: ShapeOptions,
    },
}

/// Checks every field against Locust's rules and what this run can do:
/// - `user_count` (legacy `locust_count`): an integer ≥ 0;
/// - `spawn_rate` (legacy `hatch_rate`): a finite number > 0;
/// - `host` (optional): an http(s) URL; users spawned from now on aim at it, as in Locust;
/// - `run_time` (optional): a time span; empty or 0 means no limit, as in Locust;
/// - `user_classes` (optional, repeated or comma-separated): known class names; the test runs
///   only those classes;
/// - `shape_class` (optional): with a load shape, absent or the shape's name starts the shape,
///   `Default` (or empty) starts a fixed target instead. A shape reads `user_count`,
///   `spawn_rate` and `run_time` only when it uses the common options; otherwise they are
///   neither needed nor checked, since the form hides them.
///
/// Other fields (`profile`, custom options) are ignored.
pub(crate) fn parse_swarm(
    fields: &[(String, String)],
    run: &RunInfo,
    shape: Option<&ShapeInfo>,
    current_host: Option<&str>,
) -> Result<SwarmRequest, Error> {
    let new_host = check_host(field(fields, "host"), current_host)?;
    let user_classes = parse_user_classes(fields, run)?;
    if let Some(shape) = chosen_shape(fields, shape)? {
        let options = if shape.use_common_options {
            ShapeOptions {
                users: optional(fields, &["user_count", "locust_count"], parse_user_count)?,
                spawn_rate: optional(fields, &["spawn_rate", "hatch_rate"], parse_spawn_rate)?,
                run_time: parse_run_time(fields)?,
            }
        } else {
            ShapeOptions::default()
        };
        return Ok(SwarmRequest {
            order: Order::Shape {
                name: shape.name.clone(),
                options,
            },
            run_time_secs: options.run_time.map(|run_time| run_time.as_secs()),
            new_host,
        });
    }
    let users = parse_user_count(fields)?;
    let spawn_rate = parse_spawn_rate(fields)?;
    let run_time = parse_run_time(fields)?;
    Ok(SwarmRequest {
        order: Order::Start(Target {
            users,
            spawn_rate,
            run_time,
            user_classes,
        }),
        run_time_secs: run_time.map(|run_time| run_time.as_secs()),
        new_host,
    })
}

/// The shape the request runs: the run's shape unless `shape_class` is `Default` or empty.
fn chosen_shape<'a>(
    fields: &[(String, String)],
    shape: Option<&'a ShapeInfo>,
) -> Result<Option<&'a ShapeInfo>, Error> {
    let requested = field(fields, "shape_class").map(str::trim);
    match (requested, shape) {
        (None, shape) => Ok(shape),
        (Some("" | "Default"), _) => Ok(None),
        (Some(name), Some(shape)) if name == shape.name => Ok(Some(shape)),
        (Some(name), _) => Err(Error::InvalidField {
            field: "shape_class",
            value: name.to_owned(),
            expected: "the locustfile's load shape or Default",
        }),
    }
}

/// Reads one field (under any of its names) from the request's fields.
type FieldParser<T> = fn(&[(String, String)]) -> Result<T, Error>;

/// Parses the first of `names` present with `parse`; `None` when none is present.
fn optional<T>(
    fields: &[(String, String)],
    names: &[&'static str],
    parse: FieldParser<T>,
) -> Result<Option<T>, Error> {
    match aliased(fields, names) {
        Some(_) => parse(fields).map(Some),
        None => Ok(None),
    }
}

/// The first value of `name`.
fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The value of the first of `names` present, with the name it was sent under.
fn aliased<'a>(
    fields: &'a [(String, String)],
    names: &[&'static str],
) -> Option<(&'static str, &'a str)> {
    names
        .iter()
        .find_map(|&name| field(fields, name).map(|value| (name, value)))
}

fn parse_user_count(fields: &[(String, String)]) -> Result<u64, Error> {
    let (name, text) =
        aliased(fields, &["user_count", "locust_count"]).ok_or(Error::MissingField {
            field: "user_count",
        })?;
    let invalid = |expected| Error::InvalidField {
        field: name,
        value: text.to_owned(),
        expected,
    };
    // Parsed as a signed number first, so `-1` is told it is negative rather than not a number.
    let number: i128 = text.trim().parse().map_err(|_| invalid("an integer"))?;
    u64::try_from(number).map_err(|_| invalid("an integer >= 0"))
}

fn parse_spawn_rate(fields: &[(String, String)]) -> Result<f64, Error> {
    let (name, text) =
        aliased(fields, &["spawn_rate", "hatch_rate"]).ok_or(Error::MissingField {
            field: "spawn_rate",
        })?;
    let invalid = |expected| Error::InvalidField {
        field: name,
        value: text.to_owned(),
        expected,
    };
    let rate = match text.trim().parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => rate,
        _ => return Err(invalid("a finite number > 0")),
    };
    // The runner waits `1 / rate` seconds between steps of one user.
    if rate < 1.0 / LONGEST_SPAN.as_secs_f64() {
        return Err(invalid("at least one user per 100 years"));
    }
    Ok(rate)
}

fn parse_run_time(fields: &[(String, String)]) -> Result<Option<Duration>, Error> {
    let text = match field(fields, "run_time").map(str::trim) {
        None | Some("") => return Ok(None),
        Some(text) => text,
    };
    let run_time = parse_timespan(text).map_err(|_| Error::InvalidRunTime {
        value: text.to_owned(),
    })?;
    if run_time > LONGEST_SPAN {
        return Err(Error::InvalidField {
            field: "run_time",
            value: text.to_owned(),
            expected: "at most 100 years",
        });
    }
    // Locust treats a zero run time as none.
    Ok(Some(run_time).filter(|run_time| !run_time.is_zero()))
}

/// An http(s) URL other than `current`, or `None` when the field is empty or names the
/// current host.
fn check_host(requested: Option<&str>, current: Option<&str>) -> Result<Option<String>, Error> {
    let Some(requested) = requested.map(str::trim).filter(|host| !host.is_empty()) else {
        return Ok(None);
    };
    let is_web_url = url::Url::parse(requested).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty())
    });
    if !is_web_url {
        return Err(Error::InvalidField {
            field: "host",
            value: requested.to_owned(),
            expected: "an http:// or https:// URL",
        });
    }
    Ok(match current {
        Some(current) if same_host(current, requested) => None,
        _ => Some(requested.trim_end_matches('/').to_owned()),
    })
}

/// Hosts are compared as typed, but a trailing `/` does not make them different.
fn same_host(a: &str, b: &str) -> bool {
    a.trim().trim_end_matches('/') == b.trim_end_matches('/')
}

/// The classes `user_classes` names (repeated fields, or comma-separated), in the order sent
/// and without repeats; `None` when the field is absent or empty.
fn parse_user_classes(
    fields: &[(String, String)],
    run: &RunInfo,
) -> Result<Option<Vec<String>>, Error> {
    let mut requested: Vec<&str> = Vec::new();
    for (_, value) in fields.iter().filter(|(key, _)| key == "user_classes") {
        for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !requested.contains(&name) {
                requested.push(name);
            }
        }
    }
    if requested.is_empty() {
        return Ok(None);
    }
    let known: BTreeSet<&str> = run
        .classes
        .iter()
        .map(|class| class.name.as_str())
        .collect();
    if let Some(unknown) = requested.iter().find(|name| !known.contains(*name)) {
        return Err(Error::UnknownUserClass {
            name: (*unknown).to_owned(),
            known: known.iter().copied().collect::<Vec<_>>().join(", "),
        });
    }
    Ok(Some(requested.into_iter().map(str::to_owned).collect()))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::ClassInfo;

    fn run() -> RunInfo {
        let class = |name: &str| ClassInfo {
            name: name.to_owned(),
            weight: 1.0,
            fixed_count: 0,
            tasks: Vec::new(),
        };
        RunInfo {
            host: Some("http://127.0.0.1:8000".to_owned()),
            locustfile: "locustfile.lua".to_owned(),
            classes: vec![class("Web"), class("Api")],
        }
    }

    fn fields(body: &str) -> Fields {
        decode_fields(
            Some("application/x-www-form-urlencoded; charset=utf-8"),
            body.as_bytes(),
        )
        .unwrap()
    }

    fn form(body: &str) -> Result<SwarmRequest, Error> {
        parse_swarm(&fields(body), &run(), None, run().host.as_deref())
    }

    /// The target of an accepted request without a shape.
    fn target(body: &str) -> Target {
        match form(body).unwrap().order {
            Order::Start(target) => target,
            other => panic!("not a start: {other:?}"),
        }
    }

    fn message(body: &str) -> String {
        form(body).unwrap_err().to_string()
    }

    #[test]
    fn reads_modern_and_legacy_names() {
        let modern = form("user_count=10&spawn_rate=2.5&run_time=1m30s").unwrap();
        assert_eq!(
            modern.order,
            Order::Start(Target {
                users: 10,
                spawn_rate: 2.5,
                run_time: Some(Duration::from_secs(90)),
                user_classes: None,
            })
        );
        assert_eq!(modern.run_time_secs, Some(90));
        let legacy = target("locust_count=10&hatch_rate=3");
        assert_eq!((legacy.users, legacy.spawn_rate), (10, 3.0));
        assert_eq!(legacy.run_time, None);
    }

    #[test]
    fn names_the_bad_field() {
        assert_eq!(
            message("user_count=abc&spawn_rate=1"),
            "Invalid user_count value: 'abc' (must be an integer)"
        );
        assert_eq!(
            message("locust_count=-1&hatch_rate=1"),
            "Invalid locust_count value: '-1' (must be an integer >= 0)"
        );
        for rate in ["0", "-2", "inf", "NaN", "fast", ""] {
            assert_eq!(
                message(&format!("user_count=1&spawn_rate={rate}")),
                format!("Invalid spawn_rate value: '{rate}' (must be a finite number > 0)")
            );
        }
        assert!(message("user_count=1&hatch_rate=x").starts_with("Invalid hatch_rate value"));
        assert_eq!(
            message("spawn_rate=1"),
            "Missing or invalid user_count or spawn_rate from /swarm request: user_count is missing"
        );
        assert_eq!(
            message("user_count=1&spawn_rate=1&run_time=5x"),
            "Valid run_time formats are : 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc."
        );
    }

    #[test]
    fn refuses_spans_the_runner_cannot_schedule() {
        assert_eq!(
            message("user_count=1&spawn_rate=1e-300"),
            "Invalid spawn_rate value: '1e-300' (must be at least one user per 100 years)"
        );
        assert_eq!(
            message("user_count=1&spawn_rate=1&run_time=18446744073709551615"),
            "Invalid run_time value: '18446744073709551615' (must be at most 100 years)"
        );
        assert!(form("user_count=1&spawn_rate=0.001&run_time=876000h").is_ok());
    }

    #[test]
    fn empty_or_zero_run_time_means_no_limit() {
        assert_eq!(target("user_count=1&spawn_rate=1&run_time=").run_time, None);
        assert_eq!(
            form("user_count=1&spawn_rate=1&run_time=0")
                .unwrap()
                .run_time_secs,
            None
        );
    }

    #[test]
    fn a_new_host_must_be_a_web_url_and_the_current_one_changes_nothing() {
        assert_eq!(
            form("user_count=1&spawn_rate=1&host=").unwrap().new_host,
            None
        );
        let same = form("user_count=1&spawn_rate=1&host=http%3A%2F%2F127.0.0.1%3A8000%2F");
        assert_eq!(same.unwrap().new_host, None);
        assert_eq!(
            message("user_count=1&spawn_rate=1&host=ftp%3A%2F%2Fx"),
            "Invalid host value: 'ftp://x' (must be an http:// or https:// URL)"
        );
        let other = form("user_count=1&spawn_rate=1&host=http%3A%2F%2Fother%3A9000%2F");
        assert_eq!(
            other.unwrap().new_host.as_deref(),
            Some("http://other:9000")
        );
    }

    #[test]
    fn user_classes_select_known_classes_repeated_or_comma_separated() {
        let selected = |body: &str| target(body).user_classes;
        assert_eq!(selected("user_count=1&spawn_rate=1"), None);
        assert_eq!(selected("user_count=1&spawn_rate=1&user_classes="), None);
        assert_eq!(
            selected("user_count=1&spawn_rate=1&user_classes=Web"),
            Some(vec!["Web".to_owned()])
        );
        let both = Some(vec!["Api".to_owned(), "Web".to_owned()]);
        assert_eq!(
            selected("user_count=1&spawn_rate=1&user_classes=Api&user_classes=Web"),
            both
        );
        assert_eq!(
            selected("user_count=1&spawn_rate=1&user_classes=Api%2C+Web%2CApi"),
            both
        );
        assert_eq!(
            message("user_count=1&spawn_rate=1&user_classes=Web&user_classes=Nope"),
            "Invalid user_classes value: 'Nope' (known classes: Api, Web)"
        );
    }

    #[test]
    fn a_shape_is_started_unless_default_is_chosen() {
        let shape = ShapeInfo {
            name: "Ramp".to_owned(),
            use_common_options: false,
        };
        let with_shape = |body: &str| parse_swarm(&fields(body), &run(), Some(&shape), None);
        let order = with_shape("host=http%3A%2F%2F127.0.0.1%3A9").unwrap();
        assert_eq!(
            order.order,
            Order::Shape {
                name: "Ramp".to_owned(),
                options: ShapeOptions::default()
            }
        );
        assert_eq!(order.new_host.as_deref(), Some("http://127.0.0.1:9"));
        // The hidden fields are not used, so not checked either.
        let ignored = with_shape("user_count=abc&spawn_rate=0&run_time=1m&shape_class=Ramp");
        assert_eq!(ignored.unwrap().run_time_secs, None);
        assert!(matches!(
            with_shape("user_count=3&spawn_rate=1&shape_class=Default")
                .unwrap()
                .order,
            Order::Start(Target { users: 3, .. })
        ));
        assert_eq!(
            with_shape("shape_class=Other").unwrap_err().to_string(),
            "Invalid shape_class value: 'Other' (must be the locustfile's load shape or Default)"
        );
        assert!(
            parse_swarm(&fields("shape_class=Ramp"), &run(), None, None).is_err(),
            "no shape to choose"
        );
    }

    #[test]
    fn a_shape_using_the_common_options_gets_them_checked() {
        let shape = ShapeInfo {
            name: "Ramp".to_owned(),
            use_common_options: true,
        };
        let with_shape = |body: &str| parse_swarm(&fields(body), &run(), Some(&shape), None);
        let request = with_shape("user_count=7&spawn_rate=0.5&run_time=2m").unwrap();
        assert_eq!(
            request.order,
            Order::Shape {
                name: "Ramp".to_owned(),
                options: ShapeOptions {
                    users: Some(7),
                    spawn_rate: Some(0.5),
                    run_time: Some(Duration::from_secs(120)),
                }
            }
        );
        assert_eq!(request.run_time_secs, Some(120));
        assert!(with_shape("").is_ok(), "all optional");
        assert_eq!(
            with_shape("user_count=abc").unwrap_err().to_string(),
            "Invalid user_count value: 'abc' (must be an integer)"
        );
    }

    #[test]
    fn reads_json_bodies() {
        let fields = decode_fields(
            Some("application/json"),
            br#"{"user_count": 4, "spawn_rate": 0.5, "user_classes": ["Web", "Api"], "host": null}"#,
        )
        .unwrap();
        let request = parse_swarm(&fields, &run(), None, None).unwrap();
        let Order::Start(target) = request.order else {
            panic!("not a start")
        };
        assert_eq!((target.users, target.spawn_rate), (4, 0.5));
        assert_eq!(
            target.user_classes,
            Some(vec!["Web".to_owned(), "Api".to_owned()])
        );
        assert!(decode_fields(Some("application/json"), b"[1]").is_err());
        assert!(decode_fields(Some("application/json"), b"{").is_err());
    }
}
