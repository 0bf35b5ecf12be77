//! Exhaustive exploration of a transition system, with nothing Python in it.
//!
//! The explorer sees a [`Model`]: an initial state and, for any state, its
//! successors, each labelled with the step that produced it (which thread
//! moved, and which nondeterministic outcome it took) and with the findings
//! that step produced. It knows nothing about threads' code, primitives or
//! what a finding means: it stores visited states, walks the graph breadth
//! first so that the first witness of a finding is a shortest one (fewest
//! steps, then fewest context switches), enforces resource limits, and hands
//! back one witness path per distinct finding.
//!
//! Must not know: Python, the compiled model, any primitive's semantics.
//!
//! # Why breadth first
//!
//! The first time breadth-first search meets a finding, no shorter path to
//! it exists, so counterexamples are short without any post-processing.
//! Among paths of equal length the explorer prefers fewer context switches:
//! a state that is reached again at the same depth, before it is expanded,
//! with fewer switches is re-parented onto the better path (ties keep the
//! first, so the result does not depend on anything but the model's order).
//! This keeps one path per state, so the switch count is minimal per state
//! rather than over all shortest paths: a path to a state with one more
//! switch may end in a thread that saves a switch later. Fewest steps is
//! exact; fewest switches is very nearly so.
//!
//! Findings carried by a successor belong to the transition, not to the
//! state it leads to: they are recorded even when that state was already
//! visited, with the path to the expanded state plus that step. Findings of
//! the expanded state itself are recorded with the path to it. Only one
//! record per finding key is kept (its best path so far, as a node id and
//! maybe one step); witnesses are rebuilt from parent links at the end.
//!
//! # Storage
//!
//! Every distinct state is stored exactly once, in a vector indexed by a
//! dense id; a hash table maps each state's 64-bit hash to an id with that
//! hash (ids with equal hashes are chained), so a lookup hashes
//! the state once and compares whole states only on a hash hit. Search
//! nodes (parent, step, depth, switches) live in a second vector; because
//! nodes are created in breadth-first order, that vector *is* the frontier
//! (a cursor walks it) and parent links make witnesses cheap to rebuild at
//! the end. Witness bookkeeping is one small record per finding key, so it
//! does not grow with the number of states.
//!
//! # Preemption bounding
//!
//! With [`Config::preemption_bound`], a search node is a state together
//! with the last thread that moved, whether that thread's last step let go
//! of the processor, and the preemptions used so far. A node reached again
//! with fewer preemptions is explored again, since successors that were over
//! the bound may now be within it. Without a bound none of this is tracked
//! and the search is a plain reachability search over states. A bounded
//! run whose bound never cut a transition was exhaustive, and says
//! [`Status::Complete`]; otherwise it says [`Status::Bounded`].
//!
//! # Limits
//!
//! The state limit is checked on every new state and the memory estimate
//! on every new node; the clock (time limit and progress callback) is read
//! every 1 to 1024 expansions, adapting so that it is read every few
//! milliseconds whatever an expansion costs. A limit ends the run with
//! [`Status::Incomplete`] and the witnesses found so far. With
//! [`Config::stop_at_first`], the run stops once some finding is known and
//! the next node to expand is no shallower than its witness (so that
//! witness is still a shortest one): [`Status::Stopped`].
//!
//! Everything is deterministic: hash tables are only ever probed, never
//! iterated, so results do not depend on hash seeds or memory layout.

use std::fmt::Debug;
use std::hash::Hash;
use std::sync::Arc;

mod config;
mod expand;
mod explore;
pub mod flat;
mod frontier;
mod outcome;
pub mod parallel;
mod records;
mod reference;
mod replay;
mod store;

pub use config::{Config, Progress, ProgressFn};
pub use explore::explore;
pub use outcome::{LimitKind, Outcome, Stats, Status, Witness};
pub use reference::explore_reference;
pub use replay::replay;
pub use store::Visited;

/// A transition system to explore. Models are shared by the explorer's
/// worker threads, which expand states in parallel.
pub trait Model: Sync {
    /// A complete, canonical state: two states that are `==` have the same
    /// future. Serializable: with fingerprints, the states that wait in the
    /// frontier are kept flat ([`crate::Visited::Fingerprint`]); decoding
    /// must give back an equal state.
    type State: Clone + Eq + Hash + Send + Sync + serde::Serialize + serde::de::DeserializeOwned;
    /// A scheduling decision that, applied to a state, gives one successor.
    type Step: Copy + Eq + Hash + Debug + Send;
    /// Something worth reporting, seen in a state or on a step.
    type Finding: Clone + Debug + Send;
    /// Findings with the same key are the same finding; the explorer keeps
    /// the shortest witness per key.
    type FindingKey: Clone + Eq + Hash + Debug + Send + Sync;

