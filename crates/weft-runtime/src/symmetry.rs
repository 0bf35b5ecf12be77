//! Symmetry reduction: identical threads are interchangeable.
//!
//! Two started threads are *identical* when their `Thread` objects have the
//! same target, arguments, keyword arguments and daemon flag. Which of two
//! identical threads is at which point of the shared code makes no
//! difference to the future, provided the program never looks at a
//! thread's identity. So each state is stored in a canonical form: the
//! members of each class of identical threads are put in slot order sorted
//! by what they are doing (their frames, pending call, and their part in
//! locks, conditions and race records). N identical workers then cost one
//! state per *multiset* of positions instead of one per tuple: up to N!
//! fewer.
//!
//! # What a permutation changes
//!
//! Moving thread contents between slots renames thread ids, and nothing
//! else needs to move: each slot keeps its `Thread` object (so `tid`,
//! name and race-tracking agent stay with the slot) and only its running
//! state moves. The renaming is applied to every place a thread id is
//! stored (lock holders, RLock owners, condition waiters, race records)
//! and to the agents' bits in race knowledge. Heap objects keep their ids:
//! a thread's locals refer to the same objects wherever the thread sits.
//!
//! # When it is sound
//!
//! The renaming is an automorphism of the transition system as long as the
//! program never observes the identity that stays with a slot:
//! - thread names and idents (`.name`, `.ident`, `get_ident()`, the repr
//!   of a thread or of an owned RLock) — checked statically
//!   ([`observes_identity`]) and, for a repr, at run time
//!   ([`note_identity_seen`]);
//! - a member's `Thread` object held as a value (a list of handles, a
//!   `current_thread()` result): such a thread is left where it is in that
//!   state;
//! - more than 64 race agents (agents are then shared): no canonical form.
//!
//! A lock-order edge is a finding about a named thread; when a thread with
//! identical peers acquires nested locks, which of them did so is not kept
//! by the canonical form, so the model reports that the run cannot rely on
//! symmetry and the caller explores again without it.

use std::cell::Cell;
use std::hash::Hash;

use weft_model::{Builtin, Const, Instr, Program, ThreadingName};
use xxhash_rust::xxh3::Xxh3Default;

use crate::race::RaceState;
use crate::state::{Object, State, ThreadObj};
use crate::value::{ObjId, Tid, Value};
use weft_model::Attr;

/// Does `prog` read a thread's name or ident anywhere? Then identical
/// threads are told apart by the program and symmetry is off.
pub fn observes_identity(prog: &Program) -> bool {
    let reads = prog.functions.iter().flat_map(|f| &f.code).any(|i| {
        matches!(
            i,
            Instr::LoadAttr(Attr::Name | Attr::Ident) | Instr::StoreAttr(Attr::Name)
        )
    });
    let get_ident = prog.consts.iter().any(|c| {
        matches!(
            c,
            Const::Builtin(Builtin::Threading(ThreadingName::GetIdent))
        )
    });
    reads || get_ident
}

thread_local! {
    static IDENTITY_SEEN: Cell<bool> = const { Cell::new(false) };
}

/// The program turned a thread's identity into a value (the repr of a
/// thread or of an owned RLock) on this OS thread.
pub(crate) fn note_identity_seen() {
    IDENTITY_SEEN.with(|c| c.set(true));
}

/// Whether [`note_identity_seen`] was called since the last call.
pub(crate) fn take_identity_seen() -> bool {
    IDENTITY_SEEN.with(|c| c.replace(false))
}

/// What makes two threads identical: their `Thread` object minus its
/// name and id.
fn signature(t: &ThreadObj) -> (&Value, &[Value], &[(std::sync::Arc<str>, Value)], bool) {
    (&t.target, &t.args, &t.kwargs, t.daemon)
}

fn thread_obj(s: &State, tid: Tid) -> Option<&ThreadObj> {
    match s.obj(s.threads[tid as usize].obj) {
        Object::Thread(t) if t.tid == Some(tid) => Some(t),
        _ => None,
    }
}

