//! The compiled program as a transition system for the explorer: a state's
//! successors are every thread's every possible next step.

mod findings;
mod interner;

use weft_explore::{Expansion, Model, Successor, Witness};
use weft_model::GlobalId;

use crate::dict_order;
use crate::machine::{Choice, Choices, Ctx, Machine};
use crate::part::Part;
use crate::race::Loc;
use crate::reduction::{InheritedReaches, Persistent, Reducer};
use crate::state::{HeapObj, Label, State};
use crate::symmetry;
use crate::value::Tid;
pub use findings::{BlockedThread, Finding, FindingKey};
use interner::Interner;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// One scheduling decision: which thread moves, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Step {
    pub thread: Tid,
    pub choice: Choice,
}

#[derive(Clone, Debug, Default)]
pub struct ModelOptions {
    /// Do not keep every distinct part for sharing between states. The
    /// table of parts lives as long as the model; when the explorer keeps
    /// only fingerprints, it would hold every state's parts anyway. (For
    /// fingerprint mode only: `state_bytes` then no longer counts parts.)
    pub no_part_sharing: bool,
    /// Forget race-tracking records no future access can race with
    /// ([`Reducer::forget_known_accesses`]), so that more states merge.
    /// Off for the reference engine, which checks that it changes nothing.
    pub forget_known_accesses: bool,
    /// Store states in their canonical form under permutations of
    /// identical threads ([`crate::symmetry`]). Ignored for programs that
    /// read a thread's name or ident.
    pub symmetry: bool,
    /// The partial-order reduction takes a thread's end as seen by every
    /// thread holding its `Thread` object, even one that can only wait for
    /// it with `join()` ([`Reducer::new`]).
    pub ends_visible: bool,
    /// Store dicts whose insertion order no code can see in one canonical
    /// order ([`dict_order`]).
    pub canonical_dict_order: bool,
}

pub struct ThreadModel<'p> {
    pub machine: Machine<'p>,
    pub options: ModelOptions,
    reducer: Reducer,
    /// Every distinct thread and object seen, so that equal parts of
    /// different states share one allocation (memory, and pointer-fast
    /// comparisons).
    parts: Interner,
    /// Symmetry reduction is on for this program.
    symmetry: bool,
    /// Globals whose dicts are stored in canonical order ([`dict_order`]).
    unordered: Vec<GlobalId>,
    /// The run met something its assumptions exclude (a thread turned
    /// into text, with symmetry on or thread ends taken as invisible; a
    /// lock-order edge by a thread with identical peers, with symmetry on):
    /// its result must not be used.
    assumptions_broken: AtomicBool,
    /// Witnesses [`ThreadModel::concrete_witness`] could not follow back
    /// to real threads (a bug if ever non-zero; the oracle checks it).
    unmatched_witnesses: AtomicU32,
}

