//! The master's statistics are exactly the merge of what the workers recorded, including the
//! reports of a worker that died mid-run, and a quit collects the final reports.

use std::collections::BTreeSet;
use std::time::Duration;

use locusta_cluster::{ClusterTarget, MasterConfig, MasterState, StatisticsTo, WorkerStatus};
use locusta_stats::Snapshot;

use crate::support::*;

#[tokio::test(start_paused = true)]
async fn the_masters_totals_equal_merging_the_workers_raw_snapshots() {
    let master = start_master(master_config());
    let workers: Vec<TestWorker> = (0..3)
        .map(|i| spawn_worker(master.connector.clone(), worker_config(&format!("w{i}"))))
        .collect();
    master
        .handle
        .wait_for_workers(3, Some(Duration::from_secs(5)))
        .await
        .unwrap();
    master
        .handle
        .start(ClusterTarget {
            per_class: vec![1, 20, 6],
            spawn_rate: 100.0,
            host: None,
        })
        .await
        .unwrap();
    let start_time = master.handle.view().snapshot.total().start_time().unwrap();
    assert_eq!(start_time, clock().now_unix_secs());
    tokio::time::sleep(Duration::from_secs(6)).await;
    // One worker dies without a goodbye; what it reported must stay in the totals.
    workers[2].task.abort();
    wait_for_view(&master.handle, "w2 missing, others running", |v| {
        v.workers[2].status == WorkerStatus::Missing
            && v.state == MasterState::Running
            && v.user_count() == 27
    })
    .await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    master.handle.quit();
    let last = master.task.await.unwrap();
    let mut raw = Vec::new();
    for worker in workers {
        let id = worker.id.clone();
        if id != "w2" {
            // Quit: the final report was sent before the worker ended.
            worker.task.await.unwrap().unwrap();
        }
        let deltas = std::mem::take(&mut worker.log.lock().unwrap().deltas);
        assert!(
            deltas.iter().any(|d| !d.is_empty()),
            "{id} recorded nothing"
        );
        raw.push((id, deltas));
    }

    let mut expected = Snapshot::new(start_time);
    for (_, deltas) in &raw {
        for delta in deltas {
            expected.merge(delta);
        }
    }
    let got = &last.snapshot;
    assert_eq!(got.total(), expected.total());
    assert!(got.total().num_requests() > 1_000);
    let mut got_entries: Vec<_> = got.entries().collect();
    let mut expected_entries: Vec<_> = expected.entries().collect();
    got_entries.sort_by(|a, b| a.0.cmp(b.0));
    expected_entries.sort_by(|a, b| a.0.cmp(b.0));
    assert_eq!(got_entries, expected_entries);
    let mut got_errors: Vec<_> = got.errors().collect();
    let mut expected_errors: Vec<_> = expected.errors().collect();
    got_errors.sort_by(|a, b| a.0.cmp(b.0));
    expected_errors.sort_by(|a, b| a.0.cmp(b.0));
    assert_eq!(got_errors, expected_errors);
    // Exceptions: same counts and messages, attributed to the workers that raised them
    // instead of "local".
    let got_exceptions: Vec<_> = got.exceptions().collect();
    let expected_exceptions: Vec<_> = expected.exceptions().collect();
    assert_eq!(got_exceptions.len(), expected_exceptions.len());
    for ((traceback, row), (expected_traceback, expected_row)) in
        got_exceptions.iter().zip(&expected_exceptions)
    {
        assert_eq!(traceback, expected_traceback);
        assert_eq!(row.count(), expected_row.count());
        assert_eq!(row.msg(), expected_row.msg());
        let raised_on: BTreeSet<&str> = raw
            .iter()
            .filter(|(_, deltas)| deltas.iter().any(|d| d.exceptions().next().is_some()))
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(row.nodes().collect::<BTreeSet<_>>(), raised_on);
    }
}

