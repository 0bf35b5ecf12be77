//! Methods of lists, dicts and strings. Each list or dict method call is
//! one atomic operation on the container (it holds the GIL throughout), so
//! two of them never race; synchronisation objects' methods are in
//! `primitives`.

use std::sync::Arc;

use weft_model::{AccessHint, ExcType, Method};

use crate::builtins::{arity, dict_set, insert_pairs};
use crate::machine::{Args, CallResult, Choice, Ctx, Machine};
use crate::ops::{self, PyResult};
use crate::primitives;
use crate::sort::{reverse_kw, sort_values};
use crate::state::{Object, State};
use crate::value::{exc, ObjId, Tid, Value};

/// `recv.method(args)`.
#[allow(clippy::too_many_arguments)]
pub fn call_method(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    recv: &Value,
    method: Method,
    args: &Args,
    choice: Choice,
    cx: &mut Ctx,
) -> PyResult<CallResult> {
    let no_attr = |s: &State| {
        exc(
            ExcType::AttributeError,
            format!(
                "'{}' object has no attribute '{}'",
                ops::type_name(s, recv),
                method.name()
            ),
        )
    };
    match recv {
        Value::Obj(id) => {
            let id = *id;
            match s.obj(id) {
                Object::List(_) => {
                    list_method(m, s, tid, id, method, args, cx).map(CallResult::Return)
                }
                Object::Dict(_) => {
                    dict_method(m, s, tid, id, method, args, cx).map(CallResult::Return)
                }
                _ => primitives::call(m, s, tid, id, method, args, choice, cx),
            }
        }
        Value::Str(x) => str_method(m, s, x, method, args).map(CallResult::Return),
        _ => Err(no_attr(s)),
    }
}

fn list_method(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    id: ObjId,
    method: Method,
    args: &Args,
    cx: &mut Ctx,
) -> PyResult<Value> {
    let a = &args.pos;
    let name = m.container_name(s, &Value::Obj(id));
    let shared = s.heap[id as usize].shared;
    let mutating = matches!(
        method,
        Method::Append
            | Method::Pop
            | Method::Insert
            | Method::Remove
            | Method::Clear
            | Method::Extend
            | Method::Sort
            | Method::Reverse
    );
    if !matches!(
        method,
        Method::Append
            | Method::Pop
            | Method::Insert
            | Method::Remove
            | Method::Clear
            | Method::Extend
            | Method::Index
            | Method::Count
            | Method::Sort
            | Method::Reverse
            | Method::Copy
    ) {
        return Err(exc(
            ExcType::AttributeError,
            format!("'list' object has no attribute '{}'", method.name()),
        ));
    }
    // One atomic operation on the list's structure (GIL); the ones that
    // read every element say so.
    if matches!(method, Method::Index | Method::Count | Method::Copy) {
        m.container_read_all(s, tid, &Value::Obj(id), true, AccessHint::Plain, cx);
    } else {
        m.container_access(s, tid, id, None, mutating, true, AccessHint::Plain, cx);
    }
    if shared {
        for v in a {
            m.share(s, v);
        }
    }
    let Object::List(l) = s.obj(id).clone() else {
        unreachable!()
    };
    let mut l = l;
    let ret = match method {
        Method::Append => {
            arity("list.append", args, 1, 1)?;
            l.push(a[0].clone());
            Value::None
        }
        Method::Pop => {
            arity("pop", args, 0, 1)?;
            if l.is_empty() {
                return Err(exc(ExcType::IndexError, "pop from empty list"));
            }
            let i = match a.first() {
                None => l.len() - 1,
                Some(v) => {
                    let i = v
                        .as_int()
                        .ok_or_else(|| ops::type_error("'list' indices must be integers"))?;
                    let j = if i < 0 { i + l.len() as i64 } else { i };
                    if j < 0 || j >= l.len() as i64 {
                        return Err(exc(ExcType::IndexError, "pop index out of range"));
                    }
                    j as usize
                }
            };
            l.remove(i)
        }
        Method::Insert => {
            arity("insert", args, 2, 2)?;
            let i = a[0]
                .as_int()
                .ok_or_else(|| ops::type_error("'list' indices must be integers"))?;
            let n = l.len() as i64;
            let j = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
            l.insert(j, a[1].clone());
            Value::None
        }
        Method::Remove => {
            arity("list.remove", args, 1, 1)?;
            match l.iter().position(|x| ops::py_eq(s, x, &a[0])) {
                Some(i) => {
                    l.remove(i);
                }
                None => return Err(exc(ExcType::ValueError, "list.remove(x): x not in list")),
            }
            Value::None
        }
        Method::Clear => {
            arity("list.clear", args, 0, 0)?;
            l.clear();
            Value::None
        }
        Method::Extend => {
            arity("list.extend", args, 1, 1)?;
            let items = ops::iterate(s, &a[0])?;
            if shared {
                for v in &items {
                    m.share(s, v);
                }
            }
            l.extend(items);
            Value::None
        }
        Method::Index => {
            arity("list.index", args, 1, 1)?;
            match l.iter().position(|x| ops::py_eq(s, x, &a[0])) {
                Some(i) => Value::Int(i as i64),
                None => {
                    return Err(exc(
                        ExcType::ValueError,
                        format!("{} is not in list", ops::repr(m.prog, s, &a[0])),
                    ))
                }
            }
        }
        Method::Count => {
            arity("list.count", args, 1, 1)?;
            Value::Int(l.iter().filter(|x| ops::py_eq(s, x, &a[0])).count() as i64)
        }
        Method::Sort => {
            sort_values(s, &mut l, reverse_kw(s, args))?;
            Value::None
        }
        Method::Reverse => {
            l.reverse();
            Value::None
        }
        Method::Copy => {
            let c = l.clone();
            Value::Obj(s.alloc(Object::List(c)))
        }
        _ => unreachable!(),
    };
    note_call(m, s, cx, &name, method, a, &ret);
    // Only a mutating call writes back: a read leaves the shared object as is.
    if mutating {
        if let Object::List(dst) = s.obj_mut(id) {
            *dst = l;
        }
    }
    Ok(ret)
}

