//! Toy models and a brute-force path enumerator to check the explorer
//! against.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use weft_explore::{replay, Expansion, Model, Successor, Witness};

pub fn succ<M: Model>(step: M::Step, thread: u32, state: M::State, stopped: bool) -> Successor<M> {
    Successor {
        step,
        thread,
        thread_after: thread,
        yielded: false,
        stopped,
        state,
        findings: Vec::new(),
    }
}

/// `threads` threads each run `tmp = x; x = tmp + 1`: a lost update is
/// reachable. A state finding "lost-update" holds in an end state with
/// `x != threads`.
pub struct Counter {
    pub threads: usize,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, serde::Serialize, serde::Deserialize)]
pub struct CounterState {
    pub pc: Vec<u8>,
    pub tmp: Vec<u8>,
    pub x: u8,
}

impl Model for Counter {
    type State = CounterState;
    type Step = u32;
    type Finding = String;
    type FindingKey = String;

    fn finding_key(&self, f: &String) -> String {
        f.split(':').next().unwrap().to_string()
    }

    fn initial(&self, _: &mut Vec<String>) -> CounterState {
        CounterState {
            pc: vec![0; self.threads],
            tmp: vec![0; self.threads],
            x: 0,
        }
    }

    fn expand(&self, s: &CounterState, out: &mut Expansion<Self>) {
        for t in 0..self.threads {
            let mut n = s.clone();
            match s.pc[t] {
                0 => n.tmp[t] = s.x,
                1 => {
                    n.x = s.tmp[t] + 1;
                    n.tmp[t] = 0;
                }
                _ => continue,
            }
            n.pc[t] += 1;
            let stopped = n.pc[t] == 2;
            out.successors.push(succ(t as u32, t as u32, n, stopped));
        }
        if out.successors.is_empty() {
            out.terminal = true;
            if s.x as usize != self.threads {
                out.findings.push(format!("lost-update:x={}", s.x));
            }
        }
    }
}

/// Dining philosophers: each takes its left fork, then its right one, then
/// puts both down and ends. A state finding "deadlock" holds where nothing
/// can move and not everyone has ended.
pub struct Philosophers {
    pub n: usize,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, serde::Serialize, serde::Deserialize)]
pub struct Table {
    pub pc: Vec<u8>,
    pub forks: Vec<bool>,
}

impl Philosophers {
    fn can_move(&self, s: &Table, i: usize) -> bool {
        match s.pc[i] {
            0 => !s.forks[i],
            1 => !s.forks[(i + 1) % self.n],
            2 => true,
            _ => false,
        }
    }
}

impl Model for Philosophers {
    type State = Table;
    type Step = u32;
    type Finding = &'static str;
    type FindingKey = &'static str;

    fn finding_key(&self, f: &&'static str) -> &'static str {
        f
    }

    fn initial(&self, _: &mut Vec<&'static str>) -> Table {
        Table {
            pc: vec![0; self.n],
            forks: vec![false; self.n],
        }
    }

    fn expand(&self, s: &Table, out: &mut Expansion<Self>) {
        for i in 0..self.n {
            if !self.can_move(s, i) {
                continue;
            }
            let mut t = s.clone();
            let right = (i + 1) % self.n;
            match s.pc[i] {
                0 => t.forks[i] = true,
                1 => t.forks[right] = true,
                _ => {
                    t.forks[i] = false;
                    t.forks[right] = false;
                }
            }
            t.pc[i] += 1;
            let stopped = !self.can_move(&t, i);
            out.successors.push(succ(i as u32, i as u32, t, stopped));
        }
        if out.successors.is_empty() {
            out.terminal = true;
            if s.pc.iter().any(|&p| p != 3) {
                out.findings.push("deadlock");
            }
        }
    }
}

/// Thread 0 sets a flag; thread 1 polls it in a loop (load, then branch
/// back if unset, yielding): the state graph has a cycle.
pub struct Polling;

/// (flag, pc of thread 1, register of thread 1)
pub type PollState = (bool, u8, bool);

impl Model for Polling {
    type State = PollState;
    type Step = u32;
    type Finding = ();
    type FindingKey = ();

    fn finding_key(&self, _: &()) {}

    fn initial(&self, _: &mut Vec<()>) -> PollState {
        (false, 0, false)
    }

