//! The synchronisation primitives, one module each, with CPython's
//! behaviour and error messages (../shared/python-threading-semantics.md).
//!
//! Every blocking call is split the same way: `poll` says whether the call
//! can complete now, or can only time out, or neither (blocked); `call`
//! performs it with the scheduler's choice. Calls that block part-way
//! (`Condition.wait`, `Event.wait`) leave a [`Pending`] on the thread and
//! finish in `resume`. The explorer knows none of this: it only sees which
//! threads have choices.

mod barrier;
mod condition;
mod event;
mod lock;
mod queue;
mod semaphore;
mod thread;

use weft_model::{ExcType, Method};

use crate::machine::{Args, CallResult, Choice, Choices, Ctx, Machine};
use crate::ops::{self, PyResult};
use crate::state::{Object, Pending, State};
use crate::value::{exc, ObjId, Tid, Value};

pub(crate) use barrier::construct as construct_barrier;
pub use lock::held_by;

/// Happens-before through a synchronisation object: `tid` learns what the
/// object's releasers published (an acquire).
pub(crate) fn learn_from(s: &mut State, tid: Tid, obj: ObjId) {
    if let Some(a) = s.heap[obj as usize].agent {
        let t = s.threads[tid as usize].agent;
        s.propagate(a, t);
    }
}

/// Both directions: a call that takes the object's internal lock (every
/// `Event` and `Queue` method does), ordered with every call before it.
pub(crate) fn through_internal_lock(s: &mut State, tid: Tid, obj: ObjId) {
    learn_from(s, tid, obj);
    lock::publish(s, tid, obj);
}

pub(crate) const GO: Choices = Choices {
    go: true,
    timeout: false,
};
pub(crate) const BLOCKED: Choices = Choices {
    go: false,
    timeout: false,
};
pub(crate) const TIMEOUT_ONLY: Choices = Choices {
    go: false,
    timeout: true,
};

/// How long a blocking call is willing to wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Patience {
    Forever,
    /// A positive timeout: it may give up at any moment.
    Timed,
    /// Non-blocking, or a timeout of zero: one try.
    NoWait,
}

impl Patience {
    /// The choices of a call that can (`ready`) or cannot complete now.
    pub(crate) fn choices(self, ready: bool) -> Choices {
        match (ready, self) {
            (true, _) | (false, Patience::NoWait) => GO,
            (false, Patience::Timed) => TIMEOUT_ONLY,
            (false, Patience::Forever) => BLOCKED,
        }
    }
}

/// A `timeout=` argument: None, or a number; None means forever.
pub(crate) fn timeout_arg(s: &State, v: Option<&Value>) -> PyResult<Option<f64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => v.as_f64().map(Some).ok_or_else(|| {
            ops::type_error(format!(
                "'{}' object cannot be interpreted as an integer or float",
                ops::type_name(s, v)
            ))
        }),
    }
}

pub fn is_sync_obj(o: &Object) -> bool {
    matches!(
        o,
        Object::Lock(_)
            | Object::RLock(_)
            | Object::Condition(_)
            | Object::Semaphore(_)
            | Object::Event(_)
            | Object::Queue(_)
            | Object::Barrier(_)
    )
}

/// A value whose `with` or method calls are synchronisation steps.
pub fn is_sync(s: &State, v: &Value) -> bool {
    matches!(v, Value::Obj(id) if is_sync_obj(s.obj(*id)))
}

/// Can `tid` make the call `id.method(args)` now?
pub fn poll(s: &State, tid: Tid, id: ObjId, method: Method, args: &Args) -> Choices {
    let r = match s.obj(id) {
        Object::Lock(_) | Object::RLock(_) => lock::poll(s, tid, id, method, args),
        Object::Condition(c) => match method {
            Method::Acquire => lock::poll(s, tid, c.lock, method, args),
            _ => Ok(GO),
        },
        Object::Semaphore(_) => semaphore::poll(s, id, method, args),
        Object::Queue(_) => queue::poll(s, id, method, args),
        Object::Barrier(_) => Ok(barrier::poll(s, id, method)),
        Object::Thread(_) => thread::poll(s, tid, id, method, args),
        _ => Ok(GO),
    };
    // A call with bad arguments proceeds, and raises.
    r.unwrap_or(GO)
}

/// Can `tid` enter `with id:` now?
pub fn poll_enter(s: &State, tid: Tid, id: ObjId) -> Choices {
    let none = Args::default();
    match s.obj(id) {
        Object::Lock(_) | Object::RLock(_) => {
            lock::poll(s, tid, id, Method::Acquire, &none).unwrap_or(GO)
        }
        Object::Condition(c) => lock::poll(s, tid, c.lock, Method::Acquire, &none).unwrap_or(GO),
        Object::Semaphore(_) => semaphore::poll(s, id, Method::Acquire, &none).unwrap_or(GO),
        _ => GO,
    }
}

