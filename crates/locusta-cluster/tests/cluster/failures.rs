//! Failure handling: missing workers (exact timing), healing, the last worker lost, a worker
//! losing its master, and waiting for `--expect-workers`.

use std::time::Duration;

use locusta_cluster::protocol::{ToMaster, ToWorker, WorkerState};
use locusta_cluster::transport::memory::memory_transport;
use locusta_cluster::{
    ClusterError, ClusterTarget, MasterConfig, MasterState, StopReason, WorkerConfig, WorkerStatus,
};
use tokio::time::Instant;

use crate::support::*;

fn target() -> ClusterTarget {
    ClusterTarget {
        per_class: MIX_10.to_vec(),
        spawn_rate: 10.0,
        host: None,
    }
}

/// Watches the master and returns when worker `index` first has `status`, with the instant.
async fn when_status(master: &TestMaster, index: usize, status: WorkerStatus) -> Instant {
    wait_for_view(&master.handle, "the status", |v| {
        v.workers.get(index).is_some_and(|w| w.status == status)
    })
    .await;
    Instant::now()
}

#[tokio::test(start_paused = true)]
async fn a_silent_worker_is_missing_exactly_after_the_timeout_and_heals() {
    let master = start_master(MasterConfig {
        heartbeat_timeout: Duration::from_secs(3),
        ..master_config()
    });
    let (mut peer, welcome) = Peer::ready(&master.connector, "w0").await;
    assert_eq!(welcome.heartbeat_timeout_ms, 3_000);
    let mut last = Instant::now();
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        peer.heartbeat(vec![0, 0, 0], WorkerState::Ready).await;
        last = Instant::now();
    }
    let missing_at = when_status(&master, 0, WorkerStatus::Missing).await;
    assert_eq!(missing_at - last, Duration::from_secs(3));

    // It speaks again on the same connection: healed at once.
    tokio::time::sleep(Duration::from_secs(10)).await;
    peer.heartbeat(vec![0, 0, 0], WorkerState::Ready).await;
    let healed_at = when_status(&master, 0, WorkerStatus::Ready).await;
    assert_eq!(healed_at - missing_at, Duration::from_secs(10));
    assert_eq!(master.handle.view().ready_workers(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_disconnected_worker_is_missing_at_once_and_forgotten_later() {
    let master = start_master(master_config());
    let (peer, _) = Peer::ready(&master.connector, "w0").await;
    wait_for_view(&master.handle, "ready", |v| v.ready_workers() == 1).await;
    let dropped_at = Instant::now();
    drop(peer);
    let missing_at = when_status(&master, 0, WorkerStatus::Missing).await;
    assert_eq!(missing_at, dropped_at);
    wait_for_view(&master.handle, "forgotten", |v| v.workers.is_empty()).await;
    assert_eq!(Instant::now() - missing_at, Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn losing_the_last_worker_stops_the_test() {
    let master = start_master(master_config());
    let (mut peer, _) = Peer::ready(&master.connector, "w0").await;
    wait_for_view(&master.handle, "ready", |v| v.ready_workers() == 1).await;
    master.handle.start(target()).await.unwrap();
    let Some(ToWorker::Spawn(spawn)) = peer.next_order().await else {
        panic!("no spawn");
    };
    assert_eq!(
        spawn.targets.iter().map(|t| t.users).collect::<Vec<_>>(),
        MIX_10
    );
    peer.heartbeat(MIX_10.to_vec(), WorkerState::Running).await;
    wait_for_view(&master.handle, "running", |v| {
        v.state == MasterState::Running
    })
    .await;
    let last = Instant::now();

    let view = wait_for_view(&master.handle, "stopped", |v| {
        v.state == MasterState::Stopped
    })
    .await;
    assert_eq!(Instant::now() - last, Duration::from_secs(5));
    assert_eq!(view.stop_reason, Some(StopReason::LastWorkerLost));
    assert_eq!(view.target, None);
    // The missing worker was told to stop, should it come back.
    assert_eq!(peer.next_order().await, Some(ToWorker::Stop));
}

#[tokio::test(start_paused = true)]
async fn a_worker_stops_its_users_when_the_master_falls_silent_and_reconnects() {
    let (mut listener, connector) = memory_transport();
    let worker = spawn_worker(connector, worker_config("w1"));
    let (link, hello) = accept_hello(&mut listener).await;
    assert_eq!(hello.worker_id, "w1");
    link.sender
        .send(ToWorker::Welcome(welcome()))
        .await
        .unwrap();
    let mut link = link;
    assert!(matches!(
        link.receiver.recv().await,
        Some(ToMaster::Ready(_))
    ));
    let spawn = locusta_cluster::protocol::Spawn {
        targets: CLASSES
            .iter()
            .zip(MIX_10)
            .map(|(class, users)| locusta_cluster::protocol::ClassTarget {
                class: class.to_string(),
                users,
            })
            .collect(),
        spawn_rate: 2.0,
        host: None,
    };
    link.sender.send(ToWorker::Spawn(spawn)).await.unwrap();
    let last_from_master = Instant::now();
    // The master answers nothing from now on (a frozen master or a cut link).
    let second = tokio::spawn(async move {
        let (link2, hello2) = accept_hello(&mut listener).await;
        (Instant::now(), link2, hello2, listener)
    });
    // Drain what the worker sends meanwhile (heartbeats, reports) so it never blocks.
    let drain = tokio::spawn(async move { while link.receiver.recv().await.is_some() {} });

    let (reconnected_at, link2, hello2, _listener) = second.await.unwrap();
    assert_eq!(reconnected_at - last_from_master, Duration::from_secs(5));
    assert_eq!(hello2.worker_id, "w1", "the same worker comes back");
    {
        let log = worker.log.lock().unwrap();
        assert_eq!(log.targets[0].0, MIX_10);
        assert_eq!(log.stops, 1, "users stopped when the master was lost");
        assert_eq!(log.alive, [0, 0, 0]);
    }
    // The new master welcomes it and tells it to quit: the worker ends normally.
    link2
        .sender
        .send(ToWorker::Welcome(welcome()))
        .await
        .unwrap();
    link2.sender.send(ToWorker::Quit).await.unwrap();
    let mut link2 = link2;
    let mut got_quit = false;
    while let Some(message) = link2.receiver.recv().await {
        got_quit |= message == ToMaster::Quit;
    }
    assert!(got_quit);
    worker.task.await.unwrap().unwrap();
    drain.abort();
}

#[tokio::test(start_paused = true)]
async fn a_worker_whose_master_is_gone_retries_for_a_bounded_time_then_exits() {
    let (mut listener, connector) = memory_transport();
    let worker = spawn_worker(
        connector,
        WorkerConfig {
            reconnect_for: Duration::from_secs(30),
            ..worker_config("w1")
        },
    );
    let (link, _) = accept_hello(&mut listener).await;
    link.sender
        .send(ToWorker::Welcome(welcome()))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    // The master process dies: connection and listener gone.
    let lost_at = Instant::now();
    drop(link);
    drop(listener);
    let error = worker.task.await.unwrap().unwrap_err();
    let waited = Instant::now() - lost_at;
    assert!(
        waited >= Duration::from_secs(29) && waited <= Duration::from_secs(30),
        "{waited:?}"
    );
    assert!(matches!(error, ClusterError::MasterLost { .. }));
    assert_eq!(
        error.to_string(),
        "lost the Locusta master at memory-master and could not reconnect within 30 s: \
         connection refused (lost it because the connection closed)"
    );
}

#[tokio::test(start_paused = true)]
async fn a_worker_that_never_reaches_its_master_exits_with_a_clear_error() {
    let (listener, connector) = memory_transport();
    drop(listener);
    let started = Instant::now();
    let worker = spawn_worker(connector, worker_config("w1"));
    let error = worker.task.await.unwrap().unwrap_err();
    assert_eq!(
        error.to_string(),
        "failed to connect to the Locusta master at memory-master within 60 s: connection refused"
    );
    assert!(Instant::now() - started <= Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn expect_workers_waits_for_them_or_gives_up_after_the_max_wait() {
    let master = start_master(master_config());
    let _w0 = spawn_worker(master.connector.clone(), worker_config("w0"));
    let _w1 = spawn_worker(master.connector.clone(), worker_config("w1"));
    let started = Instant::now();
    let error = master
        .handle
        .wait_for_workers(3, Some(Duration::from_secs(10)))
        .await
        .unwrap_err();
    assert_eq!(Instant::now() - started, Duration::from_secs(10));
    assert_eq!(
        error.to_string(),
        "gave up waiting for workers to connect: 2 of 3 ready after 10 s"
    );

    let late = master.connector.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(7)).await;
        spawn_worker(late, worker_config("w2"))
    });
    let started = Instant::now();
    master.handle.wait_for_workers(3, None).await.unwrap();
    assert_eq!(Instant::now() - started, Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
async fn a_worker_reconnecting_with_its_id_heals_and_takes_users_again() {
    let master = start_master(master_config());
    let worker = spawn_worker(master.connector.clone(), worker_config("w0"));
    wait_for_view(&master.handle, "w0 ready", |v| v.ready_workers() == 1).await;
    let (peer, welcome) = Peer::ready(&master.connector, "w1").await;
    assert_eq!(welcome.index, 1);
    wait_for_view(&master.handle, "2 ready", |v| v.ready_workers() == 2).await;
    master.handle.start(target()).await.unwrap();
    drop(peer);
    // w1's connection closed: missing at once, w0 takes all users.
    wait_for_view(&master.handle, "w0 has all users", |v| {
        v.workers[1].status == WorkerStatus::Missing && v.user_count() == 10
    })
    .await;
    assert_eq!(worker.alive(), MIX_10);

    // The same worker comes back on a new connection: same index, its share again.
    let (mut peer, welcome) = Peer::ready(&master.connector, "w1").await;
    assert_eq!(welcome.index, 1);
    let Some(ToWorker::Spawn(spawn)) = peer.next_order().await else {
        panic!("no spawn after healing");
    };
    let share: Vec<u64> = spawn.targets.iter().map(|t| t.users).collect();
    assert_eq!(share.iter().sum::<u64>(), 5);
    peer.heartbeat(share, WorkerState::Running).await;
    let view = wait_for_view(&master.handle, "healed and running", |v| {
        v.workers[1].status == WorkerStatus::Running && v.state == MasterState::Running
    })
    .await;
    assert_eq!(view.users_per_class, MIX_10);
    assert_eq!(worker.alive().iter().sum::<u64>(), 5);
}
