//! Which worker runs how many users of each class: a pure function, so the master's decisions
//! can be tested without any network or clock.
//!
//! Input: the run's users per class (the runner's class mix already applied: fixed-count
//! classes first, weights after) and what each ready worker holds now. Output: each worker's
//! absolute users per class, such that
//! - every class is spread evenly: any two workers' counts of a class differ by at most one;
//! - every worker's total differs from any other's by at most one;
//! - as few users as possible are started (and stopped) to get there: a worker that joins only
//!   takes users over, and the users of a worker that left go to the others without shuffling
//!   the rest (see the tests against an exhaustive search);
//! - the same input always gives the same output.
//!
//! Each worker gets `users / workers` of every class (its base); the remainders ("extras", at
//! most one per worker and class) go preferably to workers that already hold more than the
//! base of that class, so they keep users instead of starting new ones. Which workers take one
//! extra more than others in total is decided first, in favour of the workers that can keep
//! the most. Workers are ordered by [`dispatch_order`], so with no history the extras go round
//! robin across hosts, as in Locust.

use std::cmp::Reverse;
use std::collections::{BTreeMap, VecDeque};

/// What the dispatcher needs to know of a worker to order it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerPlace<'a> {
    /// The worker's host name.
    pub host: &'a str,
    /// The worker's index on the master (join order, stable).
    pub index: u32,
}