impl<'p> ThreadModel<'p> {
    pub fn new(machine: Machine<'p>, options: ModelOptions) -> ThreadModel<'p> {
        ThreadModel {
            reducer: Reducer::new(machine.prog, options.ends_visible),
            symmetry: options.symmetry && !symmetry::observes_identity(machine.prog),
            unordered: match options.canonical_dict_order {
                true => dict_order::unordered_globals(machine.prog),
                false => Vec::new(),
            },
            assumptions_broken: AtomicBool::new(false),
            unmatched_witnesses: AtomicU32::new(0),
            machine,
            options,
            parts: Interner::default(),
        }
    }

    /// A witness as the program runs it. With symmetry, a witness's steps
    /// name threads by their slots in canonical states, which a permutation
    /// may have moved; this follows the same steps from the real initial
    /// state, tracking which real thread each canonical slot holds, and
    /// takes the finding (its thread names, its evidence) from that run.
    ///
    /// `reported` has the key and length of every witness of the run: the
    /// explorer told the model of each finding once a node two steps
    /// deeper than its witness was expanded, and following the canonical
    /// path again takes the same states only if it forgets the same.
    pub fn concrete_witness(
        &self,
        w: Witness<Self>,
        reported: &[(FindingKey, usize)],
    ) -> Witness<Self> {
        if !self.symmetry {
            return w;
        }
        let mut candidates = Vec::new();
        let mut canon = self.initial(&mut candidates);
        let mut real = canon.clone();
        let mut real_of_slot: Vec<Tid> = (0..canon.threads.len() as Tid).collect();
        let mut steps = Vec::with_capacity(w.steps.len());
        for (depth, st) in w.steps.iter().enumerate() {
            let Some(&tid) = real_of_slot.get(st.thread as usize) else {
                return self.unmatched(w);
            };
            canon = self.next_state(&canon, st.thread, st.choice, &mut Ctx::default(), None);
            // What the search told the expansion that took this step.
            let told = w.told.get(depth).map_or(depth, |&d| d as usize);
            let known = reported
                .iter()
                .filter(|(_, steps)| steps + 2 <= told)
                .map(|(k, _)| k);
            Self::forget_reported_races(&self.reported_race_globals(known), &mut canon);
            // As `settle` does, so that `canon` is the state the search stored.
            dict_order::canonicalise(&self.unordered, &mut canon);
            real_of_slot.extend(real_of_slot.len() as Tid..canon.threads.len() as Tid);
            if let Some(old_of_new) = symmetry::canonicalise(&mut canon) {
                real_of_slot = old_of_new
                    .iter()
                    .map(|&o| real_of_slot[o as usize])
                    .collect();
            }
            let mut cx = Ctx::default();
            real = self.next_state(&real, tid, st.choice, &mut cx, None);
            candidates.clear();
            self.findings_of(&real, cx.events, &mut candidates);
            self.check_invariants(&real, &mut candidates);
            steps.push(Step {
                thread: tid,
                choice: st.choice,
            });
        }
        let mut end: Expansion<Self> = Expansion::default();
        self.expand_with(&real, &self.choices_of(&real), &mut end);
        candidates.extend(end.findings);
        let Some(finding) = candidates
            .into_iter()
            .find(|f| self.finding_key(f) == w.key)
        else {
            return self.unmatched(w);
        };
        let threads: Vec<u32> = steps.iter().map(|s| s.thread).collect();
        Witness {
            finding,
            key: w.key,
            switches: threads.windows(2).filter(|p| p[0] != p[1]).count() as u32,
            threads,
            steps,
            told: w.told,
        }
    }

    /// A witness that could not be followed back, counted and kept as it is.
    fn unmatched(&self, w: Witness<Self>) -> Witness<Self> {
        self.unmatched_witnesses.fetch_add(1, Ordering::Relaxed);
        w
    }

    /// How many witnesses [`ThreadModel::concrete_witness`] could not
    /// follow back to real threads; each is kept as the canonical run has
    /// it. Never non-zero unless something is wrong.
    pub fn unmatched_witnesses(&self) -> u32 {
        self.unmatched_witnesses.load(Ordering::Relaxed)
    }

    /// States are stored in canonical form under permutations of identical threads.
    pub fn uses_symmetry(&self) -> bool {
        self.symmetry
    }

    /// The exploration met something that symmetry reduction, or the
    /// reduction's view of thread ends, cannot keep: explore again with a
    /// model with `symmetry` off and `ends_visible` on.
    pub fn assumptions_broken(&self) -> bool {
        self.assumptions_broken.load(Ordering::Relaxed)
    }

    /// The global a location's races are reported under, where that never
    /// changes: the global itself, or where its container was first stored.
    fn subject_global(heap: &[Part<HeapObj>], loc: &Loc) -> Option<GlobalId> {
        match loc {
            Loc::Global(g) => Some(*g),
            Loc::Elem(obj, _) | Loc::Shape(obj) => match heap[*obj as usize].label {
                Some(Label::Global(g)) | Some(Label::Elem(g, _)) | Some(Label::Key(g, _)) => {
                    Some(g)
                }
                None => None,
            },
        }
    }

    /// The globals whose races `reported` (keys from the explorer) names;
    /// none unless race records may be forgotten at all.
    fn reported_race_globals<'k>(
        &self,
        reported: impl IntoIterator<Item = &'k FindingKey>,
    ) -> Vec<GlobalId> {
        if !self.options.forget_known_accesses {
            return Vec::new();
        }
        let globals = &self.machine.prog.globals;
        reported
            .into_iter()
            .filter_map(|k| match k {
                FindingKey::Race(subject) => globals
                    .iter()
                    .position(|g| g.name == *subject)
                    .map(|g| g as GlobalId),
                _ => None,
            })
            .collect()
    }

    /// Drop the race records of every location whose races are reported
    /// under one of `subjects`: another race there would be a finding
    /// already reported, found later. Nothing else reads them.
    fn forget_reported_races(subjects: &[GlobalId], s: &mut State) {
        if subjects.is_empty() {
            return;
        }
        let State { heap, race, .. } = s;
        let reported_here =
            |loc: &Loc| Self::subject_global(heap, loc).is_some_and(|g| subjects.contains(&g));
        if race.records.iter().any(|(loc, _)| reported_here(loc)) {
            race.make_mut()
                .records
                .retain(|(loc, _)| !reported_here(loc));
        }
    }
}

