//! The best witness found so far of each finding key, and the witnesses
//! built from them at the end.
//!
//! One small record per key, not per state: a node of the search tree plus
//! the steps after it. The path to the node is only walked back at the end
//! (the explorer supplies the walk), so recording costs nothing per state.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::outcome::Witness;
use crate::Model;

/// The best witness of one finding key, as a node plus the steps after it.
struct Record<M: Model> {
    finding: M::Finding,
    key: M::FindingKey,
    base: u32,
    extra: Vec<(M::Step, u32)>,
    steps: u32,
    switches: u32,
}

pub(crate) struct Records<M: Model> {
    records: Vec<Record<M>>,
    index: FxHashMap<M::FindingKey, u32>,
    /// Fewest steps of any witness so far (u32::MAX: none).
    best_steps: u32,
}

impl<M: Model> Records<M> {
    pub fn new() -> Self {
        Records {
            records: Vec::new(),
            index: FxHashMap::default(),
            best_steps: u32::MAX,
        }
    }

    /// Fewest steps of any witness so far (u32::MAX: none).
    pub fn best_steps(&self) -> u32 {
        self.best_steps
    }

    /// `finding`, seen at the end of the path to node `base` followed by
    /// `extra` (each step with the thread after it): `steps` steps and
    /// `switches` context switches in all. Kept if it is the first of its
    /// key or better than the one kept (fewer steps, then fewer switches).
    pub fn record(
        &mut self,
        model: &M,
        finding: M::Finding,
        base: u32,
        extra: &[(M::Step, u32)],
        steps: u32,
        switches: u32,
    ) {
        self.best_steps = self.best_steps.min(steps);
        let key = model.finding_key(&finding);
        let new = |finding, key| Record {
            finding,
            key,
            base,
            extra: extra.to_vec(),
            steps,
            switches,
        };
        if let Some(&i) = self.index.get(&key) {
            let r = &mut self.records[i as usize];
            if (steps, switches) < (r.steps, r.switches) {
                *r = new(finding, key);
            }
        } else {
            self.index.insert(key.clone(), self.records.len() as u32);
            self.records.push(new(finding, key));
        }
    }

    /// The keys of findings with a witness of at most `steps` steps.
    pub fn keys_within(&self, steps: u32) -> Arc<[M::FindingKey]> {
        self.records
            .iter()
            .filter(|r| r.steps <= steps)
            .map(|r| r.key.clone())
            .collect()
    }

    /// The witnesses, shortest first (then fewest switches, then in order
    /// of discovery). `path_back(node, out)` pushes the steps of the path
    /// to `node`, last step first, each with the thread after it and the
    /// depth it was told ([`Witness::told`]); `depth(node)` is the node's
    /// depth, which the steps after it were told.
    pub fn into_witnesses(
        self,
        depth: impl Fn(u32) -> u32,
        path_back: impl Fn(u32, &mut Vec<(M::Step, u32, u32)>),
    ) -> Vec<Witness<M>> {
        let mut witnesses: Vec<(usize, Witness<M>)> = self
            .records
            .into_iter()
            .enumerate()
            .map(|(seq, r)| {
                // Built backwards, then reversed.
                let mut path: Vec<(M::Step, u32, u32)> = Vec::with_capacity(r.steps as usize);
                let told = depth(r.base);
                path.extend(r.extra.iter().rev().map(|&(s, t)| (s, t, told)));
                path_back(r.base, &mut path);
                path.reverse();
                debug_assert_eq!(path.len() as u32, r.steps);
                let mut steps = Vec::with_capacity(path.len());
                let mut threads = Vec::with_capacity(path.len());
                let mut told = Vec::with_capacity(path.len());
                for (s, t, d) in path {
                    steps.push(s);
                    threads.push(t);
                    told.push(d);
                }
                // Counted as the path was found: a model that renames
                // threads names them in each state's own terms.
                let w = Witness {
                    finding: r.finding,
                    key: r.key,
                    steps,
                    threads,
                    switches: r.switches,
                    told,
                };
                (seq, w)
            })
            .collect();
        witnesses.sort_by_key(|(seq, w)| (w.steps.len(), w.switches, *seq));
        witnesses.into_iter().map(|(_, w)| w).collect()
    }
}
