//! Builtin functions, constructors of the threading/queue objects, and
//! methods of lists, dicts and strings. Synchronisation objects' methods are
//! in `primitives`.

use std::collections::VecDeque;
use std::sync::Arc;

use weft_model::{AccessHint, Builtin, BuiltinFn, ExcType, QueueName, ThreadingName, TimeName};

use crate::machine::{Args, Ctx, Machine};
use crate::ops::{self, PyResult};
use crate::primitives;
use crate::sort::{reverse_kw, sort_values};
use crate::state::{
    CondState, EventState, LockState, Object, QueueState, RLockState, SemState, State, ThreadObj,
};
use crate::value::{exc, Tid, Value, F64};

/// Does calling `callee` with `args` touch shared state (so it is a step)?
pub fn call_is_step(callee: &Value, args: &[&Value], shared: impl Fn(&Value) -> bool) -> bool {
    match callee {
        Value::Builtin(Builtin::Time(TimeName::Sleep)) => true,
        Value::Builtin(Builtin::Threading(ThreadingName::ActiveCount)) => true,
        Value::Builtin(Builtin::Fn(f)) => {
            !matches!(f, BuiltinFn::Range | BuiltinFn::IsInstance) && args.iter().any(|a| shared(a))
        }
        _ => false,
    }
}

pub(crate) fn arity(name: &str, args: &Args, min: usize, max: usize) -> PyResult<()> {
    let n = args.pos.len();
    if !args.kw.is_empty() {
        return Err(ops::type_error(format!(
            "{name}() takes no keyword arguments"
        )));
    }
    if n < min || n > max {
        let expected = if min == max {
            format!("exactly {min}")
        } else if n < min {
            format!("at least {min}")
        } else {
            format!("at most {max}")
        };
        return Err(ops::type_error(format!(
            "{name}() takes {expected} argument{} ({n} given)",
            if (if n < min { min } else { max }) == 1 {
                ""
            } else {
                "s"
            }
        )));
    }
    Ok(())
}

impl Machine<'_> {
    /// Read a container argument of a builtin (a structure read of a shared container).
    fn read_all(&self, s: &mut State, tid: Tid, v: &Value, cx: &mut Ctx) -> PyResult<Vec<Value>> {
        self.container_read_all(s, tid, v, false, AccessHint::Plain, cx);
        ops::iterate(s, v)
    }
}

pub fn call_builtin(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    b: Builtin,
    args: &Args,
    cx: &mut Ctx,
) -> PyResult<Value> {
    match b {
        Builtin::Fn(f) => call_fn(m, s, tid, f, args, cx),
        Builtin::Exc(t) => {
            if !args.kw.is_empty() {
                return Err(ops::type_error(format!(
                    "{}() takes no keyword arguments",
                    t.name()
                )));
            }
            let msg = match args.pos.len() {
                0 => String::new(),
                // KeyError's str() is the repr of its key.
                1 if t == ExcType::KeyError => ops::repr(m.prog, s, &args.pos[0]),
                1 => ops::to_str(m.prog, s, &args.pos[0]),
                _ => ops::repr(m.prog, s, &Value::tuple(args.pos.clone())),
            };
            Ok(exc(t, msg))
        }
        Builtin::Time(TimeName::Sleep) => {
            arity("sleep", args, 1, 1)?;
            match args.pos[0].as_f64() {
                Some(x) if x < 0.0 => Err(exc(
                    ExcType::ValueError,
                    "sleep length must be non-negative",
                )),
                Some(_) => {
                    cx.yielded = true;
                    cx.note(|| "time.sleep(): yields".into());
                    Ok(Value::None)
                }
                None => Err(ops::type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    ops::type_name(s, &args.pos[0])
                ))),
            }
        }
        Builtin::Time(t) => Err(ops::type_error(format!(
            "time.{}() is not supported by weft",
            t.name()
        ))),
        Builtin::Threading(t) => threading_call(m, s, tid, t, args, cx),
        Builtin::Queue(QueueName::Queue) => {
            args.check("Queue", &["maxsize"])?;
            let maxsize = match args.get(0, "maxsize") {
                None => 0,
                Some(v) => v
                    .as_int()
                    .ok_or_else(|| ops::type_error("maxsize must be an integer"))?,
            };
            let id = s.alloc(Object::Queue(QueueState {
                items: VecDeque::new(),
                maxsize,
                unfinished: 0,
            }));
            Ok(Value::Obj(id))
        }
        Builtin::Queue(q) => Err(ops::type_error(format!(
            "queue.{} is not supported yet",
            q.name()
        ))),
    }
}

