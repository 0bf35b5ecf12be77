//! The breadth-first search loop: expanding (in parallel, [`crate::expand`])
//! and merging (in frontier order), the cycle proviso, witnesses, limits.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;

use crate::config::{Config, Progress};
use crate::expand::{prepared, Expanded, Expander, Pending, Prepared, Reported, Waiting};
use crate::flat;
use crate::frontier::Frontier;
use crate::outcome::{LimitKind, Outcome, Stats, Status};
use crate::parallel::{self, Claims};
use crate::records::Records;
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
    /// The lone states passed on the way from the parent, as an index
    /// into [`Explorer::passages`] (NONE: `step` leads from the parent).
    passage: u32,
    /// The last step yielded or stopped its thread (bounded search only).
    free: bool,
    /// Merged: expanded, its successors in the search. Until then a better
    /// path to it may replace the chosen one.
    merged: bool,
    /// The last step on the chosen path (None at the root).
    step: Option<S>,
}

/// Frontier nodes expanded at once when several workers run: enough to
/// keep them busy between merges, few enough to bound the memory the
/// prepared successors take.
const BATCH: usize = 1024;

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

/// Steps of a path through lone states, but its last, each with the thread
/// after it ([`Node::passage`]).
type Passage<S> = Box<[(S, u32)]>;

/// The search key of a bounded search: state, last thread, free.
type BoundKey = (u32, u32, bool);

struct Explorer<'m, M: Model> {
    model: &'m M,
    bound: Option<u32>,
    max_memory: Option<u64>,
    store: Store<M::State>,
    nodes: Vec<Node<M::Step>>,
    /// The nodes still to expand, by depth (in fingerprint mode with their
    /// states, flat).
    frontier: Frontier,
    /// The steps before the last of each path that passed lone states
    /// ([`Node::passage`]), with the thread after each.
    passages: Vec<Passage<M::Step>>,
    passages_bytes: u64,
    reduce: bool,
    pass_lone: bool,
    workers: usize,
    reduced: u64,
    proviso_full: u64,
    passed: u64,
    /// States asked whether they are lone.
    lone_asked: u64,
    /// Nodes taken from the frontier and not merged yet.
    in_flight: u64,
    bound_keys: FxHashMap<BoundKey, u32>,
    /// The last answer of [`Explorer::reported_before`], by depth.
    reported_cache: Option<(u32, Reported<M>)>,
    records: Records<M>,
    transitions: u64,
    pruned: u64,
    expansions: u64,
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
    let bounded = config.preemption_bound.is_some();
    let mut ex = Explorer {
        model,
        bound: config.preemption_bound,
        max_memory: config.max_memory,
        store: Store::new(config.visited, config.max_states),
        nodes: Vec::new(),
        frontier: Frontier::default(),
        passages: Vec::new(),
        passages_bytes: 0,
        reduce: config.reduce && !bounded,
        pass_lone: config.pass_lone && !bounded,
        workers: config.workers.max(1),
        reduced: 0,
        proviso_full: 0,
        passed: 0,
        lone_asked: 0,
        in_flight: 0,
        bound_keys: FxHashMap::default(),
        reported_cache: None,
        records: Records::new(),
        transitions: 0,
        pruned: 0,
        expansions: 0,
        peak_bytes: 0,
        resident_base: resident_bytes(),
        resident_growth: 0,
        peak_resident: 0,
    };
    let mut terminal_states = Vec::new();
    let status = ex.run(&mut config, start, &mut terminal_states);
    ex.finish(status, start, terminal_states)
}

