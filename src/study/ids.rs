//! How many rollouts carry each id, so a duplicate is shown under a name of its own.
//!
//! The table holds a rollout's index, not its id: the id stays where it is, in the rollout.
//! Keeping `Arc<str>` keys meant an atomic increment on each id, in memory the loader's thread
//! had just written (most of the study's upkeep while 2,000,000 small rollouts load), and three
//! times the table's size.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

use crate::model::RolloutSummary;

/// Per id: the rollout whose id it is (the first of its duplicates), and how many carry it.
/// The indices hold while rollouts are only appended, as a loading study does (a copy that
/// drops rollouts, like the report's filtered one, counts no more ids).
/// (foldhash: seeded per process like SipHash, so ids written to collide cannot slow it down,
/// and several times faster on a million short ids.)
#[derive(Clone, Default)]
pub struct IdCounts {
    table: HashTable<(u32, u32)>,
    state: foldhash::fast::RandomState,
}

impl std::fmt::Debug for IdCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdCounts").field("ids", &self.table.len()).finish()
    }
}

impl IdCounts {
    /// How many rollouts carry `id` (0 for none).
    pub fn get(&self, rollouts: &[RolloutSummary], id: &str) -> u32 {
        let hash = self.state.hash_one(id);
        self.table.find(hash, |&(i, _)| id_of(rollouts, i) == id).map_or(0, |&(_, n)| n)
    }

    /// Counts rollout `index` under its id; returns the count with it.
    pub fn add(&mut self, rollouts: &[RolloutSummary], index: usize) -> u32 {
        let id = id_of(rollouts, index as u32);
        let state = &self.state;
        let hash = state.hash_one(id);
        let eq = |&(i, _): &(u32, u32)| id_of(rollouts, i) == id;
        match self.table.entry(hash, eq, |&(i, _)| state.hash_one(id_of(rollouts, i))) {
            Entry::Occupied(mut entry) => {
                entry.get_mut().1 += 1;
                entry.get().1
            }
            Entry::Vacant(entry) => {
                entry.insert((index as u32, 1));
                1
            }
        }
    }

    /// Sets the count of `id`, which some rollout already carries.
    pub fn set(&mut self, rollouts: &[RolloutSummary], id: &str, count: u32) {
        let hash = self.state.hash_one(id);
        if let Some(entry) = self.table.find_mut(hash, |&(i, _)| id_of(rollouts, i) == id) {
            entry.1 = count;
        }
    }

    /// Makes room for `additional` more ids.
    pub fn reserve(&mut self, rollouts: &[RolloutSummary], additional: usize) {
        let state = &self.state;
        self.table.reserve(additional, |&(i, _)| state.hash_one(id_of(rollouts, i)));
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }
}

fn id_of(rollouts: &[RolloutSummary], index: u32) -> &str {
    rollouts.get(index as usize).map_or("", |r| &r.id)
}
