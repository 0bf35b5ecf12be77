//! Python value semantics that need the heap: truthiness, equality,
//! ordering, arithmetic, `str()`/`repr()`, iteration snapshots.

use std::cmp::Ordering;
use std::sync::Arc;

use weft_model::{BinOp, Builtin, ExcType, Program};

use crate::state::{Object, State};
use crate::value::{exc, float_repr, str_repr, Value, F64};

pub type PyResult<T> = Result<T, Value>;

pub fn type_error(msg: impl Into<Arc<str>>) -> Value {
    exc(ExcType::TypeError, msg)
}

/// The Python type name of a value, as error messages print it.
pub fn type_name(s: &State, v: &Value) -> &'static str {
    match v {
        Value::Obj(id) => match s.obj(*id) {
            Object::List(_) => "list",
            Object::Dict(_) => "dict",
            Object::Lock(_) => "_thread.lock",
            Object::RLock(_) => "_thread.RLock",
            Object::Condition(_) => "Condition",
            Object::Semaphore(sem) => {
                if sem.bound.is_some() {
                    "BoundedSemaphore"
                } else {
                    "Semaphore"
                }
            }
            Object::Event(_) => "Event",
            Object::Queue(_) => "Queue",
            Object::Barrier(_) => "Barrier",
            Object::Thread(_) => "Thread",
        },
        Value::Exc(e) => e.ty.name(),
        other => other.type_name(),
    }
}

pub fn truthy(s: &State, v: &Value) -> bool {
    match v {
        Value::Unbound | Value::None => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(f) => f.0 != 0.0,
        Value::Str(x) => !x.is_empty(),
        Value::Tuple(t) => !t.is_empty(),
        Value::Obj(id) => match s.obj(*id) {
            Object::List(l) => !l.is_empty(),
            Object::Dict(d) => !d.is_empty(),
            _ => true,
        },
        Value::Range(a, b, st) => range_len(*a, *b, *st) > 0,
        _ => true,
    }
}

pub fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    if step > 0 && start < stop {
        (stop - start - 1) / step + 1
    } else if step < 0 && start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    }
}

/// Python `==`.
pub fn py_eq(s: &State, a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(_), _) | (_, Value::Float(_)) => num_cmp(a, b) == Some(Ordering::Equal),
        (x, y) if x.as_int().is_some() && y.as_int().is_some() => x.as_int() == y.as_int(),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Tuple(x), Value::Tuple(y)) => seq_eq(s, x, y),
        (Value::Obj(x), Value::Obj(y)) => {
            if x == y {
                return true;
            }
            match (s.obj(*x), s.obj(*y)) {
                (Object::List(l1), Object::List(l2)) => seq_eq(s, l1, l2),
                (Object::Dict(d1), Object::Dict(d2)) => {
                    d1.len() == d2.len()
                        && d1.iter().all(|(k, v)| {
                            dict_find(s, d2, k).is_some_and(|i| py_eq(s, v, &d2[i].1))
                        })
                }
                _ => false,
            }
        }
        (Value::Range(..), Value::Range(..)) => a == b,
        _ => a == b,
    }
}

fn seq_eq(s: &State, x: &[Value], y: &[Value]) -> bool {
    x.len() == y.len() && x.iter().zip(y).all(|(a, b)| py_eq(s, a, b))
}

pub fn dict_find(s: &State, d: &[(Value, Value)], k: &Value) -> Option<usize> {
    d.iter().position(|(k2, _)| py_eq(s, k2, k))
}

pub fn check_hashable(s: &State, k: &Value) -> PyResult<()> {
    match k {
        Value::Obj(id) if matches!(s.obj(*id), Object::List(_) | Object::Dict(_)) => Err(
            type_error(format!("unhashable type: '{}'", type_name(s, k))),
        ),
        _ => Ok(()),
    }
}

/// Python `is`.
pub fn py_is(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Obj(x), Value::Obj(y)) => x == y,
        (Value::Float(_), Value::Float(_)) => false,
        _ => a == b,
    }
}

