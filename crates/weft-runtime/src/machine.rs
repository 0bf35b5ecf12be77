//! The interpreter: runs one thread from one step to the next.
//!
//! Each live thread is always *poised* at a step (an instruction that
//! touches shared state or a synchronisation object) or at a pending
//! blocking call; everything local between two steps runs as part of the
//! step before it. [`Machine::step`] executes the poised step with the
//! scheduler's choice, then the local code up to the next step.

use std::sync::Arc;

use weft_model::{Builtin, Const, ExcType, FuncId, GlobalKind, Instr, Pc, Program, MODULE};

use crate::ops::{self, PyResult};
use crate::part::Part;
use crate::primitives;
use crate::race::RaceHit;
use crate::state::{Frame, HeapObj, Object, State, ThreadObj, ThreadState};
use crate::value::{exc, Exception, ObjId, Tid, Value};

/// Local instructions a thread may run between two steps before weft
/// calls it a runaway loop.
pub const LOCAL_BUDGET: u32 = 10_000_000;
/// Python's default recursion limit, lowered: deep recursion is not what
/// weft checks.
pub const MAX_FRAMES: usize = 200;

/// The scheduler's choice for a thread's next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Choice {
    /// Proceed normally.
    Go,
    /// A blocked call with a timeout gives up now.
    Timeout,
}

/// What a thread can do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Choices {
    pub go: bool,
    pub timeout: bool,
}

/// Something a step did that the checker reports.
#[derive(Clone, Debug)]
pub enum Event {
    Race(RaceHit),
    /// An exception ended a thread.
    Uncaught {
        tid: Tid,
        exc: Arc<Exception>,
        traceback: Vec<(FuncId, Pc)>,
    },
    /// A thread ran [`LOCAL_BUDGET`] local instructions without reaching a
    /// step; weft stopped it there.
    Runaway {
        tid: Tid,
        site: (FuncId, Pc),
    },
    /// `tid` acquired `to` while holding `from` (and `gates`).
    LockEdge {
        from: ObjId,
        to: ObjId,
        tid: Tid,
        from_site: (FuncId, Pc),
        to_site: (FuncId, Pc),
        gates: Vec<ObjId>,
    },
}

/// Per-step scratch: events for findings, and the trace when replaying.
#[derive(Default)]
pub struct Ctx {
    pub events: Vec<Event>,
    /// Record human-readable notes (replay only: it costs).
    pub tracing: bool,
    pub notes: Vec<String>,
    /// The step was `time.sleep()`.
    pub yielded: bool,
    /// Running the local code after a step: only notes that matter (prints,
    /// exceptions) are kept, so a trace line shows what its step did.
    pub local: bool,
}

impl Ctx {
    /// A note about the step itself.
    pub fn note(&mut self, f: impl FnOnce() -> String) {
        if self.tracing && !self.local {
            self.notes.push(f());
        }
    }
    /// A note worth showing even from local code (a print, an uncaught exception).
    pub fn note_always(&mut self, f: impl FnOnce() -> String) {
        if self.tracing {
            self.notes.push(f());
        }
    }
}

/// Positional and keyword arguments of a call.
#[derive(Clone, Debug, Default)]
pub struct Args {
    pub pos: Vec<Value>,
    pub kw: Vec<(Arc<str>, Value)>,
}

