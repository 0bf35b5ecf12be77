//! Partial-order reduction: which threads must move from a state, so that
//! steps that cannot interfere are not tried in every order.
//!
//! The method is the classic *stubborn set* construction, at the
//! granularity of threads (Valmari; Godefroid's persistent sets). Start
//! from one enabled thread and close the set under one rule: for every
//! thread `t` in the set, every thread `u` outside it that **could ever**
//! touch something `t`'s next step touches joins the set. For an enabled
//! `t` this keeps every step that could interfere with `t`'s step inside
//! the set; for a blocked `t` it brings in every thread that could unblock
//! it (to release a lock, `u` must be able to reach the lock). The enabled
//! threads of the closed set form a persistent set: no sequence of steps
//! by the threads left out can interfere with, enable or disable what the
//! set does, so exploring only the set's steps from this state keeps every
//! deadlock and, with the explorer's cycle proviso, every reachable
//! sequence of each thread's own events (so every race, exception,
//! assertion and lock-order edge; see docs/ARCHITECTURE.md).
//!
//! What a step touches is read off the instruction it is poised at (its
//! operands, the global it names) before it runs; what a thread *could
//! ever* touch is everything reachable from its frames, its pending call,
//! its thread object and the globals its code (and any function it can
//! reach) names. A thread can only come to reach an object through another
//! thread that already reaches it, and that thread is then in the set too,
//! so reachability from the current state is a sound bound on the future.
//!
//! Globals are told apart by mode: a step that only reads a global conflicts
//! only with threads that could still assign it (two reads commute, race
//! records included).
//!
//! Two effects are only known once a step has run, and are checked then
//! ([`Persistent::broken_by`]): allocating (object ids and race-tracking
//! agents are handed out in order, so two allocations do not commute) and
//! ending the thread, where a thread outside the set could see that without
//! waiting for it (`is_alive()`, a timed `join()`; an untimed `join()` is
//! blocked until the end, so it cannot see it early).
//!
//! The reduction is off, and every thread's step is taken, where this
//! reasoning does not cover the program: with `invariants` (a state
//! property over globals), while a daemon thread is alive (the program may
//! end under it), past 63 race-tracking agents (shared agents couple
//! unrelated objects), and for programs that read barrier or thread
//! attributes or assign thread attributes outside a step.
//!
//! The same reach also decides which race-tracking records can be
//! forgotten ([`forget`]).

mod flow;
mod forget;

pub(crate) use forget::objects_in;
pub use forget::InheritedReaches;

use weft_model::{Attr, Builtin, FuncId, GlobalId, GlobalKind, Instr, Method, Program};

use crate::machine::Machine;
use crate::race::Loc;
use crate::state::{Object, Pending, State};
use crate::value::{ObjId, Tid, Value};

/// What a step touches, as far as other threads are concerned.
#[derive(Default)]
struct Footprint {
    /// Everything: the step's effect is not described precisely.
    all: bool,
    objects: Vec<ObjId>,
    /// Globals, and whether the step writes them (two reads commute).
    globals: Vec<(u32, bool)>,
    /// Waits for this thread to end.
    joins: Option<Tid>,
}

/// What a thread could ever touch: bit sets over objects and globals.
struct Reach {
    objects: Vec<u64>,
    /// Globals it could read or write.
    globals: Vec<u64>,
    /// Globals it could write.
    written: Vec<u64>,
    /// Per global it could touch, the `with` guards (bits over
    /// [`Reducer::guards`]) entered around every such access (kept only
    /// with `track_guards`).
    guarded: Vec<(GlobalId, u64)>,
    track_guards: bool,
}