fn threading_call(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    t: ThreadingName,
    args: &Args,
    cx: &mut Ctx,
) -> PyResult<Value> {
    let _ = cx;
    let alloc = |s: &mut State, o: Object| Value::Obj(s.alloc(o));
    match t {
        ThreadingName::Lock => {
            arity("Lock", args, 0, 0)?;
            Ok(alloc(s, Object::Lock(LockState::default())))
        }
        ThreadingName::RLock => {
            arity("RLock", args, 0, 0)?;
            Ok(alloc(s, Object::RLock(RLockState::default())))
        }
        ThreadingName::Condition => {
            args.check("Condition", &["lock"])?;
            let lock = match args.get(0, "lock") {
                None | Some(Value::None) => s.alloc(Object::RLock(RLockState::default())),
                Some(Value::Obj(id))
                    if matches!(s.obj(*id), Object::Lock(_) | Object::RLock(_)) =>
                {
                    *id
                }
                Some(other) => {
                    return Err(exc(
                        ExcType::AttributeError,
                        format!(
                            "'{}' object has no attribute 'acquire'",
                            ops::type_name(s, other)
                        ),
                    ))
                }
            };
            Ok(alloc(
                s,
                Object::Condition(CondState {
                    lock,
                    waiters: vec![],
                }),
            ))
        }
        ThreadingName::Semaphore | ThreadingName::BoundedSemaphore => {
            let name = t.name();
            args.check(name, &["value"])?;
            let value = match args.get(0, "value") {
                None => 1,
                Some(v) => v
                    .as_int()
                    .ok_or_else(|| ops::type_error("'value' must be an integer"))?,
            };
            if value < 0 {
                return Err(exc(
                    ExcType::ValueError,
                    "semaphore initial value must be >= 0",
                ));
            }
            let value = u32::try_from(value)
                .map_err(|_| exc(ExcType::OverflowError, "semaphore value too large for weft"))?;
            let bound = (t == ThreadingName::BoundedSemaphore).then_some(value);
            Ok(alloc(s, Object::Semaphore(SemState { value, bound })))
        }
        ThreadingName::Event => {
            arity("Event", args, 0, 0)?;
            Ok(alloc(s, Object::Event(EventState::default())))
        }
        ThreadingName::Thread => {
            args.check(
                "Thread",
                &["group", "target", "name", "args", "kwargs", "daemon"],
            )?;
            let target = args.get(1, "target").cloned().unwrap_or(Value::None);
            let targs = match args.get(3, "args") {
                None => vec![],
                Some(v) => ops::iterate(s, v)?,
            };
            let kwargs = match args.get(4, "kwargs") {
                None | Some(Value::None) => vec![],
                Some(Value::Obj(id)) => match s.obj(*id) {
                    Object::Dict(d) => d
                        .iter()
                        .map(|(k, v)| match k {
                            Value::Str(k) => Ok((k.clone(), v.clone())),
                            _ => Err(ops::type_error("keywords must be strings")),
                        })
                        .collect::<PyResult<Vec<_>>>()?,
                    _ => return Err(ops::type_error("Thread() kwargs must be a dict")),
                },
                Some(_) => return Err(ops::type_error("Thread() kwargs must be a dict")),
            };
            s.thread_counter += 1;
            let name = match args.get(2, "name") {
                Some(Value::None) | None => match &target {
                    Value::Func(f) => {
                        format!("Thread-{} ({})", s.thread_counter, m.prog.function(*f).name)
                    }
                    _ => format!("Thread-{}", s.thread_counter),
                },
                Some(v) => ops::to_str(m.prog, s, v),
            };
            let daemon = match args.get(5, "daemon") {
                None | Some(Value::None) => s.threads[tid as usize].daemon,
                Some(v) => ops::truthy(s, v),
            };
            let obj = ThreadObj {
                target,
                args: targs,
                kwargs,
                name: Arc::from(name),
                daemon,
                tid: None,
            };
            Ok(alloc(s, Object::Thread(obj)))
        }
        ThreadingName::CurrentThread => {
            arity("current_thread", args, 0, 0)?;
            Ok(Value::Obj(s.threads[tid as usize].obj))
        }
        ThreadingName::MainThread => {
            arity("main_thread", args, 0, 0)?;
            Ok(Value::Obj(s.threads[0].obj))
        }
        ThreadingName::GetIdent => Ok(Value::Int(tid as i64 + 1)),
        ThreadingName::ActiveCount => Ok(Value::Int(
            s.threads.iter().filter(|t| !t.done).count() as i64
        )),
        ThreadingName::Barrier => {
            let b = primitives::construct_barrier(s, args)?;
            Ok(alloc(s, Object::Barrier(b)))
        }
        ThreadingName::Timer | ThreadingName::Local => Err(ops::type_error(format!(
            "threading.{} is not supported yet",
            t.name()
        ))),
    }
}

