//! The breadth-first search loop: expanding (in parallel) and merging (in
//! frontier order), the cycle proviso, witnesses, limits.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;

use crate::config::{Config, Progress};
use crate::flat;
use crate::outcome::{LimitKind, Outcome, Stats, Status, Witness};
use crate::parallel::{self, Claims};
use crate::store::{table_bytes, Interned, Key, Store, Visited, NONE};
use crate::{Expansion, Model};

/// One search node. Without a preemption bound there is one per state and
/// its id equals the state's id.
#[derive(Clone, Copy)]
struct Node<S> {
    parent: u32,
    state: u32,
    depth: u32,
    switches: u32,
    /// The thread of the last step on the chosen path (NONE at the root).
    thread: u32,
    /// Preemptions on the chosen path (bounded search only).
    preemptions: u32,
    /// The last step yielded or stopped its thread (bounded search only).
    free: bool,
    step: Option<S>,
}

/// The best witness of one finding key, as a node plus maybe one step.
struct Record<M: Model> {
    finding: M::Finding,
    key: M::FindingKey,
    base: u32,
    extra: Option<(M::Step, u32)>,
    steps: u32,
    switches: u32,
}

/// A frontier node's state, expanded (by a worker) and ready to merge.
struct Prepared<M: Model> {
    state: M::State,
    exp: Expansion<M>,
    /// The model reduced the expansion; the cycle proviso is still to check.
    reduced: bool,
    /// The visited-set key of each successor, computed by the worker.
    keys: Vec<Key>,
    /// The findings reported before the node was expanded (see
    /// [`Explorer::reported_before`]), for a full expansion at merge time.
    reported: Reported<M>,
}

/// Keys of findings reported with short witnesses ([`Expansion::reported`]).
type Reported<M> = Arc<[<M as Model>::FindingKey]>;

/// A frontier node's state as it waits to be expanded: whole (exact mode,
/// cloned from the store) or flat (fingerprint mode, [`flat`]), decoded by
/// whichever worker expands it rather than by the merging thread.
enum Waiting<S> {
    Whole(S),
    Flat(Box<[u8]>),
}

/// A frontier node's state, with what to tell the model on expanding it.
type Pending<M> = (Waiting<<M as Model>::State>, Reported<M>);

/// Frontier nodes expanded at once when several workers run: enough to
/// keep them busy between merges, few enough to bound the memory the
/// prepared successors take.
const BATCH: usize = 1024;

/// One node's expansion, as a worker computes it: the successors, whether
/// the model reduced them, and their visited-set keys. Depends on nothing
/// but the state.
fn expand_one<M: Model>(
    model: &M,
    reduce: bool,
    mode: Visited,
    state: &M::State,
    reported: &Reported<M>,
) -> Expanded<M> {
    let mut exp = Expansion {
        reported: reported.clone(),
        ..Expansion::default()
    };
    let reduced = if reduce {
        model.expand_reduced(state, &mut exp)
    } else {
        model.expand(state, &mut exp);
        false
    };
    let keys = exp
        .successors
        .iter()
        .map(|s| Key::of(mode, &s.state))
        .collect();
    (exp, reduced, keys)
}

/// What a worker computes for one state ([`expand_one`]).
type Expanded<M> = (Expansion<M>, bool, Vec<Key>);

/// [`expand_one`] on a waiting state, and the state if it had to be decoded.
fn expand_pending<M: Model>(
    model: &M,
    reduce: bool,
    mode: Visited,
    (waiting, reported): &Pending<M>,
) -> (Expanded<M>, Option<M::State>) {
    match waiting {
        Waiting::Whole(state) => (expand_one(model, reduce, mode, state, reported), None),
        Waiting::Flat(bytes) => {
            let state = flat::decode(bytes);
            (
                expand_one(model, reduce, mode, &state, reported),
                Some(state),
            )
        }
    }
}

