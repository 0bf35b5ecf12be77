//! `queue.Queue`: FIFO items, an optional bound, and a count of unfinished
//! tasks for `join()`. Every method takes the queue's mutex, so queue
//! operations are ordered with each other (put → get included).

use weft_model::{ExcType, Method};

use super::{timeout_arg, Patience, BLOCKED, GO};
use crate::machine::{Args, Choice, Choices, Ctx, Machine};
use crate::ops::{self, PyResult};
use crate::state::{Object, QueueState, State};
use crate::value::{exc, ObjId, Tid, Value};

fn q(s: &State, id: ObjId) -> &QueueState {
    match s.obj(id) {
        Object::Queue(q) => q,
        _ => unreachable!("not a queue"),
    }
}

fn q_mut(s: &mut State, id: ObjId) -> &mut QueueState {
    match s.obj_mut(id) {
        Object::Queue(q) => q,
        _ => unreachable!("not a queue"),
    }
}

fn is_full(q: &QueueState) -> bool {
    q.maxsize > 0 && q.items.len() as i64 >= q.maxsize
}

/// `(block=True, timeout=None)` of put/get, starting at argument `first`.
fn patience(
    s: &State,
    args: &Args,
    what: &str,
    names: &[&str],
    first: usize,
    nowait: bool,
) -> PyResult<Patience> {
    args.check(what, names)?;
    if nowait {
        return Ok(Patience::NoWait);
    }
    let block = args.get(first, "block").is_none_or(|v| ops::truthy(s, v));
    let timeout = timeout_arg(s, args.get(first + 1, "timeout"))?;
    if !block {
        return Ok(Patience::NoWait);
    }
    Ok(match timeout {
        None => Patience::Forever,
        Some(t) if t < 0.0 => {
            return Err(exc(
                ExcType::ValueError,
                "'timeout' must be a non-negative number",
            ))
        }
        Some(t) if t == 0.0 => Patience::NoWait,
        Some(_) => Patience::Timed,
    })
}

fn put_patience(s: &State, method: Method, args: &Args) -> PyResult<Patience> {
    match method {
        Method::PutNowait => patience(s, args, "put_nowait", &["item"], 1, true),
        _ => patience(s, args, "put", &["item", "block", "timeout"], 1, false),
    }
}

fn get_patience(s: &State, method: Method, args: &Args) -> PyResult<Patience> {
    match method {
        Method::GetNowait => patience(s, args, "get_nowait", &[], 0, true),
        _ => patience(s, args, "get", &["block", "timeout"], 0, false),
    }
}

pub(super) fn poll(s: &State, id: ObjId, method: Method, args: &Args) -> PyResult<Choices> {
    let q = q(s, id);
    Ok(match method {
        Method::Put | Method::PutNowait => put_patience(s, method, args)?.choices(!is_full(q)),
        Method::Get | Method::GetNowait => {
            get_patience(s, method, args)?.choices(!q.items.is_empty())
        }
        Method::Join if q.unfinished > 0 => BLOCKED,
        _ => GO,
    })
}

fn sync(s: &mut State, tid: Tid, id: ObjId) {
    super::through_internal_lock(s, tid, id);
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
    let _ = cx;
    match method {
        Method::Put | Method::PutNowait => {
            put_patience(s, method, args)?;
            let item = args.get(0, "item").cloned().ok_or_else(|| {
                ops::type_error("put() missing 1 required positional argument: 'item'")
            })?;
            if choice == Choice::Timeout || is_full(q(s, id)) {
                return Err(exc(ExcType::Full, ""));
            }
            m.share(s, &item);
            let q = q_mut(s, id);
            q.items.push_back(item);
            q.unfinished += 1;
            sync(s, tid, id);
            Ok(Value::None)
        }
        Method::Get | Method::GetNowait => {
            get_patience(s, method, args)?;
            if choice == Choice::Timeout || q(s, id).items.is_empty() {
                return Err(exc(ExcType::Empty, ""));
            }
            let v = q_mut(s, id).items.pop_front().unwrap_or(Value::None);
            sync(s, tid, id);
            Ok(v)
        }
        Method::TaskDone => {
            args.check("task_done", &[])?;
            let q = q_mut(s, id);
            if q.unfinished == 0 {
                return Err(exc(
                    ExcType::ValueError,
                    "task_done() called too many times",
                ));
            }
            q.unfinished -= 1;
            sync(s, tid, id);
            Ok(Value::None)
        }
        Method::Join => {
            args.check("join", &[])?;
            sync(s, tid, id);
            Ok(Value::None)
        }
        Method::Qsize | Method::Empty | Method::Full => {
            args.check(method.name(), &[])?;
            sync(s, tid, id);
            let q = q(s, id);
            Ok(match method {
                Method::Qsize => Value::Int(q.items.len() as i64),
                Method::Empty => Value::Bool(q.items.is_empty()),
                _ => Value::Bool(is_full(q)),
            })
        }
        _ => Err(super::no_method(s, id, method)),
    }
}