    fn expand(&self, &(flag, pc, r): &PollState, out: &mut Expansion<Self>) {
        if !flag {
            out.successors.push(succ(0, 0, (true, pc, r), true));
        }
        match pc {
            0 => out.successors.push(succ(1, 1, (flag, 1, flag), false)),
            1 if r => out.successors.push(succ(1, 1, (flag, 2, false), true)),
            1 => {
                let mut s = succ(1, 1, (flag, 0, false), false);
                s.yielded = true;
                out.successors.push(s);
            }
            _ => {}
        }
        out.terminal = out.successors.is_empty();
    }
}

/// One thread counting up forever (optionally slowly): for limits.
pub struct Endless {
    pub delay: Option<std::time::Duration>,
    pub state_bytes: Option<usize>,
}

impl Model for Endless {
    type State = u64;
    type Step = u32;
    type Finding = ();
    type FindingKey = ();

    fn finding_key(&self, _: &()) {}

    fn initial(&self, _: &mut Vec<()>) -> u64 {
        0
    }

    fn expand(&self, &s: &u64, out: &mut Expansion<Self>) {
        if let Some(d) = self.delay {
            std::thread::sleep(d);
        }
        out.successors.push(succ(0, 0, s + 1, false));
    }

    fn state_bytes(&self, _: &u64) -> usize {
        self.state_bytes.unwrap_or(8)
    }
}

/// Steps that are replayable, with threads as given, producing the finding.
pub fn check_witness<M: Model>(model: &M, w: &Witness<M>)
where
    M::State: std::fmt::Debug,
{
    assert_eq!(w.steps.len(), w.threads.len());
    let states = replay(model, &w.steps).expect("witness replays");
    assert_eq!(states.len(), w.steps.len() + 1);
    let switches = w.threads.windows(2).filter(|p| p[0] != p[1]).count() as u32;
    assert_eq!(switches, w.switches);
    let mut found = false;
    let mut exp = Expansion::<M>::default();
    for (i, step) in w.steps.iter().enumerate() {
        exp.successors.clear();
        model.expand(&states[i], &mut exp);
        let s = exp.successors.iter().find(|s| s.step == *step).unwrap();
        assert_eq!(s.thread, w.threads[i]);
        if i + 1 == w.steps.len() {
            found |= s.findings.iter().any(|f| model.finding_key(f) == w.key);
        }
    }
    let mut exp = Expansion::<M>::default();
    model.expand(states.last().unwrap(), &mut exp);
    found |= exp.findings.iter().any(|f| model.finding_key(f) == w.key);
    if w.steps.is_empty() {
        let mut init = Vec::new();
        model.initial(&mut init);
        found |= init.iter().any(|f| model.finding_key(f) == w.key);
    }
    assert!(found, "witness {:?} does not produce its finding", w.steps);
}

/// Preemptions along a path, by the definition, computed independently.
pub fn preemptions<M: Model>(model: &M, steps: &[M::Step]) -> u32 {
    let states = replay(model, steps).unwrap();
    let mut last: Option<(u32, bool)> = None;
    let mut count = 0;
    for (i, step) in steps.iter().enumerate() {
        let mut exp = Expansion::<M>::default();
        model.expand(&states[i], &mut exp);
        let s = exp.successors.iter().find(|s| s.step == *step).unwrap();
        if let Some((p, free)) = last {
            if p != s.thread && !free && exp.successors.iter().any(|o| o.thread == p) {
                count += 1;
            }
        }
        last = Some((s.thread, s.yielded || s.stopped));
    }
    count
}

/// What brute force over every path (acyclic models only) says.
pub struct Brute<M: Model> {
    /// Each reachable state with the fewest preemptions of a path to it.
    pub states: HashMap<M::State, u32>,
    /// Per finding key, per preemptions used: fewest (steps, switches).
    pub findings: HashMap<M::FindingKey, Vec<(u32, u32, u32)>>,
    /// Transitions out of reachable states (unbounded).
    pub transitions: u64,
}

impl<M: Model> Brute<M>
where
    M::FindingKey: Hash,
{
    pub fn run(model: &M) -> Self {
        let mut b = Brute {
            states: HashMap::new(),
            findings: HashMap::new(),
            transitions: 0,
        };
        let mut init = Vec::new();
        let s0 = model.initial(&mut init);
        for f in &init {
            b.note(model.finding_key(f), 0, 0, 0);
        }
        let mut path = Vec::new();
        b.walk(model, s0, None, 0, 0, &mut path);
        let mut seen = HashSet::new();
        for s in b.states.keys() {
            if seen.insert(s.clone()) {
                let mut exp = Expansion::<M>::default();
                model.expand(s, &mut exp);
                b.transitions += exp.successors.len() as u64;
            }
        }
        b
    }

    fn note(&mut self, key: M::FindingKey, pre: u32, steps: u32, switches: u32) {
        self.findings
            .entry(key)
            .or_default()
            .push((pre, steps, switches));
    }

    fn walk(
        &mut self,
        model: &M,
        s: M::State,
        last: Option<(u32, bool)>,
        pre: u32,
        switches: u32,
        path: &mut Vec<u32>,
    ) {
        let e = self.states.entry(s.clone()).or_insert(u32::MAX);
        *e = (*e).min(pre);
        let mut exp = Expansion::<M>::default();
        model.expand(&s, &mut exp);
        let depth = path.len() as u32;
        for f in &exp.findings {
            self.note(model.finding_key(f), pre, depth, switches);
        }
        let can_move = |p: u32| exp.successors.iter().any(|o| o.thread == p);
        let mut next = Vec::new();
        for sc in &exp.successors {
            let (sw, pr) = match last {
                Some((p, free)) if p != sc.thread => (1, u32::from(!free && can_move(p))),
                _ => (0, 0),
            };
            for f in &sc.findings {
                self.note(model.finding_key(f), pre + pr, depth + 1, switches + sw);
            }
            next.push((
                sc.state.clone(),
                sc.thread,
                sc.yielded || sc.stopped,
                pr,
                sw,
            ));
        }
        for (st, t, free, pr, sw) in next {
            path.push(t);
            self.walk(model, st, Some((t, free)), pre + pr, switches + sw, path);
            path.pop();
        }
    }

    /// Number of states reachable within `bound` preemptions.
    pub fn count(&self, bound: Option<u32>) -> usize {
        self.states
            .values()
            .filter(|&&p| bound.is_none_or(|b| p <= b))
            .count()
    }

    /// Per key reachable within `bound`: fewest steps, and fewest switches
    /// among those.
    pub fn best(&self, bound: Option<u32>) -> HashMap<M::FindingKey, (u32, u32)> {
        let mut out = HashMap::new();
        for (k, v) in &self.findings {
            let best = v
                .iter()
                .filter(|(p, _, _)| bound.is_none_or(|b| *p <= b))
                .map(|&(_, st, sw)| (st, sw))
                .min();
            if let Some(best) = best {
                out.insert(k.clone(), best);
            }
        }
        out
    }
}

/// Small random straight-line programs over shared variables and locks,
/// for comparing the explorer against brute force.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    Load(usize),
    /// Store the register plus one; a step finding "wrote-N" when N == 2.
    Store(usize),
    Yield,
    Lock(usize),
    Unlock(usize),
    /// Set the register to 0 or 1, nondeterministically (two steps).
    Choose,
}