#[allow(clippy::too_many_arguments)]
pub fn call(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    id: ObjId,
    method: Method,
    args: &Args,
    choice: Choice,
    cx: &mut Ctx,
) -> PyResult<CallResult> {
    let name = m.object_name(s, id);
    let r = match s.obj(id) {
        Object::Lock(_) | Object::RLock(_) => {
            lock::call(m, s, tid, id, method, args, choice, cx).map(CallResult::Return)
        }
        Object::Condition(_) => condition::call(m, s, tid, id, method, args, choice, cx),
        Object::Semaphore(_) => {
            semaphore::call(m, s, tid, id, method, args, choice, cx).map(CallResult::Return)
        }
        Object::Event(_) => event::call(m, s, tid, id, method, args, cx),
        Object::Queue(_) => {
            queue::call(m, s, tid, id, method, args, choice, cx).map(CallResult::Return)
        }
        Object::Thread(_) => {
            thread::call(m, s, tid, id, method, args, choice, cx).map(CallResult::Return)
        }
        Object::Barrier(_) => barrier::call(m, s, tid, id, method, args, cx),
        Object::List(_) | Object::Dict(_) => unreachable!("containers are dispatched in builtins"),
    };
    match &r {
        Ok(CallResult::Return(Value::None)) if method == Method::Start => {}
        Ok(CallResult::Return(Value::None)) => cx.note(|| format!("{name}.{}()", method.name())),
        Ok(CallResult::Return(v)) => {
            cx.note(|| format!("{name}.{}() → {}", method.name(), ops::repr(m.prog, s, v)))
        }
        Ok(CallResult::Pending(_)) => cx.note(|| format!("{name}.{}() blocks", method.name())),
        Err(e) => cx.note(|| {
            format!(
                "{name}.{}() raises {}",
                method.name(),
                crate::machine::describe_exc(e)
            )
        }),
    }
    r
}

pub(crate) fn no_method(s: &State, id: ObjId, method: Method) -> Value {
    exc(
        ExcType::AttributeError,
        format!(
            "'{}' object has no attribute '{}'",
            ops::type_name(s, &Value::Obj(id)),
            method.name()
        ),
    )
}

/// `with ctx:` entry.
pub fn enter(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    ctx: &Value,
    choice: Choice,
    cx: &mut Ctx,
) -> PyResult<()> {
    let Value::Obj(id) = ctx else {
        return Err(not_a_context_manager(s, ctx));
    };
    let none = Args::default();
    match s.obj(*id) {
        Object::Lock(_) | Object::RLock(_) | Object::Condition(_) | Object::Semaphore(_) => {
            call(m, s, tid, *id, Method::Acquire, &none, choice, cx)?;
            Ok(())
        }
        _ => Err(not_a_context_manager(s, ctx)),
    }
}

/// `with ctx:` exit (normal or exceptional).
pub fn exit(m: &Machine, s: &mut State, tid: Tid, ctx: &Value, cx: &mut Ctx) -> PyResult<()> {
    let Value::Obj(id) = ctx else {
        return Err(not_a_context_manager(s, ctx));
    };
    let none = Args::default();
    match s.obj(*id) {
        Object::Lock(_) | Object::RLock(_) | Object::Condition(_) | Object::Semaphore(_) => {
            call(m, s, tid, *id, Method::Release, &none, Choice::Go, cx)?;
            Ok(())
        }
        _ => Err(not_a_context_manager(s, ctx)),
    }
}

fn not_a_context_manager(s: &State, v: &Value) -> Value {
    ops::type_error(format!(
        "'{}' object does not support the context manager protocol",
        ops::type_name(s, v)
    ))
}

pub fn pending_choices(s: &State, tid: Tid, p: Pending) -> Choices {
    match p {
        Pending::CondWait { .. } => condition::pending_choices(s, tid, p),
        Pending::EventWait { .. } => event::pending_choices(p),
        Pending::BarrierWait { .. } => barrier::pending_choices(s, p),
    }
}

