//! The visited set: every distinct state stored once, under a dense id.
//!
//! States live in a vector; a hash table maps a state's 64-bit hash to the
//! most recent id with that hash, and `next` chains ids whose hashes are
//! equal. Looking a state up hashes it once and compares whole states only
//! when the hashes agree. The table is only probed, never iterated.

use std::collections::hash_map::Entry;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

/// No id: end of a hash chain, or "no thread" for a node.
pub(crate) const NONE: u32 = u32::MAX;

pub(crate) enum Interned {
    /// The state was already stored under this id.
    Old(u32),
    /// The state is new and now stored under this id.
    New(u32),
    /// The state is new but the store is at its limit; nothing was stored.
    Full,
}

pub(crate) struct StateStore<S> {
    states: Vec<S>,
    next: Vec<u32>,
    heads: FxHashMap<u64, u32>,
    /// Sum of the model's `state_bytes` over stored states.
    state_bytes: u64,
    limit: usize,
}

impl<S: Eq + Hash> StateStore<S> {
    pub(crate) fn new(limit: Option<u64>) -> Self {
        StateStore {
            states: Vec::new(),
            next: Vec::new(),
            heads: FxHashMap::default(),
            state_bytes: 0,
            limit: limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX)),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.states.len()
    }

    pub(crate) fn get(&self, id: u32) -> &S {
        &self.states[id as usize]
    }

    /// Look `state` up, storing it if it is new (and the limit allows).
    /// `bytes` is only evaluated for a new state.
    pub(crate) fn intern(&mut self, state: S, bytes: impl FnOnce(&S) -> usize) -> Interned {
        let mut hasher = FxHasher::default();
        state.hash(&mut hasher);
        let hash = hasher.finish();
        let new = self.states.len();
        let chain = match self.heads.entry(hash) {
            Entry::Occupied(mut e) => {
                let mut id = *e.get();
                while id != NONE {
                    if self.states[id as usize] == state {
                        return Interned::Old(id);
                    }
                    id = self.next[id as usize];
                }
                if new >= self.limit {
                    return Interned::Full;
                }
                std::mem::replace(e.get_mut(), new as u32)
            }
            Entry::Vacant(e) => {
                if new >= self.limit {
                    return Interned::Full;
                }
                e.insert(new as u32);
                NONE
            }
        };
        assert!(new < NONE as usize, "more than 2^32 - 1 states");
        self.state_bytes += bytes(&state) as u64;
        self.states.push(state);
        self.next.push(chain);
        Interned::New(new as u32)
    }

    /// Estimated bytes held: the states themselves (as the model reports
    /// them), spare vector capacity, the chain and the hash table.
    pub(crate) fn estimated_bytes(&self) -> u64 {
        let spare = (self.states.capacity() - self.states.len()) * std::mem::size_of::<S>();
        let chain = self.next.capacity() * std::mem::size_of::<u32>();
        self.state_bytes + (spare + chain) as u64 + table_bytes::<u64, u32>(self.heads.capacity())
    }

    pub(crate) fn into_states(self) -> Vec<S> {
        self.states
    }
}

/// Approximate bytes of a swiss-table hash map with room for `capacity`
/// entries: buckets (capacity × 8/7, load factor) of key, value and one
/// control byte each.
pub(crate) fn table_bytes<K, V>(capacity: usize) -> u64 {
    let buckets = capacity as u64 * 8 / 7;
    buckets * (std::mem::size_of::<(K, V)>() as u64 + 1)
}
