//! The version handshake: incompatible peers are refused with a clear message on both sides.

use std::io::Write;
use std::sync::{Arc, Mutex};

use locusta_cluster::protocol::{Locustfile, PROTOCOL_VERSION, Refused, ToWorker, Welcome};
use locusta_cluster::transport::memory::memory_transport;
use locusta_cluster::{ClusterError, MasterConfig, WorkerConfig, run_worker};

use crate::support::*;

/// Collects this thread's log lines (the tests' runtime is single-threaded, so the master's
/// task logs here too).
fn capture_logs() -> (tracing::subscriber::DefaultGuard, Arc<Mutex<Vec<u8>>>) {
    #[derive(Clone)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink(Arc::clone(&buffer));
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .without_time()
        .finish();
    (tracing::subscriber::set_default(subscriber), buffer)
}

fn text(buffer: &Arc<Mutex<Vec<u8>>>) -> String {
    String::from_utf8_lossy(&buffer.lock().unwrap()).into_owned()
}

#[tokio::test(start_paused = true)]
async fn a_worker_of_another_protocol_version_is_refused_clearly_on_both_sides() {
    let (_guard, logs) = capture_logs();
    let master = start_master(master_config());
    let mut newer = hello("future_1");
    newer.protocol_version = PROTOCOL_VERSION + 1;
    newer.locusta_version = "9.9.9".to_owned();
    let (mut peer, answer) = Peer::hello(&master.connector, newer).await;

    let expected = format!(
        "protocol version mismatch: the worker speaks protocol {} (Locusta 9.9.9), the master \
         protocol {PROTOCOL_VERSION} (Locusta {}); run the same Locusta version on the master \
         and all workers",
        PROTOCOL_VERSION + 1,
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(
        answer,
        ToWorker::Refused(Refused {
            reason: expected.clone()
        })
    );
    // The master closes the connection after refusing, and never lists the worker.
    assert_eq!(peer.link.receiver.recv().await, None);
    assert!(master.handle.view().workers.is_empty());
    let log = text(&logs);
    assert!(
        log.contains(&format!(
            "Refused worker \"future_1\" from memory-worker-1: {expected}"
        )),
        "{log}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_worker_exits_with_the_masters_reason_when_refused() {
    let (mut listener, connector) = memory_transport();
    let worker = spawn_worker(connector, worker_config("w1"));
    let (link, _) = accept_hello(&mut listener).await;
    link.sender
        .send(ToWorker::Refused(Refused {
            reason: "the master is shutting down".to_owned(),
        }))
        .await
        .unwrap();
    let error = worker.task.await.unwrap().unwrap_err();
    assert_eq!(
        error.to_string(),
        "the master at memory-master refused this worker: the master is shutting down"
    );
}

#[tokio::test(start_paused = true)]
async fn a_worker_refuses_a_master_of_another_protocol_version() {
    let (mut listener, connector) = memory_transport();
    let worker = spawn_worker(connector, worker_config("w1"));
    let (link, _) = accept_hello(&mut listener).await;
    link.sender
        .send(ToWorker::Welcome(Welcome {
            protocol_version: PROTOCOL_VERSION + 1,
            locusta_version: "9.9.9".to_owned(),
            ..welcome()
        }))
        .await
        .unwrap();
    let error = worker.task.await.unwrap().unwrap_err();
    assert!(matches!(error, ClusterError::Incompatible { .. }));
    assert_eq!(
        error.to_string(),
        format!(
            "the master at memory-master is incompatible: protocol version mismatch: the master \
             speaks protocol {} (Locusta 9.9.9), this worker protocol {PROTOCOL_VERSION} \
             (Locusta {}); run the same Locusta version on the master and all workers",
            PROTOCOL_VERSION + 1,
            env!("CARGO_PKG_VERSION")
        )
    );
    // Nothing was loaded or started.
    assert!(worker.log.lock().unwrap().targets.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_worker_with_other_user_classes_is_refused() {
    let master = start_master(master_config());
    let worker = spawn_worker_with_classes(
        master.connector.clone(),
        worker_config("w1"),
        vec!["Web".to_owned()],
    );
    let error = worker.task.await.unwrap().unwrap_err();
    assert_eq!(
        error.to_string(),
        "the master at memory-master refused this worker: the worker's locustfile defines the \
         user classes [Web], the master's [Admin, Web, Api]; run the same locustfile everywhere \
         (or start the worker with -f - to get the master's)"
    );
    assert!(master.handle.view().workers.is_empty());
}

#[tokio::test(start_paused = true)]
async fn workers_started_with_f_dash_get_the_masters_locustfile() {
    let locustfile = Locustfile {
        name: "locustfile.lua".to_owned(),
        source: "Web = User:extend{}".to_owned(),
    };
    let master = start_master(MasterConfig {
        locustfile: Some(locustfile.clone()),
        ..master_config()
    });
    let received = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&received);
    let log = Arc::new(Mutex::new(FakeLog::default()));
    let users = FakeUsers {
        classes: classes(),
        log,
        clock: clock(),
        requests_per_user: 0,
        seed: 1,
    };
    let config = WorkerConfig {
        wants_locustfile: true,
        ..worker_config("w1")
    };
    let task = tokio::spawn(run_worker(
        config,
        master.connector.clone(),
        move |file| {
            *seen.lock().unwrap() = file;
            Ok(users)
        },
        std::future::pending(),
    ));
    wait_for_view(&master.handle, "the worker ready", |v| {
        v.ready_workers() == 1
    })
    .await;
    assert_eq!(*received.lock().unwrap(), Some(locustfile));
    master.handle.quit();
    task.await.unwrap().unwrap();

    // A master without a locustfile to send says so.
    let master = start_master(master_config());
    let mut asking = hello("w2");
    asking.wants_locustfile = true;
    let (_, answer) = Peer::hello(&master.connector, asking).await;
    let ToWorker::Refused(refused) = answer else {
        panic!("{answer:?}");
    };
    assert!(
        refused.reason.contains("has none to send"),
        "{}",
        refused.reason
    );
}

#[tokio::test(start_paused = true)]
async fn a_connection_that_never_says_hello_is_closed() {
    let master = start_master(master_config());
    let mut link = locusta_cluster::transport::Connector::connect(&master.connector)
        .await
        .unwrap();
    let started = tokio::time::Instant::now();
    assert_eq!(link.receiver.recv().await, None);
    assert_eq!(
        started.elapsed(),
        MasterConfig::new(classes()).hello_timeout
    );
}
