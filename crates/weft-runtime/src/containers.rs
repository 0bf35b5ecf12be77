//! Shared containers and attributes: subscripts, slices, `in`, and the
//! attributes of threads, barriers and exceptions. Each access to a shared
//! container records the location it touches (an element, or the
//! structure) for race detection.

use std::sync::Arc;

use weft_model::{AccessHint, Attr, ExcType};

use crate::machine::{Ctx, Machine};
use crate::ops::{self, PyResult};
use crate::state::{Object, State};
use crate::value::{exc, Tid, Value};

impl Machine<'_> {
    pub(crate) fn contains(
        &self,
        s: &mut State,
        tid: Tid,
        container: &Value,
        item: &Value,
        cx: &mut Ctx,
    ) -> PyResult<bool> {
        match container {
            Value::Str(h) => match item {
                Value::Str(n) => Ok(h.contains(&**n)),
                _ => Err(ops::type_error(format!(
                    "'in <string>' requires string as left operand, not {}",
                    ops::type_name(s, item)
                ))),
            },
            Value::Range(a, b, st) => Ok(match item.as_int() {
                Some(x) => {
                    let (a, b, st) = (*a, *b, *st);
                    let inside = if st > 0 {
                        x >= a && x < b
                    } else {
                        x <= a && x > b
                    };
                    inside && (x - a) % st == 0
                }
                None => false,
            }),
            Value::Obj(id) if matches!(s.obj(*id), Object::Dict(_)) => {
                ops::check_hashable(s, item)?;
                self.container_access(s, tid, *id, None, false, false, AccessHint::Check, cx);
                let Object::Dict(d) = s.obj(*id) else {
                    unreachable!()
                };
                Ok(ops::dict_find(s, d, item).is_some())
            }
            Value::Obj(id) if matches!(s.obj(*id), Object::List(_)) => {
                // `x in items` compares every element.
                self.container_read_all(s, tid, container, false, AccessHint::Check, cx);
                let Object::List(l) = s.obj(*id) else {
                    unreachable!()
                };
                Ok(l.iter().any(|x| ops::py_eq(s, x, item)))
            }
            other => {
                let items = ops::iterate(s, other).map_err(|_| {
                    ops::type_error(format!(
                        "argument of type '{}' is not iterable",
                        ops::type_name(s, other)
                    ))
                })?;
                Ok(items.iter().any(|x| ops::py_eq(s, x, item)))
            }
        }
    }

    pub(crate) fn container_name(&self, s: &State, c: &Value) -> String {
        match c {
            Value::Obj(id) => self.object_name(s, *id),
            other => ops::type_name(s, other).to_string(),
        }
    }

    pub(crate) fn subscript(
        &self,
        s: &mut State,
        tid: Tid,
        c: &Value,
        key: &Value,
        hint: AccessHint,
        cx: &mut Ctx,
    ) -> PyResult<Value> {
        match c {
            Value::Obj(id) => {
                let id = *id;
                match s.obj(id).clone() {
                    Object::List(l) => {
                        let i = seq_index(s, &l, key, "list")?;
                        self.container_access(s, tid, id, None, false, false, hint, cx);
                        self.container_access(
                            s,
                            tid,
                            id,
                            Some(&Value::Int(i as i64)),
                            false,
                            false,
                            hint,
                            cx,
                        );
                        Ok(l[i].clone())
                    }
                    Object::Dict(d) => {
                        ops::check_hashable(s, key)?;
                        self.container_access(s, tid, id, Some(key), false, false, hint, cx);
                        match ops::dict_find(s, &d, key) {
                            Some(i) => Ok(d[i].1.clone()),
                            None => {
                                self.container_access(s, tid, id, None, false, false, hint, cx);
                                Err(exc(ExcType::KeyError, ops::repr(self.prog, s, key)))
                            }
                        }
                    }
                    _ => Err(ops::type_error(format!(
                        "'{}' object is not subscriptable",
                        ops::type_name(s, c)
                    ))),
                }
            }
            Value::Tuple(t) => Ok(t[seq_index(s, t, key, "tuple")?].clone()),
            Value::Str(x) => {
                let chars: Vec<Value> = x
                    .chars()
                    .map(|ch| Value::Str(Arc::from(ch.to_string())))
                    .collect();
                Ok(chars[seq_index(s, &chars, key, "string")?].clone())
            }
            Value::Range(..) => {
                let items = ops::iterate(s, c)?;
                Ok(items[seq_index(s, &items, key, "range object")?].clone())
            }
            _ => Err(ops::type_error(format!(
                "'{}' object is not subscriptable",
                ops::type_name(s, c)
            ))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn store_subscript(
        &self,
        s: &mut State,
        tid: Tid,
        c: &Value,
        key: Value,
        v: Value,
        hint: AccessHint,
        cx: &mut Ctx,
    ) -> PyResult<()> {
        let Value::Obj(id) = c else {
            return Err(ops::type_error(format!(
                "'{}' object does not support item assignment",
                ops::type_name(s, c)
            )));
        };
        let id = *id;
        if s.heap[id as usize].shared {
            self.share(s, &v);
        }
        match s.obj(id).clone() {
            Object::List(l) => {
                let i = seq_index(s, &l, &key, "list")
                    .map_err(|_| exc(ExcType::IndexError, "list assignment index out of range"))?;
                self.container_access(s, tid, id, None, false, false, hint, cx);
                self.container_access(
                    s,
                    tid,
                    id,
                    Some(&Value::Int(i as i64)),
                    true,
                    false,
                    hint,
                    cx,
                );
                if let Object::List(l) = s.obj_mut(id) {
                    l[i] = v;
                }
                Ok(())
            }
            Object::Dict(d) => {
                ops::check_hashable(s, &key)?;
                let found = ops::dict_find(s, &d, &key);
                if found.is_none() {
                    // A new key changes the structure; atomic under the GIL.
                    self.container_access(s, tid, id, None, true, true, hint, cx);
                }
                self.container_access(s, tid, id, Some(&key), true, false, hint, cx);
                if let Object::Dict(d) = s.obj_mut(id) {
                    match found {
                        Some(i) => d[i].1 = v,
                        None => d.push((key, v)),
                    }
                }
                Ok(())
            }
            _ => Err(ops::type_error(format!(
                "'{}' object does not support item assignment",
                ops::type_name(s, c)
            ))),
        }
    }

    pub(crate) fn delete_subscript(
        &self,
        s: &mut State,
        tid: Tid,
        c: &Value,
        key: &Value,
        cx: &mut Ctx,
    ) -> PyResult<()> {
        let Value::Obj(id) = c else {
            return Err(ops::type_error(format!(
                "'{}' object does not support item deletion",
                ops::type_name(s, c)
            )));
        };
        let id = *id;
        match s.obj(id).clone() {
            Object::List(l) => {
                let i = seq_index(s, &l, key, "list")
                    .map_err(|_| exc(ExcType::IndexError, "list assignment index out of range"))?;
                self.container_access(s, tid, id, None, true, false, AccessHint::Plain, cx);
                if let Object::List(l) = s.obj_mut(id) {
                    l.remove(i);
                }
                Ok(())
            }
            Object::Dict(d) => {
                ops::check_hashable(s, key)?;
                let Some(i) = ops::dict_find(s, &d, key) else {
                    return Err(exc(ExcType::KeyError, ops::repr(self.prog, s, key)));
                };
                self.container_access(s, tid, id, None, true, false, AccessHint::Plain, cx);
                self.container_access(s, tid, id, Some(key), true, false, AccessHint::Plain, cx);
                if let Object::Dict(d) = s.obj_mut(id) {
                    d.remove(i);
                }
                Ok(())
            }
            _ => Err(ops::type_error(format!(
                "'{}' object does not support item deletion",
                ops::type_name(s, c)
            ))),
        }
    }

    pub(crate) fn slice(
        &self,
        s: &mut State,
        tid: Tid,
        c: &Value,
        lower: &Value,
        upper: &Value,
        cx: &mut Ctx,
    ) -> PyResult<Value> {
        self.container_read_all(s, tid, c, false, AccessHint::Plain, cx);
        let items = match c {
            Value::Str(_) | Value::Tuple(_) | Value::Range(..) => ops::iterate(s, c)?,
            Value::Obj(id) if matches!(s.obj(*id), Object::List(_)) => ops::iterate(s, c)?,
            _ => {
                return Err(ops::type_error(format!(
                    "'{}' object is not subscriptable",
                    ops::type_name(s, c)
                )))
            }
        };
        let n = items.len() as i64;
        let bound = |v: &Value, default: i64| -> PyResult<i64> {
            match v {
                Value::None => Ok(default),
                v => match v.as_int() {
                    Some(i) => Ok(if i < 0 { (i + n).max(0) } else { i.min(n) }),
                    None => Err(ops::type_error("slice indices must be integers or None")),
                },
            }
        };
        let (a, b) = (bound(lower, 0)? as usize, bound(upper, n)? as usize);
        let part: Vec<Value> = if a < b { items[a..b].to_vec() } else { vec![] };
        Ok(match c {
            Value::Str(_) => Value::Str(Arc::from(
                part.iter()
                    .map(|v| ops::to_str(self.prog, s, v))
                    .collect::<String>(),
            )),
            Value::Tuple(_) => Value::tuple(part),
            _ => Value::Obj(s.alloc(Object::List(part))),
        })
    }

    pub(crate) fn load_attr(&self, s: &State, o: &Value, attr: Attr) -> PyResult<Value> {
        if let Value::Obj(id) = o {
            if let Object::Thread(t) = s.obj(*id) {
                return Ok(match attr {
                    Attr::Name => Value::Str(t.name.clone()),
                    Attr::Daemon => Value::Bool(t.daemon),
                    Attr::Ident => t
                        .tid
                        .map(|x| Value::Int(x as i64 + 1))
                        .unwrap_or(Value::None),
                    Attr::Args => Value::tuple(t.args.clone()),
                    _ => return Err(no_attr(s, o, attr)),
                });
            }
            if let Object::Barrier(b) = s.obj(*id) {
                use crate::state::BarrierPhase;
                return Ok(match attr {
                    Attr::Parties => Value::Int(b.parties as i64),
                    Attr::NWaiting => Value::Int(if b.phase == BarrierPhase::Filling {
                        b.count as i64
                    } else {
                        0
                    }),
                    Attr::Broken => Value::Bool(b.phase == BarrierPhase::Broken),
                    _ => return Err(no_attr(s, o, attr)),
                });
            }
        }
        if let (Value::Exc(e), Attr::Args) = (o, attr) {
            return Ok(if e.msg.is_empty() {
                Value::tuple(vec![])
            } else {
                Value::tuple(vec![Value::Str(e.msg.clone())])
            });
        }
        Err(exc(
            ExcType::AttributeError,
            format!(
                "'{}' object has no attribute '{}'",
                ops::type_name(s, o),
                attr.name()
            ),
        ))
    }

    pub(crate) fn store_attr(
        &self,
        s: &mut State,
        o: &Value,
        attr: Attr,
        v: Value,
    ) -> PyResult<()> {
        if let Value::Obj(id) = o {
            let id = *id;
            if let Object::Thread(t) = s.obj(id) {
                let started = t.tid.is_some();
                match attr {
                    Attr::Daemon => {
                        if started {
                            return Err(exc(
                                ExcType::RuntimeError,
                                "cannot set daemon status of active thread",
                            ));
                        }
                        let d = ops::truthy(s, &v);
                        if let Object::Thread(t) = s.obj_mut(id) {
                            t.daemon = d;
                        }
                        return Ok(());
                    }
                    Attr::Name => {
                        let name = ops::to_str(self.prog, s, &v);
                        if let Object::Thread(t) = s.obj_mut(id) {
                            t.name = Arc::from(name);
                        }
                        return Ok(());
                    }
                    _ => {}
                }
            }
        }
        Err(exc(
            ExcType::AttributeError,
            format!(
                "'{}' object attribute '{}' is read-only",
                ops::type_name(s, o),
                attr.name()
            ),
        ))
    }
}

pub(crate) fn no_attr(s: &State, o: &Value, attr: Attr) -> Value {
    exc(
        ExcType::AttributeError,
        format!(
            "'{}' object has no attribute '{}'",
            ops::type_name(s, o),
            attr.name()
        ),
    )
}

pub(crate) fn seq_index(s: &State, items: &[Value], key: &Value, what: &str) -> PyResult<usize> {
    let Some(i) = key.as_int() else {
        return Err(ops::type_error(format!(
            "{what} indices must be integers or slices, not {}",
            ops::type_name(s, key)
        )));
    };
    let n = items.len() as i64;
    let j = if i < 0 { i + n } else { i };
    if j < 0 || j >= n {
        return Err(exc(
            ExcType::IndexError,
            format!("{what} index out of range"),
        ));
    }
    Ok(j as usize)
}