impl ThreadModel<'_> {
    /// What each thread can do next from `state`.
    fn choices_of(&self, state: &State) -> Vec<Choices> {
        (0..state.threads.len() as Tid)
            .map(|t| self.machine.choices(state, t))
            .collect()
    }

    /// Every thread's steps from `state`, and the findings of the state
    /// itself (its `final` checks if the program may end here, a deadlock
    /// if nothing can move).
    fn expand_with(&self, state: &State, choices: &[Choices], out: &mut Expansion<Self>) {
        let m = &self.machine;
        let ended = state.ended();
        if ended {
            // The program may end here. Daemon threads are abandoned wherever
            // they are, and until the process exits they may still run: their
            // further steps are explored below, and each state they reach is
            // an end state too.
            out.terminal = true;
            for (i, c) in m.prog.finals.iter().enumerate() {
                self.check(state, i, true, c.func, &mut out.findings);
            }
        }
        let inherited = InheritedReaches::new(state);
        for (tid, &ch) in choices.iter().enumerate() {
            self.successors_of(state, tid as Tid, ch, out, &inherited);
        }
        if out.successors.is_empty() && !ended {
            out.terminal = true;
            let mut cx = Ctx::default();
            let d = self.deadlock(state, &mut cx);
            self.findings_of(state, cx.events, &mut out.findings);
            out.findings.push(d);
        }
    }

    /// The state after `tid`'s step from `state`, before it is made canonical.
    fn next_state(
        &self,
        state: &State,
        tid: Tid,
        choice: Choice,
        cx: &mut Ctx,
        inherited: Option<&InheritedReaches>,
    ) -> State {
        let mut s = state.clone();
        symmetry::take_identity_seen();
        self.machine.step(&mut s, tid, choice, cx);
        let assumed = self.symmetry || !self.options.ends_visible;
        if symmetry::take_identity_seen() && assumed {
            self.assumptions_broken.store(true, Ordering::Relaxed);
        }
        if self.options.forget_known_accesses {
            self.reducer.forget_known_accesses(&mut s, inherited);
        }
        s
    }

    /// The persistent set the reduction offers from `state` (none where the
    /// program may end: every thread moves there).
    fn persistent_set(&self, state: &State, choices: &[Choices]) -> Option<Persistent> {
        if state.ended() {
            return None;
        }
        let enabled: Vec<bool> = choices.iter().map(|c| c.go || c.timeout).collect();
        self.reducer.persistent(&self.machine, state, &enabled)
    }

    /// The successors of the threads of persistent set `set`; if a step
    /// breaks the set's assumptions, every thread's (a full expansion).
    /// Returns whether the expansion stayed reduced.
    fn expand_persistent(
        &self,
        state: &State,
        choices: &[Choices],
        set: &Persistent,
        share: bool,
        out: &mut Expansion<Self>,
    ) -> bool {
        let inherited = InheritedReaches::new(state);
        for (i, &tid) in set.threads.iter().enumerate() {
            let from = out.successors.len();
            self.successors_of(state, tid, choices[tid as usize], out, &inherited);
            if out.successors[from..]
                .iter()
                .any(|succ| set.broken_by(state, &succ.state, tid))
            {
                // Every other thread moves too; the steps taken are kept,
                // in the order a full expansion gives them.
                let taken = &set.threads[..=i];
                for t in (0..state.threads.len() as Tid).filter(|t| !taken.contains(t)) {
                    self.successors_of(state, t, choices[t as usize], out, &inherited);
                }
                out.successors.sort_by_key(|succ| succ.step);
                self.settle(state, share, out);
                return false;
            }
        }
        self.settle(state, share, out);
        true
    }

    /// Put the successors in `out` in canonical form, and (with `share`)
    /// share their parts with equal parts of states seen before.
    fn settle(&self, parent: &State, share: bool, out: &mut Expansion<Self>) {
        let reported = self.reported_race_globals(out.reported.iter());
        for succ in &mut out.successors {
            Self::forget_reported_races(&reported, &mut succ.state);
            dict_order::canonicalise(&self.unordered, &mut succ.state);
            if self.symmetry {
                if let Some(old_of_new) = symmetry::canonicalise(&mut succ.state) {
                    // The thread that moved, by its slot in the canonical
                    // successor: the next step from there by the same slot
                    // is no context switch.
                    if let Some(new) = old_of_new.iter().position(|&o| o == succ.thread) {
                        succ.thread_after = new as Tid;
                    }
                }
            }
            if share && !self.options.no_part_sharing {
                self.parts.intern(parent, &mut succ.state);
            }
        }
    }

    /// The successors of `tid`'s next step from `state`, one per choice.
    fn successors_of(
        &self,
        state: &State,
        tid: Tid,
        ch: Choices,
        out: &mut Expansion<Self>,
        inherited: &InheritedReaches,
    ) {
        let m = &self.machine;
        for (enabled, choice) in [(ch.go, Choice::Go), (ch.timeout, Choice::Timeout)] {
            if !enabled {
                continue;
            }
            let mut cx = Ctx::default();
            let s = self.next_state(state, tid, choice, &mut cx, Some(inherited));
            let mut findings = Vec::new();
            let yielded = cx.yielded;
            self.findings_of(&s, std::mem::take(&mut cx.events), &mut findings);
            self.check_invariants(&s, &mut findings);
            let next = m.choices(&s, tid);
            let stopped = s.threads[tid as usize].done || !(next.go || next.timeout);
            out.successors.push(Successor {
                step: Step {
                    thread: tid,
                    choice,
                },
                thread: tid,
                thread_after: tid,
                yielded,
                stopped,
                state: s,
                findings,
            });
        }
    }
}

