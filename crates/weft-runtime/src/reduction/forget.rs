//! Forgetting race-tracking records no future access can race with, so
//! that states that differ only in them merge. It reads the same reach as
//! the persistent sets (what a thread could ever touch), plus the `with`
//! guards around a thread's accesses and which containers are reached only
//! through a confined global; see docs/ARCHITECTURE.md for the argument.

use std::cell::OnceCell;

use weft_model::GlobalId;

use super::{bit, for_each_child, Reach, Reducer};
use crate::part::Part;
use crate::race::{Access, Loc};
use crate::state::{Object, State};
use crate::value::{ObjId, Tid, Value};

impl Reducer {
    /// Forget the race-tracking records of accesses that no future access
    /// can race with: every live thread other than the one that made the
    /// access either already knows of it (happens after it) or can no
    /// longer touch the location. Threads yet to start inherit what their
    /// parent knows, and a parent's reach covers the code of the threads it
    /// can start, so they are covered too. Two states that differ only in
    /// such records have the same future, and now merge.
    ///
    /// `inherited` holds the reaches of the state `s` was stepped from,
    /// shared by all its successors: a thread whose state, and the heap
    /// and globals, are still the parent's (the same parts) has the
    /// parent's reach.
    pub fn forget_known_accesses(&self, s: &mut State, inherited: Option<&InheritedReaches>) {
        if s.race.records.is_empty() {
            return;
        }
        let facts = Facts::new(self, s, inherited);
        let decisions: Vec<bool> = s
            .race
            .records
            .iter()
            .flat_map(|(l, r)| r.write.iter().chain(&r.reads).map(move |a| (l, a)))
            .map(|(l, a)| facts.dead(l, a))
            .collect();
        if !decisions.contains(&true) {
            return;
        }
        // `forget` visits the accesses in the same order as above.
        let mut next = decisions.into_iter();
        s.race_mut()
            .forget(|_, _| next.next().expect("one decision per access"));
    }
}

/// The reaches (with guards) of one state's threads, each computed when
/// first asked for, for the forgetting on that state's successors
/// ([`Reducer::forget_known_accesses`]).
pub struct InheritedReaches<'p> {
    parent: &'p State,
    reaches: Vec<OnceCell<Reach>>,
}

impl<'p> InheritedReaches<'p> {
    pub fn new(parent: &'p State) -> Self {
        InheritedReaches {
            parent,
            reaches: parent.threads.iter().map(|_| OnceCell::new()).collect(),
        }
    }

    /// `tid`'s reach in `s` is its reach in the parent: a reach is read off
    /// the thread's own state, the heap and the globals alone, and all
    /// three are the parent's very parts.
    fn get(&self, reducer: &Reducer, s: &State, tid: Tid) -> Option<&Reach> {
        let p = self.parent;
        let same = Part::ptr_eq(&s.heap, &p.heap)
            && Part::ptr_eq(&s.globals, &p.globals)
            && p.threads
                .get(tid as usize)
                .is_some_and(|t| Part::ptr_eq(t, &s.threads[tid as usize]));
        same.then(|| self.reaches[tid as usize].get_or_init(|| reducer.reach(p, tid, true)))
    }
}

/// What deciding on a state's records needs, each part computed only if
/// some access asks for it, and then once.
struct Facts<'r, 's> {
    reducer: &'r Reducer,
    state: &'s State,
    inherited: Option<&'s InheritedReaches<'s>>,
    /// Live threads and their agent bits.
    live: Vec<(Tid, u64)>,
    reaches: Vec<OnceCell<Reach>>,
    locks: OnceCell<Vec<u64>>,
    owners: OnceCell<Vec<(ObjId, GlobalId)>>,
}

impl<'r, 's> Facts<'r, 's> {
    fn new(
        reducer: &'r Reducer,
        state: &'s State,
        inherited: Option<&'s InheritedReaches<'s>>,
    ) -> Self {
        let live: Vec<(Tid, u64)> = (0..state.threads.len() as Tid)
            .filter(|&t| !state.threads[t as usize].done)
            .map(|t| (t, 1u64 << state.threads[t as usize].agent.min(63)))
            .collect();
        Facts {
            reducer,
            state,
            inherited,
            reaches: live.iter().map(|_| OnceCell::new()).collect(),
            live,
            locks: OnceCell::new(),
            owners: OnceCell::new(),
        }
    }

    /// The reach of the `i`-th live thread.
    fn reach(&self, i: usize) -> &Reach {
        let tid = self.live[i].0;
        if let Some(r) = self
            .inherited
            .and_then(|inh| inh.get(self.reducer, self.state, tid))
        {
            return r;
        }
        self.reaches[i].get_or_init(|| self.reducer.reach(self.state, tid, true))
    }

    /// Some live thread could touch `loc`.
    fn anyone_touches(&self, loc: &Loc) -> bool {
        (0..self.live.len()).any(|i| self.reach(i).may_touch(loc))
    }

    /// The confined global through which alone container `o` is reached.
    fn owner(&self, o: ObjId) -> Option<GlobalId> {
        let owners = self
            .owners
            .get_or_init(|| self.reducer.confined_owners(self.state));
        owners.iter().find(|&&(x, _)| x == o).map(|&(_, g)| g)
    }

    /// No access of a live thread other than `a`'s own can race with `a`.
    fn dead(&self, loc: &Loc, a: &Access) -> bool {
        (0..self.live.len()).all(|i| {
            let (t, bit) = self.live[i];
            t == a.tid || a.knowers & bit != 0 || self.unseen_by(i, loc, a)
        })
    }