/// Python ordering (`<` …); TypeError between unorderable types. `None`
/// where no order holds (a NaN): every one of `<`, `<=`, `>`, `>=` is
/// false, as in CPython.
pub fn py_cmp(s: &State, a: &Value, b: &Value, op: &str) -> PyResult<Option<Ordering>> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(Some(x.cmp(y))),
        (Value::Tuple(x), Value::Tuple(y)) => seq_cmp(s, x, y, op),
        (Value::Obj(x), Value::Obj(y)) => match (s.obj(*x), s.obj(*y)) {
            (Object::List(l1), Object::List(l2)) => seq_cmp(s, &l1.clone(), &l2.clone(), op),
            _ => Err(unorderable(s, a, b, op)),
        },
        _ if is_number(a) && is_number(b) => Ok(num_cmp(a, b)),
        _ => Err(unorderable(s, a, b, op)),
    }
}

fn is_number(v: &Value) -> bool {
    matches!(v, Value::Float(_)) || v.as_int().is_some()
}

/// Two numbers (ints, bools, floats) compared exactly, as CPython does: an
/// int is not rounded to a float first, so `2**53 + 1 != 2.0**53` and
/// equality stays transitive (a dict cannot hold two keys equal to one
/// float). `None` for a non-number or a NaN.
fn num_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.0.partial_cmp(&y.0),
        (Value::Float(x), _) => int_float_cmp(b.as_int()?, x.0).map(Ordering::reverse),
        (_, Value::Float(y)) => int_float_cmp(a.as_int()?, y.0),
        _ => Some(a.as_int()?.cmp(&b.as_int()?)),
    }
}

/// 2**63 as a float: every finite float below it and at or above -2**63
/// truncates to an i64 exactly.
const TWO_63: f64 = 9_223_372_036_854_775_808.0;

/// The int a float equals, if any (`2.0` is `2`; `2.5`, `inf` and `2.0**63`
/// equal no i64).
pub fn float_as_int(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && (-TWO_63..TWO_63).contains(&f)).then_some(f as i64)
}

/// `i` against `f`, exactly.
fn int_float_cmp(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f >= TWO_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_63 {
        return Some(Ordering::Greater);
    }
    let whole = f.trunc();
    Some(i.cmp(&(whole as i64)).then_with(|| {
        // Equal whole parts: the fraction decides.
        0.0f64.partial_cmp(&(f - whole)).unwrap_or(Ordering::Equal)
    }))
}

fn unorderable(s: &State, a: &Value, b: &Value, op: &str) -> Value {
    type_error(format!(
        "'{}' not supported between instances of '{}' and '{}'",
        op,
        type_name(s, a),
        type_name(s, b)
    ))
}

fn seq_cmp(s: &State, x: &[Value], y: &[Value], op: &str) -> PyResult<Option<Ordering>> {
    for (a, b) in x.iter().zip(y) {
        if !py_eq(s, a, b) {
            return py_cmp(s, a, b, op);
        }
    }
    Ok(Some(x.len().cmp(&y.len())))
}

fn overflow() -> Value {
    exc(
        ExcType::OverflowError,
        "integer overflow: weft models int as 64-bit",
    )
}

