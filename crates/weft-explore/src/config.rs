//! What a search is asked to do: limits, what to collect, how to run.

use std::fmt;
use std::time::Duration;

use crate::store::Visited;
#[allow(unused_imports)] // for doc links
use crate::{LimitKind, Model, Status};

/// How far to explore, and what to collect.
#[derive(Default)]
pub struct Config {
    /// Most distinct states to store; needing one more ends the run as
    /// [`Status::Incomplete`]`(`[`LimitKind::States`]`)`.
    pub max_states: Option<u64>,
    /// Wall-clock budget → [`LimitKind::Time`].
    pub time_limit: Option<Duration>,
    /// Budget in bytes for the estimated size of the visited set and the
    /// search nodes (which include the frontier) → [`LimitKind::Memory`].
    pub max_memory: Option<u64>,
    /// Explore only executions with at most this many preemptions.
    pub preemption_bound: Option<u32>,
    /// Collect every reachable terminal state (for oracles).
    pub keep_terminal_states: bool,
    /// Stop once a finding is known and no shorter witness can appear.
    pub stop_at_first: bool,
    /// Called about every 250 ms.
    pub progress: Option<ProgressFn>,
    /// Whole states or fingerprints in the visited set.
    pub visited: Visited,
    /// Ask the model for reduced expansions ([`Model::expand_reduced`]),
    /// with the cycle proviso. Ignored under a preemption bound.
    pub reduce: bool,
    /// Pass through lone states (one successor, [`Model::expand_lone`])
    /// without storing them: the search stores only the states where
    /// executions branch. Every step is still taken, counted and reported.
    /// Ignored under a preemption bound.
    pub pass_lone: bool,
    /// Threads expanding states (0 or 1: the calling thread alone). The
    /// results do not depend on it.
    pub workers: usize,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("max_states", &self.max_states)
            .field("time_limit", &self.time_limit)
            .field("max_memory", &self.max_memory)
            .field("preemption_bound", &self.preemption_bound)
            .field("keep_terminal_states", &self.keep_terminal_states)
            .field("stop_at_first", &self.stop_at_first)
            .field("progress", &self.progress.is_some())
            .field("visited", &self.visited)
            .field("reduce", &self.reduce)
            .field("pass_lone", &self.pass_lone)
            .field("workers", &self.workers)
            .finish()
    }
}

/// The progress callback of [`Config::progress`].
pub type ProgressFn = Box<dyn FnMut(&Progress)>;

/// A snapshot handed to [`Config::progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub states: u64,
    pub transitions: u64,
    /// Depth of the node being expanded (the breadth-first level).
    pub depth: u32,
    /// Search nodes discovered but not yet expanded.
    pub frontier: u64,
    pub estimated_bytes: u64,
    pub elapsed: Duration,
}
