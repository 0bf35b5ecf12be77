//! `threading.Condition`: a lock (an RLock unless one is given) and a FIFO
//! of waiters.
//!
//! `wait()` is three steps, as in CPython: enqueue and release the lock
//! fully; be notified (or time out); re-acquire the lock and restore its
//! depth. `notify(n)` wakes the n oldest waiters. A waiter that timed out
//! stays queued until it re-acquires the lock, so a notify can pick it and
//! be absorbed (CPython's behaviour).

use weft_model::{ExcType, Method};

use super::lock;
use super::{timeout_arg, BLOCKED, GO, TIMEOUT_ONLY};
use crate::machine::{Args, CallResult, Choice, Choices, Ctx, Machine};
use crate::ops::{self, PyResult};
use crate::state::{Object, Pending, State, WaitPhase};
use crate::value::{exc, ObjId, Tid, Value};

fn lock_of(s: &State, id: ObjId) -> ObjId {
    match s.obj(id) {
        Object::Condition(c) => c.lock,
        _ => unreachable!("not a condition"),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn call(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    id: ObjId,
    method: Method,
    args: &Args,
    choice: Choice,
    cx: &mut Ctx,
) -> PyResult<CallResult> {
    let lk = lock_of(s, id);
    match method {
        Method::Acquire | Method::Release => {
            // Delegated to the underlying lock, like CPython's bound methods.
            let r = super::call(m, s, tid, lk, method, args, choice, cx)?;
            Ok(r)
        }
        Method::Wait => {
            args.check("wait", &["timeout"])?;
            let timeout = timeout_arg(s, args.get(0, "timeout"))?;
            start_wait(s, tid, id, lk, timeout, false).map(CallResult::Pending)
        }
        Method::WaitFor => {
            args.check("wait_for", &["predicate", "timeout"])?;
            let pred = args.get(0, "predicate").cloned().ok_or_else(|| {
                ops::type_error("wait_for() missing required argument 'predicate'")
            })?;
            let timeout = timeout_arg(s, args.get(1, "timeout"))?;
            // CPython evaluates the predicate first, without checking the lock.
            let v = eval_predicate(m, s, tid, &pred, cx)?;
            if ops::truthy(s, &v) {
                return Ok(CallResult::Return(v));
            }
            start_wait(s, tid, id, lk, timeout, true).map(CallResult::Pending)
        }
        Method::Notify | Method::NotifyAll => {
            let n = if method == Method::Notify {
                args.check("notify", &["n"])?;
                match args.get(0, "n") {
                    None => 1,
                    Some(v) => v
                        .as_int()
                        .ok_or_else(|| ops::type_error("n must be an integer"))?
                        .max(0) as usize,
                }
            } else {
                args.check("notify_all", &[])?;
                usize::MAX
            };
            if !lock::owned(s, tid, lk) {
                return Err(exc(
                    ExcType::RuntimeError,
                    "cannot notify on un-acquired lock",
                ));
            }
            notify(s, tid, id, n);
            Ok(CallResult::Return(Value::None))
        }
        _ => Err(super::no_method(s, id, method)),
    }
}

fn start_wait(
    s: &mut State,
    tid: Tid,
    id: ObjId,
    lk: ObjId,
    timeout: Option<f64>,
    for_pred: bool,
) -> PyResult<Pending> {
    if !lock::owned(s, tid, lk) {
        return Err(exc(
            ExcType::RuntimeError,
            "cannot wait on un-acquired lock",
        ));
    }
    if let Object::Condition(c) = s.obj_mut(id) {
        c.waiters.push(tid);
    }
    let depth = lock::release_fully(s, tid, lk);
    let phase = if timeout.is_some_and(|t| t <= 0.0) {
        WaitPhase::TimedOut
    } else {
        WaitPhase::Waiting
    };
    let _ = for_pred;
    Ok(Pending::CondWait {
        cond: id,
        depth,
        phase,
        timed: timeout.is_some(),
    })
}

/// Wake the `n` oldest waiters.
fn notify(s: &mut State, tid: Tid, id: ObjId, n: usize) {
    let woken: Vec<Tid> = match s.obj_mut(id) {
        Object::Condition(c) => {
            let k = n.min(c.waiters.len());
            c.waiters.drain(..k).collect()
        }
        _ => return,
    };
    if !woken.is_empty() {
        lock::publish(s, tid, id);
    }
    for w in woken {
        if let Some(Pending::CondWait { phase, .. }) = &mut s.th_mut(w as usize).pending {
            // A timed-out waiter absorbs the notify and still returns False.
            if *phase == WaitPhase::Waiting {
                *phase = WaitPhase::Notified;
            }
        }
    }
}

pub(super) fn pending_choices(s: &State, tid: Tid, p: Pending) -> Choices {
    let Pending::CondWait {
        cond, phase, timed, ..
    } = p
    else {
        return BLOCKED;
    };
    match phase {
        WaitPhase::Waiting if timed => TIMEOUT_ONLY,
        WaitPhase::Waiting => BLOCKED,
        _ if lock::available(s, tid, lock_of(s, cond)) => GO,
        _ => BLOCKED,
    }
}

/// Continue a wait: time out, or re-acquire the lock and return.
pub(super) fn resume(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    p: Pending,
    choice: Choice,
    cx: &mut Ctx,
) -> PyResult<Option<Value>> {
    let Pending::CondWait {
        cond,
        depth,
        phase,
        timed,
    } = p
    else {
        unreachable!()
    };
    if choice == Choice::Timeout {
        s.th_mut(tid as usize).pending = Some(Pending::CondWait {
            cond,
            depth,
            phase: WaitPhase::TimedOut,
            timed,
        });
        cx.note(|| format!("{}.wait() times out", m.object_name(s, cond)));
        return Ok(None);
    }
    let lk = lock_of(s, cond);
    lock::take(m, s, tid, lk, depth, cx);
    if let Object::Condition(c) = s.obj_mut(cond) {
        c.waiters.retain(|&w| w != tid);
    }
    let notified = phase == WaitPhase::Notified;
    if notified {
        super::learn_from(s, tid, cond);
    }
    cx.note(|| {
        format!(
            "{}.wait() wakes{}",
            m.object_name(s, cond),
            if notified { "" } else { " after a timeout" }
        )
    });
    // wait_for: re-check the predicate, and wait again while it is false.
    if let Some((pred, timeout_left)) = wait_for_predicate(m, s, tid) {
        let v = eval_predicate(m, s, tid, &pred, cx)?;
        if ops::truthy(s, &v) || !notified && timeout_left {
            return Ok(Some(v));
        }
        let pend = start_wait(s, tid, cond, lk, None, true)?;
        let pend = match pend {
            Pending::CondWait {
                cond, depth, phase, ..
            } => Pending::CondWait {
                cond,
                depth,
                phase,
                timed,
            },
            other => other,
        };
        s.th_mut(tid as usize).pending = Some(pend);
        return Ok(None);
    }
    Ok(Some(Value::Bool(notified)))
}

/// If the pending call is `wait_for(pred, …)`, its predicate and whether it had a timeout.
fn wait_for_predicate(m: &Machine, s: &State, tid: Tid) -> Option<(Value, bool)> {
    let (_, _, instr) = m.poised(s, tid)?;
    let weft_model::Instr::CallMethod {
        method: Method::WaitFor,
        argc,
        kwnames,
    } = instr
    else {
        return None;
    };
    let args = m.args_on_stack(s, tid, argc, kwnames);
    let pred = args.get(0, "predicate")?.clone();
    let timed = args.get(1, "timeout").is_some_and(|v| *v != Value::None);
    Some((pred, timed))
}

/// Run a predicate to completion inside the current step (the caller holds
/// the condition's lock, so its reads are protected).
fn eval_predicate(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    pred: &Value,
    cx: &mut Ctx,
) -> PyResult<Value> {
    let Value::Func(f) = pred else {
        return Err(ops::type_error(format!(
            "'{}' object is not callable",
            ops::type_name(s, pred)
        )));
    };
    let frame = m.bind(*f, &Args::default())?;
    let saved_pending = s.th_mut(tid as usize).pending.take();
    let base = s.threads[tid as usize].frames.len();
    s.th_mut(tid as usize).frames.push(frame);
    let mut budget = crate::machine::LOCAL_BUDGET;
    let result = loop {
        if s.threads[tid as usize].frames.len() <= base {
            break Ok(m.pop(s, tid));
        }
        budget -= 1;
        if budget == 0 {
            break Err(exc(
                ExcType::RuntimeError,
                "weft: wait_for predicate did not return",
            ));
        }
        if let Err(e) = m.exec(s, tid, Choice::Go, cx) {
            break Err(e);
        }
        if s.threads[tid as usize].pending.is_some() {
            break Err(exc(
                ExcType::RuntimeError,
                "weft: a wait_for predicate may not block",
            ));
        }
    };
    s.th_mut(tid as usize).frames.truncate(base);
    s.th_mut(tid as usize).pending = saved_pending;
    result
}
