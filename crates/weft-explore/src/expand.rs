//! A worker's share of the search: expanding one frontier state, and
//! following each successor through the lone states after it.
//!
//! Everything here depends on the state being expanded (and on what the
//! explorer told the model about it) and on nothing the merging thread
//! changes, so any worker may do it at any time and the result is the same.
//!
//! # Lone states
//!
//! A state with exactly one successor (one thread can usefully move, in
//! one way: the others are blocked, or a partial-order reduction shows that
//! they need not move here) is not a branch of the search: every execution
//! through it goes on the same way. With [`crate::Config::pass_lone`] such
//! a state is expanded where it is met and passed through rather than
//! stored, and the search stores only where executions branch, as DiVinE's
//! τ-reduction does. Each real step is still taken and counted, the lone
//! state's own findings and its step's findings are still reported (with
//! the path through it), and witnesses still list every step. What is lost
//! is sharing: a run that meets a lone state some other run has passed
//! walks on from it again, to the end of the run. Landmarks
//! ([`LANDMARK_AFTER`]) bound how far that can be in long chains.

use std::sync::Arc;

use crate::flat;
use crate::store::{Key, Visited};
use crate::{Expansion, Model};

/// Most lone states one successor passes through before the state it has
/// got to is stored anyway: bounds the work of a long run of lone states
/// and the length of the loop check.
const MAX_PASSED: usize = 256;

/// After this many lone states, a run stops at the next *landmark*: a lone
/// state whose hash falls in one sixteenth of the range. Landmarks depend
/// on the state alone, so runs that enter the same long chain of lone
/// states at different points stop at the same few states instead of each
/// walking the rest of it, and a long loop of lone states is closed within
/// a lap. Short runs (a critical section, say) never get that far.
const LANDMARK_AFTER: usize = 16;

/// Whether `state` (with visited-set key `key`) is a landmark. The same
/// hash in both visited modes, so both pass the same states.
fn landmark<S: std::hash::Hash>(key: Key, state: &S) -> bool {
    let hash = match key {
        Key::Hash(h) => h,
        Key::Fingerprint(_) => {
            let mut h = rustc_hash::FxHasher::default();
            state.hash(&mut h);
            std::hash::Hasher::finish(&h)
        }
    };
    hash >> 60 == 0
}

/// One lone state passed through: its findings, and the step taken from it.
pub(crate) struct Hop<M: Model> {
    /// Findings that hold in the lone state itself.
    pub state_findings: Vec<M::Finding>,
    pub step: M::Step,
    /// The thread that moved, as the lone state names it.
    pub thread: u32,
    /// The same thread, as the state after the step names it.
    pub thread_after: u32,
    /// Findings of the step.
    pub findings: Vec<M::Finding>,
}

/// Keys of findings reported with short witnesses ([`Expansion::reported`]).
pub(crate) type Reported<M> = Arc<[<M as Model>::FindingKey]>;

/// How a worker expands: the search's settings that shape an expansion.
#[derive(Clone, Copy)]
pub(crate) struct Expander<'m, M> {
    pub model: &'m M,
    pub reduce: bool,
    pub pass_lone: bool,
    pub mode: Visited,
}

/// One state's expansion, as a worker computes it.
pub(crate) struct Expanded<M: Model> {
    /// The successors; with lone states passed, each successor's state is
    /// the first state after it that is not lone.
    pub exp: Expansion<M>,
    /// The model reduced the expansion; the cycle proviso is still to check.
    pub reduced: bool,
    /// The visited-set key of each successor's state.
    pub keys: Vec<Key>,
    /// For each successor, the lone states it passed through, in order.
    pub hops: Vec<Vec<Hop<M>>>,
    /// States asked whether they are lone ([`Model::expand_lone`]).
    pub lone_asked: u64,
}