/// The order in which workers receive users: by their rank among the workers of their host,
/// then by index, so that consecutive workers are on different hosts (Locust orders by
/// "index within host" for the same reason). Returns indices into `workers`.
pub fn dispatch_order(workers: &[WorkerPlace<'_>]) -> Vec<usize> {
    // Rank within host: sort by (host, index), count along each host's run.
    let mut by_host: Vec<usize> = (0..workers.len()).collect();
    by_host.sort_unstable_by_key(|&w| (workers[w].host, workers[w].index));
    let mut rank = vec![0usize; workers.len()];
    for pair in 0..by_host.len() {
        if pair > 0 && workers[by_host[pair]].host == workers[by_host[pair - 1]].host {
            rank[by_host[pair]] = rank[by_host[pair - 1]] + 1;
        }
    }
    let mut order: Vec<usize> = (0..workers.len()).collect();
    order.sort_unstable_by_key(|&w| (rank[w], workers[w].index, w));
    order
}

/// Splits `targets` (users per class) over the workers that currently hold `current` (one list
/// of users per class per worker, in [`dispatch_order`]; an empty list holds nothing).
/// Returns the new users per class of each worker, in the same order; empty without workers.
pub fn dispatch(targets: &[u64], current: &[Vec<u64>]) -> Vec<Vec<u64>> {
    let workers = current.len();
    if workers == 0 {
        return Vec::new();
    }
    let held = |worker: usize, class: usize| current[worker].get(class).copied().unwrap_or(0);
    let count = workers as u64;
    let base: Vec<u64> = targets.iter().map(|users| users / count).collect();
    let extras: Vec<usize> = targets
        .iter()
        .map(|users| (users % count) as usize)
        .collect();
    if current
        .iter()
        .all(|held| held.iter().all(|&users| users == 0))
    {
        return round_robin(workers, &base, &extras);
    }
    // A worker keeps a user instead of starting one when it gets an extra of a class it holds
    // more than the base of. Workers that would keep the same classes are interchangeable, so
    // the extras are first shared out between such groups (a small min-cost flow), then dealt
    // within each group.
    let classes = targets.len();
    let mut groups: BTreeMap<Vec<bool>, Vec<usize>> = BTreeMap::new();
    for worker in 0..workers {
        let keeps = (0..classes)
            .map(|class| extras[class] > 0 && held(worker, class) > base[class])
            .collect();
        groups.entry(keeps).or_default().push(worker);
    }
    let groups: Vec<(Vec<bool>, Vec<usize>)> = groups.into_iter().collect();
    let total_extras: usize = extras.iter().sum();
    let (q, r) = (total_extras / workers, total_extras % workers);
    let shares = share_extras(&extras, &groups, q, r);

    let mut assignment = vec![base; workers];
    for ((_, members), (per_class, bonus)) in groups.iter().zip(shares) {
        // Within a group the extras cost the same wherever they go; the members that hold the
        // fewest users take the `q + 1` (so a newcomer takes users over rather than an old
        // worker swapping one class for another), and each class goes to the members with the
        // most room.
        let mut members = members.clone();
        members.sort_by_key(|&w| (current[w].iter().sum::<u64>(), w));
        let mut room: Vec<usize> = (0..members.len())
            .map(|i| q + usize::from(i < bonus))
            .collect();
        let mut order: Vec<usize> = (0..classes).filter(|&c| per_class[c] > 0).collect();
        order.sort_by_key(|&class| (Reverse(per_class[class]), class));
        for class in order {
            let mut candidates: Vec<usize> = (0..members.len()).collect();
            candidates.sort_by_key(|&i| (Reverse(room[i]), i));
            // Ryser's construction: taking the members with the most room, class by class in
            // decreasing demand, always fits, because a class needs at most one extra per
            // member and rooms differ by at most one.
            for &i in &candidates[..per_class[class]] {
                assert!(room[i] > 0, "extras fit the group's room");
                room[i] -= 1;
                assignment[members[i]][class] += 1;
            }
        }
    }
    assignment
}

/// How many extras of each class each group of interchangeable workers takes, and how many of
/// its members take `q + 1` extras instead of `q`: the share that starts the fewest users.
///
/// A min-cost flow: source → class (its extras) → group (one per member, cost 0 where the
/// group keeps that class, else 1) → sink (`q` per member), plus at most one more per member
/// through a "bonus" node that lets `r` units through. Tiny in practice: a handful of classes
/// and of distinct groups, whatever the number of workers.
fn share_extras(
    extras: &[usize],
    groups: &[(Vec<bool>, Vec<usize>)],
    q: usize,
    r: usize,
) -> Vec<(Vec<usize>, usize)> {
    let classes = extras.len();
    let source = 0;
    let class_node = |c: usize| 1 + c;
    let group_node = |g: usize| 1 + classes + g;
    let bonus = 1 + classes + groups.len();
    let sink = bonus + 1;
    let mut flow = FlowNetwork::new(sink + 1);
    for (class, &extra) in extras.iter().enumerate() {
        flow.add_edge(source, class_node(class), extra as i64, 0);
    }
    let mut class_edges = Vec::new();
    for (g, (keeps, members)) in groups.iter().enumerate() {
        let size = members.len() as i64;
        for (class, &keep) in keeps.iter().enumerate() {
            let cost = if keep { 0 } else { 1 };
            class_edges.push((
                g,
                class,
                flow.add_edge(class_node(class), group_node(g), size, cost),
            ));
        }
        flow.add_edge(group_node(g), sink, q as i64 * size, 0);
    }
    let bonus_edges: Vec<usize> = (0..groups.len())
        .map(|g| flow.add_edge(group_node(g), bonus, groups[g].1.len() as i64, 0))
        .collect();
    flow.add_edge(bonus, sink, r as i64, 0);
    flow.run(source, sink);

    let mut shares: Vec<(Vec<usize>, usize)> =
        groups.iter().map(|_| (vec![0; classes], 0)).collect();
    for (g, class, edge) in class_edges {
        shares[g].0[class] = flow.flow(edge) as usize;
    }
    for (g, edge) in bonus_edges.into_iter().enumerate() {
        shares[g].1 = flow.flow(edge) as usize;
    }
    shares
}

/// A minimal min-cost max-flow (successive shortest paths with Bellman-Ford queues), enough
/// for the few dozen nodes of [`share_extras`].
struct FlowNetwork {
    adjacent: Vec<Vec<usize>>,
    to: Vec<usize>,
    capacity: Vec<i64>,
    cost: Vec<i64>,
    original: Vec<i64>,
}

impl FlowNetwork {
    fn new(nodes: usize) -> Self {
        Self {
            adjacent: vec![Vec::new(); nodes],
            to: Vec::new(),
            capacity: Vec::new(),
            cost: Vec::new(),
            original: Vec::new(),
        }
    }

    /// Adds `from → to` and its residual twin; returns the edge's id.
    fn add_edge(&mut self, from: usize, to: usize, capacity: i64, cost: i64) -> usize {
        let id = self.to.len();
        for (a, b, cap, c) in [(from, to, capacity, cost), (to, from, 0, -cost)] {
            self.adjacent[a].push(self.to.len());
            self.to.push(b);
            self.capacity.push(cap);
            self.cost.push(c);
            self.original.push(cap);
        }
        id
    }

    /// Flow through edge `id` after [`run`](Self::run).
    fn flow(&self, id: usize) -> i64 {
        self.original[id] - self.capacity[id]
    }

    /// Pushes as much flow as possible from `source` to `sink` at the least total cost.
    fn run(&mut self, source: usize, sink: usize) {
        let nodes = self.adjacent.len();
        loop {
            let mut distance = vec![i64::MAX; nodes];
            let mut via = vec![usize::MAX; nodes];
            let mut queued = vec![false; nodes];
            let mut queue = VecDeque::from([source]);
            distance[source] = 0;
            while let Some(node) = queue.pop_front() {
                queued[node] = false;
                for &edge in &self.adjacent[node] {
                    let next = self.to[edge];
                    let candidate = distance[node] + self.cost[edge];
                    if self.capacity[edge] > 0 && candidate < distance[next] {
                        distance[next] = candidate;
                        via[next] = edge;
                        if !queued[next] {
                            queued[next] = true;
                            queue.push_back(next);
                        }
                    }
                }
            }
            if distance[sink] == i64::MAX {
                return;
            }
            let mut push = i64::MAX;
            let mut node = sink;
            while node != source {
                let edge = via[node];
                push = push.min(self.capacity[edge]);
                node = self.to[edge ^ 1];
            }
            let mut node = sink;
            while node != source {
                let edge = via[node];
                self.capacity[edge] -= push;
                self.capacity[edge ^ 1] += push;
                node = self.to[edge ^ 1];
            }
        }
    }
}

/// The layout of a first dispatch: each worker gets the base of every class, and the extras
/// are dealt round robin, class after class, each class continuing where the previous one
/// stopped (so totals differ by at most one too).
fn round_robin(workers: usize, base: &[u64], extras: &[usize]) -> Vec<Vec<u64>> {
    let mut assignment = vec![base.to_vec(); workers];
    let mut next = 0;
    for (class, &extra) in extras.iter().enumerate() {
        for _ in 0..extra {
            assignment[next][class] += 1;
            next = (next + 1) % workers;
        }
    }
    assignment
}

/// Each worker's share of `spawn_rate` for going from `current` to `next` (as from
/// [`dispatch`]), proportional to the users it must start or stop, so that all workers finish
/// together and the cluster as a whole starts `spawn_rate` users per second. A worker with
/// nothing to do gets an equal share (any positive rate would do).
pub fn spawn_rates(current: &[Vec<u64>], next: &[Vec<u64>], spawn_rate: f64) -> Vec<f64> {
    let moves: Vec<u64> = next
        .iter()
        .enumerate()
        .map(|(worker, classes)| {
            classes
                .iter()
                .enumerate()
                .map(|(class, &users)| {
                    let held = current
                        .get(worker)
                        .and_then(|held| held.get(class))
                        .copied()
                        .unwrap_or(0);
                    users.abs_diff(held)
                })
                .sum()
        })
        .collect();
    let all: u64 = moves.iter().sum();
    let equal = spawn_rate / next.len().max(1) as f64;
    moves
        .iter()
        .map(|&own| {
            if own == 0 || all == 0 {
                equal
            } else {
                spawn_rate * own as f64 / all as f64
            }
        })
        .collect()
}

/// Users started on all workers to go from `current` to `next` (the cost [`dispatch`] keeps
/// low; stopping is the same number plus any change of the total).
pub fn users_started(current: &[Vec<u64>], next: &[Vec<u64>]) -> u64 {
    next.iter()
        .enumerate()
        .map(|(worker, classes)| {
            classes
                .iter()
                .enumerate()
                .map(|(class, &users)| {
                    let held = current
                        .get(worker)
                        .and_then(|held| held.get(class))
                        .copied()
                        .unwrap_or(0);
                    users.saturating_sub(held)
                })
                .sum::<u64>()
        })
        .sum()
}

#[cfg(test)]
mod tests;
