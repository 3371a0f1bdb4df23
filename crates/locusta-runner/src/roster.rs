//! The users the runner has started and not yet stopped, each on a position of the class
//! sequence.
//!
//! Position `i` holds a user of class `sequence.class_of(i)`. Growing fills positions in order
//! and shrinking empties the last ones, so while the class selection stays the same the users
//! alive are a prefix of the sequence and the mix is Locust's at every count.
//!
//! When the selection changes (a `/swarm` or shape tick with other `user_classes`), the users
//! alive are placed on the new sequence's positions by class, oldest first; users with no
//! place (their class was dropped, or it has more users than the new mix wants) become
//! *surplus* and are stopped, and the empty positions (*holes*) are filled, both at the spawn
//! rate. Locust instead keeps the users of dropped classes until ramp-down happens to reach
//! them (locust issue #2714); see docs/decisions.md.

use std::collections::{HashSet, VecDeque};

use crate::dispatch::ClassSequence;

/// One user: its id and class index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Member {
    pub(crate) id: u64,
    pub(crate) class: usize,
}

/// What one ramp step did.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Step {
    /// Users to start.
    pub(crate) spawned: Vec<Member>,
    /// Users to stop.
    pub(crate) stopped: Vec<Member>,
    /// Whether the roster now matches the target (no further step needed).
    pub(crate) done: bool,
}

/// See the module documentation.
#[derive(Debug)]
pub(crate) struct Roster {
    sequence: ClassSequence,
    slots: Vec<Option<Member>>,
    /// Empty slots (all below the target once a ramp is done).
    holes: usize,
    /// How many holes the ramp under way leaves alone: those of users that ended by
    /// themselves since it began. The next ramp fills them; filling them in this one would
    /// make users that always fail (an `on_start` against a dead server) respawn forever.
    reserved: usize,
    /// Users to stop, oldest first (the newest are stopped first).
    surplus: Vec<Member>,
}

impl Roster {
    /// An empty roster over `sequence`.
    pub(crate) fn new(sequence: ClassSequence) -> Self {
        Self {
            sequence,
            slots: Vec::new(),
            holes: 0,
            reserved: 0,
            surplus: Vec::new(),
        }
    }

    /// The class sequence users are placed on.
    pub(crate) fn sequence(&self) -> &ClassSequence {
        &self.sequence
    }

    /// Users started and not yet stopped.
    pub(crate) fn alive(&self) -> usize {
        self.slots.len() - self.holes + self.surplus.len()
    }

    /// Forgets every user (they have all been stopped).
    pub(crate) fn clear(&mut self) {
        self.slots.clear();
        self.holes = 0;
        self.reserved = 0;
        self.surplus.clear();
    }

    /// Forgets users that ended by themselves (`StopUser`, a failed start): their positions
    /// become holes, which the next ramp fills (not the one under way, see `reserved`).
    /// Locust, too, counts only live users and makes up the difference when it next spawns.
    pub(crate) fn forget(&mut self, ended: &[u64]) {
        if ended.is_empty() {
            return;
        }
        let ended: HashSet<u64> = ended.iter().copied().collect();
        for slot in &mut self.slots {
            if slot.is_some_and(|member| ended.contains(&member.id)) {
                *slot = None;
                self.holes += 1;
                self.reserved += 1;
            }
        }
        self.surplus.retain(|member| !ended.contains(&member.id));
    }

    /// A new ramp begins: it fills every hole, including those of users that ended by
    /// themselves during the last one.
    pub(crate) fn reopen_holes(&mut self) {
        self.reserved = 0;
    }

    /// Moves the users onto a new sequence (a new class selection) aiming at `target` users:
    /// each position below `target` gets the oldest remaining user of its class, or stays a
    /// hole; the users left over become surplus.
    pub(crate) fn reselect(&mut self, sequence: ClassSequence, target: usize) {
        let mut members: Vec<Member> = self
            .slots
            .drain(..)
            .flatten()
            .chain(self.surplus.drain(..))
            .collect();
        // Ids grow with age, so this is oldest first within each class.
        members.sort_unstable_by_key(|member| member.id);
        let classes = members.iter().map(|m| m.class + 1).max().unwrap_or(0);
        let mut by_class: Vec<VecDeque<Member>> = vec![VecDeque::new(); classes];
        for member in members {
            by_class[member.class].push_back(member);
        }
        self.sequence = sequence;
        self.holes = 0;
        self.reserved = 0;
        for position in 0..target {
            let Some(class) = self.sequence.class_of(position) else {
                break;
            };
            let member = by_class.get_mut(class).and_then(VecDeque::pop_front);
            self.holes += usize::from(member.is_none());
            self.slots.push(member);
        }
        self.surplus = by_class.into_iter().flatten().collect();
        self.surplus.sort_unstable_by_key(|member| member.id);
    }