/// The frontier states with their expansions, in frontier order.
fn prepared<M: Model>(
    states: Vec<Pending<M>>,
    expanded: Vec<(Expanded<M>, Option<M::State>)>,
) -> Vec<Prepared<M>> {
    states
        .into_iter()
        .zip(expanded)
        .map(
            |((waiting, reported), ((exp, reduced, keys), decoded))| Prepared {
                state: match (waiting, decoded) {
                    (_, Some(state)) | (Waiting::Whole(state), None) => state,
                    (Waiting::Flat(_), None) => {
                        unreachable!("a flat state is decoded on expansion")
                    }
                },
                exp,
                reduced,
                keys,
                reported,
            },
        )
        .collect()
}

/// Bytes a frontier entry holds: its encoding and the box pointing at it.
fn flat_bytes(bytes: &[u8]) -> u64 {
    (bytes.len() + std::mem::size_of::<Box<[u8]>>()) as u64
}

/// The resident memory of this process, from `/proc/self/statm` (4 KiB
/// pages); `None` where that file does not exist.
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// The clock and counters of the search loop.
struct Clock {
    start: Instant,
    check_every: u64,
    next_check: u64,
    last_check: Instant,
    last_progress: Instant,
    /// The last state recorded as terminal (u32::MAX: none).
    last_terminal: u32,
}

/// The search key of a bounded search: state, last thread, free.
type BoundKey = (u32, u32, bool);

struct Explorer<'m, M: Model> {
    model: &'m M,
    bound: Option<u32>,
    max_memory: Option<u64>,
    store: Store<M::State>,
    nodes: Vec<Node<M::Step>>,
    /// Fingerprint mode: the states of `nodes[cursor..]`, in order, each
    /// encoded flat ([`flat`]): a few hundred bytes where the state itself
    /// holds kilobytes in small allocations.
    frontier: VecDeque<Box<[u8]>>,
    /// Bytes held by `frontier`'s entries.
    frontier_bytes: u64,
    reduce: bool,
    workers: usize,
    reduced: u64,
    proviso_full: u64,
    bound_keys: FxHashMap<BoundKey, u32>,
    /// The last answer of [`Explorer::reported_before`], by depth.
    reported_cache: Option<(u32, Reported<M>)>,
    records: Vec<Record<M>>,
    record_index: FxHashMap<M::FindingKey, u32>,
    /// Fewest steps of any witness so far (u32::MAX: none).
    best_steps: u32,
    transitions: u64,
    pruned: u64,
    expansions: u64,
    max_depth: u32,
    peak_bytes: u64,
    /// Resident memory of the process when the search began, and how much
    /// it has grown since (measured at clock reads; Linux only).
    resident_base: Option<u64>,
    resident_growth: u64,
    peak_resident: u64,
}

/// Explore `model` breadth first; see the crate documentation.
pub fn explore<M: Model>(model: &M, mut config: Config) -> Outcome<M> {
    let start = Instant::now();
    let mut ex = Explorer {
        model,
        bound: config.preemption_bound,
        max_memory: config.max_memory,
        store: Store::new(config.visited, config.max_states),
        nodes: Vec::new(),
        frontier: VecDeque::new(),
        frontier_bytes: 0,
        reduce: config.reduce && config.preemption_bound.is_none(),
        workers: config.workers.max(1),
        reduced: 0,
        proviso_full: 0,
        bound_keys: FxHashMap::default(),
        reported_cache: None,
        records: Vec::new(),
        record_index: FxHashMap::default(),
        best_steps: u32::MAX,
        transitions: 0,
        pruned: 0,
        expansions: 0,
        max_depth: 0,
        peak_bytes: 0,
        resident_base: resident_bytes(),
        resident_growth: 0,
        peak_resident: 0,
    };
    let mut terminal_states = Vec::new();
    let status = ex.run(&mut config, start, &mut terminal_states);
    ex.finish(status, start, terminal_states)
}