fn call_fn(
    m: &Machine,
    s: &mut State,
    tid: Tid,
    f: BuiltinFn,
    args: &Args,
    cx: &mut Ctx,
) -> PyResult<Value> {
    let p = m.prog;
    let a = &args.pos;
    match f {
        BuiltinFn::Print => {
            args.check("print", &[]).or_else(|_| {
                if args
                    .kw
                    .iter()
                    .all(|(k, _)| matches!(&**k, "sep" | "end" | "flush"))
                {
                    Ok(())
                } else {
                    Err(ops::type_error(
                        "print() got an unexpected keyword argument",
                    ))
                }
            })?;
            let sep = args
                .kw
                .iter()
                .find(|(k, _)| &**k == "sep")
                .map(|(_, v)| ops::to_str(p, s, v))
                .unwrap_or(" ".into());
            for v in a {
                m.container_read_all(s, tid, v, false, AccessHint::Plain, cx);
            }
            let text = a
                .iter()
                .map(|v| ops::to_str(p, s, v))
                .collect::<Vec<_>>()
                .join(&sep);
            cx.note_always(|| format!("print: {text}"));
            Ok(Value::None)
        }
        BuiltinFn::Len => {
            arity("len", args, 1, 1)?;
            let v = &a[0];
            let n = match v {
                Value::Str(x) => x.chars().count(),
                Value::Tuple(t) => t.len(),
                Value::Range(x, y, z) => ops::range_len(*x, *y, *z) as usize,
                Value::Obj(id) => {
                    let id = *id;
                    m.container_access(s, tid, id, None, false, false, AccessHint::Plain, cx);
                    match s.obj(id) {
                        Object::List(l) => l.len(),
                        Object::Dict(d) => d.len(),
                        _ => {
                            return Err(ops::type_error(format!(
                                "object of type '{}' has no len()",
                                ops::type_name(s, v)
                            )))
                        }
                    }
                }
                _ => {
                    return Err(ops::type_error(format!(
                        "object of type '{}' has no len()",
                        ops::type_name(s, v)
                    )))
                }
            };
            cx.note(|| format!("len({}) → {n}", m.container_name(s, v)));
            Ok(Value::Int(n as i64))
        }
        BuiltinFn::Range => {
            arity("range", args, 1, 3)?;
            let ints: Vec<i64> = a
                .iter()
                .map(|v| {
                    v.as_int().ok_or_else(|| {
                        ops::type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            ops::type_name(s, v)
                        ))
                    })
                })
                .collect::<PyResult<_>>()?;
            let (start, stop, step) = match ints.len() {
                1 => (0, ints[0], 1),
                2 => (ints[0], ints[1], 1),
                _ => (ints[0], ints[1], ints[2]),
            };
            if step == 0 {
                return Err(exc(ExcType::ValueError, "range() arg 3 must not be zero"));
            }
            Ok(Value::Range(start, stop, step))
        }
        BuiltinFn::Int => {
            arity("int", args, 0, 1)?;
            Ok(match a.first() {
                None => Value::Int(0),
                Some(Value::Float(x)) => {
                    if !x.0.is_finite() {
                        return Err(exc(ExcType::OverflowError, "cannot convert float infinity to integer"));
                    }
                    Value::Int(x.0.trunc() as i64)
                }
                Some(Value::Str(t)) => Value::Int(t.trim().replace('_', "").parse::<i64>().map_err(|_| {
                    exc(ExcType::ValueError, format!("invalid literal for int() with base 10: {}", crate::value::str_repr(t)))
                })?),
                Some(v) if v.as_int().is_some() => Value::Int(v.as_int().unwrap()),
                Some(v) => return Err(ops::type_error(format!("int() argument must be a string, a bytes-like object or a real number, not '{}'", ops::type_name(s, v)))),
            })
        }
        BuiltinFn::Float => {
            arity("float", args, 0, 1)?;
            Ok(Value::Float(F64(match a.first() {
                None => 0.0,
                Some(Value::Str(t)) => t.trim().parse::<f64>().map_err(|_| {
                    exc(
                        ExcType::ValueError,
                        format!(
                            "could not convert string to float: {}",
                            crate::value::str_repr(t)
                        ),
                    )
                })?,
                Some(v) => v.as_f64().ok_or_else(|| {
                    ops::type_error(format!(
                        "float() argument must be a string or a real number, not '{}'",
                        ops::type_name(s, v)
                    ))
                })?,
            })))
        }
        BuiltinFn::Str => {
            arity("str", args, 0, 1)?;
            if let Some(v) = a.first() {
                m.container_read_all(s, tid, v, false, AccessHint::Plain, cx);
            }
            Ok(Value::Str(Arc::from(
                a.first().map(|v| ops::to_str(p, s, v)).unwrap_or_default(),
            )))
        }
        BuiltinFn::Repr => {
            arity("repr", args, 1, 1)?;
            m.container_read_all(s, tid, &a[0], false, AccessHint::Plain, cx);
            Ok(Value::Str(Arc::from(ops::repr(p, s, &a[0]))))
        }
        BuiltinFn::Bool => {
            arity("bool", args, 0, 1)?;
            if let Some(Value::Obj(id)) = a.first() {
                m.container_access(s, tid, *id, None, false, false, AccessHint::Plain, cx);
            }
            Ok(Value::Bool(a.first().is_some_and(|v| ops::truthy(s, v))))
        }
        BuiltinFn::Abs => {
            arity("abs", args, 1, 1)?;
            match &a[0] {
                Value::Float(x) => Ok(Value::Float(F64(x.0.abs()))),
                v if v.as_int().is_some() => {
                    Ok(Value::Int(v.as_int().unwrap().checked_abs().ok_or_else(
                        || exc(ExcType::OverflowError, "integer overflow"),
                    )?))
                }
                v => Err(ops::type_error(format!(
                    "bad operand type for abs(): '{}'",
                    ops::type_name(s, v)
                ))),
            }
        }
        BuiltinFn::Min | BuiltinFn::Max => {
            let name = f.name();
            if a.is_empty() {
                return Err(ops::type_error(format!(
                    "{name} expected at least 1 argument, got 0"
                )));
            }
            let default = args
                .kw
                .iter()
                .find(|(k, _)| &**k == "default")
                .map(|(_, v)| v.clone());
            let items = if a.len() == 1 {
                m.read_all(s, tid, &a[0], cx)?
            } else {
                a.clone()
            };
            if items.is_empty() {
                return default.ok_or_else(|| {
                    exc(
                        ExcType::ValueError,
                        format!("{name}() iterable argument is empty"),
                    )
                });
            }
            let mut best = items[0].clone();
            for it in &items[1..] {
                let ord = ops::py_cmp(s, it, &best, if f == BuiltinFn::Min { "<" } else { ">" })?;
                // CPython keeps the first of equals, and a NaN compares
                // false both ways.
                if (f == BuiltinFn::Min && ord.is_some_and(|o| o.is_lt()))
                    || (f == BuiltinFn::Max && ord.is_some_and(|o| o.is_gt()))
                {
                    best = it.clone();
                }
            }
            Ok(best)
        }
        BuiltinFn::Sum => {
            if a.is_empty() || a.len() > 2 {
                return Err(ops::type_error(format!(
                    "sum() takes at most 2 arguments ({} given)",
                    a.len()
                )));
            }
            let items = m.read_all(s, tid, &a[0], cx)?;
            let mut acc = a.get(1).cloned().unwrap_or(Value::Int(0));
            for it in &items {
                acc = ops::binary(s, weft_model::BinOp::Add, &acc, it)?;
            }
            Ok(acc)
        }
        BuiltinFn::List | BuiltinFn::Tuple | BuiltinFn::Sorted | BuiltinFn::Reversed => {
            if f != BuiltinFn::Sorted {
                arity(f.name(), args, 0, 1)?;
            }
            let mut items = match a.first() {
                None => vec![],
                Some(v) => m.read_all(s, tid, v, cx)?,
            };
            if f == BuiltinFn::Sorted {
                sort_values(s, &mut items, reverse_kw(s, args))?;
            }
            if f == BuiltinFn::Reversed {
                items.reverse();
                return Ok(Value::SeqIter(Arc::from(items), 0));
            }
            Ok(if f == BuiltinFn::Tuple {
                Value::tuple(items)
            } else {
                Value::Obj(s.alloc(Object::List(items)))
            })
        }
        BuiltinFn::Dict => {
            let mut entries: Vec<(Value, Value)> = vec![];
            if let Some(v) = a.first() {
                match v {
                    Value::Obj(id) if matches!(s.obj(*id), Object::Dict(_)) => {
                        m.container_read_all(s, tid, v, false, AccessHint::Plain, cx);
                        if let Object::Dict(d) = s.obj(*id) {
                            entries = d.clone();
                        }
                    }
                    v => {
                        let items = m.read_all(s, tid, v, cx)?;
                        insert_pairs(s, &mut entries, &items)?;
                    }
                }
            }
            for (k, v) in &args.kw {
                dict_set(s, &mut entries, Value::Str(k.clone()), v.clone())?;
            }
            Ok(Value::Obj(s.alloc(Object::Dict(entries))))
        }
        BuiltinFn::Enumerate => {
            let start = args.get(1, "start").and_then(|v| v.as_int()).unwrap_or(0);
            let items = m.read_all(s, tid, a.first().unwrap_or(&Value::None), cx)?;
            let pairs = items
                .into_iter()
                .enumerate()
                .map(|(i, v)| Value::tuple(vec![Value::Int(start + i as i64), v]))
                .collect::<Vec<_>>();
            Ok(Value::SeqIter(Arc::from(pairs), 0))
        }
        BuiltinFn::Zip => {
            let mut cols = vec![];
            for v in a {
                cols.push(m.read_all(s, tid, v, cx)?);
            }
            let n = cols.iter().map(|c| c.len()).min().unwrap_or(0);
            let rows = (0..n)
                .map(|i| Value::tuple(cols.iter().map(|c| c[i].clone()).collect()))
                .collect::<Vec<_>>();
            Ok(Value::SeqIter(Arc::from(rows), 0))
        }
        BuiltinFn::Any | BuiltinFn::All => {
            arity(f.name(), args, 1, 1)?;
            let items = m.read_all(s, tid, &a[0], cx)?;
            Ok(Value::Bool(if f == BuiltinFn::Any {
                items.iter().any(|v| ops::truthy(s, v))
            } else {
                items.iter().all(|v| ops::truthy(s, v))
            }))
        }
        BuiltinFn::IsInstance => {
            arity("isinstance", args, 2, 2)?;
            Ok(Value::Bool(isinstance(s, &a[0], &a[1])?))
        }
    }
}