    /// One step towards `target` users: stops at most `batch` users (the newest positions
    /// above the target first, then surplus) and starts at most `batch` (holes first, in
    /// sequence order, then new positions), numbering new users from `next_id`.
    pub(crate) fn step(&mut self, target: usize, batch: usize, next_id: &mut u64) -> Step {
        let mut step = Step::default();
        while self.slots.len() > target && step.stopped.len() < batch {
            match self.slots.pop().flatten() {
                Some(member) => step.stopped.push(member),
                None => {
                    self.holes -= 1;
                    self.reserved = self.reserved.min(self.holes);
                }
            }
        }
        while step.stopped.len() < batch
            && let Some(member) = self.surplus.pop()
        {
            step.stopped.push(member);
        }

        let mut start = |class: usize, spawned: &mut Vec<Member>| {
            let member = Member {
                id: *next_id,
                class,
            };
            *next_id += 1;
            spawned.push(member);
            member
        };
        if self.holes > self.reserved {
            let end = self.slots.len().min(target);
            for position in 0..end {
                if step.spawned.len() == batch || self.holes == self.reserved {
                    break;
                }
                if self.slots[position].is_none()
                    && let Some(class) = self.sequence.class_of(position)
                {
                    self.slots[position] = Some(start(class, &mut step.spawned));
                    self.holes -= 1;
                }
            }
        }
        while self.slots.len() < target && step.spawned.len() < batch {
            let Some(class) = self.sequence.class_of(self.slots.len()) else {
                break;
            };
            let member = start(class, &mut step.spawned);
            self.slots.push(Some(member));
        }

        let full = self.slots.len() == target
            || (self.slots.len() < target && self.sequence.class_of(self.slots.len()).is_none());
        step.done = full && self.holes == self.reserved && self.surplus.is_empty();
        step
    }