impl Model for ThreadModel<'_> {
    type State = State;
    type Step = Step;
    type Finding = Finding;
    type FindingKey = FindingKey;

    fn finding_key(&self, f: &Finding) -> FindingKey {
        FindingKey::of(f)
    }

    fn initial(&self, findings: &mut Vec<Finding>) -> State {
        let mut cx = Ctx::default();
        let mut s = self.machine.initial_state(&mut cx);
        if self.options.forget_known_accesses {
            self.reducer.forget_known_accesses(&mut s, None);
        }
        self.findings_of(&s, cx.events, findings);
        self.check_invariants(&s, findings);
        s
    }

    fn expand(&self, state: &State, out: &mut Expansion<Self>) {
        self.expand_with(state, &self.choices_of(state), out);
        self.settle(state, true, out);
    }

    fn expand_reduced(&self, state: &State, out: &mut Expansion<Self>) -> bool {
        let choices = self.choices_of(state);
        match self.persistent_set(state, &choices) {
            Some(set) => self.expand_persistent(state, &choices, &set, true, out),
            None => {
                self.expand_with(state, &choices, out);
                self.settle(state, true, out);
                false
            }
        }
    }

    /// One successor: a single step is enabled, or the persistent set is a
    /// single thread with one way to move. Its parts are not shared yet
    /// ([`Model::share`]). Decided from the same choices
    /// and persistent set the expansion itself uses, so no step is run for
    /// a state that is not lone.
    fn expand_lone(&self, state: &State, reduce: bool, out: &mut Expansion<Self>) -> bool {
        if state.ended() {
            return false;
        }
        let choices = self.choices_of(state);
        let ways = |c: &Choices| u32::from(c.go) + u32::from(c.timeout);
        match choices.iter().map(ways).sum::<u32>() {
            0 => return false,
            1 => {
                self.expand_with(state, &choices, out);
                self.settle(state, false, out);
                return true;
            }
            _ if !reduce => return false,
            _ => {}
        }
        match self.persistent_set(state, &choices) {
            Some(set) if set.threads.len() == 1 && ways(&choices[set.threads[0] as usize]) == 1 => {
                self.expand_persistent(state, &choices, &set, false, out);
                true
            }
            _ => false,
        }
    }

    /// Lone states' parts are not shared (most are never stored, and the
    /// table is shared by the workers); the state a run ends at is.
    fn share(&self, from: &State, state: &mut State) {
        if !self.options.no_part_sharing {
            self.parts.intern(from, state);
        }
    }

    /// A state's own bytes: its handles and its race records. Its parts
    /// are counted once, in `shared_bytes`. (Only exact mode asks, and there
    /// parts are shared; with fingerprints the explorer counts the flat
    /// encodings of the states it holds.)
    fn state_bytes(&self, s: &State) -> usize {
        std::mem::size_of::<State>() + s.race.records.len() * 64
    }

    fn shared_bytes(&self) -> u64 {
        self.parts.bytes.load(std::sync::atomic::Ordering::Relaxed)
    }
}
