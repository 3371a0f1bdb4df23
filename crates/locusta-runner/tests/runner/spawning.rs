//! Locust's spawn schedule, class mix and ramp-down order.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use locusta_engine::{UserClass, constant};
use locusta_runner::Target;
use tokio::time::Instant;

use crate::support::{Log, count_class, probe_class, start_runner, started, stopped};

#[tokio::test(start_paused = true)]
async fn three_users_at_two_per_second_spawn_two_then_one() {
    let log: Log = Arc::default();
    let origin = Instant::now();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let (handle, runner) = start_runner(vec![probe_class("User", 1.0, 0, origin, &log)]);
            handle.start(Target {
                users: 3,
                spawn_rate: 2.0,
                run_time: None,
                user_classes: None,
            });
            tokio::time::sleep(Duration::from_secs(5)).await;
            handle.quit();
            runner.await.unwrap();
        })
        .await;
    let times: Vec<u128> = started(&log)
        .iter()
        .map(|(_, _, at)| at.as_millis())
        .collect();
    assert_eq!(times, vec![0, 0, 1000]);
}

#[tokio::test(start_paused = true)]
async fn fractional_and_large_spawn_rates_batch_like_locust() {
    for (rate, expected) in [
        (0.5, vec![0, 2000, 4000]),
        (10.0, vec![0; 3]),
        (2.5, vec![0, 0, 800]),
    ] {
        let log: Log = Arc::default();
        let origin = Instant::now();
        let local = tokio::task::LocalSet::new();
        local
            .run_until(async {
                let (handle, runner) =
                    start_runner(vec![probe_class("User", 1.0, 0, origin, &log)]);
                handle.start(Target {
                    users: 3,
                    spawn_rate: rate,
                    run_time: None,
                    user_classes: None,
                });
                tokio::time::sleep(Duration::from_secs(6)).await;
                handle.quit();
                runner.await.unwrap();
            })
            .await;
        let times: Vec<u128> = started(&log)
            .iter()
            .map(|(_, _, at)| at.as_millis())
            .collect();
        assert_eq!(times, expected, "spawn rate {rate}");
    }
}

#[tokio::test(start_paused = true)]
async fn class_mix_follows_weights_with_fixed_count_first() {
    let log: Log = Arc::default();
    let origin = Instant::now();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let (handle, runner) = start_runner(vec![
                probe_class("Web", 3.0, 0, origin, &log),
                probe_class("Mobile", 1.0, 0, origin, &log),
                probe_class("Admin", 1.0, 1, origin, &log),
            ]);
            handle.start(Target {
                users: 9,
                spawn_rate: 100.0,
                run_time: None,
                user_classes: None,
            });
            tokio::time::sleep(Duration::from_secs(3)).await;
            let view = handle.view();
            assert_eq!(view.user_count(), 9);
            handle.quit();
            runner.await.unwrap();
        })
        .await;
    let starts = started(&log);
    // The fixed-count class is spawned first (user 0), then Web:Mobile = 3:1.
    assert_eq!(
        starts.iter().find(|(user, _, _)| *user == 0).unwrap().1,
        "Admin"
    );
    assert_eq!(count_class(&starts, "Admin"), 1);
    assert_eq!(count_class(&starts, "Web"), 6);
    assert_eq!(count_class(&starts, "Mobile"), 2);
}