/// A binary operator. List results are allocated on the heap.
pub fn binary(s: &mut State, op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
    use BinOp::*;
    if let (Some(x), Some(y)) = (a.as_int(), b.as_int()) {
        if !matches!(a, Value::Float(_)) && !matches!(b, Value::Float(_)) {
            return int_op(op, x, y).unwrap_or_else(|| Err(unsupported(s, op, a, b)));
        }
    }
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        let r = match op {
            Add => x + y,
            Sub => x - y,
            Mult => x * y,
            Div | FloorDiv | Mod if y == 0.0 => {
                let msg = match op {
                    FloorDiv => "float floor division by zero",
                    Mod => "float modulo by zero",
                    _ => "float division by zero",
                };
                return Err(exc(ExcType::ZeroDivisionError, msg));
            }
            Div => x / y,
            FloorDiv => (x / y).floor(),
            Mod => x - y * (x / y).floor(),
            Pow => x.powf(y),
            _ => return Err(unsupported(s, op, a, b)),
        };
        return Ok(Value::Float(F64(r)));
    }
    match (op, a, b) {
        (Add, Value::Str(x), Value::Str(y)) => Ok(Value::Str(Arc::from(format!("{x}{y}")))),
        (Mult, Value::Str(x), n) | (Mult, n, Value::Str(x)) if n.as_int().is_some() => {
            let n = n.as_int().unwrap().max(0) as usize;
            if x.len().saturating_mul(n) > 1 << 20 {
                return Err(exc(ExcType::OverflowError, "string too large for weft"));
            }
            Ok(Value::Str(Arc::from(x.repeat(n))))
        }
        (Add, Value::Tuple(x), Value::Tuple(y)) => {
            Ok(Value::tuple(x.iter().chain(y.iter()).cloned().collect()))
        }
        (Mult, Value::Tuple(x), n) | (Mult, n, Value::Tuple(x)) if n.as_int().is_some() => {
            let items = repeat(x, n.as_int().unwrap())?;
            Ok(Value::tuple(items))
        }
        (Add, Value::Obj(x), Value::Obj(y)) => match (s.obj(*x), s.obj(*y)) {
            (Object::List(l1), Object::List(l2)) => {
                let items = l1.iter().chain(l2.iter()).cloned().collect();
                Ok(Value::Obj(s.alloc(Object::List(items))))
            }
            _ => Err(unsupported(s, op, a, b)),
        },
        (Mult, Value::Obj(x), n) | (Mult, n, Value::Obj(x)) if n.as_int().is_some() => {
            match s.obj(*x) {
                Object::List(l) => {
                    let items = repeat(l, n.as_int().unwrap())?;
                    Ok(Value::Obj(s.alloc(Object::List(items))))
                }
                _ => Err(unsupported(s, op, a, b)),
            }
        }
        (Mod, Value::Str(_), _) => Err(type_error(
            "printf-style '%' formatting is not supported by weft; use an f-string",
        )),
        _ => Err(unsupported(s, op, a, b)),
    }
}

fn repeat(x: &[Value], n: i64) -> PyResult<Vec<Value>> {
    let n = n.max(0) as usize;
    if x.len().saturating_mul(n) > 1 << 16 {
        return Err(exc(ExcType::OverflowError, "sequence too large for weft"));
    }
    Ok(x.iter().cloned().cycle().take(x.len() * n).collect())
}

fn unsupported(s: &State, op: BinOp, a: &Value, b: &Value) -> Value {
    let (ta, tb) = (type_name(s, a), type_name(s, b));
    if op == BinOp::Add && matches!(ta, "str" | "list" | "tuple") && ta != tb {
        return type_error(format!("can only concatenate {ta} (not \"{tb}\") to {ta}"));
    }
    type_error(format!(
        "unsupported operand type(s) for {}: '{}' and '{}'",
        op_symbol(op),
        type_name(s, a),
        type_name(s, b)
    ))
}

pub fn op_symbol(op: BinOp) -> &'static str {
    use BinOp::*;
    match op {
        Add => "+",
        Sub => "-",
        Mult => "*",
        Div => "/",
        FloorDiv => "//",
        Mod => "%",
        Pow => "** or pow()",
        LShift => "<<",
        RShift => ">>",
        BitOr => "|",
        BitXor => "^",
        BitAnd => "&",
    }
}

