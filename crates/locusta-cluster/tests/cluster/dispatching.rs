//! The master spreads users over its workers (Locust's dispatch, fixed counts and weights) and
//! rebalances when workers join or are lost.

use locusta_cluster::dispatch::dispatch;
use locusta_cluster::protocol::{ToWorker, WorkerState};
use locusta_cluster::{ClusterError, ClusterTarget, ClusterView, MasterState, WorkerStatus};

use crate::support::*;

fn target(per_class: &[u64], spawn_rate: f64) -> ClusterTarget {
    ClusterTarget {
        per_class: per_class.to_vec(),
        spawn_rate,
        host: Some("http://127.0.0.1:8000".to_owned()),
    }
}

/// Each worker's users, in the master's dispatch order (index order: one host).
fn by_index(view: &ClusterView, workers: &[TestWorker]) -> Vec<Vec<u64>> {
    view.workers
        .iter()
        .filter(|w| w.status.is_ready())
        .map(|info| {
            workers
                .iter()
                .find(|w| w.id == info.id)
                .expect("a test worker")
                .alive()
        })
        .collect()
}

async fn running(master: &TestMaster, users: u64) -> std::sync::Arc<ClusterView> {
    wait_for_view(&master.handle, "all users running", |v| {
        v.state == MasterState::Running && v.user_count() == users
    })
    .await
}

#[tokio::test(start_paused = true)]
async fn one_to_five_workers_get_even_shares_of_each_class() {
    for count in 1..=5 {
        let master = start_master(master_config());
        let workers: Vec<TestWorker> = (0..count)
            .map(|i| spawn_worker(master.connector.clone(), worker_config(&format!("w{i}"))))
            .collect();
        wait_for_view(&master.handle, "workers ready", |v| {
            v.ready_workers() == count
        })
        .await;
        master.handle.start(target(&MIX_10, 5.0)).await.unwrap();
        let view = running(&master, 10).await;

        let expected = dispatch(&MIX_10, &vec![Vec::new(); count]);
        assert_eq!(by_index(&view, &workers), expected, "{count} workers");
        assert_eq!(view.users_per_class, MIX_10);
        // Every worker got the host, and the cluster as a whole ramps at 5 users/s.
        let mut rate = 0.0;
        for worker in &workers {
            let log = worker.log.lock().unwrap();
            let (_, worker_rate, host) = log.targets.last().unwrap();
            assert_eq!(host.as_deref(), Some("http://127.0.0.1:8000"));
            rate += worker_rate;
        }
        assert!((rate - 5.0).abs() < 1e-9, "{rate}");
        master.handle.quit();
        master.task.await.unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn a_start_without_workers_is_refused_like_locust() {
    let master = start_master(master_config());
    let error = master.handle.start(target(&MIX_10, 1.0)).await.unwrap_err();
    assert!(matches!(error, ClusterError::NoWorkers));
    assert_eq!(
        error.to_string(),
        "You can't start a distributed test before at least one worker processes has connected"
    );
}

#[tokio::test(start_paused = true)]
async fn a_joining_worker_takes_its_share_and_nothing_else_moves() {
    let master = start_master(master_config());
    let targets = [2, 31, 10];
    let mut workers: Vec<TestWorker> = (0..3)
        .map(|i| spawn_worker(master.connector.clone(), worker_config(&format!("w{i}"))))
        .collect();
    wait_for_view(&master.handle, "3 ready", |v| v.ready_workers() == 3).await;
    master.handle.start(target(&targets, 10.0)).await.unwrap();
    let view = running(&master, 43).await;
    let before = by_index(&view, &workers);

    workers.push(spawn_worker(master.connector.clone(), worker_config("w3")));
    let view = wait_for_view(&master.handle, "rebalanced over 4", |v| {
        v.workers.len() == 4
            && v.state == MasterState::Running
            && v.workers.iter().all(|w| w.users() > 0)
    })
    .await;
    let after = by_index(&view, &workers);
    assert_eq!(after.len(), 4);
    assert_eq!(view.users_per_class, targets);
    for (old, new) in before.iter().zip(&after) {
        assert!(
            old.iter().zip(new).all(|(o, n)| n <= o),
            "{before:?} -> {after:?}"
        );
    }
    assert_eq!(
        after,
        dispatch(&targets, &[before.clone(), vec![vec![]]].concat())
    );
    for class in 0..3 {
        let counts: Vec<u64> = after.iter().map(|w| w[class]).collect();
        assert!(counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1);
    }
}

#[tokio::test(start_paused = true)]
async fn users_of_a_lost_worker_go_to_the_others() {
    let master = start_master(master_config());
    let targets = [1, 20, 6];
    let workers: Vec<TestWorker> = (0..2)
        .map(|i| spawn_worker(master.connector.clone(), worker_config(&format!("w{i}"))))
        .collect();
    wait_for_view(&master.handle, "2 ready", |v| v.ready_workers() == 2).await;
    // A third worker driven by hand, so it can fall silent.
    let (mut peer, welcome) = Peer::ready(&master.connector, "w2").await;
    assert_eq!(welcome.index, 2);
    wait_for_view(&master.handle, "3 ready", |v| v.ready_workers() == 3).await;
    master.handle.start(target(&targets, 10.0)).await.unwrap();
    let Some(ToWorker::Spawn(spawn)) = peer.next_order().await else {
        panic!("no spawn order");
    };
    let peer_users: Vec<u64> = spawn.targets.iter().map(|t| t.users).collect();
    peer.heartbeat(peer_users.clone(), WorkerState::Running)
        .await;
    let view = running(&master, 27).await;
    let before: Vec<Vec<u64>> = workers.iter().map(TestWorker::alive).collect();
    assert_eq!(
        view.workers
            .iter()
            .map(|w| w.users_per_class.clone())
            .collect::<Vec<_>>(),
        [before.clone(), vec![peer_users.clone()]].concat()
    );

    // The hand worker falls silent: after the heartbeat timeout its users move.
    let view = wait_for_view(&master.handle, "w2 missing, rebalanced", |v| {
        v.workers[2].status == WorkerStatus::Missing && v.state == MasterState::Running
    })
    .await;
    let after: Vec<Vec<u64>> = workers.iter().map(TestWorker::alive).collect();
    assert_eq!(view.users_per_class, targets);
    for (old, new) in before.iter().zip(&after) {
        assert!(
            old.iter().zip(new).all(|(o, n)| n >= o),
            "{before:?} -> {after:?}"
        );
    }
    let gained: u64 = after.iter().flatten().sum::<u64>() - before.iter().flatten().sum::<u64>();
    assert_eq!(gained, peer_users.iter().sum::<u64>());
    drop(peer);
}

#[tokio::test(start_paused = true)]
async fn a_worker_that_quits_hands_its_users_over() {
    let master = start_master(master_config());
    let mut workers: Vec<TestWorker> = (0..3)
        .map(|i| spawn_worker(master.connector.clone(), worker_config(&format!("w{i}"))))
        .collect();
    wait_for_view(&master.handle, "3 ready", |v| v.ready_workers() == 3).await;
    master.handle.start(target(&MIX_10, 10.0)).await.unwrap();
    running(&master, 10).await;
    workers[1].shut_down();
    let view = wait_for_view(&master.handle, "w1 gone", |v| {
        v.workers.len() == 2 && v.state == MasterState::Running && v.user_count() == 10
    })
    .await;
    assert_eq!(view.users_per_class, MIX_10);
    let left = workers.remove(1);
    assert_eq!(left.alive(), [0, 0, 0]);
    left.task.await.unwrap().unwrap();
}