fn isinstance(s: &State, v: &Value, t: &Value) -> PyResult<bool> {
    Ok(match t {
        Value::Tuple(ts) => {
            for t in ts.iter() {
                if isinstance(s, v, t)? {
                    return Ok(true);
                }
            }
            false
        }
        Value::Builtin(Builtin::Exc(e)) => matches!(v, Value::Exc(x) if x.ty.is_subclass_of(*e)),
        Value::Builtin(Builtin::Fn(f)) => {
            let name = ops::type_name(s, v);
            match f {
                BuiltinFn::Int => matches!(v, Value::Int(_) | Value::Bool(_)),
                _ => f.name() == name,
            }
        }
        _ => {
            return Err(ops::type_error(
                "isinstance() arg 2 must be a type, a tuple of types, or a union",
            ))
        }
    })
}

pub(crate) fn dict_set(s: &State, d: &mut Vec<(Value, Value)>, k: Value, v: Value) -> PyResult<()> {
    ops::check_hashable(s, &k)?;
    match ops::dict_find(s, d, &k) {
        Some(i) => d[i].1 = v,
        None => d.push((k, v)),
    }
    Ok(())
}

/// Insert the pairs of `dict(items)` or `d.update(items)` into `d`, one at
/// a time and with CPython's errors: each item must be an iterable of two
/// (the pairs before a failing one stay in `d`).
pub(crate) fn insert_pairs(
    s: &State,
    d: &mut Vec<(Value, Value)>,
    items: &[Value],
) -> PyResult<()> {
    for (i, item) in items.iter().enumerate() {
        let Ok(kv) = ops::iterate(s, item) else {
            return Err(ops::type_error(format!(
                "cannot convert dictionary update sequence element #{i} to a sequence"
            )));
        };
        let [k, v] = kv.as_slice() else {
            return Err(exc(
                ExcType::ValueError,
                format!(
                    "dictionary update sequence element #{i} has length {}; 2 is required",
                    kv.len()
                ),
            ));
        };
        dict_set(s, d, k.clone(), v.clone())?;
    }
    Ok(())
}
