//! `threading.Lock` and `threading.RLock`.
//!
//! A Lock has no owner: any thread may release it, and its holder
//! re-acquiring it blocks forever. weft still remembers the last acquirer
//! (`holder`) to name it in reports. An RLock has an owner and a count.

use weft_model::{ExcType, Method};

use super::{Patience, GO};
use crate::machine::{Args, Choice, Choices, Ctx, Event, Machine};
use crate::ops::{self, PyResult};
use crate::state::{Object, State};
use crate::value::{exc, ObjId, Tid, Value};

/// `acquire(blocking=True, timeout=-1)`.
fn patience(s: &State, args: &Args) -> PyResult<Patience> {
    args.check("acquire", &["blocking", "timeout"])?;
    let blocking = args.get(0, "blocking").is_none_or(|v| ops::truthy(s, v));
    let timeout = match args.get(1, "timeout") {
        None => -1.0,
        Some(v) => v
            .as_f64()
            .ok_or_else(|| ops::type_error("timeout value must be a number"))?,
    };
    if !blocking && timeout != -1.0 {
        return Err(exc(
            ExcType::ValueError,
            "can't specify a timeout for a non-blocking call",
        ));
    }
    if timeout < 0.0 && timeout != -1.0 {
        return Err(exc(
            ExcType::ValueError,
            "timeout value must be a non-negative number",
        ));
    }
    Ok(if !blocking || timeout == 0.0 {
        Patience::NoWait
    } else if timeout > 0.0 {
        Patience::Timed
    } else {
        Patience::Forever
    })
}

/// Can `tid` take `lock` (a Lock or RLock) now?
pub(crate) fn available(s: &State, tid: Tid, lock: ObjId) -> bool {
    match s.obj(lock) {
        Object::Lock(l) => !l.locked,
        Object::RLock(r) => r.owner.is_none() || r.owner == Some(tid),
        _ => true,
    }
}

/// Threads holding `lock`.
pub fn held_by(s: &State, lock: ObjId) -> Vec<Tid> {
    match s.obj(lock) {
        Object::Lock(l) if l.locked => l.holder.into_iter().collect(),
        Object::RLock(r) => r.owner.into_iter().collect(),
        _ => vec![],
    }
}

/// Does `tid` own `lock` as `Condition` checks it? For a plain Lock CPython
/// can only ask whether anyone holds it.
pub(crate) fn owned(s: &State, tid: Tid, lock: ObjId) -> bool {
    match s.obj(lock) {
        Object::Lock(l) => l.locked,
        Object::RLock(r) => r.owner == Some(tid),
        _ => false,
    }
}

pub(super) fn poll(
    s: &State,
    tid: Tid,
    id: ObjId,
    method: Method,
    args: &Args,
) -> PyResult<Choices> {
    match method {
        Method::Acquire => Ok(patience(s, args)?.choices(available(s, tid, id))),
        _ => Ok(GO),
    }
}

/// Take `lock` for `tid` (`depth` times for an RLock), recording
/// happens-before and lock-order edges. The lock must be available.
pub(crate) fn take(m: &Machine, s: &mut State, tid: Tid, lock: ObjId, depth: u32, cx: &mut Ctx) {
    let reentrant = matches!(s.obj(lock), Object::RLock(r) if r.owner == Some(tid));
    if !reentrant {
        record_edges(m, s, tid, lock, cx);
        let site = m.site_now(s, tid);
        s.th_mut(tid as usize)
            .held_sites
            .0
            .push((lock, site.0, site.1));
    }
    match s.obj_mut(lock) {
        Object::Lock(l) => {
            l.locked = true;
            l.holder = Some(tid);
        }
        Object::RLock(r) => {
            r.owner = Some(tid);
            r.count += depth;
        }
        _ => {}
    }
    super::learn_from(s, tid, lock);
}

