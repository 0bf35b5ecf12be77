//! `threading.Thread`: start, join (with and without timeout), is_alive.

use weft_model::{ExcType, Method};

use super::{timeout_arg, Patience, GO};
use crate::machine::{Args, Choice, Choices, Ctx, Machine};
use crate::ops::PyResult;
use crate::state::{Object, State};
use crate::value::{exc, ObjId, Tid, Value};

fn target_tid(s: &State, id: ObjId) -> Option<Tid> {
    match s.obj(id) {
        Object::Thread(t) => t.tid,
        _ => None,
    }
}

fn join_patience(s: &State, args: &Args) -> PyResult<Patience> {
    args.check("join", &["timeout"])?;
    Ok(match timeout_arg(s, args.get(0, "timeout"))? {
        None => Patience::Forever,
        Some(t) if t <= 0.0 => Patience::NoWait,
        Some(_) => Patience::Timed,
    })
}

pub(super) fn poll(
    s: &State,
    tid: Tid,
    id: ObjId,
    method: Method,
    args: &Args,
) -> PyResult<Choices> {
    match method {
        Method::Join => {
            let p = join_patience(s, args)?;
            match target_tid(s, id) {
                Some(t) if t != tid => Ok(p.choices(s.threads[t as usize].done)),
                _ => Ok(GO), // raises
            }
        }
        _ => Ok(GO),
    }
}

/// The joiner learns everything the finished thread did.
fn learn_end(s: &mut State, tid: Tid, t: Tid) {
    let (from, to) = (s.threads[t as usize].agent, s.threads[tid as usize].agent);
    s.propagate(from, to);
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
    match method {
        Method::Start => {
            args.check("start", &[])?;
            let child = m.start_thread(s, tid, id, cx)?;
            cx.note(|| format!("starts {}", m.thread_name(s, child)));
            Ok(Value::None)
        }
        Method::Join => {
            join_patience(s, args)?;
            let Some(t) = target_tid(s, id) else {
                return Err(exc(
                    ExcType::RuntimeError,
                    "cannot join thread before it is started",
                ));
            };
            if t == tid {
                return Err(exc(ExcType::RuntimeError, "cannot join current thread"));
            }
            if choice == Choice::Go && s.threads[t as usize].done {
                learn_end(s, tid, t);
            }
            Ok(Value::None)
        }
        Method::IsAlive => {
            args.check("is_alive", &[])?;
            Ok(Value::Bool(match target_tid(s, id) {
                None => false,
                Some(t) if s.threads[t as usize].done => {
                    learn_end(s, tid, t);
                    false
                }
                Some(_) => true,
            }))
        }
        _ => Err(super::no_method(s, id, method)),
    }
}
