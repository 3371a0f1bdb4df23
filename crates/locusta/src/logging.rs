//! Log lines in Locust's format: `[2026-11-23 12:16:23,322] host/INFO/locusta.runner: message`.

use std::fmt;
use std::fs::File;
use std::sync::Mutex;

use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use crate::cli::LogPlan;

/// Installs the global logger. Lines go to stderr, or to `--logfile`.
pub fn init(plan: &LogPlan) -> anyhow::Result<()> {
    let format = LocustFormat {
        host: short_hostname(),
    };
    let builder = tracing_subscriber::fmt()
        .with_max_level(plan.level)
        .event_format(format);
    let result = match &plan.file {
        Some(path) => {
            let file = File::create(path).map_err(|error| {
                anyhow::anyhow!("cannot open --logfile {}: {error}", path.display())
            })?;
            builder.with_writer(Mutex::new(file)).try_init()
        }
        None => builder.with_writer(std::io::stderr).try_init(),
    };
    // A logger installed earlier (e.g. by an embedding program) is kept.
    let _ = result;
    Ok(())
}

struct LocustFormat {
    host: String,
}

impl<S, N> FormatEvent<S, N> for LocustFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let now = chrono::Local::now();
        let metadata = event.metadata();
        let level = match *metadata.level() {
            tracing::Level::WARN => "WARNING",
            tracing::Level::ERROR => "ERROR",
            tracing::Level::INFO => "INFO",
            tracing::Level::DEBUG => "DEBUG",
            tracing::Level::TRACE => "TRACE",
        };
        let logger = logger_name(metadata.target());
        write!(
            writer,
            "[{}] {}/{level}/{logger}: ",
            now.format("%Y-%m-%d %H:%M:%S,%3f"),
            self.host
        )?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// The host name up to the first dot, as Python's `socket.gethostname().split('.')[0]`.
fn short_hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .and_then(|name| name.trim().split('.').next().map(str::to_string))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// `locusta_runner::runner` -> `locusta.runner`: dotted like Locust's logger names, without
/// repeating a crate's name in its module.
fn logger_name(target: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in target.split("::").flat_map(|segment| segment.split('_')) {
        if parts.last() != Some(&part) {
            parts.push(part);
        }
    }
    parts.join(".")
}