/// `tid` acquires `to` while holding other locks: one edge per held lock.
fn record_edges(m: &Machine, s: &State, tid: Tid, to: ObjId, cx: &mut Ctx) {
    let held: Vec<ObjId> = s.held_locks(tid).into_iter().filter(|&l| l != to).collect();
    if held.is_empty() {
        return;
    }
    let to_site = m.site_now(s, tid);
    let sites = &s.threads[tid as usize].held_sites.0;
    for &from in &held {
        let from_site = sites
            .iter()
            .find(|(l, _, _)| *l == from)
            .map(|(_, f, p)| (*f, *p))
            .unwrap_or(to_site);
        let gates = held.iter().copied().filter(|&g| g != from).collect();
        cx.events.push(Event::LockEdge {
            from,
            to,
            tid,
            from_site,
            to_site,
            gates,
        });
    }
}

/// Edges for a thread blocked forever acquiring `to` (seen at a deadlock).
pub(crate) fn blocked_edges(m: &Machine, s: &State, tid: Tid, to: ObjId, cx: &mut Ctx) {
    if !matches!(s.obj(to), Object::RLock(r) if r.owner == Some(tid)) {
        record_edges(m, s, tid, to, cx);
    }
}

/// Release `lock` completely for `tid` (Condition.wait), returning the depth to restore.
pub(crate) fn release_fully(s: &mut State, tid: Tid, lock: ObjId) -> u32 {
    let depth = match s.obj_mut(lock) {
        Object::Lock(l) => {
            l.locked = false;
            l.holder = None;
            1
        }
        Object::RLock(r) => {
            let d = r.count;
            r.owner = None;
            r.count = 0;
            d
        }
        _ => 0,
    };
    forget_site(s, lock);
    publish(s, tid, lock);
    depth
}

fn forget_site(s: &mut State, lock: ObjId) {
    for i in 0..s.threads.len() {
        if s.threads[i].held_sites.0.iter().any(|(l, _, _)| *l == lock) {
            s.th_mut(i).held_sites.0.retain(|(l, _, _)| *l != lock);
        }
    }
}

/// Release edge: what `tid` knows, the next acquirer of `obj` will know.
pub(crate) fn publish(s: &mut State, tid: Tid, obj: ObjId) {
    if let Some(a) = s.heap[obj as usize].agent {
        let t = s.threads[tid as usize].agent;
        s.propagate(t, a);
    }
}

/// `release()` of a Lock or RLock.
pub(crate) fn release(s: &mut State, tid: Tid, lock: ObjId) -> PyResult<()> {
    let fully = match s.obj_mut(lock) {
        Object::Lock(l) => {
            if !l.locked {
                return Err(exc(ExcType::RuntimeError, "release unlocked lock"));
            }
            l.locked = false;
            l.holder = None;
            true
        }
        Object::RLock(r) => {
            if r.owner != Some(tid) {
                return Err(exc(
                    ExcType::RuntimeError,
                    "cannot release un-acquired lock",
                ));
            }
            r.count -= 1;
            if r.count == 0 {
                r.owner = None;
            }
            r.count == 0
        }
        _ => return Ok(()),
    };
    if fully {
        forget_site(s, lock);
    }
    publish(s, tid, lock);
    Ok(())
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
    let is_rlock = matches!(s.obj(id), Object::RLock(_));
    match method {
        Method::Acquire => {
            patience(s, args)?;
            if choice == Choice::Go && available(s, tid, id) {
                take(m, s, tid, id, 1, cx);
                Ok(Value::Bool(true))
            } else {
                Ok(Value::Bool(false))
            }
        }
        Method::Release => {
            args.check("release", &[])?;
            release(s, tid, id)?;
            Ok(Value::None)
        }
        Method::Locked if !is_rlock => {
            args.check("locked", &[])?;
            Ok(Value::Bool(!available(s, u32::MAX, id)))
        }
        _ => Err(super::no_method(s, id, method)),
    }
}
