//! Dispatch: even spreads for 1–5 workers, weights and fixed counts, determinism, and minimal
//! movement on join and loss (checked against an exhaustive search).

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::*;

/// Checks the promises every assignment keeps.
fn assert_valid(targets: &[u64], result: &[Vec<u64>]) {
    for (class, &users) in targets.iter().enumerate() {
        let counts: Vec<u64> = result.iter().map(|worker| worker[class]).collect();
        assert_eq!(
            counts.iter().sum::<u64>(),
            users,
            "class {class}: {result:?}"
        );
        let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
        assert!(max - min <= 1, "class {class} uneven: {result:?}");
    }
    let totals: Vec<u64> = result.iter().map(|worker| worker.iter().sum()).collect();
    let (min, max) = (totals.iter().min().unwrap(), totals.iter().max().unwrap());
    assert!(max - min <= 1, "totals uneven: {totals:?}");
}

fn fresh(targets: &[u64], workers: usize) -> Vec<Vec<u64>> {
    dispatch(targets, &vec![Vec::new(); workers])
}

/// Per-class totals as the runner's class mix gives them: `Admin` has `fixed_count = 1`, then
/// `Web` (weight 3) and `Api` (weight 1) share the rest 3:1 (Locust's smooth interleave).
/// For 10 users: 1 Admin, then Web Web Api Web Web Web Api Web Web: 7 Web, 2 Api.
const MIX_10: [u64; 3] = [1, 7, 2];

#[test]
fn one_to_five_workers_with_weights_and_fixed_counts() {
    let expected: [&[[u64; 3]]; 5] = [
        &[[1, 7, 2]],
        &[[1, 3, 1], [0, 4, 1]],
        &[[1, 2, 1], [0, 3, 0], [0, 2, 1]],
        &[[1, 1, 1], [0, 2, 1], [0, 2, 0], [0, 2, 0]],
        &[[1, 1, 0], [0, 2, 0], [0, 2, 0], [0, 1, 1], [0, 1, 1]],
    ];
    for (workers, want) in (1..=5).zip(expected) {
        let result = fresh(&MIX_10, workers);
        assert_valid(&MIX_10, &result);
        let want: Vec<Vec<u64>> = want.iter().map(|row| row.to_vec()).collect();
        assert_eq!(result, want, "{workers} workers");
    }
}

#[test]
fn more_workers_than_users_leaves_some_idle() {
    let result = fresh(&[1, 1], 5);
    assert_valid(&[1, 1], &result);
    assert_eq!(
        result.iter().filter(|w| w.iter().sum::<u64>() == 0).count(),
        3
    );
}

#[test]
fn no_workers_no_assignment_and_no_classes_all_empty() {
    assert!(fresh(&MIX_10, 0).is_empty());
    assert_eq!(fresh(&[], 3), vec![Vec::<u64>::new(); 3]);
}

#[test]
fn dispatch_is_deterministic() {
    let mut rng = SmallRng::seed_from_u64(1);
    for _ in 0..200 {
        let targets: Vec<u64> = (0..rng.random_range(1..6))
            .map(|_| rng.random_range(0..40))
            .collect();
        let current: Vec<Vec<u64>> = (0..rng.random_range(1..7))
            .map(|_| targets.iter().map(|_| rng.random_range(0..10)).collect())
            .collect();
        assert_eq!(dispatch(&targets, &current), dispatch(&targets, &current));
    }
}

#[test]
fn any_history_gives_a_valid_assignment() {
    let mut rng = SmallRng::seed_from_u64(2);
    for _ in 0..5_000 {
        let classes = rng.random_range(0..7);
        let targets: Vec<u64> = (0..classes).map(|_| rng.random_range(0..30)).collect();
        let current: Vec<Vec<u64>> = (0..rng.random_range(1..9))
            .map(|_| (0..classes).map(|_| rng.random_range(0..12)).collect())
            .collect();
        assert_valid(&targets, &dispatch(&targets, &current));
    }
}

/// The fewest users any valid assignment must start, by trying them all.
fn fewest_starts(targets: &[u64], current: &[Vec<u64>]) -> u64 {
    let workers = current.len();
    let mut best = u64::MAX;
    let mut choice = vec![0usize; targets.len()];
    // Each class's extras as a bit mask over workers.
    let masks: Vec<Vec<usize>> = targets
        .iter()
        .map(|&users| {
            let extra = (users % workers as u64) as u32;
            (0..1usize << workers)
                .filter(|mask| mask.count_ones() == extra)
                .collect()
        })
        .collect();
    loop {
        let assignment: Vec<Vec<u64>> = (0..workers)
            .map(|w| {
                (0..targets.len())
                    .map(|c| targets[c] / workers as u64 + ((masks[c][choice[c]] >> w) & 1) as u64)
                    .collect()
            })
            .collect();
        let totals: Vec<u64> = assignment.iter().map(|a| a.iter().sum()).collect();
        if totals.iter().max().unwrap() - totals.iter().min().unwrap() <= 1 {
            best = best.min(users_started(current, &assignment));
        }
        // Next combination (odometer).
        let mut class = 0;
        loop {
            if class == targets.len() {
                return best;
            }
            choice[class] += 1;
            if choice[class] < masks[class].len() {
                break;
            }
            choice[class] = 0;
            class += 1;
        }
    }
}

