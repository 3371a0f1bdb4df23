//! Log forwarding: each worker's new lines reach the master every log interval, once each,
//! and a burst is cut to its newest lines.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use locusta_cluster::{FORWARDED_LINES_PER_INTERVAL, LOG_FORWARD_INTERVAL, LogTail};

use crate::support::*;

/// A log that grows when the test says so.
#[derive(Debug, Default)]
struct GrowingLog(Mutex<Vec<String>>);

impl GrowingLog {
    fn write(&self, count: usize) {
        let mut lines = self.0.lock().unwrap();
        let first = lines.len();
        lines.extend((first..first + count).map(|i| format!("line {i}")));
    }
}

impl LogTail for GrowingLog {
    fn lines_after(&self, seen: u64) -> (Vec<String>, u64) {
        let lines = self.0.lock().unwrap();
        let seen = usize::try_from(seen).unwrap().min(lines.len());
        (lines[seen..].to_vec(), lines.len() as u64)
    }
}

#[tokio::test(start_paused = true)]
async fn new_lines_reach_the_master_once_each_interval() {
    let master = start_master(master_config());
    let log = Arc::new(GrowingLog::default());
    log.write(2);
    let config = worker_config("w0");
    let config = locusta_cluster::WorkerConfig {
        log_tail: Some(Arc::clone(&log) as Arc<dyn LogTail>),
        ..config
    };
    let _worker = spawn_worker(master.connector.clone(), config);
    master.handle.wait_for_workers(1, None).await.unwrap();
    let logs = master.handle.worker_logs();
    assert!(logs.lines().is_empty(), "nothing before the first interval");

    tokio::time::sleep(LOG_FORWARD_INTERVAL + Duration::from_millis(100)).await;
    assert_eq!(logs.lines()["w0"], ["line 0", "line 1"]);

    log.write(FORWARDED_LINES_PER_INTERVAL + 5);
    tokio::time::sleep(LOG_FORWARD_INTERVAL).await;
    let lines = &logs.lines()["w0"];
    // The two first lines, then the burst cut to its newest lines after a note.
    assert_eq!(lines.len(), 2 + FORWARDED_LINES_PER_INTERVAL);
    assert!(
        lines[2].starts_with("(6 log lines of this worker were not forwarded"),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3], "line 8");
    assert_eq!(
        lines.last().unwrap(),
        &format!("line {}", FORWARDED_LINES_PER_INTERVAL + 6)
    );

    // Nothing new, nothing sent.
    tokio::time::sleep(LOG_FORWARD_INTERVAL).await;
    assert_eq!(logs.lines()["w0"].len(), 2 + FORWARDED_LINES_PER_INTERVAL);
}
