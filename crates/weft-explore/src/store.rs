//! The visited set, in one of two modes.
//!
//! **Exact**: every distinct state is stored once, in a vector indexed by a
//! dense id; a hash table maps a state's 64-bit hash to the most recent id
//! with that hash, and `next` chains ids whose hashes are equal. Looking a
//! state up hashes it once and compares whole states only when the hashes
//! agree. No two distinct states are ever merged.
//!
//! **Fingerprint**: only a 128-bit fingerprint of each state is kept, with
//! its id, in one 24-byte table entry; the states themselves live only
//! while they wait in the frontier. Two distinct states with the same
//! fingerprint would be merged (the second never explored); with `n`
//! states the chance that this happens at all is below `n² / 2¹²⁹` (the
//! birthday bound, the state's parts being hashed to 128 bits as well),
//! which [`crate::Stats::collision_bound`] reports, as TLC does.
//!
//! Tables are only probed, never iterated, so results do not depend on
//! hash seeds or memory layout.

use std::collections::hash_map::Entry;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};
use xxhash_rust::xxh3::Xxh3Default;

/// No id: end of a hash chain, or "no thread" for a node.
pub(crate) const NONE: u32 = u32::MAX;

/// How the explorer remembers the states it has seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Visited {
    /// Whole states: no state is ever wrongly merged.
    #[default]
    Exact,
    /// 128-bit fingerprints: a few bytes per state, with a tiny, reported
    /// chance of merging two distinct states.
    Fingerprint,
}

impl Visited {
    pub fn name(self) -> &'static str {
        match self {
            Visited::Exact => "exact",
            Visited::Fingerprint => "fingerprint",
        }
    }
}

pub(crate) enum Interned {
    /// The state was already stored under this id.
    Old(u32),
    /// The state is new and now stored under this id.
    New(u32),
    /// The state is new but the store is at its limit; nothing was stored.
    Full,
}

/// A state's key in the store, computed once per successor and used for
/// both the lookup and the insertion.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Hash(u64),
    Fingerprint(u128),
}

pub(crate) struct Store<S> {
    exact: Option<Exact<S>>,
    /// Fingerprint → id (fingerprint mode).
    prints: FxHashMap<[u64; 2], u32>,
    len: usize,
    limit: usize,
    /// Sum of the model's `state_bytes` over stored states (exact mode).
    state_bytes: u64,
}

struct Exact<S> {
    states: Vec<S>,
    next: Vec<u32>,
    heads: FxHashMap<u64, u32>,
}

impl Key {
    /// The key of `state` in a store of mode `mode`.
    pub(crate) fn of<S: Hash>(mode: Visited, state: &S) -> Key {
        match mode {
            Visited::Exact => {
                let mut hasher = FxHasher::default();
                state.hash(&mut hasher);
                Key::Hash(hasher.finish())
            }
            Visited::Fingerprint => Key::Fingerprint(fingerprint(state)),
        }
    }
}

/// The 128-bit fingerprint of a value.
pub(crate) fn fingerprint<S: Hash>(s: &S) -> u128 {
    let mut h = Xxh3Default::new();
    s.hash(&mut h);
    h.digest128()
}

/// A fingerprint as two words: 8-byte aligned, so a table entry with its
/// id is 24 bytes rather than the 32 a `u128` key would take.
fn split(fp: u128) -> [u64; 2] {
    [fp as u64, (fp >> 64) as u64]
}

impl<S: Eq + Hash> Store<S> {
    pub(crate) fn new(mode: Visited, limit: Option<u64>) -> Self {
        Store {
            exact: (mode == Visited::Exact).then(|| Exact {
                states: Vec::new(),
                next: Vec::new(),
                heads: FxHashMap::default(),
            }),
            prints: FxHashMap::default(),
            len: 0,
            limit: limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX)),
            state_bytes: 0,
        }
    }

    pub(crate) fn mode(&self) -> Visited {
        if self.exact.is_some() {
            Visited::Exact
        } else {
            Visited::Fingerprint
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The stored state of `id` (exact mode only).
    pub(crate) fn get(&self, id: u32) -> Option<&S> {
        self.exact.as_ref().map(|e| &e.states[id as usize])
    }

    pub(crate) fn key(&self, state: &S) -> Key {
        Key::of(self.mode(), state)
    }

    /// The id of `state`, if it is stored.
    pub(crate) fn lookup(&self, key: Key, state: &S) -> Option<u32> {
        match key {
            Key::Fingerprint(fp) => self.prints.get(&split(fp)).copied(),
            Key::Hash(hash) => {
                let e = self.exact.as_ref()?;
                let mut id = *e.heads.get(&hash)?;
                while id != NONE {
                    if e.states[id as usize] == *state {
                        return Some(id);
                    }
                    id = e.next[id as usize];
                }
                None
            }
        }
    }

    /// Look `state` up, storing it if it is new (and the limit allows).
    /// `bytes` is only evaluated for a new state, in exact mode.
    pub(crate) fn intern(
        &mut self,
        key: Key,
        state: &S,
        bytes: impl FnOnce(&S) -> usize,
    ) -> Interned
    where
        S: Clone,
    {
        let new = self.len;
        match key {
            Key::Fingerprint(fp) => match self.prints.entry(split(fp)) {
                Entry::Occupied(e) => return Interned::Old(*e.get()),
                Entry::Vacant(e) => {
                    if new >= self.limit {
                        return Interned::Full;
                    }
                    assert!(new < NONE as usize, "more than 2^32 - 1 states");
                    e.insert(new as u32);
                }
            },
            Key::Hash(hash) => {
                let e = self.exact.as_mut().expect("exact store");
                let chain = match e.heads.entry(hash) {
                    Entry::Occupied(mut o) => {
                        let mut id = *o.get();
                        while id != NONE {
                            if e.states[id as usize] == *state {
                                return Interned::Old(id);
                            }
                            id = e.next[id as usize];
                        }
                        if new >= self.limit {
                            return Interned::Full;
                        }
                        std::mem::replace(o.get_mut(), new as u32)
                    }
                    Entry::Vacant(v) => {
                        if new >= self.limit {
                            return Interned::Full;
                        }
                        v.insert(new as u32);
                        NONE
                    }
                };
                assert!(new < NONE as usize, "more than 2^32 - 1 states");
                self.state_bytes += bytes(state) as u64;
                e.states.push(state.clone());
                e.next.push(chain);
            }
        }
        self.len += 1;
        Interned::New(new as u32)
    }

    /// Estimated bytes held: the states themselves (as the model reports
    /// them), spare vector capacity, the chain and the hash tables.
    pub(crate) fn estimated_bytes(&self) -> u64 {
        let prints = table_bytes::<[u64; 2], u32>(self.prints.capacity());
        match &self.exact {
            None => prints,
            Some(e) => {
                let spare = (e.states.capacity() - e.states.len()) * std::mem::size_of::<S>();
                let chain = e.next.capacity() * std::mem::size_of::<u32>();
                self.state_bytes
                    + (spare + chain) as u64
                    + table_bytes::<u64, u32>(e.heads.capacity())
            }
        }
    }
}

/// Approximate bytes of a swiss-table hash map with room for `capacity`
/// entries: buckets (capacity × 8/7, load factor) of key, value and one
/// control byte each.
pub(crate) fn table_bytes<K, V>(capacity: usize) -> u64 {
    let buckets = capacity as u64 * 8 / 7;
    buckets * (std::mem::size_of::<(K, V)>() as u64 + 1)
}