    /// The `i`-th live thread, which does not know of `a`, can never touch
    /// `loc` without first learning of it.
    fn unseen_by(&self, i: usize, loc: &Loc, a: &Access) -> bool {
        if self.reducer.code_moves {
            // Code can be handed to any thread: only a location no live
            // thread can reach is out of its reach for good.
            return !self.anyone_touches(loc);
        }
        let r = self.reach(i);
        if !r.may_touch(loc) {
            // A global stays where it is. A container can move: a thread
            // that reaches it may store it where this one will look, unless
            // it is reached only through a confined global (which this one
            // does not name) or by no live thread at all.
            return match loc {
                Loc::Global(_) => true,
                Loc::Elem(o, _) | Loc::Shape(o) => {
                    self.owner(*o).is_some() || !self.anyone_touches(loc)
                }
            };
        }
        // The thread touches the global only inside `with G:`, and G's lock
        // will have learnt of `a` by the time it can take it. So for a
        // container it can only reach through one confined global: it names
        // the global in the statement that touches the container, inside
        // the same `with`.
        let g = match loc {
            Loc::Global(g) => *g,
            Loc::Elem(o, _) | Loc::Shape(o) => match self.owner(*o) {
                Some(g) if !frames_refer(self.state, self.live[i].0, *o) => g,
                _ => return false,
            },
        };
        let guards = r.guards_of(g);
        let locks = self.locks.get_or_init(|| self.reducer.guard_locks(self));
        guards != 0
            && locks
                .iter()
                .enumerate()
                .any(|(k, &agents)| guards & 1 << k != 0 && a.knowers & agents != 0)
    }
}

impl Reducer {
    /// Per guard ([`Reducer::guards`]), the agents through which its lock
    /// learns of an access: the lock's own, and the agent of the thread
    /// holding it now (it will release before anyone else can acquire,
    /// and a release — `Condition.wait()`'s too — tells the lock what the
    /// holder knows). 0 for a guard that is not bound to a Lock, an RLock
    /// or a Condition (its lock), or that a live thread may still rebind.
    fn guard_locks(&self, facts: &Facts) -> Vec<u64> {
        let s = facts.state;
        self.guards
            .iter()
            .map(|&g| {
                let Value::Obj(id) = s.globals[g as usize] else {
                    return 0;
                };
                // `with cond:` takes the condition's lock.
                let id = match s.obj(id) {
                    Object::Condition(c) => c.lock,
                    _ => id,
                };
                let holder = match s.obj(id) {
                    Object::Lock(l) if l.locked => l.holder,
                    Object::Lock(_) => None,
                    Object::RLock(r) => r.owner,
                    _ => return 0,
                };
                let rebound =
                    (0..facts.live.len()).any(|i| bit(&facts.reach(i).written, g as usize));
                let Some(agent) = s.heap[id as usize].agent.filter(|_| !rebound) else {
                    return 0;
                };
                let held_by = holder.map_or(0, |h| 1u64 << s.threads[h as usize].agent.min(63));
                (1u64 << agent) | held_by
            })
            .collect()
    }
}

impl Reducer {
    /// Containers bound to a confined global that no other global and no
    /// object refers to, with that global: a thread reaches such a container
    /// only by naming the global. A frame may hold it on its operand stack
    /// from that load until the operation (across a call, say, in
    /// `items[f()] = v`) but can never store it anywhere; the caller checks
    /// the frames of the thread it asks about.
    fn confined_owners(&self, s: &State) -> Vec<(ObjId, GlobalId)> {
        let mut owners: Vec<(ObjId, GlobalId)> = self
            .confined
            .iter()
            .filter_map(|&g| match s.globals[g as usize] {
                Value::Obj(o) if matches!(s.obj(o), Object::List(_) | Object::Dict(_)) => {
                    Some((o, g))
                }
                _ => None,
            })
            .collect();
        if owners.is_empty() {
            return owners;
        }
        // Count every reference; an owned container has exactly one.
        let mut refs = vec![0u32; owners.len()];
        let mut see = |v: &Value| count_refs(v, &owners, &mut refs);
        s.globals.iter().for_each(&mut see);
        for h in s.heap.iter() {
            for_each_child(&h.obj, true, &mut see);
        }
        let mut i = 0;
        owners.retain(|_| {
            i += 1;
            refs[i - 1] == 1
        });
        owners
    }
}

/// Every object a value refers to itself, looking into tuples and
/// iteration snapshots (not into the objects).
pub(crate) fn objects_in(v: &Value, f: &mut impl FnMut(ObjId)) {
    match v {
        Value::Obj(id) => f(*id),
        Value::Tuple(items) | Value::SeqIter(items, _) => {
            items.iter().for_each(|v| objects_in(v, f))
        }
        _ => {}
    }
}

/// Count references to the objects of `owners` in `v`.
fn count_refs(v: &Value, owners: &[(ObjId, GlobalId)], refs: &mut [u32]) {
    objects_in(v, &mut |id| {
        if let Some(i) = owners.iter().position(|&(o, _)| o == id) {
            refs[i] += 1;
        }
    });
}

/// Some frame of `tid` holds `obj` (directly or in a tuple).
fn frames_refer(s: &State, tid: Tid, obj: ObjId) -> bool {
    let mut held = false;
    for f in &s.threads[tid as usize].frames {
        for v in f.locals.iter().chain(&f.stack).chain(&f.handling) {
            objects_in(v, &mut |id| held |= id == obj);
        }
    }
    held
}
