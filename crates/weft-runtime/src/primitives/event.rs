//! `threading.Event`: a flag. `set()` wakes every waiter; a woken waiter
//! returns True even if the flag was cleared before it ran (CPython).
//! Every method takes the event's internal lock, so each call orders with
//! the ones before it.

use weft_model::Method;

use super::{timeout_arg, BLOCKED, GO, TIMEOUT_ONLY};
use crate::machine::{Args, CallResult, Choice, Choices, Ctx, Machine};
use crate::ops::PyResult;
use crate::state::{Object, Pending, State, WaitPhase};
use crate::value::{ObjId, Tid, Value};

fn flag(s: &State, id: ObjId) -> bool {
    matches!(s.obj(id), Object::Event(e) if e.flag)
}

/// The internal lock: learn what earlier callers published, publish ours.
fn sync(s: &mut State, tid: Tid, id: ObjId) {
    super::through_internal_lock(s, tid, id);
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
    sync(s, tid, id);
    let ret = match method {
        Method::Set => {
            args.check("set", &[])?;
            if let Object::Event(e) = s.obj_mut(id) {
                e.flag = true;
            }
            for i in 0..s.threads.len() {
                if let Some(Pending::EventWait {
                    event,
                    phase: WaitPhase::Waiting,
                    ..
                }) = s.threads[i].pending
                {
                    if event == id {
                        if let Some(Pending::EventWait { phase, .. }) = &mut s.th_mut(i).pending {
                            *phase = WaitPhase::Notified;
                        }
                    }
                }
            }
            Value::None
        }
        Method::Clear => {
            args.check("clear", &[])?;
            if let Object::Event(e) = s.obj_mut(id) {
                e.flag = false;
            }
            Value::None
        }
        Method::IsSet => {
            args.check("is_set", &[])?;
            Value::Bool(flag(s, id))
        }
        Method::Wait => {
            args.check("wait", &["timeout"])?;
            let timeout = timeout_arg(s, args.get(0, "timeout"))?;
            if flag(s, id) {
                Value::Bool(true)
            } else if timeout.is_some_and(|t| t <= 0.0) {
                Value::Bool(false)
            } else {
                return Ok(CallResult::Pending(Pending::EventWait {
                    event: id,
                    phase: WaitPhase::Waiting,
                    timed: timeout.is_some(),
                }));
            }
        }
        _ => return Err(super::no_method(s, id, method)),
    };
    Ok(CallResult::Return(ret))
}

pub(super) fn pending_choices(p: Pending) -> Choices {
    match p {
        Pending::EventWait {
            phase: WaitPhase::Notified,
            ..
        } => GO,
        Pending::EventWait {
            phase: WaitPhase::Waiting,
            timed: true,
            ..
        } => TIMEOUT_ONLY,
        _ => BLOCKED,
    }
}

pub(super) fn resume(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    p: Pending,
    choice: Choice,
    cx: &mut Ctx,
) -> PyResult<Option<Value>> {
    let Pending::EventWait { event, phase, .. } = p else {
        unreachable!()
    };
    let _ = (m, cx);
    sync(s, tid, event);
    Ok(Some(Value::Bool(
        choice == Choice::Go && phase == WaitPhase::Notified,
    )))
}
