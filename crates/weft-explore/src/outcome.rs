//! What a search reports: status, counters and witnesses.

use std::fmt;
use std::time::Duration;

use crate::store::Visited;
use crate::Model;
#[allow(unused_imports)] // for doc links
use crate::{explore, Config};

/// Which resource limit ended a run early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKind {
    States,
    Time,
    Memory,
}

/// How much of the state space a run covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Every reachable state was explored. Also reported under a preemption
    /// bound when the bound never cut a transition (the search was
    /// exhaustive anyway).
    Complete,
    /// Every state reachable within the preemption bound was explored, and
    /// the bound cut at least one transition.
    Bounded { preemptions: u32 },
    /// A resource limit was hit; the witnesses are what was found so far.
    Incomplete(LimitKind),
    /// [`Config::stop_at_first`]: a finding was found and the run stopped
    /// before exploring everything.
    Stopped,
}

/// Counters of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Distinct states stored.
    pub states: u64,
    /// Search nodes created (equals `states` without a preemption bound).
    pub nodes: u64,
    /// Nodes expanded.
    pub expansions: u64,
    /// Transitions followed (successors considered within the bound).
    pub transitions: u64,
    /// Transitions cut by the preemption bound.
    pub pruned: u64,
    /// Lone states passed through without being stored
    /// ([`Config::pass_lone`]), counted each time one is passed; their
    /// steps are among `transitions`.
    pub passed: u64,
    /// Greatest depth of a stored node.
    pub max_depth: u32,
    pub elapsed: Duration,
    /// Peak estimated bytes of the visited set and search nodes.
    pub estimated_bytes: u64,
    /// `estimated_bytes / states`.
    pub bytes_per_state: u64,
    /// Measured: the most the process's resident memory grew during the
    /// search (read with the clock; `None` where it cannot be read). Unlike
    /// the estimate it varies from run to run. The memory limit applies to
    /// the larger of the two.
    pub peak_resident_bytes: Option<u64>,
    /// Which visited set ran.
    pub visited: Visited,
    /// Expansions the model reduced (a partial-order reduction left some
    /// enabled step out) and kept.
    pub reduced: u64,
    /// Reduced expansions redone in full by the cycle proviso.
    pub proviso_full: u64,
    /// Threads that expanded states.
    pub workers: u32,
}

impl Stats {
    /// With fingerprints: a bound on the probability that two distinct
    /// states shared a fingerprint, `states² / 2¹²⁹`.
    pub fn collision_bound(&self) -> Option<f64> {
        (self.visited == Visited::Fingerprint)
            .then(|| (self.states as f64).powi(2) / 2f64.powi(129))
    }

    pub fn states_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.states as f64 / secs
        } else {
            0.0
        }
    }
}

/// A shortest path to a finding: `steps[i]` was taken by `threads[i]`, as
/// the state it led to names that thread (the step's own thread, unless the
/// model renames threads to put states in canonical form).
pub struct Witness<M: Model> {
    pub finding: M::Finding,
    pub key: M::FindingKey,
    pub steps: Vec<M::Step>,
    pub threads: Vec<u32>,
    /// Context switches along `steps`.
    pub switches: u32,
    /// For each step, the depth whose [`crate::Expansion::reported`] the
    /// model was told when it computed that step: the depth of the state
    /// it was taken from, or, for a step taken in a lone state passed
    /// through ([`crate::Config::pass_lone`]), the depth of the stored
    /// state that run began at. A model that drops what it was told must
    /// drop the same on replaying the witness. Empty when the search told
    /// nothing (the reference engine).
    pub told: Vec<u32>,
}

impl<M: Model> Clone for Witness<M> {
    fn clone(&self) -> Self {
        Witness {
            finding: self.finding.clone(),
            key: self.key.clone(),
            steps: self.steps.clone(),
            threads: self.threads.clone(),
            switches: self.switches,
            told: self.told.clone(),
        }
    }
}

impl<M: Model> fmt::Debug for Witness<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Witness")
            .field("finding", &self.finding)
            .field("key", &self.key)
            .field("steps", &self.steps)
            .field("threads", &self.threads)
            .field("switches", &self.switches)
            .field("told", &self.told)
            .finish()
    }
}

/// What [`explore`] found.
pub struct Outcome<M: Model> {
    /// One per distinct finding key, the shortest (fewest steps, then fewest
    /// switches), ordered by (steps, switches, order of first discovery).
    pub witnesses: Vec<Witness<M>>,
    pub status: Status,
    pub stats: Stats,
    /// With [`Config::keep_terminal_states`]: every terminal state reached
    /// (one the model marked terminal or one without successors), in
    /// discovery order.
    pub terminal_states: Vec<M::State>,
}