impl Args {
    /// The argument at `index` or named `name`.
    pub fn get(&self, index: usize, name: &str) -> Option<&Value> {
        self.pos
            .get(index)
            .or_else(|| self.kw.iter().find(|(k, _)| &**k == name).map(|(_, v)| v))
    }
    /// Reject arguments beyond `names`, as CPython does.
    pub fn check(&self, what: &str, names: &[&str]) -> PyResult<()> {
        if self.pos.len() > names.len() {
            return Err(ops::type_error(format!(
                "{what}() takes at most {} argument{} ({} given)",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                self.pos.len()
            )));
        }
        for (k, _) in &self.kw {
            match names.iter().position(|n| *n == &**k) {
                None => {
                    return Err(ops::type_error(format!(
                        "{what}() got an unexpected keyword argument '{k}'"
                    )))
                }
                Some(i) if i < self.pos.len() => {
                    return Err(ops::type_error(format!(
                        "{what}() got multiple values for argument '{k}'"
                    )))
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// What a method call did.
pub enum CallResult {
    Return(Value),
    /// The call blocks part-way: it stays at its instruction with `pending` set.
    Pending(crate::state::Pending),
}

pub struct Machine<'p> {
    pub prog: &'p Program,
    consts: Vec<Value>,
    /// Race-tracking agent of each `atomic` global.
    pub(crate) atomic_agent: Vec<Option<u8>>,
    /// Agents reserved before the first dynamic one.
    reserved_agents: u32,
}

impl<'p> Machine<'p> {
    pub fn new(prog: &'p Program) -> Machine<'p> {
        let consts = prog.consts.iter().map(const_value).collect();
        let mut next = 1u32; // agent 0 is the main thread
        let atomic_agent = prog
            .globals
            .iter()
            .map(|g| {
                g.atomic.then(|| {
                    let a = next.min(63) as u8;
                    next += 1;
                    a
                })
            })
            .collect();
        Machine {
            prog,
            consts,
            atomic_agent,
            reserved_agents: next,
        }
    }

    /// The state before the first step: the main thread has run up to its first step.
    pub fn initial_state(&self, cx: &mut Ctx) -> State {
        let module = self.prog.function(MODULE);
        let mut s = State {
            globals: Part::new(vec![Value::Unbound; self.prog.globals.len()]),
            heap: Part::new(Vec::new()),
            threads: Part::new(Vec::new()),
            race: Default::default(),
            thread_counter: 0,
            agents: self.reserved_agents,
        };
        let main_obj = ThreadObj {
            target: Value::None,
            args: vec![],
            kwargs: vec![],
            name: Arc::from("MainThread"),
            daemon: false,
            tid: Some(0),
        };
        s.heap.make_mut().push(Part::new(HeapObj {
            obj: Object::Thread(main_obj),
            shared: true,
            label: None,
            agent: Some(0),
        }));
        s.threads.make_mut().push(Part::new(ThreadState {
            frames: vec![Frame {
                func: MODULE,
                pc: 0,
                locals: vec![Value::Unbound; module.local_names.len()],
                stack: Vec::new(),
                handling: Vec::new(),
            }],
            done: false,
            obj: 0,
            daemon: false,
            pending: None,
            agent: 0,
            held_sites: Default::default(),
        }));
        self.run_local(&mut s, 0, cx);
        s
    }

    /// Execute `tid`'s poised step with `choice`, then its local code up to the next step.
    pub fn step(&self, s: &mut State, tid: Tid, choice: Choice, cx: &mut Ctx) {
        if let Err(e) = self.exec(s, tid, choice, cx) {
            self.throw(s, tid, e, cx);
        }
        let was_local = std::mem::replace(&mut cx.local, true);
        self.run_local(s, tid, cx);
        cx.local = was_local;
    }

    pub(crate) fn run_local(&self, s: &mut State, tid: Tid, cx: &mut Ctx) {
        let mut budget = LOCAL_BUDGET;
        while !s.threads[tid as usize].done && !self.is_step(s, tid) {
            if budget == 0 {
                // A tool limit, not a program error: the checker reports the run as inconclusive.
                let site = self.site_now(s, tid);
                cx.events.push(Event::Runaway { tid, site });
                self.finish_thread(s, tid);
                return;
            }
            budget -= 1;
            if let Err(e) = self.exec(s, tid, Choice::Go, cx) {
                self.throw(s, tid, e, cx);
            }
        }
    }

    /// The instruction a live thread is poised at.
    pub fn poised(&self, s: &State, tid: Tid) -> Option<(FuncId, Pc, Instr)> {
        let th = &s.threads[tid as usize];
        let f = th.frames.last()?;
        let code = &self.prog.function(f.func).code;
        code.get(f.pc as usize).map(|i| (f.func, f.pc, *i))
    }

    fn is_shared_container(&self, s: &State, v: &Value) -> bool {
        match v {
            Value::Obj(id) => {
                let h = &s.heap[*id as usize];
                h.shared && matches!(h.obj, Object::List(_) | Object::Dict(_))
            }
            _ => false,
        }
    }

    /// Does turning `v` into text (`str`, `repr`, an f-string, `%`) read
    /// state another thread can change? A shared container's elements; a
    /// shared lock, semaphore, event or barrier (its repr shows its
    /// state); a thread (its repr shows whether it has started and whether
    /// it is alive, which its starter and the thread itself change); and
    /// anything a tuple holds.
    fn text_reads_shared(&self, s: &State, v: &Value) -> bool {
        match v {
            Value::Obj(id) => {
                let h = &s.heap[*id as usize];
                match &h.obj {
                    Object::Thread(_) => true,
                    Object::Condition(_) | Object::Queue(_) => false,
                    _ => h.shared,
                }
            }
            Value::Tuple(items) => items.iter().any(|x| self.text_reads_shared(s, x)),
            _ => false,
        }
    }

    fn peek<'s>(&self, s: &'s State, tid: Tid, n: usize) -> &'s Value {
        let st = &s.frame(tid).stack;
        st.get(st.len().wrapping_sub(1 + n)).unwrap_or(&Value::None)
    }

    /// Is the thread's next instruction a step (or a pending call)?
    pub fn is_step(&self, s: &State, tid: Tid) -> bool {
        let th = &s.threads[tid as usize];
        if th.done {
            return false;
        }
        if th.pending.is_some() {
            return true;
        }
        let Some((_, _, instr)) = self.poised(s, tid) else {
            return false;
        };
        let shared = |n| self.is_shared_container(s, self.peek(s, tid, n));
        let text = |n| self.text_reads_shared(s, self.peek(s, tid, n));
        match instr {
            Instr::LoadGlobal(g, _) | Instr::StoreGlobal(g, _) | Instr::DeleteGlobal(g) => {
                self.prog.globals[g as usize].kind == GlobalKind::Shared
            }
            Instr::Subscript(_) | Instr::DeleteSubscript | Instr::StoreSubscript(_) => shared(1),
            Instr::Slice => shared(2),
            Instr::Compare(weft_model::CmpOp::In | weft_model::CmpOp::NotIn) => shared(0),
            Instr::Compare(weft_model::CmpOp::Is | weft_model::CmpOp::IsNot) => false,
            Instr::Compare(_) => shared(0) || shared(1),
            Instr::Not
            | Instr::JumpIfFalse(_)
            | Instr::JumpIfTrue(_)
            | Instr::JumpIfFalseOrPop(_)
            | Instr::JumpIfTrueOrPop(_)
            | Instr::GetIter
            | Instr::UnpackSequence(_) => shared(0),
            // Concatenation, repetition, f-strings and `str()` of a shared
            // container read its elements.
            Instr::Binary(weft_model::BinOp::Mod) => text(0) || text(1),
            Instr::Binary(_) => shared(0) || shared(1),
            Instr::FormatValue { has_spec, .. } => text(usize::from(has_spec)),
            Instr::BuildString(n) => (0..n as usize).any(shared),
            Instr::Call { argc, .. } => {
                let callee = self.peek(s, tid, argc as usize);
                let args: Vec<&Value> = (0..argc as usize).map(|i| self.peek(s, tid, i)).collect();
                crate::builtins::call_is_step(callee, &args, |v| self.text_reads_shared(s, v))
            }
            Instr::CallMethod { method, argc, .. } => {
                // `extend`, `join` and `update` read their argument whole.
                let reads_arg = matches!(
                    method,
                    weft_model::Method::Extend
                        | weft_model::Method::Join
                        | weft_model::Method::Update
                ) && argc >= 1
                    && shared(argc as usize - 1);
                reads_arg
                    || match self.peek(s, tid, argc as usize) {
                        Value::Obj(id) => match s.obj(*id) {
                            Object::List(_) | Object::Dict(_) => s.heap[*id as usize].shared,
                            Object::Thread(_) => !matches!(method, weft_model::Method::Run),
                            _ => true,
                        },
                        _ => false,
                    }
            }
            Instr::WithEnter | Instr::WithExit => primitives::is_sync(s, self.peek(s, tid, 0)),
            _ => false,
        }
    }

    /// What `tid` can do next: nothing (blocked or done), proceed, time out, or both.
    pub fn choices(&self, s: &State, tid: Tid) -> Choices {
        let th = &s.threads[tid as usize];
        if th.done {
            return Choices::default();
        }
        if let Some(p) = th.pending {
            return primitives::pending_choices(s, tid, p);
        }
        let Some((_, _, instr)) = self.poised(s, tid) else {
            return Choices::default();
        };
        match instr {
            Instr::CallMethod {
                method,
                argc,
                kwnames,
            } => {
                if let Value::Obj(id) = self.peek(s, tid, argc as usize) {
                    if primitives::is_sync_obj(s.obj(*id))
                        || matches!(s.obj(*id), Object::Thread(_))
                    {
                        let args = self.args_on_stack(s, tid, argc, kwnames);
                        return primitives::poll(s, tid, *id, method, &args);
                    }
                }
                Choices {
                    go: true,
                    timeout: false,
                }
            }
            Instr::WithEnter => match self.peek(s, tid, 0) {
                Value::Obj(id) if primitives::is_sync_obj(s.obj(*id)) => {
                    primitives::poll_enter(s, tid, *id)
                }
                _ => Choices {
                    go: true,
                    timeout: false,
                },
            },
            _ => Choices {
                go: true,
                timeout: false,
            },
        }
    }

    pub(crate) fn args_on_stack(
        &self,
        s: &State,
        tid: Tid,
        argc: u32,
        kwnames: Option<u32>,
    ) -> Args {
        let st = &s.frame(tid).stack;
        let vals = &st[st.len() - argc as usize..];
        let names = kwnames
            .map(|k| self.prog.kwnames[k as usize].as_slice())
            .unwrap_or(&[]);
        let npos = vals.len() - names.len();
        Args {
            pos: vals[..npos].to_vec(),
            kw: names
                .iter()
                .zip(&vals[npos..])
                .map(|(n, v)| (Arc::from(n.as_str()), v.clone()))
                .collect(),
        }
    }

    pub(crate) fn push(&self, s: &mut State, tid: Tid, v: Value) {
        s.frame_mut(tid).stack.push(v);
    }

    pub(crate) fn pop(&self, s: &mut State, tid: Tid) -> Value {
        s.frame_mut(tid).stack.pop().unwrap_or(Value::None)
    }

    pub(crate) fn konst(&self, id: u32) -> Value {
        self.consts[id as usize].clone()
    }

    /// The current (function, pc) of every frame of a thread, outermost first.
    pub fn traceback(&self, s: &State, tid: Tid) -> Vec<(FuncId, Pc)> {
        s.threads[tid as usize]
            .frames
            .iter()
            .map(|f| (f.func, f.pc.saturating_sub(1)))
            .collect()
    }

    /// Where the thread is now, for race sites and lock-edge sites.
    pub(crate) fn site_now(&self, s: &State, tid: Tid) -> (FuncId, Pc) {
        let f = s.frame(tid);
        (f.func, f.pc.saturating_sub(1))
    }

    /// Raise `e` in `tid` at its current instruction: unwind to a handler or end the thread.
    pub(crate) fn throw(&self, s: &mut State, tid: Tid, e: Value, cx: &mut Ctx) {
        let e = match e {
            Value::Exc(x) if x.site.is_none() => {
                let mut x = (*x).clone();
                x.site = Some(self.site_now(s, tid));
                Value::Exc(Arc::new(x))
            }
            other => other,
        };
        let traceback = self.traceback(s, tid);
        s.th_mut(tid as usize).pending = None;
        while let Some(frame) = s.th_mut(tid as usize).frames.last_mut() {
            let pc = frame.pc.saturating_sub(1);
            let func = self.prog.function(frame.func);
            if let Some(h) = func.handlers.iter().find(|h| h.start <= pc && pc < h.end) {
                frame.stack.truncate(h.depth as usize);
                frame.stack.push(e);
                frame.pc = h.target;
                return;
            }
            s.th_mut(tid as usize).frames.pop();
        }
        cx.note_always(|| format!("uncaught {}", describe_exc(&e)));
        if let Value::Exc(x) = e {
            cx.events.push(Event::Uncaught {
                tid,
                exc: x,
                traceback,
            });
        }
        self.finish_thread(s, tid);
    }

    pub(crate) fn finish_thread(&self, s: &mut State, tid: Tid) {
        let th = s.th_mut(tid as usize);
        th.done = true;
        th.frames.clear();
        th.pending = None;
    }

    /// Start a thread object: a new runtime thread, poised at its first step.
    pub(crate) fn start_thread(
        &self,
        s: &mut State,
        parent: Tid,
        obj: ObjId,
        cx: &mut Ctx,
    ) -> PyResult<Tid> {
        let Object::Thread(t) = s.obj(obj).clone() else {
            unreachable!("start of a non-thread")
        };
        if t.tid.is_some() {
            return Err(exc(
                ExcType::RuntimeError,
                "threads can only be started once",
            ));
        }
        let tid = s.threads.len() as Tid;
        let agent = s.heap[obj as usize].agent.unwrap_or_else(|| s.new_agent());
        if let Object::Thread(t) = s.obj_mut(obj) {
            t.tid = Some(tid);
        }
        s.threads.make_mut().push(Part::new(ThreadState {
            frames: vec![],
            done: false,
            obj,
            daemon: t.daemon,
            pending: None,
            agent,
            held_sites: Default::default(),
        }));
        let parent_agent = s.threads[parent as usize].agent;
        s.propagate(parent_agent, agent);
        for a in &t.args {
            self.share(s, a);
        }
        for (_, a) in &t.kwargs {
            self.share(s, a);
        }
        let args = Args {
            pos: t.args.clone(),
            kw: t.kwargs.clone(),
        };
        match t.target {
            Value::None => self.finish_thread(s, tid),
            Value::Func(f) => match self.bind(f, &args) {
                Ok(frame) => {
                    s.th_mut(tid as usize).frames.push(frame);
                    // The new thread's local prefix is not the starter's doing.
                    let was_local = std::mem::replace(&mut cx.local, true);
                    self.run_local(s, tid, cx);
                    cx.local = was_local;
                }
                Err(e) => {
                    if let Value::Exc(x) = e {
                        cx.events.push(Event::Uncaught {
                            tid,
                            exc: x,
                            traceback: vec![],
                        });
                    }
                    self.finish_thread(s, tid);
                }
            },
            other => {
                let e = ops::type_error(format!(
                    "'{}' object is not callable",
                    ops::type_name(s, &other)
                ));
                if let Value::Exc(x) = e {
                    cx.events.push(Event::Uncaught {
                        tid,
                        exc: x,
                        traceback: vec![],
                    });
                }
                self.finish_thread(s, tid);
            }
        }
        Ok(tid)
    }

    /// A new frame for calling user function `f` with `args`.
    pub(crate) fn bind(&self, f: FuncId, args: &Args) -> PyResult<Frame> {
        let func = self.prog.function(f);
        let n = func.params.len();
        let mut locals = vec![Value::Unbound; func.local_names.len()];
        if args.pos.len() > n {
            return Err(ops::type_error(format!(
                "{}() takes {} positional argument{} but {} {} given",
                func.name,
                n,
                if n == 1 { "" } else { "s" },
                args.pos.len(),
                if args.pos.len() == 1 { "was" } else { "were" }
            )));
        }
        for (i, v) in args.pos.iter().enumerate() {
            locals[i] = v.clone();
        }
        for (k, v) in &args.kw {
            match func.params.iter().position(|p| p.name == **k) {
                None => {
                    return Err(ops::type_error(format!(
                        "{}() got an unexpected keyword argument '{}'",
                        func.name, k
                    )))
                }
                Some(i) if locals[i] != Value::Unbound => {
                    return Err(ops::type_error(format!(
                        "{}() got multiple values for argument '{}'",
                        func.name, k
                    )))
                }
                Some(i) => locals[i] = v.clone(),
            }
        }
        let mut missing = Vec::new();
        for (i, p) in func.params.iter().enumerate() {
            if locals[i] == Value::Unbound {
                match p.default {
                    Some(c) => locals[i] = self.konst(c),
                    None => missing.push(format!("'{}'", p.name)),
                }
            }
        }
        if !missing.is_empty() {
            let list = match missing.len() {
                1 => missing[0].clone(),
                _ => format!(
                    "{} and {}",
                    missing[..missing.len() - 1].join(", "),
                    missing[missing.len() - 1]
                ),
            };
            return Err(ops::type_error(format!(
                "{}() missing {} required positional argument{}: {}",
                func.name,
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                list
            )));
        }
        Ok(Frame {
            func: f,
            pc: 0,
            locals,
            stack: Vec::new(),
            handling: Vec::new(),
        })
    }

    /// Evaluate a check (`invariants`/`final` entry) against a state, with no steps.
    pub fn eval_check(&self, s: &State, func: FuncId) -> Result<Value, Arc<Exception>> {
        let mut scratch = s.clone();
        let tid = scratch.threads.len() as Tid;
        scratch.threads.make_mut().push(Part::new(ThreadState {
            frames: vec![Frame {
                func,
                pc: 0,
                locals: vec![Value::Unbound; self.prog.function(func).local_names.len()],
                stack: vec![],
                handling: vec![],
            }],
            done: false,
            obj: 0,
            daemon: true,
            pending: None,
            agent: 63,
            held_sites: Default::default(),
        }));
        let mut cx = Ctx::default();
        let mut budget = LOCAL_BUDGET;
        loop {
            let th = &scratch.threads[tid as usize];
            if th.done || budget == 0 {
                break;
            }
            // The result is left by `Return` of the last frame.
            if th.frames.len() == 1 {
                if let Some((_, _, Instr::Return)) = self.poised(&scratch, tid) {
                    return Ok(scratch
                        .frame(tid)
                        .stack
                        .last()
                        .cloned()
                        .unwrap_or(Value::None));
                }
            }
            budget -= 1;
            if let Err(e) = self.exec(&mut scratch, tid, Choice::Go, &mut cx) {
                return Err(match e {
                    Value::Exc(x) => x,
                    _ => Arc::new(Exception::new(ExcType::RuntimeError, "check failed")),
                });
            }
        }
        Err(Arc::new(Exception::new(
            ExcType::RuntimeError,
            "check did not produce a value",
        )))
    }
}

pub fn describe_exc(v: &Value) -> String {
    match v {
        Value::Exc(e) => e.display(),
        other => format!("{other:?}"),
    }
}

fn const_value(c: &Const) -> Value {
    match c {
        Const::None => Value::None,
        Const::Bool(b) => Value::Bool(*b),
        Const::Int(i) => Value::Int(*i),
        Const::Float(f) => Value::Float(crate::value::F64(*f)),
        Const::Str(s) => Value::Str(s.clone()),
        Const::Tuple(items) => Value::tuple(items.iter().map(const_value).collect()),
        Const::Func(f) => Value::Func(*f),
        Const::Builtin(b) => Value::Builtin(*b),
    }
}

/// Is `v` the builtin `b`?
pub fn is_builtin(v: &Value, b: Builtin) -> bool {
    matches!(v, Value::Builtin(x) if *x == b)
}
