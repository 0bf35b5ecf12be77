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

use std::fmt::Debug;
use std::hash::Hash;

/// A transition system to explore.
pub trait Model {
    /// A complete, canonical state: two states that are `==` have the same future.
    type State: Clone + Eq + Hash;
    /// A scheduling decision that, applied to a state, gives one successor.
    type Step: Copy + Eq + Hash + Debug;
    /// Something worth reporting, seen in a state or on a step.
    type Finding: Clone + Debug;
    /// Findings with the same key are the same finding; the explorer keeps
    /// the shortest witness per key.
    type FindingKey: Clone + Eq + Hash + Debug;

    fn finding_key(&self, finding: &Self::Finding) -> Self::FindingKey;

    /// The initial state, and the findings of reaching it.
    fn initial(&self, findings: &mut Vec<Self::Finding>) -> Self::State;

    /// Every successor of `state`, in a deterministic order, and the
    /// findings that hold in `state` itself (a deadlock, a violated invariant).
    fn expand(&self, state: &Self::State, out: &mut Expansion<Self>);
}

/// What [`Model::expand`] reports about one state.
pub struct Expansion<M: Model + ?Sized> {
    pub successors: Vec<Successor<M>>,
    /// Findings that hold in the expanded state itself.
    pub findings: Vec<M::Finding>,
    /// The expanded state is an end state of the program (it ended
    /// normally, or nothing can move): no successors expected.
    pub terminal: bool,
}

pub struct Successor<M: Model + ?Sized> {
    pub step: M::Step,
    /// The thread that moved, for counting context switches and preemptions.
    pub thread: u32,
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
        Expansion { successors: Vec::new(), findings: Vec::new(), terminal: false }
    }
}