/// The classes of identical threads of `s` with two members or more, each
/// in slot order (main is never a member).
pub fn classes(s: &State) -> Vec<Vec<Tid>> {
    let mut classes: Vec<Vec<Tid>> = Vec::new();
    for tid in 1..s.threads.len() as Tid {
        let Some(t) = thread_obj(s, tid) else {
            continue;
        };
        let sig = signature(t);
        match classes
            .iter_mut()
            .find(|c| thread_obj(s, c[0]).is_some_and(|o| signature(o) == sig))
        {
            Some(c) => c.push(tid),
            None => classes.push(vec![tid]),
        }
    }
    classes.retain(|c| c.len() >= 2);
    classes
}

/// Does `tid` have an identical peer in `s`?
pub fn has_peer(s: &State, tid: Tid) -> bool {
    classes(s).iter().any(|c| c.contains(&tid))
}

/// The `Thread` objects held somewhere as values (globals, containers,
/// other threads' arguments, any frame), among `objs`.
fn referenced(s: &State, objs: &[ObjId]) -> Vec<ObjId> {
    let mut found = Vec::new();
    let mut see = |v: &Value| visit(v, objs, &mut found);
    s.globals.iter().for_each(&mut see);
    for h in s.heap.iter() {
        crate::reduction::for_each_child(&h.obj, true, &mut see);
    }
    for th in s.threads.iter() {
        for f in &th.frames {
            f.locals
                .iter()
                .chain(&f.stack)
                .chain(&f.handling)
                .for_each(&mut see);
        }
    }
    found
}

fn visit(v: &Value, objs: &[ObjId], found: &mut Vec<ObjId>) {
    crate::reduction::objects_in(v, &mut |id| {
        if objs.contains(&id) && !found.contains(&id) {
            found.push(id);
        }
    });
}

/// What `tid` is doing, as far as it can be said without naming other
/// threads: equal keys for two members mean swapping them changes at most
/// who knows what about whom.
fn content_key(s: &State, tid: Tid) -> u128 {
    let th = &s.threads[tid as usize];
    let mut h = Xxh3Default::new();
    th.frames.hash(&mut h);
    th.done.hash(&mut h);
    th.pending.hash(&mut h);
    for (i, o) in s.heap.iter().enumerate() {
        let part = match &o.obj {
            Object::Lock(l) => (l.holder == Some(tid)).then_some((0u8, l.locked as u32)),
            Object::RLock(r) => (r.owner == Some(tid)).then_some((1, r.count)),
            Object::Condition(c) => c
                .waiters
                .iter()
                .position(|&w| w == tid)
                .map(|p| (2, p as u32)),
            _ => None,
        };
        if let Some(p) = part {
            (i, p).hash(&mut h);
        }
    }
    // Its part in race records, as a set (reads are kept in thread order,
    // which a renaming changes).
    let bit = 1u64 << th.agent;
    let mut race = Vec::new();
    for (i, (_, rec)) in s.race.records.iter().enumerate() {
        let write = rec.write.iter().map(|a| (true, a));
        for (is_write, a) in write.chain(rec.reads.iter().map(|a| (false, a))) {
            let (mine, knows) = (a.tid == tid, a.knowers & bit != 0);
            if mine || knows {
                race.push((i, is_write, mine, knows, a.atomic));
            }
        }
    }
    race.sort_unstable();
    race.hash(&mut h);
    h.digest128()
}