    /// Users per class index (`classes` entries).
    pub(crate) fn counts_by_class(&self, classes: usize) -> Vec<u64> {
        let mut counts = vec![0; classes];
        for member in self.slots.iter().flatten().chain(&self.surplus) {
            if let Some(count) = counts.get_mut(member.class) {
                *count += 1;
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::ClassShare;

    fn sequence(weights: &[(&str, f64, u32)]) -> ClassSequence {
        let shares: Vec<ClassShare<'_>> = weights
            .iter()
            .map(|&(name, weight, fixed_count)| ClassShare {
                name,
                weight,
                fixed_count,
            })
            .collect();
        ClassSequence::new(&shares)
    }

    fn ids(members: &[Member]) -> Vec<u64> {
        members.iter().map(|member| member.id).collect()
    }

    /// Steps until done; returns the steps taken.
    fn ramp(roster: &mut Roster, target: usize, batch: usize, next: &mut u64) -> Vec<Step> {
        let mut steps = Vec::new();
        loop {
            let step = roster.step(target, batch, next);
            let done = step.done;
            steps.push(step);
            if done {
                return steps;
            }
            assert!(steps.len() < 1000, "no progress");
        }
    }

    #[test]
    fn grows_and_shrinks_in_batches_newest_first() {
        let mut roster = Roster::new(sequence(&[("A", 1.0, 0)]));
        let mut next = 0;
        let steps = ramp(&mut roster, 5, 2, &mut next);
        let sizes: Vec<usize> = steps.iter().map(|s| s.spawned.len()).collect();
        assert_eq!(sizes, [2, 2, 1]);
        let steps = ramp(&mut roster, 2, 2, &mut next);
        let stopped: Vec<Vec<u64>> = steps.into_iter().map(|step| ids(&step.stopped)).collect();
        assert_eq!(stopped, [vec![4, 3], vec![2]]);
        assert_eq!(roster.alive(), 2);
    }

    #[test]
    fn users_that_keep_dying_do_not_keep_a_ramp_going() {
        // Every user ends at once (an on_start that always fails): one ramp of 6 users at 2 per
        // step still ends after 3 steps.
        let mut roster = Roster::new(sequence(&[("A", 1.0, 0)]));
        let mut next = 0;
        let mut steps = 0;
        loop {
            let step = roster.step(6, 2, &mut next);
            steps += 1;
            roster.forget(&ids(&step.spawned));
            if step.done {
                break;
            }
            assert!(steps < 10, "the ramp does not end");
        }
        assert_eq!((steps, next, roster.alive()), (3, 6, 0));
    }

    #[test]
    fn forgotten_users_leave_holes_that_the_next_ramp_fills() {
        let mut roster = Roster::new(sequence(&[("A", 1.0, 0), ("B", 1.0, 0)]));
        let mut next = 0;
        ramp(&mut roster, 4, 10, &mut next);
        let [a, b] = [0, 1].map(|class| roster.counts_by_class(2)[class]);
        // A surplus user too: B is dropped, so its users are to be stopped.
        roster.reselect(sequence(&[("A", 1.0, 0), ("B", 0.0, 0)]), 4);
        let a_user = roster.slots[0].unwrap();
        let b_user = roster.surplus[0];
        roster.forget(&[a_user.id, b_user.id, 99]);
        assert_eq!(roster.alive(), usize::try_from(a + b).unwrap() - 2);
        // The ramp under way leaves the hole...
        let steps = ramp(&mut roster, 4, 10, &mut next);
        let stopped: Vec<u64> = steps.iter().flat_map(|step| ids(&step.stopped)).collect();
        assert!(
            !stopped.contains(&b_user.id),
            "a forgotten user is not stopped again"
        );
        let empty = |roster: &Roster| roster.slots.iter().filter(|slot| slot.is_none()).count();
        assert_eq!(empty(&roster), 1);
        assert_eq!(roster.counts_by_class(2), [3, 0]);
        // ...and the next one fills it.
        roster.reopen_holes();
        ramp(&mut roster, 4, 10, &mut next);
        assert_eq!(empty(&roster), 0);
        assert!(roster.slots.iter().flatten().all(|m| m.id != a_user.id));
        assert_eq!(roster.counts_by_class(2), [4, 0]);
    }

    #[test]
    fn a_new_selection_swaps_classes_at_the_spawn_rate() {
        // A (index 0) only, 4 users; then B (index 1) only, 4 users, 2 per step.
        let mut roster = Roster::new(sequence(&[("A", 1.0, 0), ("B", 0.0, 0)]));
        let mut next = 0;
        ramp(&mut roster, 4, 10, &mut next);
        roster.reselect(sequence(&[("A", 0.0, 0), ("B", 1.0, 0)]), 4);
        assert_eq!(roster.alive(), 4);
        let steps = ramp(&mut roster, 4, 2, &mut next);
        assert_eq!(steps.len(), 2);
        for step in &steps {
            assert_eq!(step.spawned.len(), 2);
            assert!(step.spawned.iter().all(|m| m.class == 1));
            assert_eq!(step.stopped.len(), 2);
        }
        // The newest A users go first.
        assert_eq!(ids(&steps[0].stopped), [3, 2]);
        assert_eq!(roster.counts_by_class(2), [0, 4]);
    }

    #[test]
    fn a_wider_selection_keeps_users_and_fills_the_other_classes_first() {
        let mut roster = Roster::new(sequence(&[("A", 1.0, 0), ("B", 0.0, 0)]));
        let mut next = 0;
        ramp(&mut roster, 3, 10, &mut next);
        roster.reselect(sequence(&[("A", 1.0, 0), ("B", 1.0, 0)]), 6);
        let step = roster.step(6, 2, &mut next);
        assert!(step.stopped.is_empty());
        assert!(step.spawned.iter().all(|m| m.class == 1), "{step:?}");
        ramp(&mut roster, 6, 2, &mut next);
        assert_eq!(roster.counts_by_class(2), [3, 3]);
    }

    #[test]
    fn only_fixed_classes_stop_at_their_capacity() {
        let mut roster = Roster::new(sequence(&[("A", 1.0, 2)]));
        let mut next = 0;
        let step = roster.step(5, 10, &mut next);
        assert_eq!(step.spawned.len(), 2);
        assert!(step.done);
    }
}