pub struct Programs {
    pub threads: Vec<Vec<Op>>,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, serde::Serialize, serde::Deserialize)]
pub struct ProgState {
    pub pc: Vec<u8>,
    pub reg: Vec<u8>,
    pub vars: [u8; 2],
    pub locks: [u8; 2],
}

const FREE: u8 = u8::MAX;

impl Programs {
    pub fn random(seed: u64, threads: usize, len: usize) -> Self {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut next = move |n: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 33) % n) as usize
        };
        let threads = (0..threads)
            .map(|_| {
                (0..len)
                    .map(|_| match next(6) {
                        0 => Op::Load(next(2)),
                        1 => Op::Store(next(2)),
                        2 => Op::Yield,
                        3 => Op::Lock(next(2)),
                        4 => Op::Unlock(next(2)),
                        _ => Op::Choose,
                    })
                    .collect()
            })
            .collect();
        Programs { threads }
    }

    fn can_move(&self, s: &ProgState, t: usize) -> bool {
        match self.threads[t].get(s.pc[t] as usize) {
            None => false,
            Some(Op::Lock(l)) => s.locks[*l] == FREE,
            Some(_) => true,
        }
    }
}

impl Model for Programs {
    type State = ProgState;
    type Step = (u32, u8);
    type Finding = String;
    type FindingKey = String;

    fn finding_key(&self, f: &String) -> String {
        f.clone()
    }

    fn initial(&self, _: &mut Vec<String>) -> ProgState {
        let n = self.threads.len();
        ProgState {
            pc: vec![0; n],
            reg: vec![0; n],
            vars: [0; 2],
            locks: [FREE; 2],
        }
    }