#[test]
fn a_joining_worker_only_takes_users_over() {
    let mut rng = SmallRng::seed_from_u64(3);
    for _ in 0..2_000 {
        let targets: Vec<u64> = (0..rng.random_range(1..5))
            .map(|_| rng.random_range(0..25))
            .collect();
        let workers = rng.random_range(1..6);
        let mut current = fresh(&targets, workers);
        current.push(Vec::new());
        let next = dispatch(&targets, &current);
        assert_valid(&targets, &next);
        // Nothing moves between the old workers: they only give users to the new one.
        for (old, new) in current.iter().zip(&next).take(workers) {
            assert!(
                old.iter().zip(new).all(|(o, n)| n <= o),
                "{current:?} -> {next:?}"
            );
        }
        let newcomer: u64 = next[workers].iter().sum();
        assert_eq!(users_started(&current, &next), newcomer);
    }
}

#[test]
fn users_of_a_lost_worker_go_to_the_others_and_nothing_else_moves() {
    let mut rng = SmallRng::seed_from_u64(4);
    for _ in 0..2_000 {
        let targets: Vec<u64> = (0..rng.random_range(1..5))
            .map(|_| rng.random_range(0..25))
            .collect();
        let workers = rng.random_range(2..7);
        let mut current = fresh(&targets, workers);
        let lost = current.remove(rng.random_range(0..workers));
        let next = dispatch(&targets, &current);
        assert_valid(&targets, &next);
        for (old, new) in current.iter().zip(&next) {
            assert!(
                old.iter().zip(new).all(|(o, n)| n >= o),
                "{current:?} -> {next:?}"
            );
        }
        assert_eq!(users_started(&current, &next), lost.iter().sum::<u64>());
    }
}

#[test]
fn rebalancing_after_target_changes_and_churn_starts_as_few_users_as_possible() {
    let mut rng = SmallRng::seed_from_u64(5);
    let mut suboptimal = 0;
    let rounds = 3_000;
    for _ in 0..rounds {
        let classes = rng.random_range(1..4);
        let workers = rng.random_range(1..5);
        let old_targets: Vec<u64> = (0..classes).map(|_| rng.random_range(0..9)).collect();
        // A history: a dispatch to a different number of workers, trimmed or extended.
        let mut current = fresh(&old_targets, rng.random_range(1..6));
        current.resize(workers, Vec::new());
        let targets: Vec<u64> = if rng.random_bool(0.5) {
            old_targets
        } else {
            (0..classes).map(|_| rng.random_range(0..9)).collect()
        };
        let next = dispatch(&targets, &current);
        assert_valid(&targets, &next);
        if users_started(&current, &next) > fewest_starts(&targets, &current) {
            suboptimal += 1;
        }
    }
    assert_eq!(
        suboptimal, 0,
        "{suboptimal} of {rounds} histories moved more than needed"
    );
}

#[test]
fn workers_are_ordered_across_hosts_first() {
    let places = [
        WorkerPlace {
            host: "a",
            index: 0,
        },
        WorkerPlace {
            host: "a",
            index: 1,
        },
        WorkerPlace {
            host: "a",
            index: 2,
        },
        WorkerPlace {
            host: "b",
            index: 3,
        },
        WorkerPlace {
            host: "b",
            index: 4,
        },
        WorkerPlace {
            host: "c",
            index: 5,
        },
    ];
    // Rank 0 on each host (a0, b3, c5), then rank 1 (a1, b4), then rank 2 (a2).
    assert_eq!(dispatch_order(&places), [0, 3, 5, 1, 4, 2]);
}

#[test]
fn spawn_rates_share_the_rate_by_work_to_do() {
    let current = vec![vec![2, 2], vec![2, 2], Vec::new()];
    let next = vec![vec![1, 2], vec![2, 1], vec![1, 1]];
    let rates = spawn_rates(&current, &next, 8.0);
    assert_eq!(rates, [2.0, 2.0, 4.0]);
    assert_eq!(spawn_rates(&next, &next, 9.0), [3.0, 3.0, 3.0]);
}