fn dict_method(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    id: ObjId,
    method: Method,
    args: &Args,
    cx: &mut Ctx,
) -> PyResult<Value> {
    let a = &args.pos;
    let name = m.container_name(s, &Value::Obj(id));
    let shared = s.heap[id as usize].shared;
    let mutating = matches!(
        method,
        Method::Pop | Method::SetDefault | Method::Update | Method::Clear
    );
    if !matches!(
        method,
        Method::Get
            | Method::Keys
            | Method::Values
            | Method::Items
            | Method::Pop
            | Method::SetDefault
            | Method::Update
            | Method::Clear
            | Method::Copy
    ) {
        return Err(exc(
            ExcType::AttributeError,
            format!("'dict' object has no attribute '{}'", method.name()),
        ));
    }
    // A keyed operation touches that element; the others the whole structure.
    match (method, a.first()) {
        (Method::Get | Method::Pop | Method::SetDefault, Some(k)) => {
            ops::check_hashable(s, k)?;
            m.container_access(s, tid, id, Some(k), mutating, true, AccessHint::Plain, cx);
            m.container_access(s, tid, id, None, mutating, true, AccessHint::Plain, cx);
        }
        (Method::Values | Method::Items | Method::Copy, _) => {
            m.container_read_all(s, tid, &Value::Obj(id), true, AccessHint::Plain, cx)
        }
        _ => m.container_access(s, tid, id, None, mutating, true, AccessHint::Plain, cx),
    }
    if shared {
        for v in a {
            m.share(s, v);
        }
    }
    let Object::Dict(d) = s.obj(id).clone() else {
        unreachable!()
    };
    let mut d = d;
    let ret = match method {
        Method::Get => {
            arity("get", args, 1, 2)?;
            match ops::dict_find(s, &d, &a[0]) {
                Some(i) => d[i].1.clone(),
                None => a.get(1).cloned().unwrap_or(Value::None),
            }
        }
        Method::Keys | Method::Values | Method::Items => {
            arity(method.name(), args, 0, 0)?;
            let items: Vec<Value> = d
                .iter()
                .map(|(k, v)| match method {
                    Method::Keys => k.clone(),
                    Method::Values => v.clone(),
                    _ => Value::tuple(vec![k.clone(), v.clone()]),
                })
                .collect();
            Value::Obj(s.alloc(Object::List(items)))
        }
        Method::Pop => {
            arity("pop", args, 1, 2)?;
            match ops::dict_find(s, &d, &a[0]) {
                Some(i) => d.remove(i).1,
                None => match a.get(1) {
                    Some(v) => v.clone(),
                    None => return Err(exc(ExcType::KeyError, ops::repr(m.prog, s, &a[0]))),
                },
            }
        }
        Method::SetDefault => {
            arity("setdefault", args, 1, 2)?;
            match ops::dict_find(s, &d, &a[0]) {
                Some(i) => d[i].1.clone(),
                None => {
                    let v = a.get(1).cloned().unwrap_or(Value::None);
                    d.push((a[0].clone(), v.clone()));
                    v
                }
            }
        }
        Method::Update => {
            if a.len() > 1 {
                return Err(ops::type_error(format!(
                    "update expected at most 1 argument, got {}",
                    a.len()
                )));
            }
            if let Err(e) = update_from(s, &mut d, a.first(), &args.kw) {
                // CPython keeps the pairs it took before the one that failed.
                if let Object::Dict(dst) = s.obj_mut(id) {
                    *dst = d;
                }
                return Err(e);
            }
            Value::None
        }
        Method::Clear => {
            d.clear();
            Value::None
        }
        Method::Copy => {
            let c = d.clone();
            Value::Obj(s.alloc(Object::Dict(c)))
        }
        _ => unreachable!(),
    };
    note_call(m, s, cx, &name, method, a, &ret);
    if mutating {
        if let Object::Dict(dst) = s.obj_mut(id) {
            *dst = d;
        }
    }
    Ok(ret)
}