/// Put `s` in canonical form. Returns, when anything moved, the old slot
/// of each thread's content by new slot (`old_of_new[new] == old`).
pub fn canonicalise(s: &mut State) -> Option<Vec<Tid>> {
    // Past 64 agents, some are shared and bits cannot be renamed.
    if s.agents > 64 || s.threads.len() < 3 {
        return None;
    }
    let mut classes = classes(s);
    if classes.is_empty() {
        return None;
    }
    // A thread whose handle is held as a value stays in its slot (with the
    // usual list of handles, that is every worker: nothing more to do).
    let objs: Vec<ObjId> = classes
        .iter()
        .flatten()
        .map(|&t| s.threads[t as usize].obj)
        .collect();
    let held = referenced(s, &objs);
    if !held.is_empty() {
        for c in &mut classes {
            c.retain(|&t| !held.contains(&s.threads[t as usize].obj));
        }
        classes.retain(|c| c.len() >= 2);
        if classes.is_empty() {
            return None;
        }
    }
    let keys: Vec<u128> = (0..s.threads.len() as Tid)
        .map(|t| match classes.iter().any(|c| c.contains(&t)) {
            true => content_key(s, t),
            false => 0,
        })
        .collect();
    let sorted = |c: &Vec<Tid>| {
        c.windows(2)
            .all(|w| keys[w[0] as usize] < keys[w[1] as usize])
    };
    if classes.iter().all(sorted) {
        return None;
    }
    let mut old_of_new: Vec<Tid> = (0..s.threads.len() as Tid).collect();
    let mut ties = Vec::new();
    for c in &classes {
        let mut order = c.clone();
        order.sort_by_key(|&t| (keys[t as usize], t));
        for (&slot, &old) in c.iter().zip(&order) {
            old_of_new[slot as usize] = old;
        }
        let key_at = |slot: &Tid| keys[old_of_new[*slot as usize] as usize];
        ties.extend(
            c.chunk_by(|a, b| key_at(a) == key_at(b))
                .filter(|run| run.len() >= 2)
                .map(|run| run.to_vec()),
        );
    }
    if !ties.is_empty() && !s.race.records.is_empty() {
        old_of_new = settle_ties(s, old_of_new, &ties);
    }
    if old_of_new
        .iter()
        .enumerate()
        .all(|(new, &old)| new as Tid == old)
    {
        return None;
    }
    permute(s, &old_of_new);
    Some(old_of_new)
}

/// Tied threads (equal content keys) differ at most in race knowledge:
/// who knows of whose accesses. Among the arrangements of each run of tied
/// slots, take the one whose renamed race records hash least, so that the
/// canonical form does not depend on the order the ties came in. Past 720
/// arrangements, keep the given one (sound, only less reduced).
fn settle_ties(s: &State, base: Vec<Tid>, ties: &[Vec<Tid>]) -> Vec<Tid> {
    let count = ties.iter().try_fold(1usize, |n, run| {
        (1..=run.len()).try_fold(n, |n, k| n.checked_mul(k))
    });
    if count.is_none_or(|n| n > 720) {
        return base;
    }
    let mut best: Option<(u128, Vec<Tid>)> = None;
    let mut candidate = base.clone();
    arrangements(ties, 0, &base, &mut candidate, &mut |cand: &[Tid]| {
        let mut race = (*s.race).clone();
        Renaming::new(s, cand).race(&mut race);
        let mut h = Xxh3Default::new();
        race.hash(&mut h);
        let key = (h.digest128(), cand.to_vec());
        if best.as_ref().is_none_or(|b| key < *b) {
            best = Some(key);
        }
    });
    best.map_or(base, |(_, cand)| cand)
}

/// Call `f` with every arrangement of the contents `base` gives the slots
/// of each run in `ties[i..]`.
fn arrangements(
    ties: &[Vec<Tid>],
    i: usize,
    base: &[Tid],
    cand: &mut Vec<Tid>,
    f: &mut dyn FnMut(&[Tid]),
) {
    let Some(run) = ties.get(i) else {
        f(cand);
        return;
    };
    let contents: Vec<Tid> = run.iter().map(|&slot| base[slot as usize]).collect();
    let mut used = vec![false; run.len()];
    fn place(
        ties: &[Vec<Tid>],
        i: usize,
        k: usize,
        contents: &[Tid],
        used: &mut [bool],
        base: &[Tid],
        cand: &mut Vec<Tid>,
        f: &mut dyn FnMut(&[Tid]),
    ) {
        let run = &ties[i];
        if k == run.len() {
            arrangements(ties, i + 1, base, cand, f);
            return;
        }
        for j in 0..contents.len() {
            if !used[j] {
                used[j] = true;
                cand[run[k] as usize] = contents[j];
                place(ties, i, k + 1, contents, used, base, cand, f);
                used[j] = false;
            }
        }
    }
    place(ties, i, 0, &contents, &mut used, base, cand, f);
}