impl<M: Model> Explorer<'_, M> {
    fn run(
        &mut self,
        config: &mut Config,
        start: Instant,
        terminal_states: &mut Vec<M::State>,
    ) -> Status {
        let mut findings = Vec::new();
        let initial = self.model.initial(&mut findings);
        let key = self.store.key(&initial);
        match self
            .store
            .intern(key, &initial, |s| self.model.state_bytes(s))
        {
            Interned::New(_) => {}
            Interned::Old(_) => unreachable!("empty store"),
            Interned::Full => return Status::Incomplete(LimitKind::States),
        }
        if self.store.mode() == Visited::Fingerprint {
            self.push_frontier(&initial);
        }
        self.nodes.push(Node {
            parent: NONE,
            state: 0,
            depth: 0,
            switches: 0,
            thread: NONE,
            preemptions: 0,
            free: false,
            step: None,
        });
        if self.bound.is_some() {
            self.bound_keys.insert((0, NONE, false), 0);
        }
        for f in findings {
            self.record(f, 0, None, 0, 0);
        }
        if let Some(status) = self.check_memory() {
            return status;
        }

        let mut clock = Clock {
            start,
            check_every: 1,
            next_check: 0,
            last_check: start,
            last_progress: start,
            last_terminal: u32::MAX,
        };
        let mut cursor: usize = 0;
        let mut batch: Vec<Prepared<M>> = Vec::new();
        while cursor < self.nodes.len() {
            if batch.is_empty() {
                // Nothing expanded ahead (the start, or the frontier was
                // empty when the last batch began): expand now.
                let n = if self.workers > 1 { BATCH } else { 1 };
                let states = self.take_states(cursor, n);
                batch = self.expand_states(states, self.workers);
            }
            // While this batch is merged, the helpers expand the next one:
            // frontier nodes that already exist, after the batch.
            let ahead = if self.workers > 1 {
                self.take_states(cursor + batch.len(), BATCH)
            } else {
                Vec::new()
            };
            if ahead.is_empty() {
                for p in std::mem::take(&mut batch) {
                    if let Err(status) =
                        self.merge_node(cursor, p, config, &mut clock, terminal_states)
                    {
                        return status;
                    }
                    cursor += 1;
                }
                continue;
            }
            let (model, reduce, mode) = (self.model, self.reduce, self.store.mode());
            let claims: Claims = Claims::new(ahead.len());
            let work = || claims.drain(|i| expand_pending(model, reduce, mode, &ahead[i]));
            let (merged, expanded) = std::thread::scope(|scope| {
                let helpers: Vec<_> = (1..self.workers).map(|_| scope.spawn(work)).collect();
                let mut merged = Ok(());
                for p in std::mem::take(&mut batch) {
                    merged = self.merge_node(cursor, p, config, &mut clock, terminal_states);
                    if merged.is_err() {
                        break;
                    }
                    cursor += 1;
                }
                // Done merging: help with the rest of the next batch.
                let mut expanded = work();
                for h in helpers {
                    expanded.extend(h.join().expect("an expansion worker panicked"));
                }
                (merged, expanded)
            });
            if let Err(status) = merged {
                return status;
            }
            let expanded = parallel::in_order(ahead.len(), expanded);
            batch = prepared(ahead, expanded);
        }
        match self.bound {
            Some(b) if self.pruned > 0 => Status::Bounded { preemptions: b },
            _ => Status::Complete,
        }
    }

    /// Merge one expanded frontier node (`self.nodes[cursor]`) into the
    /// search, exactly as the sequential search does.
    fn merge_node(
        &mut self,
        cursor: usize,
        prepared: Prepared<M>,
        config: &mut Config,
        clock: &mut Clock,
        terminal_states: &mut Vec<M::State>,
    ) -> Result<(), Status> {
        let node = self.nodes[cursor];
        let Prepared {
            state,
            mut exp,
            reduced,
            mut keys,
            reported,
        } = prepared;
        if config.stop_at_first && self.best_steps <= node.depth {
            return Err(Status::Stopped);
        }
        if self.expansions >= clock.next_check {
            let now = Instant::now();
            let elapsed = now - clock.start;
            if config.time_limit.is_some_and(|t| elapsed >= t) {
                return Err(Status::Incomplete(LimitKind::Time));
            }
            if let Some(progress) = config.progress.as_mut() {
                if now - clock.last_progress >= Duration::from_millis(250) {
                    clock.last_progress = now;
                    progress(&Progress {
                        states: self.store.len() as u64,
                        transitions: self.transitions,
                        depth: node.depth,
                        frontier: (self.nodes.len() - cursor) as u64,
                        estimated_bytes: self.peak_bytes,
                        elapsed,
                    });
                }
            }
            // Aim for a clock read every few milliseconds, at most every
            // 1024 expansions, whatever an expansion costs.
            let since = now - clock.last_check;
            if since < Duration::from_millis(2) && clock.check_every < 1024 {
                clock.check_every *= 2;
            } else if since > Duration::from_millis(20) && clock.check_every > 1 {
                clock.check_every /= 2;
            }
            clock.last_check = now;
            if let (Some(base), Some(now)) = (self.resident_base, resident_bytes()) {
                self.resident_growth = now.saturating_sub(base);
            }
            clock.next_check = self.expansions + clock.check_every;
        }

        if reduced {
            if self.closes_cycle(&exp, &keys, node.depth) {
                self.proviso_full += 1;
                (exp, _, keys) =
                    expand_one(self.model, false, self.store.mode(), &state, &reported);
            } else {
                self.reduced += 1;
            }
        }
        self.expansions += 1;
        let cur = cursor as u32;
        for f in exp.findings.drain(..) {
            self.record(f, cur, None, node.depth, node.switches);
        }
        if config.keep_terminal_states
            && (exp.terminal || exp.successors.is_empty())
            && (clock.last_terminal == u32::MAX || clock.last_terminal < node.state)
        {
            // First expansions happen in increasing state-id order, so
            // a state expanded again (bounded search) is never re-added.
            clock.last_terminal = node.state;
            terminal_states.push(state.clone());
        }
        // Whether switching away from the last thread is a preemption.
        let preempting = self.bound.is_some()
            && node.thread != NONE
            && !node.free
            && exp.successors.iter().any(|s| s.thread == node.thread);

        for (succ, key) in exp.successors.drain(..).zip(keys) {
            let switch = node.thread != NONE && succ.thread != node.thread;
            let switches = node.switches + u32::from(switch);
            let preemptions = node.preemptions + u32::from(switch && preempting);
            if self.bound.is_some_and(|b| preemptions > b) {
                self.pruned += 1;
                continue;
            }
            self.transitions += 1;
            let depth = node.depth + 1;
            for f in succ.findings {
                self.record(
                    f,
                    cur,
                    Some((succ.step, succ.thread_after)),
                    depth,
                    switches,
                );
            }
            let mut child = Node {
                parent: cur,
                state: 0,
                depth,
                switches,
                thread: succ.thread_after,
                preemptions,
                free: succ.yielded || succ.stopped,
                step: Some(succ.step),
            };
            let model = self.model;
            let stored = match self
                .store
                .intern(key, &succ.state, |s| model.state_bytes(s))
            {
                Interned::Full => return Err(Status::Incomplete(LimitKind::States)),
                Interned::New(id) => {
                    child.state = id;
                    self.add_node(child, succ.state);
                    true
                }
                Interned::Old(id) => {
                    child.state = id;
                    self.reach_old(child, cursor, succ.state)
                }
            };
            if stored {
                if let Some(status) = self.check_memory() {
                    return Err(status);
                }
            }
        }
        Ok(())
    }

    /// The states of the frontier nodes `from..from + n` (fewer if the
    /// frontier is shorter), in order.
    fn take_states(&mut self, from: usize, n: usize) -> Vec<Pending<M>> {
        let to = self.nodes.len().min(from + n);
        (from..to)
            .map(|i| {
                let state = match self.store.get(self.nodes[i].state) {
                    Some(s) => Waiting::Whole(s.clone()),
                    None => {
                        let bytes = self
                            .frontier
                            .pop_front()
                            .expect("frontier holds every unexpanded node");
                        self.frontier_bytes -= flat_bytes(&bytes);
                        Waiting::Flat(bytes)
                    }
                };
                (state, self.reported_before(self.nodes[i].depth))
            })
            .collect()
    }

    /// The keys of findings whose best witness has at most `depth - 2`
    /// steps, told to the model on expanding a node at `depth` (only with
    /// reductions on). A node exists only once its parent, at `depth - 1`,
    /// has been merged, and with it every node at `depth - 2` or less:
    /// every finding of so few steps is recorded by then and no later merge
    /// adds one. So the answer depends on the depth alone, never on how far
    /// merging has got, and expanding ahead on other workers changes
    /// nothing.
    fn reported_before(&mut self, depth: u32) -> Reported<M> {
        if let Some((d, keys)) = &self.reported_cache {
            if *d == depth {
                return keys.clone();
            }
        }
        let keys: Reported<M> = if self.reduce {
            self.records
                .iter()
                .filter(|r| r.steps + 2 <= depth)
                .map(|r| r.key.clone())
                .collect()
        } else {
            Arc::from(Vec::new())
        };
        self.reported_cache = Some((depth, keys.clone()));
        keys
    }

    /// Expand `states` on up to `workers` threads.
    fn expand_states(&self, states: Vec<Pending<M>>, workers: usize) -> Vec<Prepared<M>> {
        let (model, reduce, mode) = (self.model, self.reduce, self.store.mode());
        // Starting threads costs more than expanding a handful of states.
        let workers = if states.len() >= 32 { workers } else { 1 };
        let expanded = parallel::map(&states, workers, |s| expand_pending(model, reduce, mode, s));
        prepared(states, expanded)
    }

    /// The cycle proviso: a reduced expansion with a step back to a state
    /// no deeper than this one may close a cycle of reduced states, along
    /// which a left-out step would be ignored forever. Every cycle has such
    /// a step at the state of it expanded last (breadth first, its
    /// successor on the cycle was expanded before it, so is no deeper), so
    /// expanding that state in full leaves no cycle without a full
    /// expansion. Checked at merge time, against the visited set as the
    /// sequential search has it, so workers do not change the outcome.
    fn closes_cycle(&self, exp: &Expansion<M>, keys: &[Key], depth: u32) -> bool {
        exp.successors.iter().zip(keys).any(|(succ, &key)| {
            self.store
                .lookup(key, &succ.state)
                .is_some_and(|id| self.depth_of_state(id) <= depth)
        })
    }

    /// The depth of a stored state (unbounded search: node id = state id).
    fn depth_of_state(&self, id: u32) -> u32 {
        self.nodes[id as usize].depth
    }

    fn push_frontier(&mut self, state: &M::State) {
        let bytes = flat::encode(state);
        self.frontier_bytes += flat_bytes(&bytes);
        self.frontier.push_back(bytes);
    }

    fn add_node(&mut self, node: Node<M::Step>, state: M::State) {
        if self.store.mode() == Visited::Fingerprint {
            self.push_frontier(&state);
        }
        let id = self.nodes.len() as u32;
        if self.bound.is_some() {
            self.bound_keys
                .insert((node.state, node.thread, node.free), id);
        }
        self.max_depth = self.max_depth.max(node.depth);
        self.nodes.push(node);
    }

    /// A transition into an already stored state. Returns whether a node
    /// was added.
    fn reach_old(&mut self, child: Node<M::Step>, cursor: usize, state: M::State) -> bool {
        if self.bound.is_none() {
            // One node per state, with the same id. Not expanded yet and
            // reached at the same depth with fewer switches: re-parent.
            let n = &mut self.nodes[child.state as usize];
            if child.state as usize > cursor
                && n.depth == child.depth
                && child.switches < n.switches
            {
                *n = child;
            }
            return false;
        }
        let key = (child.state, child.thread, child.free);
        let Some(&id) = self.bound_keys.get(&key) else {
            self.add_node(child, state);
            return true;
        };
        let n = &mut self.nodes[id as usize];
        if id as usize > cursor
            && n.depth == child.depth
            && (child.preemptions, child.switches) < (n.preemptions, n.switches)
        {
            // Not expanded yet, same depth: take the better path in place.
            *n = child;
            false
        } else if child.preemptions < n.preemptions {
            // Explored (or to be) with more preemptions used: explore again.
            self.add_node(child, state);
            true
        } else {
            false
        }
    }

    fn record(
        &mut self,
        finding: M::Finding,
        base: u32,
        extra: Option<(M::Step, u32)>,
        steps: u32,
        switches: u32,
    ) {
        self.best_steps = self.best_steps.min(steps);
        let key = self.model.finding_key(&finding);
        if let Some(&i) = self.record_index.get(&key) {
            let r = &mut self.records[i as usize];
            if (steps, switches) < (r.steps, r.switches) {
                *r = Record {
                    finding,
                    key,
                    base,
                    extra,
                    steps,
                    switches,
                };
            }
        } else {
            self.record_index
                .insert(key.clone(), self.records.len() as u32);
            self.records.push(Record {
                finding,
                key,
                base,
                extra,
                steps,
                switches,
            });
        }
    }

    fn estimated_bytes(&self) -> u64 {
        let nodes = self.nodes.capacity() * std::mem::size_of::<Node<M::Step>>();
        self.store.estimated_bytes()
            + nodes as u64
            + self.frontier_bytes
            + self.model.shared_bytes()
            + table_bytes::<BoundKey, u32>(self.bound_keys.capacity())
    }

    fn check_memory(&mut self) -> Option<Status> {
        // The estimate counts what the search holds; the measured growth
        // of resident memory also counts allocator overhead and whatever
        // the estimate misses. The larger one is what the limit sees.
        let estimate = self.estimated_bytes();
        self.peak_bytes = self.peak_bytes.max(estimate);
        self.peak_resident = self.peak_resident.max(self.resident_growth);
        let bytes = estimate.max(self.resident_growth);
        match self.max_memory {
            Some(max) if bytes > max => Some(Status::Incomplete(LimitKind::Memory)),
            _ => None,
        }
    }

    fn finish(self, status: Status, start: Instant, terminal_states: Vec<M::State>) -> Outcome<M> {
        let nodes = &self.nodes;
        let mut witnesses: Vec<(u32, Witness<M>)> = self
            .records
            .into_iter()
            .enumerate()
            .map(|(seq, r)| {
                let mut steps = Vec::with_capacity(r.steps as usize);
                let mut threads = Vec::with_capacity(r.steps as usize);
                if let Some((step, thread)) = r.extra {
                    steps.push(step);
                    threads.push(thread);
                }
                let mut id = r.base;
                while let Some(step) = nodes[id as usize].step {
                    steps.push(step);
                    threads.push(nodes[id as usize].thread);
                    id = nodes[id as usize].parent;
                }
                steps.reverse();
                threads.reverse();
                debug_assert_eq!(steps.len() as u32, r.steps);
                // Counted as the path was found: a model that renames
                // threads names them in each state's own terms.
                let w = Witness {
                    finding: r.finding,
                    key: r.key,
                    steps,
                    threads,
                    switches: r.switches,
                };
                (seq as u32, w)
            })
            .collect();
        witnesses.sort_by_key(|(seq, w)| (w.steps.len(), w.switches, *seq));

        let states = self.store.len() as u64;
        let stats = Stats {
            states,
            nodes: self.nodes.len() as u64,
            expansions: self.expansions,
            transitions: self.transitions,
            pruned: self.pruned,
            max_depth: self.max_depth,
            elapsed: start.elapsed(),
            estimated_bytes: self.peak_bytes,
            bytes_per_state: self.peak_bytes / states.max(1),
            peak_resident_bytes: self.resident_base.map(|base| {
                let end = resident_bytes().map_or(0, |now| now.saturating_sub(base));
                self.peak_resident.max(end)
            }),
            visited: self.store.mode(),
            reduced: self.reduced,
            proviso_full: self.proviso_full,
            workers: self.workers as u32,
        };
        Outcome {
            witnesses: witnesses.into_iter().map(|(_, w)| w).collect(),
            status,
            stats,
            terminal_states,
        }
    }
}