    fn finding_key(&self, finding: &Self::Finding) -> Self::FindingKey;

    /// The initial state, and the findings of reaching it.
    fn initial(&self, findings: &mut Vec<Self::Finding>) -> Self::State;

    /// Every successor of `state`, in a deterministic order, and the
    /// findings that hold in `state` itself (a deadlock, a violated invariant).
    ///
    /// `out` arrives with no successors or findings, and with the keys of
    /// findings already reported in [`Expansion::reported`]: what a state
    /// carries only to find those again (a race detector's records of a
    /// location whose race is reported, say) may be dropped from the
    /// successors, so that more of them merge.
    fn expand(&self, state: &Self::State, out: &mut Expansion<Self>);

    /// Like [`Model::expand`], but the model may leave out steps that a
    /// partial-order reduction shows need not be taken from `state`: the
    /// steps it gives must form a persistent set (no sequence of left-out
    /// steps from `state` can interfere with them). Returns whether any
    /// enabled step was left out. The explorer adds the cycle proviso and
    /// calls [`Model::expand`] instead where that proviso demands it.
    fn expand_reduced(&self, state: &Self::State, out: &mut Expansion<Self>) -> bool {
        self.expand(state, out);
        false
    }

    /// Expand `state` as [`Model::expand_reduced`] (with `reduce`) or
    /// [`Model::expand`] would, if the model can tell cheaply that this
    /// gives exactly one successor; return whether it expanded. The
    /// explorer passes such a state through without storing it
    /// ([`Config::pass_lone`]), and only if the expansion does have one
    /// successor and the state is no end state, so an answer that turns
    /// out wrong only costs the expansion. Returning false is always
    /// correct: the state is stored as any other. The successor may leave
    /// out what only stored states need ([`Model::share`]).
    fn expand_lone(&self, _state: &Self::State, _reduce: bool, _out: &mut Expansion<Self>) -> bool {
        false
    }

    /// Called on the state a run of lone states ends at (which may be
    /// stored), with the first state of the run, whose parts are shared:
    /// a model whose [`Model::expand_lone`] leaves out work that only
    /// stored states need (sharing parts between states, say) does it
    /// here. It must not change what the state is (`==`, hash).
    fn share(&self, _from: &Self::State, _state: &mut Self::State) {}

    /// Estimated bytes one state occupies that no other state shares, heap
    /// included; used only for [`Stats::estimated_bytes`] and
    /// [`Config::max_memory`] (stored states in exact mode; with
    /// fingerprints, the frontier's flat encodings are counted by length).
    /// Models whose states own heap memory should override it.
    fn state_bytes(&self, _state: &Self::State) -> usize {
        std::mem::size_of::<Self::State>()
    }

    /// Estimated bytes the model itself holds on behalf of all states (a
    /// table of parts shared between states, say), counted once.
    fn shared_bytes(&self) -> u64 {
        0
    }
}

/// What [`Model::expand`] reports about one state.
pub struct Expansion<M: Model + ?Sized> {
    pub successors: Vec<Successor<M>>,
    /// Findings that hold in the expanded state itself.
    pub findings: Vec<M::Finding>,
    /// The expanded state is an end state of the program (it ended
    /// normally, or nothing can move): no successors expected.
    pub terminal: bool,
    /// Set by the explorer before the call (the rest arrives empty): keys
    /// of findings already reported with a witness at least two steps
    /// shorter than the expanded state's depth, so no successor can give
    /// them a shorter one. A model may drop from the successors what only
    /// serves to find these again (see [`Model::expand`]); it must leave
    /// every step and every other finding as it was.
    pub reported: Arc<[M::FindingKey]>,
}

pub struct Successor<M: Model + ?Sized> {
    pub step: M::Step,
    /// The thread that moved, as the expanded state names it: compared with
    /// the thread of the step that reached that state to count context
    /// switches and preemptions.
    pub thread: u32,
    /// The same thread as the successor state names it: it differs from
    /// `thread` only for a model that renames threads when it puts a state
    /// in canonical form (symmetry reduction).
    pub thread_after: u32,
    /// The thread gave up the processor on this step (`time.sleep`): a
    /// switch after it is not a preemption.
    pub yielded: bool,
    /// The thread cannot take another step after this one (it blocked or
    /// ended): a switch after it is not a preemption.
    pub stopped: bool,
    pub state: M::State,
    /// Findings produced by this step (an exception raised, a race seen).
    pub findings: Vec<M::Finding>,
}

impl<M: Model + ?Sized> Default for Expansion<M> {
    fn default() -> Self {
        Expansion {
            successors: Vec::new(),
            findings: Vec::new(),
            terminal: false,
            reported: Arc::from(Vec::new()),
        }
    }
}
