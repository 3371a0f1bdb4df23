//! Log lines in Locust's format: `[2026-11-23 12:16:23,322] host/INFO/locusta.runner: message`.

use std::fmt;
use std::fs::File;
use std::io;
use std::sync::{Mutex, OnceLock};

use locusta_web::LogLines;
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::writer::MakeWriterExt;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

use crate::cli::LogPlan;

/// The process's last log lines, for the web UI's `/logs`. One per process, like the logger
/// that fills it.
pub(crate) fn recent_lines() -> LogLines {
    static RECENT: OnceLock<LogLines> = OnceLock::new();
    RECENT.get_or_init(LogLines::new).clone()
}

/// Installs the global logger. Lines go to stderr, or to `--logfile`, and to
/// [`recent_lines`].
pub fn init(plan: &LogPlan) -> anyhow::Result<()> {
    let format = LocustFormat {
        host: short_hostname(),
    };
    let builder = tracing_subscriber::fmt()
        .with_max_level(plan.level)
        // Plain text everywhere: the same lines go to the web UI's Logs tab.
        .with_ansi(false)
        .event_format(format);
    let result = match &plan.file {
        Some(path) => {
            let file = File::create(path).map_err(|error| {
                anyhow::anyhow!("cannot open --logfile {}: {error}", path.display())
            })?;
            builder
                .with_writer(Mutex::new(file).and(IntoRecent(recent_lines())))
                .try_init()
        }
        None => builder
            .with_writer(io::stderr.and(IntoRecent(recent_lines())))
            .try_init(),
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

/// Writes each formatted event into the ring of recent lines.
struct IntoRecent(LogLines);

impl<'a> MakeWriter<'a> for IntoRecent {
    type Writer = RecentLineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        RecentLineWriter {
            lines: &self.0,
            text: Vec::new(),
        }
    }
}

/// One event's text, pushed line by line when the event is written out.
struct RecentLineWriter<'a> {
    lines: &'a LogLines,
    text: Vec<u8>,
}

impl io::Write for RecentLineWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.text.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for RecentLineWriter<'_> {
    fn drop(&mut self) {
        for line in String::from_utf8_lossy(&self.text).lines() {
            if !line.is_empty() {
                self.lines.push(line.to_owned());
            }
        }
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
