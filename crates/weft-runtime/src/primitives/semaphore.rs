//! `threading.Semaphore` and `threading.BoundedSemaphore`: a counter with
//! no owner. Which blocked acquirer gets a release is any of them.

use weft_model::{ExcType, Method};

use super::{lock::publish, timeout_arg, Patience, GO};
use crate::machine::{Args, Choice, Choices, Ctx, Machine};
use crate::ops::{self, PyResult};
use crate::state::{Object, State};
use crate::value::{exc, ObjId, Tid, Value};

/// `acquire(blocking=True, timeout=None)`.
fn patience(s: &State, args: &Args) -> PyResult<Patience> {
    args.check("acquire", &["blocking", "timeout"])?;
    let blocking = args.get(0, "blocking").is_none_or(|v| ops::truthy(s, v));
    let timeout = timeout_arg(s, args.get(1, "timeout"))?;
    if !blocking && timeout.is_some() {
        return Err(exc(
            ExcType::ValueError,
            "can't specify timeout for non-blocking acquire",
        ));
    }
    Ok(match timeout {
        _ if !blocking => Patience::NoWait,
        Some(t) if t <= 0.0 => Patience::NoWait,
        Some(_) => Patience::Timed,
        None => Patience::Forever,
    })
}

fn value(s: &State, id: ObjId) -> u32 {
    match s.obj(id) {
        Object::Semaphore(x) => x.value,
        _ => 0,
    }
}

pub(super) fn poll(s: &State, id: ObjId, method: Method, args: &Args) -> PyResult<Choices> {
    match method {
        Method::Acquire => Ok(patience(s, args)?.choices(value(s, id) > 0)),
        _ => Ok(GO),
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
) -> PyResult<Value> {
    let _ = (m, cx);
    match method {
        Method::Acquire => {
            patience(s, args)?;
            if choice == Choice::Go && value(s, id) > 0 {
                if let Object::Semaphore(x) = s.obj_mut(id) {
                    x.value -= 1;
                }
                super::learn_from(s, tid, id);
                Ok(Value::Bool(true))
            } else {
                Ok(Value::Bool(false))
            }
        }
        Method::Release => {
            args.check("release", &["n"])?;
            let n = match args.get(0, "n") {
                None => 1,
                Some(v) => v
                    .as_int()
                    .ok_or_else(|| ops::type_error("n must be an integer"))?,
            };
            if n < 1 {
                return Err(exc(ExcType::ValueError, "n must be one or more"));
            }
            let Object::Semaphore(x) = s.obj_mut(id) else {
                unreachable!()
            };
            let new = (x.value as i64).saturating_add(n);
            if let Some(bound) = x.bound {
                if new > bound as i64 {
                    return Err(exc(
                        ExcType::ValueError,
                        "Semaphore released too many times",
                    ));
                }
            }
            x.value = u32::try_from(new)
                .map_err(|_| exc(ExcType::OverflowError, "semaphore value too large for weft"))?;
            publish(s, tid, id);
            Ok(Value::None)
        }
        _ => Err(super::no_method(s, id, method)),
    }
}