/// Move each thread's running state from slot `old_of_new[new]` to slot
/// `new`, renaming thread ids and agent bits to match. Only a permutation
/// within [`classes`] of threads whose handles no value holds gives a state
/// with the same future.
pub fn permute(s: &mut State, old_of_new: &[Tid]) {
    let r = Renaming::new(s, old_of_new);
    let old_threads = s.threads.clone();
    let threads = s.threads.make_mut();
    for (new, &old) in old_of_new.iter().enumerate() {
        if new as Tid != old {
            let mut th = (*old_threads[old as usize]).clone();
            th.obj = old_threads[new].obj;
            th.agent = old_threads[new].agent;
            threads[new] = crate::part::Part::new(th);
        }
    }
    let touched: Vec<usize> = s
        .heap
        .iter()
        .enumerate()
        .filter(|(_, o)| match &o.obj {
            Object::Lock(l) => l.holder.is_some_and(|t| r.moved(t)),
            Object::RLock(x) => x.owner.is_some_and(|t| r.moved(t)),
            Object::Condition(c) => c.waiters.iter().any(|&w| r.moved(w)),
            _ => false,
        })
        .map(|(i, _)| i)
        .collect();
    for i in touched {
        match &mut s.heap_mut(i).obj {
            Object::Lock(l) => l.holder = l.holder.map(|t| r.tid(t)),
            Object::RLock(x) => x.owner = x.owner.map(|t| r.tid(t)),
            Object::Condition(c) => c.waiters.iter_mut().for_each(|w| *w = r.tid(*w)),
            _ => {}
        }
    }
    let affected = s.race.records.iter().any(|(_, rec)| {
        rec.write
            .iter()
            .chain(&rec.reads)
            .any(|a| r.moved(a.tid) || a.knowers & r.moved_agents != 0)
    });
    if affected {
        r.race(s.race_mut());
    }
}

/// A permutation of threads as it acts on thread ids and agent bits.
struct Renaming {
    new_of_old: Vec<Tid>,
    agent_of: [u8; 64],
    /// Agents of the threads whose contents move.
    moved_agents: u64,
}

impl Renaming {
    fn new(s: &State, old_of_new: &[Tid]) -> Renaming {
        let mut new_of_old = vec![0 as Tid; old_of_new.len()];
        let mut agent_of = [0u8; 64];
        for (a, slot) in agent_of.iter_mut().enumerate() {
            *slot = a as u8;
        }
        let mut moved_agents = 0u64;
        for (new, &old) in old_of_new.iter().enumerate() {
            new_of_old[old as usize] = new as Tid;
            if new as Tid != old {
                let from = s.threads[old as usize].agent;
                agent_of[from as usize] = s.threads[new].agent;
                moved_agents |= 1u64 << from;
            }
        }
        Renaming {
            new_of_old,
            agent_of,
            moved_agents,
        }
    }
    fn tid(&self, t: Tid) -> Tid {
        self.new_of_old[t as usize]
    }
    fn moved(&self, t: Tid) -> bool {
        self.tid(t) != t
    }
    fn knowers(&self, k: u64) -> u64 {
        let mut out = k & !self.moved_agents;
        let mut bits = k & self.moved_agents;
        while bits != 0 {
            out |= 1u64 << self.agent_of[bits.trailing_zeros() as usize];
            bits &= bits - 1;
        }
        out
    }
    fn race(&self, race: &mut RaceState) {
        for (_, rec) in &mut race.records {
            for a in rec.write.iter_mut().chain(rec.reads.iter_mut()) {
                a.tid = self.tid(a.tid);
                a.site.tid = self.tid(a.site.tid);
                a.knowers = self.knowers(a.knowers);
            }
            rec.reads.sort_by_key(|r| r.tid);
        }
    }
}