fn str_method(m: &Machine, s: &mut State, x: &str, method: Method, args: &Args) -> PyResult<Value> {
    let a = &args.pos;
    let st = |t: String| Value::Str(Arc::from(t));
    Ok(match method {
        Method::Join => {
            arity("join", args, 1, 1)?;
            let items = ops::iterate(s, &a[0])?;
            let mut parts = vec![];
            for (i, it) in items.iter().enumerate() {
                match it {
                    Value::Str(p) => parts.push(p.to_string()),
                    other => {
                        return Err(ops::type_error(format!(
                            "sequence item {i}: expected str instance, {} found",
                            ops::type_name(s, other)
                        )))
                    }
                }
            }
            st(parts.join(x))
        }
        Method::Upper => st(x.to_uppercase()),
        Method::Lower => st(x.to_lowercase()),
        Method::Strip => st(x.trim().to_string()),
        Method::Split => {
            let parts: Vec<Value> = match a.first() {
                Some(Value::Str(sep)) if !sep.is_empty() => {
                    x.split(&**sep).map(|p| st(p.to_string())).collect()
                }
                _ => x.split_whitespace().map(|p| st(p.to_string())).collect(),
            };
            Value::Obj(s.alloc(Object::List(parts)))
        }
        Method::StartsWith | Method::EndsWith => match a.first() {
            Some(Value::Str(p)) => Value::Bool(if method == Method::StartsWith {
                x.starts_with(&**p)
            } else {
                x.ends_with(&**p)
            }),
            _ => {
                return Err(ops::type_error(format!(
                    "{}() argument must be str",
                    method.name()
                )))
            }
        },
        Method::Format => {
            // Positional `{}` / `{0}` fields only.
            let mut out = String::new();
            let mut auto = 0;
            let mut chars = x.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '{' if chars.peek() == Some(&'{') => {
                        chars.next();
                        out.push('{');
                    }
                    '}' if chars.peek() == Some(&'}') => {
                        chars.next();
                        out.push('}');
                    }
                    '{' => {
                        let mut field = String::new();
                        for c in chars.by_ref() {
                            if c == '}' {
                                break;
                            }
                            field.push(c);
                        }
                        let (name, spec) = field.split_once(':').unwrap_or((&field, ""));
                        let v = if name.is_empty() {
                            auto += 1;
                            a.get(auto - 1)
                        } else if let Ok(i) = name.parse::<usize>() {
                            a.get(i)
                        } else {
                            args.kw.iter().find(|(k, _)| &**k == name).map(|(_, v)| v)
                        };
                        let v = v.ok_or_else(|| {
                            exc(
                                ExcType::IndexError,
                                "Replacement index out of range for positional args tuple",
                            )
                        })?;
                        out.push_str(&ops::format_spec(m.prog, s, v, spec)?);
                    }
                    c => out.push(c),
                }
            }
            st(out)
        }
        _ => {
            return Err(exc(
                ExcType::AttributeError,
                format!("'str' object has no attribute '{}'", method.name()),
            ))
        }
    })
}

/// The trace note of a container method call: `items.append(3) → None`.
fn note_call(
    m: &Machine,
    s: &State,
    cx: &mut Ctx,
    name: &str,
    method: Method,
    args: &[Value],
    ret: &Value,
) {
    cx.note(|| {
        let args: Vec<String> = args.iter().map(|v| ops::repr(m.prog, s, v)).collect();
        format!(
            "{name}.{}({}) → {}",
            method.name(),
            args.join(", "),
            ops::repr(m.prog, s, ret)
        )
    });
}

/// `dict.update(arg, **kw)` into `d`: a dict's items, or an iterable of
/// two-item iterables, then the keyword arguments, one pair at a time and
/// with CPython's errors (the pairs before a failing one stay in `d`).
fn update_from(
    s: &State,
    d: &mut Vec<(Value, Value)>,
    arg: Option<&Value>,
    kw: &[(Arc<str>, Value)],
) -> PyResult<()> {
    match arg {
        None => {}
        Some(Value::Obj(o)) if matches!(s.obj(*o), Object::Dict(_)) => {
            let Object::Dict(src) = s.obj(*o).clone() else {
                unreachable!()
            };
            for (k, v) in src {
                dict_set(s, d, k, v)?;
            }
        }
        Some(arg) => insert_pairs(s, d, &ops::iterate(s, arg)?)?,
    }
    for (k, v) in kw {
        dict_set(s, d, Value::Str(k.clone()), v.clone())?;
    }
    Ok(())
}