#[tokio::test(start_paused = true)]
async fn ramp_down_stops_the_newest_users_first() {
    let log: Log = Arc::default();
    let origin = Instant::now();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let (handle, runner) = start_runner(vec![
                probe_class("Web", 3.0, 0, origin, &log),
                probe_class("Mobile", 1.0, 0, origin, &log),
            ]);
            handle.start(Target {
                users: 8,
                spawn_rate: 100.0,
                run_time: None,
                user_classes: None,
            });
            tokio::time::sleep(Duration::from_secs(2)).await;
            handle.start(Target {
                users: 4,
                spawn_rate: 2.0,
                run_time: None,
                user_classes: None,
            });
            tokio::time::sleep(Duration::from_millis(500)).await;
            // First batch of two removed at once, the next one a second later.
            assert_eq!(stopped(&log), vec![7, 6]);
            tokio::time::sleep(Duration::from_secs(2)).await;
            let mut gone = stopped(&log);
            gone.sort_unstable();
            assert_eq!(gone, vec![4, 5, 6, 7]);
            // The four oldest users remain, with the 3:1 mix of the first four.
            assert_eq!(handle.view().user_count(), 4);
            handle.quit();
            runner.await.unwrap();
        })
        .await;
    let remaining: Vec<&str> = started(&log)
        .iter()
        .filter(|(user, _, _)| *user < 4)
        .map(|(_, class, _)| *class)
        .collect();
    assert_eq!(remaining.iter().filter(|class| **class == "Web").count(), 3);
}

#[tokio::test(start_paused = true)]
async fn run_time_ends_the_run_and_every_user_stops() {
    let log: Log = Arc::default();
    let origin = Instant::now();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let (handle, runner) = start_runner(vec![probe_class("User", 1.0, 0, origin, &log)]);
            handle.start(Target {
                users: 5,
                spawn_rate: 5.0,
                run_time: Some(Duration::from_secs(30)),
                user_classes: None,
            });
            let finished = runner.await.unwrap();
            assert_eq!(origin.elapsed().as_secs(), 30);
            assert_eq!(finished.user_count(), 0);
            assert_eq!(finished.state(), locusta_stats::RunState::Stopped);
        })
        .await;
    assert_eq!(stopped(&log).len(), 5);
}

#[tokio::test(start_paused = true)]
async fn an_edit_without_run_time_keeps_the_deadline_and_huge_values_do_not_panic() {
    let log: Log = Arc::default();
    let origin = Instant::now();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let (handle, runner) = start_runner(vec![probe_class("User", 1.0, 0, origin, &log)]);
            handle.start(Target {
                users: 2,
                spawn_rate: 1e-300,
                run_time: Some(Duration::from_secs(30)),
                user_classes: None,
            });
            tokio::time::sleep(Duration::from_secs(10)).await;
            assert_eq!(
                handle.view().user_count(),
                1,
                "the next batch is centuries away"
            );
            handle.start(Target {
                users: 4,
                spawn_rate: 4.0,
                run_time: None,
                user_classes: None,
            });
            runner.await.unwrap();
            assert_eq!(
                origin.elapsed().as_secs(),
                30,
                "the edit kept the 30 s deadline"
            );
        })
        .await;
    assert_eq!(started(&log).len(), 4);
}

struct HostProbe;

#[tokio::test(start_paused = true)]
async fn set_host_aims_users_spawned_afterwards_at_the_new_host() {
    let hosts: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let seen = Arc::clone(&hosts);
    let class = UserClass::builder("User", move |ctx| {
        seen.lock().unwrap().push(ctx.host.map(str::to_string));
        Ok(HostProbe)
    })
    .host("http://class.example.com")
    .wait_time(constant(1.0))
    .task("idle", 1, |_| Box::pin(async { Ok(()) }))
    .build();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let (handle, runner) = start_runner(vec![class]);
            handle.start(Target {
                users: 1,
                spawn_rate: 1.0,
                run_time: None,
                user_classes: None,
            });
            tokio::time::sleep(Duration::from_secs(2)).await;
            handle.set_host(Some("http://127.0.0.1:9".to_string()));
            handle.start(Target {
                users: 2,
                spawn_rate: 1.0,
                run_time: None,
                user_classes: None,
            });
            tokio::time::sleep(Duration::from_secs(2)).await;
            handle.quit();
            runner.await.unwrap();
        })
        .await;
    let hosts = hosts.lock().unwrap().clone();
    assert_eq!(
        hosts,
        vec![
            Some("http://class.example.com".to_string()),
            Some("http://127.0.0.1:9".to_string())
        ]
    );
}