    fn expand(&self, s: &ProgState, out: &mut Expansion<Self>) {
        for t in 0..self.threads.len() {
            if !self.can_move(s, t) {
                continue;
            }
            let op = self.threads[t][s.pc[t] as usize];
            let choices: &[u8] = if matches!(op, Op::Choose) {
                &[0, 1]
            } else {
                &[0]
            };
            for &c in choices {
                let mut n = s.clone();
                let mut findings = Vec::new();
                match op {
                    Op::Load(v) => n.reg[t] = s.vars[v],
                    Op::Store(v) => {
                        n.vars[v] = (s.reg[t] + 1) % 4;
                        if n.vars[v] == 2 {
                            findings.push(format!("wrote-2-to-{v}"));
                        }
                    }
                    Op::Yield => {}
                    Op::Lock(l) => n.locks[l] = t as u8,
                    Op::Unlock(l) => {
                        if s.locks[l] == t as u8 {
                            n.locks[l] = FREE;
                        }
                    }
                    Op::Choose => n.reg[t] = c,
                }
                n.pc[t] += 1;
                let stopped = !self.can_move(&n, t);
                out.successors.push(Successor {
                    step: (t as u32, c),
                    thread: t as u32,
                    thread_after: t as u32,
                    yielded: matches!(op, Op::Yield),
                    stopped,
                    state: n,
                    findings,
                });
            }
        }
        if out.successors.is_empty() {
            out.terminal = true;
            if (0..self.threads.len()).any(|t| (s.pc[t] as usize) < self.threads[t].len()) {
                out.findings.push("deadlock".into());
            }
            out.findings.push(format!("end-x{}", s.vars[0]));
        }
    }
}

/// `M`, claiming every state may be lone ([`Model::expand_lone`] expands
/// it and says so): the explorer then passes through every state with one
/// successor, which is what it must check anyway.
pub struct Lone<M>(pub M);

impl<M: Model> Model for Lone<M> {
    type State = M::State;
    type Step = M::Step;
    type Finding = M::Finding;
    type FindingKey = M::FindingKey;

    fn finding_key(&self, f: &M::Finding) -> M::FindingKey {
        self.0.finding_key(f)
    }

    fn initial(&self, findings: &mut Vec<M::Finding>) -> M::State {
        self.0.initial(findings)
    }

    fn expand(&self, s: &M::State, out: &mut Expansion<Self>) {
        let mut inner = Expansion::<M> {
            reported: out.reported.clone(),
            ..Expansion::default()
        };
        self.0.expand(s, &mut inner);
        move_into(inner, out);
    }

    fn expand_reduced(&self, s: &M::State, out: &mut Expansion<Self>) -> bool {
        let mut inner = Expansion::<M> {
            reported: out.reported.clone(),
            ..Expansion::default()
        };
        let reduced = self.0.expand_reduced(s, &mut inner);
        move_into(inner, out);
        reduced
    }

    fn expand_lone(&self, s: &M::State, reduce: bool, out: &mut Expansion<Self>) -> bool {
        if reduce {
            self.expand_reduced(s, out);
        } else {
            self.expand(s, out);
        }
        true
    }
}

fn move_into<M: Model>(inner: Expansion<M>, out: &mut Expansion<Lone<M>>) {
    out.findings = inner.findings;
    out.terminal = inner.terminal;
    out.successors = inner
        .successors
        .into_iter()
        .map(|s| Successor {
            step: s.step,
            thread: s.thread,
            thread_after: s.thread_after,
            yielded: s.yielded,
            stopped: s.stopped,
            state: s.state,
            findings: s.findings,
        })
        .collect();
}

/// Two independent threads: thread 0 goes round a loop of `len` states
/// forever; thread 1 takes `steps` steps, the last a finding ("thread 1
/// moved"). The reduced expansion offers thread 0 alone while thread 1 has
/// steps left (a valid persistent set: the two never interfere), so
/// without the cycle proviso thread 1 would be ignored forever on the loop.
/// Steps are named by the thread that takes them.
pub struct Ignoring {
    pub len: u16,
    pub steps: u8,
}

impl Ignoring {
    /// A toggling bit and one step: the smallest case.
    pub const TOGGLE: Ignoring = Ignoring { len: 2, steps: 1 };

    fn round(&self, s: &(u16, u8)) -> Successor<Self> {
        succ(0, 0, ((s.0 + 1) % self.len, s.1), false)
    }
}

impl Model for Ignoring {
    /// (thread 0's place on its loop, thread 1's steps taken)
    type State = (u16, u8);
    type Step = u32;
    type Finding = &'static str;
    type FindingKey = &'static str;

    fn finding_key(&self, f: &&'static str) -> &'static str {
        f
    }

    fn initial(&self, _: &mut Vec<&'static str>) -> (u16, u8) {
        (0, 0)
    }

    fn expand(&self, s: &(u16, u8), out: &mut Expansion<Self>) {
        out.successors.push(self.round(s));
        if s.1 < self.steps {
            let last = s.1 + 1 == self.steps;
            let mut moved = succ(1, 1, (s.0, s.1 + 1), last);
            if last {
                moved.findings.push("thread 1 moved");
            }
            out.successors.push(moved);
        }
    }

    fn expand_reduced(&self, s: &(u16, u8), out: &mut Expansion<Self>) -> bool {
        out.successors.push(self.round(s));
        s.1 < self.steps
    }
}
