//! Run-time values. `Eq`/`Hash` are structural (for state hashing); Python
//! equality (`1 == 1.0 == True`, deep list comparison) is [`py_eq`].

use std::sync::Arc;

use weft_model::{Builtin, ExcType, FuncId, Pc};

pub type ObjId = u32;
pub type Tid = u32;

/// A float compared and hashed by its bits, so states stay `Eq + Hash`.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub struct F64(pub f64);
impl PartialEq for F64 {
    fn eq(&self, o: &F64) -> bool {
        self.0.to_bits() == o.0.to_bits()
    }
}
impl Eq for F64 {}
impl std::hash::Hash for F64 {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.to_bits().hash(h)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// An unassigned variable.
    Unbound,
    None,
    Bool(bool),
    Int(i64),
    Float(F64),
    Str(Arc<str>),
    Tuple(Arc<[Value]>),
    /// A heap object: list, dict, synchronisation object, thread.
    Obj(ObjId),
    Func(FuncId),
    Builtin(Builtin),
    Exc(Arc<Exception>),
    Range(i64, i64, i64),
    RangeIter {
        next: i64,
        stop: i64,
        step: i64,
    },
    /// Iteration over a snapshot.
    SeqIter(Arc<[Value]>, u32),
}

/// An exception instance.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Exception {
    pub ty: ExcType,
    /// `str(exc)`: the message as CPython prints it after `Type: `.
    pub msg: Arc<str>,
    /// The program raised it with `assert`.
    pub from_assert: bool,
    /// Where it was raised: (function, pc).
    pub site: Option<(FuncId, Pc)>,
}

impl Exception {
    pub fn new(ty: ExcType, msg: impl Into<Arc<str>>) -> Exception {
        Exception {
            ty,
            msg: msg.into(),
            from_assert: false,
            site: None,
        }
    }
    /// `Type: message` (or `Type` alone), as the last line of a traceback.
    pub fn display(&self) -> String {
        if self.msg.is_empty() {
            self.ty.qualified_name().to_string()
        } else {
            format!("{}: {}", self.ty.qualified_name(), self.msg)
        }
    }
}

pub fn exc(ty: ExcType, msg: impl Into<Arc<str>>) -> Value {
    Value::Exc(Arc::new(Exception::new(ty, msg)))
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Arc::from(items))
    }
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Unbound => "unbound",
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Tuple(_) => "tuple",
            Value::Obj(_) => "object",
            Value::Func(_) => "function",
            Value::Builtin(Builtin::Exc(_)) => "type",
            Value::Builtin(_) => "builtin_function_or_method",
            Value::Exc(_) => "exception",
            Value::Range(..) => "range",
            Value::RangeIter { .. } => "range_iterator",
            Value::SeqIter(..) => "iterator",
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(*b as i64),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(f.0),
            v => v.as_int().map(|i| i as f64),
        }
    }
}

/// Python float repr: shortest round-trip, always with a `.` or exponent.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == f.trunc() && f.abs() < 1e16 {
        return format!("{:.1}", f);
    }
    let s = format!("{}", f);
    if f.abs() >= 1e16 || (f != 0.0 && f.abs() < 1e-4) {
        let e = format!("{:e}", f);
        // Rust writes 1e20, Python 1e+20
        if let Some((m, ex)) = e.split_once('e') {
            let ex: i32 = ex.parse().unwrap_or(0);
            return format!("{}e{}{:02}", m, if ex < 0 { '-' } else { '+' }, ex.abs());
        }
        return e;
    }
    s
}

/// `repr()` of a string, with Python's choice of quotes.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c)
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}
