//! The CPU and memory a process uses, for worker heartbeats and the master's own measurement.

use std::time::Instant;

/// One reading of [`ProcessUsage`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UsageSample {
    /// CPU time used since the previous reading, in percent of one core (200 = two cores busy).
    pub cpu_percent: f32,
    /// Resident memory now, in bytes (0 where it cannot be read).
    pub memory_bytes: u64,
}

/// Measures this process's CPU use between readings (`getrusage`) and its resident memory
/// (`/proc/self/statm` on Linux).
#[derive(Debug)]
pub struct ProcessUsage {
    last_cpu_us: u64,
    last_at: Instant,
}

impl ProcessUsage {
    /// Starts measuring now.
    pub fn start() -> Self {
        Self {
            last_cpu_us: cpu_time_us(),
            last_at: Instant::now(),
        }
    }

    /// CPU since the previous reading (or the start), and memory now. Uses the wall clock,
    /// not tokio's, so it is right under paused time too.
    pub fn sample(&mut self) -> UsageSample {
        let cpu_us = cpu_time_us();
        let now = Instant::now();
        let wall_us = now.duration_since(self.last_at).as_micros() as f64;
        let cpu_percent = if wall_us > 0.0 {
            (cpu_us.saturating_sub(self.last_cpu_us) as f64 * 100.0 / wall_us) as f32
        } else {
            0.0
        };
        self.last_cpu_us = cpu_us;
        self.last_at = now;
        UsageSample {
            cpu_percent,
            memory_bytes: resident_bytes(),
        }
    }
}

/// User plus system CPU time of this process, in microseconds.
pub(crate) fn cpu_time_us() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return 0;
        }
        usage
    };
    let micros = |t: libc::timeval| (t.tv_sec as u64).saturating_mul(1_000_000) + t.tv_usec as u64;
    micros(usage.ru_utime) + micros(usage.ru_stime)
}

/// Resident set size in bytes; 0 where unknown.
fn resident_bytes() -> u64 {
    let Ok(statm) = std::fs::read_to_string("/proc/self/statm") else {
        return 0;
    };
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .unwrap_or(0);
    // SAFETY: sysconf has no preconditions.
    let page_size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    pages.saturating_mul(u64::try_from(page_size).unwrap_or(4096))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_loop_shows_cpu_and_memory_is_read() {
        let mut usage = ProcessUsage::start();
        let started = Instant::now();
        let mut x = 0u64;
        while started.elapsed().as_millis() < 50 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let sample = usage.sample();
        assert!(sample.cpu_percent > 20.0, "{sample:?}");
        if cfg!(target_os = "linux") {
            assert!(sample.memory_bytes > 1_000_000, "{sample:?}");
        }
    }
}