fn bit(set: &[u64], i: usize) -> bool {
    set.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

fn set_bit(set: &mut Vec<u64>, i: usize) -> bool {
    if set.len() <= i / 64 {
        set.resize(i / 64 + 1, 0);
    }
    let had = set[i / 64] & (1 << (i % 64)) != 0;
    set[i / 64] |= 1 << (i % 64);
    !had
}

/// Per-program facts the reduction needs, computed once.
pub struct Reducer {
    /// Globals named by the code a function can still run from each pc
    /// (bit sets; `pc == code.len()` is the end; pc 0 covers the whole
    /// function): a thread past its last use of a global will not touch it
    /// again.
    names_from: Vec<Vec<Vec<u64>>>,
    /// The same for the globals the code can still assign or delete.
    writes_from: Vec<Vec<Vec<u64>>>,
    /// Globals entered with `with G:`: a thread that touches a global only
    /// inside `with G:` takes G's lock first, and so learns what the lock
    /// knows (empty when the program calls `release()` anywhere: a plain
    /// Lock may be released by a thread that never took it).
    guards: Vec<GlobalId>,
    /// Per function and pc, the guards around every access of each global
    /// from there on ([`flow::guards_from`]).
    guards_from: Vec<Vec<Vec<(GlobalId, u64)>>>,
    /// Globals whose value threads use only as a container operand
    /// ([`weft_model::GlobalInfo::confined`]).
    confined: Vec<GlobalId>,
    /// Some function may run code it got from data
    /// ([`weft_model::Function::dynamic_calls`]): what a thread can touch
    /// is then not read off what it reaches now.
    code_moves: bool,
    /// The program calls `Thread.run()`, which runs a thread's target in
    /// the caller: a started thread's target stays reachable code.
    runs_targets: bool,
    /// The reduction does not apply to this program at all.
    off: bool,
    /// A thread's end can be seen by a thread that holds its `Thread`
    /// object and does not wait for it: the program asks `is_alive()`,
    /// joins with a timeout or counts threads (or the caller asked for
    /// this, see [`Reducer::new`]).
    ends_visible: bool,
    /// The program calls `active_count()`: every thread's end can be seen
    /// by every thread.
    ends_counted: bool,
}

impl Reducer {
    /// With `ends_visible`, a step that ends its thread is taken as
    /// visible to every thread that can reach the thread's `Thread` object.
    /// Without it, only to those that can ask `is_alive()` or join with a
    /// timeout: an untimed `join()` of a thread still running is blocked,
    /// so no step of a thread outside the set can see the end before it
    /// happens. The repr of a thread shows whether it is alive too; that is
    /// only known at run time, and the caller explores again with
    /// `ends_visible` if a run turned a thread into text.
    pub fn new(prog: &Program, ends_visible: bool) -> Reducer {
        let mut off = !prog.invariants.is_empty();
        let mut runs_targets = false;
        let mut ends_visible = ends_visible;
        let mut releases = false;
        for i in prog.functions.iter().flat_map(|f| &f.code) {
            match *i {
                Instr::StoreAttr(_)
                | Instr::LoadAttr(Attr::NWaiting | Attr::Broken | Attr::Ident) => off = true,
                Instr::CallMethod {
                    method: Method::Run,
                    ..
                } => runs_targets = true,
                Instr::CallMethod {
                    method: Method::IsAlive,
                    ..
                } => ends_visible = true,
                Instr::CallMethod {
                    method: Method::Join,
                    argc,
                    kwnames,
                } if argc > 0 || kwnames.is_some() => ends_visible = true,
                Instr::CallMethod {
                    method: Method::Release,
                    ..
                } => releases = true,
                _ => {}
            }
        }
        // `active_count()` sees every thread end, handle or no handle.
        let ends_counted = prog.consts.iter().any(|c| {
            matches!(
                c,
                weft_model::Const::Builtin(Builtin::Threading(
                    weft_model::ThreadingName::ActiveCount
                ))
            )
        });
        let guards = match releases {
            true => Vec::new(),
            false => flow::with_globals(prog),
        };
        Reducer {
            code_moves: prog.functions.iter().any(|f| f.dynamic_calls),
            confined: (0..prog.globals.len() as GlobalId)
                .filter(|&g| prog.globals[g as usize].confined)
                .collect(),
            guards_from: match guards.is_empty() {
                true => Vec::new(),
                false => prog
                    .functions
                    .iter()
                    .map(|f| flow::guards_from(f, &guards))
                    .collect(),
            },
            guards,
            names_from: prog
                .functions
                .iter()
                .map(|f| flow::names_from(f, false))
                .collect(),
            writes_from: prog
                .functions
                .iter()
                .map(|f| flow::names_from(f, true))
                .collect(),

            runs_targets,
            off,
            ends_visible: ends_visible || ends_counted,
            ends_counted,
        }
    }

    /// A persistent set of threads from `s`, given which threads are
    /// enabled; `None` when every enabled thread must move (the reduction
    /// does not apply here, or no smaller set exists).
    pub fn persistent(&self, m: &Machine, s: &State, enabled: &[bool]) -> Option<Persistent> {
        let live: Vec<Tid> = (0..s.threads.len() as Tid)
            .filter(|&t| !s.threads[t as usize].done)
            .collect();
        if self.off
            || s.agents > 63
            || enabled.iter().filter(|&&e| e).count() < 2
            || live.iter().any(|&t| s.threads[t as usize].daemon)
        {
            return None;
        }
        let reach: Vec<Option<Reach>> = (0..s.threads.len() as Tid)
            .map(|t| (!s.threads[t as usize].done).then(|| self.reach(s, t, false)))
            .collect();
        let prints: Vec<Footprint> = (0..s.threads.len() as Tid)
            .map(|t| footprint(m, s, t))
            .collect();
        let mut best: Option<Vec<Tid>> = None;
        for seed in (0..enabled.len()).filter(|&t| enabled[t]) {
            let set = closure(seed as Tid, &live, &prints, &reach);
            let moving: Vec<Tid> = set.into_iter().filter(|&t| enabled[t as usize]).collect();
            if best.as_ref().is_none_or(|b| moving.len() < b.len()) {
                best = Some(moving);
            }
        }
        best.filter(|b| b.len() < enabled.iter().filter(|&&e| e).count())
            .map(|threads| Persistent {
                threads,
                reach,
                ends_visible: self.ends_visible,
                ends_counted: self.ends_counted,
            })
    }

    /// Everything thread `tid` could ever touch; with `guards`, also the
    /// `with` guards around its accesses of each global (only the
    /// forgetting of race records needs them).
    fn reach(&self, s: &State, tid: Tid, guards: bool) -> Reach {
        let mut r = Reach {
            objects: Vec::new(),
            globals: Vec::new(),
            written: Vec::new(),
            guarded: Vec::new(),
            track_guards: guards && !self.guards.is_empty(),
        };
        let mut funcs: Vec<FuncId> = Vec::new();
        let mut seen_funcs: Vec<u64> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let th = &s.threads[tid as usize];
        values.push(Value::Obj(th.obj));
        for f in &th.frames {
            // The frame's own function only from where it is on; functions
            // it may call are found as values, and count whole (from pc 0).
            let pc = (f.pc as usize).min(self.names_from[f.func as usize].len() - 1);
            self.name_globals(s, f.func, pc, &mut r, &mut values);
            values.extend(f.locals.iter().cloned());
            values.extend(f.stack.iter().cloned());
            values.extend(f.handling.iter().cloned());
        }
        if let Some(p) = th.pending {
            values.push(Value::Obj(pending_object(p)));
        }
        loop {
            if let Some(v) = values.pop() {
                self.visit(s, v, &mut r, &mut values, &mut funcs);
            } else if let Some(f) = funcs.pop() {
                if set_bit(&mut seen_funcs, f as usize) {
                    self.name_globals(s, f, 0, &mut r, &mut values);
                }
            } else {
                break;
            }
        }
        r
    }

    /// The globals named by `func`'s code from `pc` on join the reach, and
    /// their values are to be visited.
    fn name_globals(
        &self,
        s: &State,
        func: FuncId,
        pc: usize,
        r: &mut Reach,
        values: &mut Vec<Value>,
    ) {
        if r.track_guards {
            r.guarded = flow::meet(&r.guarded, &self.guards_from[func as usize][pc]);
        }
        for (w, bits) in self.writes_from[func as usize][pc].iter().enumerate() {
            if r.written.len() <= w {
                r.written.resize(w + 1, 0);
            }
            r.written[w] |= bits;
        }
        for (w, bits) in self.names_from[func as usize][pc].iter().enumerate() {
            let mut x = *bits;
            while x != 0 {
                let g = w * 64 + x.trailing_zeros() as usize;
                x &= x - 1;
                if set_bit(&mut r.globals, g) {
                    values.push(s.globals[g].clone());
                }
            }
        }
    }

    fn visit(
        &self,
        s: &State,
        v: Value,
        r: &mut Reach,
        values: &mut Vec<Value>,
        funcs: &mut Vec<FuncId>,
    ) {
        match v {
            Value::Obj(id) => {
                if set_bit(&mut r.objects, id as usize) {
                    // A started thread's target runs in that thread, not in
                    // whoever holds its `Thread` object.
                    let code = match s.obj(id) {
                        Object::Thread(t) => t.tid.is_none() || self.runs_targets,
                        _ => false,
                    };
                    push_children(s.obj(id), code, values);
                }
            }
            Value::Func(f) => funcs.push(f),
            other => push_children_of_value(&other, values),
        }
    }
}

/// The values an object holds that a thread holding it can reach. A
/// `Thread` object's target and arguments only with `thread_code`: reading
/// a thread's liveness does not run its target.
pub(crate) fn for_each_child<'s>(obj: &'s Object, thread_code: bool, mut f: impl FnMut(&'s Value)) {
    match obj {
        Object::List(items) => items.iter().for_each(f),
        Object::Dict(items) => {
            for (k, v) in items {
                f(k);
                f(v);
            }
        }
        Object::Queue(q) => q.items.iter().for_each(f),
        Object::Condition(_) => {}
        Object::Thread(t) if thread_code => {
            f(&t.target);
            t.args.iter().for_each(&mut f);
            t.kwargs.iter().for_each(|(_, v)| f(v));
        }
        Object::Thread(_)
        | Object::Lock(_)
        | Object::RLock(_)
        | Object::Semaphore(_)
        | Object::Event(_)
        | Object::Barrier(_) => {}
    }
}

/// [`for_each_child`] into `out`; a `Condition` brings its lock too.
fn push_children(obj: &Object, thread_code: bool, out: &mut Vec<Value>) {
    if let Object::Condition(c) = obj {
        out.push(Value::Obj(c.lock));
    }
    for_each_child(obj, thread_code, |v| out.push(v.clone()));
}

/// The values inside a non-object value (tuples, iteration snapshots).
fn push_children_of_value(v: &Value, out: &mut Vec<Value>) {
    if let Value::Tuple(items) | Value::SeqIter(items, _) = v {
        out.extend(items.iter().cloned());
    }
}

fn pending_object(p: Pending) -> ObjId {
    match p {
        Pending::CondWait { cond, .. } => cond,
        Pending::EventWait { event, .. } => event,
        Pending::BarrierWait { barrier, .. } => barrier,
    }
}

/// Close `{seed}` under "could touch what a member's next step touches".
fn closure(seed: Tid, live: &[Tid], prints: &[Footprint], reach: &[Option<Reach>]) -> Vec<Tid> {
    let mut set = vec![seed];
    let mut i = 0;
    while i < set.len() {
        let t = set[i] as usize;
        i += 1;
        let fp = &prints[t];
        for &u in live {
            if set.contains(&u) {
                continue;
            }
            let Some(ru) = &reach[u as usize] else {
                continue;
            };
            let conflicts = fp.all
                || fp.joins == Some(u)
                || fp.objects.iter().any(|&o| bit(&ru.objects, o as usize))
                || fp.globals.iter().any(|&(g, write)| {
                    bit(if write { &ru.globals } else { &ru.written }, g as usize)
                });
            if conflicts {
                set.push(u);
            }
        }
    }
    set.sort_unstable();
    set
}

/// What `tid`'s poised step touches (enabled or not: for a blocked thread,
/// the object it waits on, which whoever could unblock it must reach).
fn footprint(m: &Machine, s: &State, tid: Tid) -> Footprint {
    let all = Footprint {
        all: true,
        ..Footprint::default()
    };
    let th = &s.threads[tid as usize];
    if th.done {
        return Footprint::default();
    }
    let mut fp = Footprint::default();
    if let Some(p) = th.pending {
        deep(s, &Value::Obj(pending_object(p)), &mut fp);
        return fp;
    }
    let Some((_, _, instr)) = m.poised(s, tid) else {
        return Footprint::default();
    };
    let stack = &s.frame(tid).stack;
    let peek = |n: usize| stack.get(stack.len().wrapping_sub(1 + n));
    let operands = |fp: &mut Footprint, n: usize| {
        for i in 0..n {
            if let Some(v) = peek(i) {
                deep(s, v, fp);
            }
        }
    };
    match instr {
        Instr::LoadGlobal(g, _) => {
            if m.prog.globals[g as usize].kind == GlobalKind::Shared {
                fp.globals.push((g, false));
            }
        }
        Instr::DeleteGlobal(g) => {
            if m.prog.globals[g as usize].kind == GlobalKind::Shared {
                fp.globals.push((g, true));
            }
        }
        Instr::StoreGlobal(g, _) => {
            fp.globals.push((g, true));
            operands(&mut fp, 1);
        }
        Instr::Subscript(_) | Instr::DeleteSubscript | Instr::StoreSubscript(_) | Instr::Slice => {
            operands(&mut fp, 3)
        }
        Instr::Compare(_) | Instr::Binary(_) => operands(&mut fp, 2),
        Instr::UnpackSequence(_) => operands(&mut fp, 1),
        Instr::FormatValue { has_spec, .. } => operands(&mut fp, 1 + usize::from(has_spec)),
        Instr::BuildString(n) => operands(&mut fp, n as usize),
        Instr::Not
        | Instr::JumpIfFalse(_)
        | Instr::JumpIfTrue(_)
        | Instr::JumpIfFalseOrPop(_)
        | Instr::JumpIfTrueOrPop(_)
        | Instr::GetIter
        | Instr::WithEnter
        | Instr::WithExit => operands(&mut fp, 1),
        Instr::Call { argc, .. } => match peek(argc as usize) {
            Some(Value::Builtin(Builtin::Time(_))) => {}
            Some(Value::Builtin(Builtin::Fn(_))) => operands(&mut fp, argc as usize),
            _ => return all,
        },
        Instr::CallMethod { method, argc, .. } => {
            let Some(Value::Obj(id)) = peek(argc as usize) else {
                return all;
            };
            if method == Method::WaitFor {
                // The predicate runs inside the step and may read anything.
                return all;
            }
            if let Object::Thread(t) = s.obj(*id) {
                match method {
                    Method::Join | Method::IsAlive => {
                        fp.objects.push(*id);
                        fp.joins = t.tid;
                    }
                    _ => return all,
                }
            }
            operands(&mut fp, argc as usize + 1);
        }
        _ => return all,
    }
    fp
}

/// Every object reachable from `v` joins the footprint. A `Thread` object
/// is touched only as itself (its liveness): a step that reads a list of
/// threads does not run their targets.
fn deep(s: &State, v: &Value, fp: &mut Footprint) {
    let mut stack = vec![v.clone()];
    while let Some(v) = stack.pop() {
        match v {
            Value::Obj(id) => {
                if !fp.objects.contains(&id) {
                    fp.objects.push(id);
                    push_children(s.obj(id), false, &mut stack);
                }
            }
            other => push_children_of_value(&other, &mut stack),
        }
    }
}

impl Reach {
    fn guards_of(&self, g: GlobalId) -> u64 {
        match self.guarded.binary_search_by_key(&g, |&(x, _)| x) {
            Ok(i) => self.guarded[i].1,
            Err(_) => 0,
        }
    }

    /// Could a thread with this reach access `loc`?
    fn may_touch(&self, loc: &Loc) -> bool {
        match loc {
            Loc::Global(g) => bit(&self.globals, *g as usize),
            Loc::Elem(obj, _) | Loc::Shape(obj) => bit(&self.objects, *obj as usize),
        }
    }
}

/// A persistent set of threads ([`Reducer::persistent`]), with the reach
/// of every live thread it was computed from.
pub struct Persistent {
    pub threads: Vec<Tid>,
    reach: Vec<Option<Reach>>,
    ends_visible: bool,
    ends_counted: bool,
}

impl Persistent {
    /// Effects known only after a step of the set ran that break it: the
    /// step allocated (ids are handed out in order) while a thread outside
    /// the set is alive, or it ended its thread while a thread outside the
    /// set can reach the thread's `Thread` object and see the end without
    /// waiting for it ([`Reducer::new`]).
    pub fn broken_by(&self, before: &State, after: &State, tid: Tid) -> bool {
        let mut outside = (0..before.threads.len() as Tid)
            .filter(|t| !self.threads.contains(t) && !before.threads[*t as usize].done)
            .peekable();
        if outside.peek().is_none() {
            return false;
        }
        if after.heap.len() != before.heap.len()
            || after.agents != before.agents
            || after.thread_counter != before.thread_counter
            || after.threads.len() != before.threads.len()
        {
            return true;
        }
        if !self.ends_visible || !after.threads[tid as usize].done {
            return false;
        }
        if self.ends_counted {
            return true;
        }
        let obj = before.threads[tid as usize].obj as usize;
        outside.any(|u| {
            self.reach[u as usize]
                .as_ref()
                .is_some_and(|r| bit(&r.objects, obj))
        })
    }
}