fn int_op(op: BinOp, x: i64, y: i64) -> Option<PyResult<Value>> {
    use BinOp::*;
    let zero = || Err(exc(ExcType::ZeroDivisionError, "division by zero"));
    let r = match op {
        Add => x.checked_add(y),
        Sub => x.checked_sub(y),
        Mult => x.checked_mul(y),
        Div => {
            if y == 0 {
                return Some(zero());
            }
            return Some(Ok(Value::Float(F64(x as f64 / y as f64))));
        }
        FloorDiv => {
            if y == 0 {
                return Some(Err(exc(
                    ExcType::ZeroDivisionError,
                    "integer division or modulo by zero",
                )));
            }
            if x == i64::MIN && y == -1 {
                None
            } else {
                Some(floor_div(x, y))
            }
        }
        Mod => {
            if y == 0 {
                return Some(Err(exc(
                    ExcType::ZeroDivisionError,
                    "integer modulo by zero",
                )));
            }
            if y == -1 {
                Some(0)
            } else {
                Some(x - y * floor_div(x, y))
            }
        }
        Pow => {
            if y < 0 {
                return Some(Ok(Value::Float(F64((x as f64).powf(y as f64)))));
            }
            u32::try_from(y).ok().and_then(|e| x.checked_pow(e))
        }
        LShift => {
            if y < 0 {
                return Some(Err(exc(ExcType::ValueError, "negative shift count")));
            }
            if y >= 63 || (x << y) >> y != x {
                None
            } else {
                Some(x << y)
            }
        }
        RShift => {
            if y < 0 {
                return Some(Err(exc(ExcType::ValueError, "negative shift count")));
            }
            Some(x >> y.min(63))
        }
        BitOr => Some(x | y),
        BitXor => Some(x ^ y),
        BitAnd => Some(x & y),
    };
    Some(r.map(Value::Int).ok_or_else(overflow))
}

fn floor_div(x: i64, y: i64) -> i64 {
    let q = x / y;
    if (x % y != 0) && ((x < 0) != (y < 0)) {
        q - 1
    } else {
        q
    }
}

/// `str(v)`.
pub fn to_str(p: &Program, s: &State, v: &Value) -> String {
    match v {
        Value::Str(x) => x.to_string(),
        Value::Exc(e) => e.msg.to_string(),
        _ => repr(p, s, v),
    }
}

/// `repr(v)`.
pub fn repr(p: &Program, s: &State, v: &Value) -> String {
    repr_depth(p, s, v, 0)
}

