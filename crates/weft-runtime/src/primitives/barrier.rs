//! `threading.Barrier(parties)`: cyclic; the last of `parties` arrivals
//! releases the others, and each `wait()` returns its arrival index. A
//! timed-out waiter, `abort()`, or a `reset()` during a wait breaks it:
//! waiters raise `BrokenBarrierError` (CPython's `_state` machine).

use weft_model::{ExcType, Method};

use super::{learn_from, lock::publish, timeout_arg, BLOCKED, GO, TIMEOUT_ONLY};
use crate::machine::{Args, CallResult, Choice, Choices, Ctx, Machine};
use crate::ops::PyResult;
use crate::state::{BarrierPhase, BarrierState, Object, Pending, State};
use crate::value::{exc, ObjId, Tid, Value};

fn b(s: &State, id: ObjId) -> &BarrierState {
    match s.obj(id) {
        Object::Barrier(b) => b,
        _ => unreachable!("not a barrier"),
    }
}

fn b_mut(s: &mut State, id: ObjId) -> &mut BarrierState {
    match s.obj_mut(id) {
        Object::Barrier(b) => b,
        _ => unreachable!("not a barrier"),
    }
}

fn broken() -> crate::value::Value {
    exc(ExcType::BrokenBarrierError, "")
}

/// `wait()` must first wait while the barrier drains or resets.
pub(super) fn poll(s: &State, id: ObjId, method: Method) -> Choices {
    match (method, b(s, id).phase) {
        (Method::Wait, BarrierPhase::Draining | BarrierPhase::Resetting) => BLOCKED,
        _ => GO,
    }
}

/// A thread leaves `wait()`: the last one out of a draining or resetting
/// barrier makes it fill again.
fn leave(s: &mut State, id: ObjId) {
    let bs = b_mut(s, id);
    bs.count = bs.count.saturating_sub(1);
    if bs.count == 0 && matches!(bs.phase, BarrierPhase::Draining | BarrierPhase::Resetting) {
        bs.phase = BarrierPhase::Filling;
    }
}

pub(super) fn call(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    id: ObjId,
    method: Method,
    args: &Args,
    cx: &mut Ctx,
) -> PyResult<CallResult> {
    let _ = (m, cx);
    match method {
        Method::Wait => {
            args.check("wait", &["timeout"])?;
            let timeout = timeout_arg(s, args.get(0, "timeout"))?;
            if b(s, id).phase == BarrierPhase::Broken {
                return Err(broken());
            }
            publish(s, tid, id);
            let bs = b_mut(s, id);
            let index = bs.count;
            bs.count += 1;
            if bs.count == bs.parties {
                // The last arrival trips the barrier and leaves at once.
                bs.phase = BarrierPhase::Draining;
                bs.generation = bs.generation.wrapping_add(1);
                learn_from(s, tid, id);
                leave(s, id);
                return Ok(CallResult::Return(Value::Int(index as i64)));
            }
            if timeout.is_some_and(|t| t <= 0.0) {
                b_mut(s, id).phase = BarrierPhase::Broken;
                leave(s, id);
                return Err(broken());
            }
            let generation = b(s, id).generation;
            Ok(CallResult::Pending(Pending::BarrierWait {
                barrier: id,
                generation,
                index,
                timed: timeout.is_some(),
            }))
        }
        Method::Abort => {
            args.check("abort", &[])?;
            b_mut(s, id).phase = BarrierPhase::Broken;
            Ok(CallResult::Return(Value::None))
        }
        Method::Reset => {
            args.check("reset", &[])?;
            let bs = b_mut(s, id);
            bs.phase = if bs.count > 0 {
                BarrierPhase::Resetting
            } else {
                BarrierPhase::Filling
            };
            Ok(CallResult::Return(Value::None))
        }
        _ => Err(super::no_method(s, id, method)),
    }
}

pub(super) fn pending_choices(s: &State, p: Pending) -> Choices {
    let Pending::BarrierWait {
        barrier,
        generation,
        timed,
        ..
    } = p
    else {
        return BLOCKED;
    };
    let bs = b(s, barrier);
    if bs.generation != generation
        || matches!(bs.phase, BarrierPhase::Broken | BarrierPhase::Resetting)
    {
        GO
    } else if timed {
        TIMEOUT_ONLY
    } else {
        BLOCKED
    }
}

pub(super) fn resume(
    s: &mut State,
    tid: Tid,
    p: Pending,
    choice: Choice,
) -> PyResult<Option<Value>> {
    let Pending::BarrierWait {
        barrier,
        generation,
        index,
        ..
    } = p
    else {
        unreachable!()
    };
    let released = b(s, barrier).generation != generation;
    if choice == Choice::Timeout && !released {
        // A waiter that times out breaks the barrier for everyone.
        b_mut(s, barrier).phase = BarrierPhase::Broken;
        leave(s, barrier);
        return Err(broken());
    }
    leave(s, barrier);
    if released {
        learn_from(s, tid, barrier);
        Ok(Some(Value::Int(index as i64)))
    } else {
        Err(broken())
    }
}

/// `Barrier(parties, action=None, timeout=None)`.
pub(crate) fn construct(s: &State, args: &Args) -> PyResult<BarrierState> {
    args.check("Barrier", &["parties", "action", "timeout"])?;
    let parties = args.get(0, "parties").ok_or_else(|| {
        crate::ops::type_error(
            "Barrier.__init__() missing 1 required positional argument: 'parties'",
        )
    })?;
    let parties = parties.as_int().ok_or_else(|| {
        crate::ops::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            crate::ops::type_name(s, parties)
        ))
    })?;
    if parties < 1 {
        return Err(exc(ExcType::ValueError, "parties must be >= 1"));
    }
    if !matches!(args.get(1, "action"), None | Some(Value::None)) {
        return Err(crate::ops::type_error(
            "weft: Barrier(action=...) is not supported yet",
        ));
    }
    if !matches!(args.get(2, "timeout"), None | Some(Value::None)) {
        return Err(crate::ops::type_error(
            "weft: Barrier(timeout=...) is not supported yet; pass timeout to wait()",
        ));
    }
    let parties = u32::try_from(parties)
        .map_err(|_| exc(ExcType::OverflowError, "too many parties for weft"))?;
    Ok(BarrierState {
        parties,
        count: 0,
        phase: BarrierPhase::Filling,
        generation: 0,
    })
}