impl<M: Model> Expander<'_, M> {
    /// Expand `state` (reduced if `reduce` and the search reduces) and pass
    /// each successor through the lone states after it.
    pub fn expand(&self, state: &M::State, reported: &Reported<M>, reduce: bool) -> Expanded<M> {
        let mut exp = Expansion {
            reported: reported.clone(),
            ..Expansion::default()
        };
        let reduced = if reduce && self.reduce {
            self.model.expand_reduced(state, &mut exp)
        } else {
            self.model.expand(state, &mut exp);
            false
        };
        let n = exp.successors.len();
        let (mut hops, mut keys) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut lone_asked = 0;
        for succ in &mut exp.successors {
            let (h, key) = if self.pass_lone {
                self.pass(state, &mut succ.state, reported, &mut lone_asked)
            } else {
                (Vec::new(), Key::of(self.mode, &succ.state))
            };
            hops.push(h);
            keys.push(key);
        }
        Expanded {
            exp,
            reduced,
            keys,
            hops,
            lone_asked,
        }
    }

    /// Follow `state` through lone states, leaving in it the first state
    /// that is not lone, or the expanded state `start` if the run comes
    /// back to it, or the first state of a loop of lone states, or a
    /// landmark ([`LANDMARK_AFTER`]), or the state after [`MAX_PASSED`] lone
    /// states; returns the steps taken and the key of
    /// the state left. A loop is cut back to its first state, which is
    /// stored (at the depth it was first reached, so witnesses through it
    /// stay shortest) and expanded in its turn; the cycle proviso then sees
    /// the loop come back to it. Every lone state is told what the
    /// expanded state was told: what is reported by its depth is reported
    /// by theirs too, so that is sound, and it depends on the expanded
    /// state's depth alone.
    fn pass(
        &self,
        start: &M::State,
        state: &mut M::State,
        reported: &Reported<M>,
        asked: &mut u64,
    ) -> (Vec<Hop<M>>, Key) {
        let mut hops = Vec::new();
        // The states passed, moved here rather than dropped, to tell a
        // loop from a collision of keys.
        let mut passed: Vec<(Key, M::State)> = Vec::new();
        loop {
            let key = Key::of(self.mode, &*state);
            if hops.len() >= MAX_PASSED || (hops.len() >= LANDMARK_AFTER && landmark(key, &*state))
            {
                return self.ended(hops, key, &passed, state);
            }
            // Compared whole, not by key: hashing the start of every
            // expansion would cost more than comparisons that mostly fail
            // at once.
            if *state == *start {
                return self.ended(hops, key, &passed, state);
            }
            if let Some(i) = passed.iter().position(|(k, s)| *k == key && s == state) {
                hops.truncate(i);
                return self.ended(hops, key, &passed, state);
            }
            let mut exp = Expansion {
                reported: reported.clone(),
                ..Expansion::default()
            };
            *asked += 1;
            if !self.model.expand_lone(state, self.reduce, &mut exp)
                || exp.terminal
                || exp.successors.len() != 1
            {
                return self.ended(hops, key, &passed, state);
            }
            let next = exp.successors.pop().expect("one successor");
            hops.push(Hop {
                state_findings: exp.findings,
                step: next.step,
                thread: next.thread,
                thread_after: next.thread_after,
                findings: next.findings,
            });
            passed.push((key, std::mem::replace(state, next.state)));
        }
    }

    /// A run ends at `state`: if it passed lone states, their parts were not
    /// shared; the state it ended at is, from the run's first state on.
    fn ended(
        &self,
        hops: Vec<Hop<M>>,
        key: Key,
        passed: &[(Key, M::State)],
        state: &mut M::State,
    ) -> (Vec<Hop<M>>, Key) {
        if let Some((_, first)) = passed.first() {
            self.model.share(first, state);
        }
        (hops, key)
    }
}

/// A frontier node's state as it waits to be expanded: whole (exact mode,
/// cloned from the store) or flat (fingerprint mode, [`flat`]), decoded by
/// whichever worker expands it rather than by the merging thread.
pub(crate) enum Waiting<S> {
    Whole(S),
    Flat(Box<[u8]>),
}

/// A frontier node waiting to be expanded: its id, its state, and what to
/// tell the model on expanding it.
pub(crate) struct Pending<M: Model> {
    pub node: u32,
    pub state: Waiting<M::State>,
    pub reported: Reported<M>,
}

/// A frontier node's state, expanded (by a worker) and ready to merge.
pub(crate) struct Prepared<M: Model> {
    pub node: u32,
    pub state: M::State,
    pub expanded: Expanded<M>,
    /// The findings reported before the node was expanded, for a full
    /// expansion at merge time.
    pub reported: Reported<M>,
}

impl<M: Model> Expander<'_, M> {
    /// Expand a waiting node, decoding its state if it is flat.
    pub fn prepare(&self, pending: &Pending<M>) -> (Expanded<M>, Option<M::State>) {
        match &pending.state {
            Waiting::Whole(state) => (self.expand(state, &pending.reported, true), None),
            Waiting::Flat(bytes) => {
                let state = flat::decode(bytes);
                (self.expand(&state, &pending.reported, true), Some(state))
            }
        }
    }
}

/// The waiting nodes with their expansions, in frontier order.
pub(crate) fn prepared<M: Model>(
    pending: Vec<Pending<M>>,
    expanded: Vec<(Expanded<M>, Option<M::State>)>,
) -> Vec<Prepared<M>> {
    pending
        .into_iter()
        .zip(expanded)
        .map(|(p, (expanded, decoded))| Prepared {
            node: p.node,
            state: match (p.state, decoded) {
                (_, Some(state)) | (Waiting::Whole(state), None) => state,
                (Waiting::Flat(_), None) => unreachable!("a flat state is decoded on expansion"),
            },
            expanded,
            reported: p.reported,
        })
        .collect()
}