fn repr_depth(p: &Program, s: &State, v: &Value, depth: u32) -> String {
    if depth > 20 {
        return "...".into();
    }
    let r = |v: &Value| repr_depth(p, s, v, depth + 1);
    match v {
        Value::Unbound => "<unbound>".into(),
        Value::None => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => float_repr(f.0),
        Value::Str(x) => str_repr(x),
        Value::Tuple(t) => {
            if t.len() == 1 {
                format!("({},)", r(&t[0]))
            } else {
                format!("({})", t.iter().map(r).collect::<Vec<_>>().join(", "))
            }
        }
        Value::Obj(id) => match s.obj(*id) {
            Object::List(l) => format!("[{}]", l.iter().map(r).collect::<Vec<_>>().join(", ")),
            Object::Dict(d) => format!(
                "{{{}}}",
                d.iter()
                    .map(|(k, v)| format!("{}: {}", r(k), r(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Object::Lock(l) => format!(
                "<{} _thread.lock object>",
                if l.locked { "locked" } else { "unlocked" }
            ),
            Object::RLock(x) => {
                if x.owner.is_some() {
                    crate::symmetry::note_identity_seen();
                }
                format!(
                    "<{} _thread.RLock object owner={} count={}>",
                    if x.owner.is_some() {
                        "locked"
                    } else {
                        "unlocked"
                    },
                    x.owner.map(|t| t as i64 + 1).unwrap_or(0),
                    x.count
                )
            }
            Object::Condition(_) => "<Condition>".into(),
            Object::Semaphore(x) => format!("<Semaphore value={}>", x.value),
            Object::Event(x) => format!("<Event: {}>", if x.flag { "set" } else { "unset" }),
            Object::Queue(_) => "<queue.Queue object>".into(),
            Object::Barrier(b) => format!("<threading.Barrier: waiters={}/{}>", b.count, b.parties),
            Object::Thread(t) => {
                crate::symmetry::note_identity_seen();
                let status = match t.tid {
                    None => "initial",
                    Some(tid) if s.threads[tid as usize].done => "stopped",
                    Some(_) => "started",
                };
                format!(
                    "<Thread({}, {}{})>",
                    t.name,
                    status,
                    if t.daemon { " daemon" } else { "" }
                )
            }
        },
        Value::Func(f) => format!("<function {}>", p.function(*f).name),
        Value::Builtin(Builtin::Exc(t)) => format!("<class '{}'>", t.qualified_name()),
        Value::Builtin(b) => format!("<built-in {}>", builtin_name(*b)),
        Value::Exc(e) => {
            if e.msg.is_empty() {
                format!("{}()", e.ty.name())
            } else {
                format!("{}({})", e.ty.name(), str_repr(&e.msg))
            }
        }
        Value::Range(a, b, st) => {
            if *st == 1 {
                format!("range({a}, {b})")
            } else {
                format!("range({a}, {b}, {st})")
            }
        }
        Value::RangeIter { .. } => "<range_iterator>".into(),
        Value::SeqIter(..) => "<iterator>".into(),
    }
}

pub fn builtin_name(b: Builtin) -> String {
    match b {
        Builtin::Fn(f) => f.name().to_string(),
        Builtin::Threading(t) => format!("threading.{}", t.name()),
        Builtin::Time(t) => format!("time.{}", t.name()),
        Builtin::Queue(q) => format!("queue.{}", q.name()),
        Builtin::Exc(e) => e.name().to_string(),
    }
}

/// The items of an iterable, as a snapshot.
pub fn iterate(s: &State, v: &Value) -> PyResult<Vec<Value>> {
    match v {
        Value::Tuple(t) => Ok(t.to_vec()),
        Value::Str(x) => Ok(x
            .chars()
            .map(|c| Value::Str(Arc::from(c.to_string())))
            .collect()),
        Value::Range(a, b, st) => {
            let n = range_len(*a, *b, *st);
            if n > 1 << 16 {
                return Err(exc(
                    ExcType::OverflowError,
                    "range too large for weft to materialise",
                ));
            }
            Ok((0..n).map(|i| Value::Int(a + i * st)).collect())
        }
        Value::Obj(id) => match s.obj(*id) {
            Object::List(l) => Ok(l.clone()),
            Object::Dict(d) => Ok(d.iter().map(|(k, _)| k.clone()).collect()),
            _ => Err(type_error(format!(
                "'{}' object is not iterable",
                type_name(s, v)
            ))),
        },
        Value::SeqIter(items, pos) => Ok(items[*pos as usize..].to_vec()),
        Value::RangeIter { next, stop, step } => iterate(s, &Value::Range(*next, *stop, *step)),
        _ => Err(type_error(format!(
            "'{}' object is not iterable",
            type_name(s, v)
        ))),
    }
}

/// Apply a format spec (`[[fill]align][sign][0][width][,][.precision][type]`).
pub fn format_spec(p: &Program, s: &State, v: &Value, spec: &str) -> PyResult<String> {
    if spec.is_empty() {
        return Ok(to_str(p, s, v));
    }
    let bad = || {
        exc(
            ExcType::ValueError,
            format!(
                "Invalid format specifier '{spec}' for object of type '{}'",
                type_name(s, v)
            ),
        )
    };
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let (mut fill, mut align) = (' ', None);
    if chars.len() >= 2 && matches!(chars[1], '<' | '>' | '^' | '=') {
        fill = chars[0];
        align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && matches!(chars[0], '<' | '>' | '^' | '=') {
        align = Some(chars[0]);
        i = 1;
    }
    let mut sign = '-';
    if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
        sign = chars[i];
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        fill = '0';
        align.get_or_insert('=');
        i += 1;
    }
    let mut width = 0usize;
    while i < chars.len() && chars[i].is_ascii_digit() {
        width = width
            .saturating_mul(10)
            .saturating_add(chars[i] as usize - '0' as usize)
            .min(1000);
        i += 1;
    }
    let mut comma = false;
    if i < chars.len() && (chars[i] == ',' || chars[i] == '_') {
        comma = true;
        i += 1;
    }
    let mut precision = None;
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let mut n = 0usize;
        while i < chars.len() && chars[i].is_ascii_digit() {
            n = n
                .saturating_mul(10)
                .saturating_add(chars[i] as usize - '0' as usize)
                .min(100);
            i += 1;
        }
        precision = Some(n);
    }
    let ty = chars.get(i).copied();
    if i + 1 < chars.len() {
        return Err(bad());
    }
    let numeric = matches!(v, Value::Int(_) | Value::Float(_) | Value::Bool(_));
    let mut body = match (ty, v) {
        (Some('d'), Value::Int(_) | Value::Bool(_)) | (None, Value::Int(_)) => {
            let n = v.as_int().unwrap_or(0);
            let mut digits = n.unsigned_abs().to_string();
            if comma {
                digits = group(&digits);
            }
            signed(n < 0, sign, digits)
        }
        (Some('f' | 'F' | 'e' | 'g' | '%'), _) | (None, Value::Float(_)) if numeric => {
            let mut x = v.as_f64().unwrap_or(0.0);
            let t = ty.unwrap_or('g');
            if t == '%' {
                x *= 100.0;
            }
            let prec = precision.unwrap_or(6);
            let digits = match t {
                'e' => format!("{:.*e}", prec, x.abs()),
                'g' if precision.is_none() && ty.is_none() => float_repr(x.abs()),
                'g' => format!("{}", x.abs()),
                _ => format!("{:.*}", prec, x.abs()),
            };
            let digits = if comma {
                match digits.split_once('.') {
                    Some((a, b)) => format!("{}.{}", group(a), b),
                    None => group(&digits),
                }
            } else {
                digits
            };
            let body = signed(x < 0.0 || (x == 0.0 && x.is_sign_negative()), sign, digits);
            if t == '%' {
                format!("{body}%")
            } else {
                body
            }
        }
        (Some('s') | None, _) if !numeric || ty.is_none() => {
            let mut t = to_str(p, s, v);
            if let Some(pr) = precision {
                t = t.chars().take(pr).collect();
            }
            t
        }
        (Some('x'), _) if v.as_int().is_some() => signed(
            v.as_int().unwrap() < 0,
            sign,
            format!("{:x}", v.as_int().unwrap().unsigned_abs()),
        ),
        (Some('b'), _) if v.as_int().is_some() => signed(
            v.as_int().unwrap() < 0,
            sign,
            format!("{:b}", v.as_int().unwrap().unsigned_abs()),
        ),
        _ => return Err(bad()),
    };
    let len = body.chars().count();
    if len < width {
        let pad = width - len;
        let align = align.unwrap_or(if numeric { '>' } else { '<' });
        body = match align {
            '<' => format!("{body}{}", fill.to_string().repeat(pad)),
            '^' => format!(
                "{}{body}{}",
                fill.to_string().repeat(pad / 2),
                fill.to_string().repeat(pad - pad / 2)
            ),
            '=' if body.starts_with(['-', '+', ' ']) => {
                let (sg, rest) = body.split_at(1);
                format!("{sg}{}{rest}", fill.to_string().repeat(pad))
            }
            _ => format!("{}{body}", fill.to_string().repeat(pad)),
        };
    }
    Ok(body)
}

fn signed(neg: bool, sign: char, digits: String) -> String {
    if neg {
        format!("-{digits}")
    } else if sign == '+' || sign == ' ' {
        format!("{sign}{digits}")
    } else {
        digits
    }
}

fn group(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