/// Continue a call that blocked part-way.
pub fn resume(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    p: Pending,
    choice: Choice,
    cx: &mut Ctx,
) -> PyResult<()> {
    let r = match p {
        Pending::CondWait { .. } => condition::resume(m, s, tid, p, choice, cx),
        Pending::EventWait { .. } => event::resume(m, s, tid, p, choice, cx),
        Pending::BarrierWait { .. } => barrier::resume(s, tid, p, choice),
    };
    match r {
        Ok(None) => Ok(()),
        Ok(Some(v)) => {
            cx.note(|| format!("returns {}", ops::repr(m.prog, s, &v)));
            complete_call(m, s, tid, Ok(v))
        }
        Err(e) => complete_call(m, s, tid, Err(e)),
    }
}

/// Finish the pending method call at the thread's pc with a result.
pub(crate) fn complete_call(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    r: PyResult<Value>,
) -> PyResult<()> {
    s.th_mut(tid as usize).pending = None;
    let Some((_, pc, weft_model::Instr::CallMethod { argc, .. })) = m.poised(s, tid) else {
        unreachable!("a pending call sits on a CallMethod")
    };
    let f = s.frame_mut(tid);
    f.pc = pc + 1;
    let n = f.stack.len().saturating_sub(argc as usize + 1);
    f.stack.truncate(n);
    let v = r?;
    f.stack.push(v);
    Ok(())
}

/// What a blocked thread waits for, for deadlock reports.
pub struct Blocked {
    /// "acquire lock_b", "wait on cond", "join Thread-2 (worker)", …
    pub what: String,
    pub object: Option<ObjId>,
    /// Threads holding what it waits for.
    pub holders: Vec<Tid>,
    /// Blocked on a non-reentrant Lock it holds itself.
    pub self_deadlock: bool,
    /// Blocked acquiring a lock (for lock-order edges at deadlocks).
    pub acquiring: Option<ObjId>,
}

pub fn blocked_on(m: &Machine, s: &State, tid: Tid) -> Blocked {
    let mut b = Blocked {
        what: "blocked".into(),
        object: None,
        holders: vec![],
        self_deadlock: false,
        acquiring: None,
    };
    if let Some(p) = s.threads[tid as usize].pending {
        match p {
            Pending::CondWait { cond, phase, .. } => {
                let Object::Condition(c) = s.obj(cond) else {
                    return b;
                };
                if phase == crate::state::WaitPhase::Waiting {
                    b.what = format!("{}.wait() (waiting for a notify)", m.object_name(s, cond));
                    b.object = Some(cond);
                } else {
                    b.what = format!(
                        "{}.wait() re-acquiring {}",
                        m.object_name(s, cond),
                        m.object_name(s, c.lock)
                    );
                    b.object = Some(c.lock);
                    b.holders = held_by(s, c.lock);
                    b.acquiring = Some(c.lock);
                }
            }
            Pending::EventWait { event, .. } => {
                b.what = format!("{}.wait()", m.object_name(s, event));
                b.object = Some(event);
            }
            Pending::BarrierWait { barrier, .. } => {
                if let Object::Barrier(st) = s.obj(barrier) {
                    b.what = format!(
                        "{}.wait() ({} of {} parties arrived)",
                        m.object_name(s, barrier),
                        st.count,
                        st.parties
                    );
                }
                b.object = Some(barrier);
            }
        }
        return b;
    }
    let Some((_, _, instr)) = m.poised(s, tid) else {
        return b;
    };
    let st = &s.frame(tid).stack;
    let (recv, method) = match instr {
        weft_model::Instr::CallMethod { method, argc, .. } => {
            (st.get(st.len().wrapping_sub(argc as usize + 1)), method)
        }
        weft_model::Instr::WithEnter => (st.last(), Method::Acquire),
        _ => return b,
    };
    let Some(Value::Obj(id)) = recv else { return b };
    let id = *id;
    let lock = match s.obj(id) {
        Object::Condition(c) => Some(c.lock),
        Object::Lock(_) | Object::RLock(_) => Some(id),
        _ => None,
    };
    b.object = Some(id);
    b.what = format!("{}.{}()", m.object_name(s, id), method.name());
    match (s.obj(id), method) {
        (Object::Thread(t), _) => {
            b.what = format!("{}.join() until {} finishes", m.object_name(s, id), t.name);
        }
        (_, Method::Acquire) if lock.is_some() => {
            let l = lock.unwrap();
            b.holders = held_by(s, l);
            b.acquiring = Some(l);
            b.self_deadlock = matches!(s.obj(l), Object::Lock(_)) && b.holders == [tid];
        }
        _ => {}
    }
    b
}

/// Lock-order edges of a thread blocked acquiring `lock` (at a deadlock).
pub fn blocked_lock_edges(m: &Machine, s: &State, tid: Tid, lock: ObjId, cx: &mut Ctx) {
    lock::blocked_edges(m, s, tid, lock, cx);
}