#[tokio::test(start_paused = true)]
async fn a_new_test_clears_the_statistics_and_an_edit_keeps_them() {
    let master = start_master(master_config());
    let _worker = spawn_worker(master.connector.clone(), worker_config("w0"));
    master.handle.wait_for_workers(1, None).await.unwrap();
    let target = |users: u64| ClusterTarget {
        per_class: vec![0, users, 0],
        spawn_rate: 10.0,
        host: None,
    };
    master.handle.start(target(3)).await.unwrap();
    let counted = wait_for_view(&master.handle, "requests", |v| {
        v.snapshot.total().num_requests() > 0
    })
    .await
    .snapshot
    .total()
    .num_requests();
    // An edit while running keeps what was counted.
    master.handle.start(target(5)).await.unwrap();
    assert!(master.handle.view().snapshot.total().num_requests() >= counted);
    master.handle.stop();
    wait_for_view(&master.handle, "stopped", |v| {
        v.state == MasterState::Stopped
    })
    .await;
    // A start after a stop is a new test.
    master.handle.start(target(1)).await.unwrap();
    assert_eq!(master.handle.view().snapshot.total().num_requests(), 0);
    master.handle.reset_stats();
}

#[tokio::test(start_paused = true)]
async fn once_the_master_says_stopped_the_workers_last_statistics_are_in() {
    // No periodic reports: only the stop can bring the statistics in.
    let config = MasterConfig {
        report_interval: Duration::from_secs(3600),
        statistics: StatisticsTo::Taker,
        ..master_config()
    };
    let master = start_master(config);
    let workers: Vec<TestWorker> = (0..2)
        .map(|i| spawn_worker(master.connector.clone(), worker_config(&format!("w{i}"))))
        .collect();
    master.handle.wait_for_workers(2, None).await.unwrap();
    master
        .handle
        .start(ClusterTarget {
            per_class: vec![0, 4, 0],
            spawn_rate: 100.0,
            host: None,
        })
        .await
        .unwrap();
    wait_for_view(&master.handle, "running", |v| {
        v.state == MasterState::Running
    })
    .await;
    assert!(master.handle.take_stats().await.is_empty());
    master.handle.stop();
    wait_for_view(&master.handle, "stopped", |v| {
        v.state == MasterState::Stopped
    })
    .await;
    let taken = master.handle.take_stats().await;
    let recorded: u64 = workers
        .iter()
        .flat_map(|w| w.log.lock().unwrap().deltas.clone())
        .map(|delta| delta.total().num_requests())
        .sum();
    assert!(recorded > 0);
    assert_eq!(taken.total().num_requests(), recorded);
    assert_eq!(
        master.handle.view().snapshot.total().num_requests(),
        0,
        "the taker keeps the totals, not the view"
    );
    assert!(master.handle.take_stats().await.is_empty(), "taken once");
}

#[tokio::test(start_paused = true)]
async fn a_new_test_drops_what_the_taker_left_of_the_previous_one() {
    // No periodic reports: the stop's flush is the only statistics of the first test.
    let config = MasterConfig {
        report_interval: Duration::from_secs(3600),
        statistics: StatisticsTo::Taker,
        ..master_config()
    };
    let master = start_master(config);
    let worker = spawn_worker(master.connector.clone(), worker_config("w0"));
    master.handle.wait_for_workers(1, None).await.unwrap();
    let target = ClusterTarget {
        per_class: vec![0, 3, 0],
        spawn_rate: 100.0,
        host: None,
    };
    master.handle.start(target.clone()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    master.handle.stop();
    wait_for_view(&master.handle, "stopped", |v| {
        v.state == MasterState::Stopped
    })
    .await;
    let flushed: u64 = worker
        .log
        .lock()
        .unwrap()
        .deltas
        .iter()
        .map(|delta| delta.total().num_requests())
        .sum();
    assert!(flushed > 0, "the stop flushed the first test's requests");
    // Nobody took them before the next start: they belong to the test that ended.
    master.handle.start(target).await.unwrap();
    assert!(
        master.handle.take_stats().await.is_empty(),
        "the second test starts from nothing"
    );
}