impl<'m, M: Model> Explorer<'m, M> {
    fn expander(&self) -> Expander<'m, M> {
        Expander {
            model: self.model,
            reduce: self.reduce,
            pass_lone: self.pass_lone,
            mode: self.store.mode(),
        }
    }

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
        let root = Node {
            parent: NONE,
            state: 0,
            depth: 0,
            switches: 0,
            thread: NONE,
            preemptions: 0,
            passage: NONE,
            free: false,
            merged: false,
            step: None,
        };
        self.add_node(root, &initial);
        for f in findings {
            self.records.record(self.model, f, 0, &[], 0, 0);
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
        let mut batch: Vec<Prepared<M>> = Vec::new();
        loop {
            if batch.is_empty() {
                // Nothing expanded ahead (the start of a level): expand now.
                let n = if self.workers > 1 { BATCH } else { 1 };
                let pending = self.take_pending(n);
                if pending.is_empty() {
                    self.reconsider_lone();
                    if self.frontier.next_level() {
                        continue;
                    }
                    break;
                }
                batch = self.expand_pending(pending, self.workers);
            }
            // While this batch is merged, the helpers expand the next one:
            // nodes of the same level, after the batch.
            let ahead = if self.workers > 1 {
                self.take_pending(BATCH)
            } else {
                Vec::new()
            };
            if ahead.is_empty() {
                for p in std::mem::take(&mut batch) {
                    if let Err(status) = self.merge_node(p, config, &mut clock, terminal_states) {
                        return status;
                    }
                }
                continue;
            }
            let expander = self.expander();
            let claims: Claims = Claims::new(ahead.len());
            let work = || claims.drain(|i| expander.prepare(&ahead[i]));
            let (merged, expanded) = std::thread::scope(|scope| {
                let helpers: Vec<_> = (1..self.workers).map(|_| scope.spawn(work)).collect();
                let mut merged = Ok(());
                for p in std::mem::take(&mut batch) {
                    merged = self.merge_node(p, config, &mut clock, terminal_states);
                    if merged.is_err() {
                        break;
                    }
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

    /// Merge one expanded frontier node into the search, exactly as the
    /// sequential search does.
    fn merge_node(
        &mut self,
        prepared: Prepared<M>,
        config: &mut Config,
        clock: &mut Clock,
        terminal_states: &mut Vec<M::State>,
    ) -> Result<(), Status> {
        let cur = prepared.node;
        self.nodes[cur as usize].merged = true;
        let node = self.nodes[cur as usize];
        let Prepared {
            state,
            expanded,
            reported,
            ..
        } = prepared;
        let Expanded {
            mut exp,
            reduced,
            mut keys,
            mut hops,
            lone_asked,
        } = expanded;
        self.lone_asked += lone_asked;
        if config.stop_at_first && self.records.best_steps() <= node.depth {
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
                        frontier: self.frontier.len() + self.in_flight,
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

        self.in_flight -= 1;
        if reduced {
            if self.closes_cycle(&exp, &keys, node.depth) {
                self.proviso_full += 1;
                let full = self.expander().expand(&state, &reported, false);
                (exp, keys, hops) = (full.exp, full.keys, full.hops);
                self.lone_asked += full.lone_asked;
            } else {
                self.reduced += 1;
            }
        }
        self.expansions += 1;
        for f in exp.findings.drain(..) {
            self.records
                .record(self.model, f, cur, &[], node.depth, node.switches);
        }
        if config.keep_terminal_states
            && (exp.terminal || exp.successors.is_empty())
            && (self.bound.is_none()
                || clock.last_terminal == u32::MAX
                || clock.last_terminal < node.state)
        {
            // Without a bound each state is expanded once. With one, first
            // expansions happen in increasing state-id order (every step is
            // one deeper), so a state expanded again is never re-added.
            clock.last_terminal = node.state;
            terminal_states.push(state.clone());
        }
        // Whether switching away from the last thread is a preemption.
        let preempting = self.bound.is_some()
            && node.thread != NONE
            && !node.free
            && exp.successors.iter().any(|s| s.thread == node.thread);

        let mut path: Vec<(M::Step, u32)> = Vec::new();
        for ((succ, key), hops) in exp.successors.drain(..).zip(keys).zip(hops.drain(..)) {
            let switch = node.thread != NONE && succ.thread != node.thread;
            let mut switches = node.switches + u32::from(switch);
            let preemptions = node.preemptions + u32::from(switch && preempting);
            if self.bound.is_some_and(|b| preemptions > b) {
                self.pruned += 1;
                continue;
            }
            self.transitions += 1;
            let mut depth = node.depth + 1;
            path.clear();
            path.push((succ.step, succ.thread_after));
            for f in succ.findings {
                self.records
                    .record(self.model, f, cur, &path, depth, switches);
            }
            // The lone states passed after the step: each one's findings
            // and its step's, with the path through it.
            let mut thread = succ.thread_after;
            for hop in hops {
                for f in hop.state_findings {
                    self.records
                        .record(self.model, f, cur, &path, depth, switches);
                }
                switches += u32::from(hop.thread != thread);
                depth += 1;
                thread = hop.thread_after;
                path.push((hop.step, hop.thread_after));
                self.transitions += 1;
                self.passed += 1;
                for f in hop.findings {
                    self.records
                        .record(self.model, f, cur, &path, depth, switches);
                }
            }
            let (step, _) = *path.last().expect("the step itself");
            let mut child = Node {
                parent: cur,
                state: 0,
                depth,
                switches,
                thread,
                preemptions,
                passage: NONE,
                free: succ.yielded || succ.stopped,
                merged: false,
                step: Some(step),
            };
            let model = self.model;
            let stored = match self
                .store
                .intern(key, &succ.state, |s| model.state_bytes(s))
            {
                Interned::Full => return Err(Status::Incomplete(LimitKind::States)),
                Interned::New(id) => {
                    child.state = id;
                    child.passage = self.passage(&path);
                    self.add_node(child, &succ.state);
                    true
                }
                Interned::Old(id) => {
                    child.state = id;
                    self.reach_old(child, &path, &succ.state)
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

    /// Between levels (so the decision depends on the model alone, never on
    /// the workers): stop asking for lone states once few of the states
    /// asked turned out lone. Each state not lone was asked for nothing and
    /// is asked again, in effect, when it is expanded; where most are not
    /// lone (a counter without a lock: four threads always able to move,
    /// and reading one shared variable) asking costs more time than the
    /// states saved are worth.
    fn reconsider_lone(&mut self) {
        const MIN_ASKED: u64 = 4096;
        if self.pass_lone && self.lone_asked >= MIN_ASKED && self.passed * 4 < self.lone_asked {
            self.pass_lone = false;
        }
    }

    /// Keep the steps of `path` before its last, if there are any.
    fn passage(&mut self, path: &[(M::Step, u32)]) -> u32 {
        if path.len() < 2 {
            return NONE;
        }
        let before: Passage<M::Step> = path[..path.len() - 1].into();
        self.passages_bytes += std::mem::size_of_val(&*before) as u64;
        self.passages.push(before);
        (self.passages.len() - 1) as u32
    }

    /// Up to `n` nodes of the current level to expand, in order.
    fn take_pending(&mut self, n: usize) -> Vec<Pending<M>> {
        let nodes = &self.nodes;
        let entries = self
            .frontier
            .take(n, |id, depth| nodes[id as usize].depth == depth);
        self.in_flight += entries.len() as u64;
        entries
            .into_iter()
            .map(|e| {
                let node = &self.nodes[e.node as usize];
                let state = match e.flat {
                    Some(bytes) => Waiting::Flat(bytes),
                    None => Waiting::Whole(
                        self.store
                            .get(node.state)
                            .expect("exact mode stores every state")
                            .clone(),
                    ),
                };
                let depth = node.depth;
                Pending {
                    node: e.node,
                    state,
                    reported: self.reported_before(depth),
                }
            })
            .collect()
    }

    /// The keys of findings whose best witness has at most `depth - 2`
    /// steps, told to the model on expanding a node at `depth` (only with
    /// reductions on). A node is expanded only once every shallower node
    /// has been merged (the frontier hands out one level at a time), and
    /// every finding of at most `depth - 2` steps is found by merging a
    /// node shallower than that: all are recorded by then and no later
    /// merge adds one. So the answer depends on the depth alone, never on
    /// how far merging has got, and expanding ahead on other workers
    /// changes nothing.
    fn reported_before(&mut self, depth: u32) -> Reported<M> {
        if let Some((d, keys)) = &self.reported_cache {
            if *d == depth {
                return keys.clone();
            }
        }
        let keys: Reported<M> = if self.reduce {
            match depth.checked_sub(2) {
                Some(steps) => self.records.keys_within(steps),
                None => Arc::from(Vec::new()),
            }
        } else {
            Arc::from(Vec::new())
        };
        self.reported_cache = Some((depth, keys.clone()));
        keys
    }

    /// Expand `pending` on up to `workers` threads.
    fn expand_pending(&self, pending: Vec<Pending<M>>, workers: usize) -> Vec<Prepared<M>> {
        let expander = self.expander();
        // Starting threads costs more than expanding a handful of states.
        let workers = if pending.len() >= 32 { workers } else { 1 };
        let expanded = parallel::map(&pending, workers, |p| expander.prepare(p));
        prepared(pending, expanded)
    }

    /// The cycle proviso: a reduced expansion with a step back to a state
    /// no deeper than this one may close a cycle of reduced states, along
    /// which a left-out step would be ignored forever. Every cycle has such
    /// a step at the stored state of it expanded last (breadth first, the
    /// next stored state on the cycle was expanded before it, so is no
    /// deeper; lone states passed on the way are not stored, and a run of
    /// them that comes back on itself stops at a stored state), so
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

    /// Queue node `id` (whose state is `state`) at its depth.
    fn enqueue(&mut self, id: u32, state: &M::State) {
        let flat = (self.store.mode() == Visited::Fingerprint).then(|| flat::encode(state));
        self.frontier.push(self.nodes[id as usize].depth, id, flat);
    }

    fn add_node(&mut self, node: Node<M::Step>, state: &M::State) {
        let id = self.nodes.len() as u32;
        if self.bound.is_some() {
            self.bound_keys
                .insert((node.state, node.thread, node.free), id);
        }
        self.nodes.push(node);
        self.enqueue(id, state);
    }

    /// A transition into an already stored state, along `path` (its steps
    /// from the parent). Returns whether a node was added.
    fn reach_old(
        &mut self,
        mut child: Node<M::Step>,
        path: &[(M::Step, u32)],
        state: &M::State,
    ) -> bool {
        if self.bound.is_none() {
            // One node per state, with the same id. Not expanded yet and
            // reached by fewer steps, or by as many with fewer switches:
            // take the better path. Fewer steps happens only through lone
            // states passed (a longer passage found first); the node is
            // queued again at its new depth, its old entry is stale.
            let id = child.state;
            let n = self.nodes[id as usize];
            if n.merged || (child.depth, child.switches) >= (n.depth, n.switches) {
                return false;
            }
            child.passage = self.passage(path);
            self.nodes[id as usize] = child;
            if child.depth < n.depth {
                self.enqueue(id, state);
            }
            return false;
        }
        let key = (child.state, child.thread, child.free);
        let Some(&id) = self.bound_keys.get(&key) else {
            self.add_node(child, state);
            return true;
        };
        let n = &mut self.nodes[id as usize];
        if !n.merged
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

    fn estimated_bytes(&self) -> u64 {
        let nodes = self.nodes.capacity() * std::mem::size_of::<Node<M::Step>>();
        let passages = self.passages.capacity() * std::mem::size_of::<Passage<M::Step>>();
        self.store.estimated_bytes()
            + nodes as u64
            + passages as u64
            + self.passages_bytes
            + self.frontier.flat_bytes
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
        // The estimate only grows but for the frontier's flat states, and
        // how far it has grown at a given merge depends on how far workers
        // have expanded ahead (lone states passed intern parts that no
        // stored state has): measured once more at the end, where, in a
        // complete run, every expansion is done whatever the number of
        // workers. (A run stopped by a limit may differ here.)
        let peak_bytes = self.peak_bytes.max(self.estimated_bytes());
        let (nodes, passages) = (&self.nodes, &self.passages);
        let depth = |id: u32| nodes[id as usize].depth;
        let witnesses = self.records.into_witnesses(depth, |mut id, path| {
            while let Some(step) = nodes[id as usize].step {
                let n = &nodes[id as usize];
                // Every step from the parent was computed in its expansion.
                let told = depth(n.parent);
                path.push((step, n.thread, told));
                if n.passage != NONE {
                    let before = passages[n.passage as usize].iter().rev();
                    path.extend(before.map(|&(s, t)| (s, t, told)));
                }
                id = n.parent;
            }
        });

        let states = self.store.len() as u64;
        let stats = Stats {
            states,
            nodes: self.nodes.len() as u64,
            expansions: self.expansions,
            transitions: self.transitions,
            pruned: self.pruned,
            passed: self.passed,
            // Final depths: a node re-queued at a smaller depth was counted
            // at its first one.
            max_depth: self.nodes.iter().map(|n| n.depth).max().unwrap_or(0),
            elapsed: start.elapsed(),
            estimated_bytes: peak_bytes,
            bytes_per_state: peak_bytes / states.max(1),
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
            witnesses,
            status,
            stats,
            terminal_states,
        }
    }
}
