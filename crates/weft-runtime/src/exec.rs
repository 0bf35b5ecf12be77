//! Executing one instruction. Steps and local instructions share this code;
//! whether an instruction is a step was decided before (`Machine::is_step`).

use std::sync::Arc;

use weft_model::{AccessHint, CmpOp, Conversion, ExcType, GlobalKind, Instr, Method, UnaryOp};

use crate::machine::{Args, CallResult, Choice, Ctx, Machine, MAX_FRAMES};
use crate::ops::{self, PyResult};
use crate::primitives;
use crate::race::Loc;
use crate::state::Object;
use crate::state::State;
use crate::value::{exc, Exception, Tid, Value};

impl Machine<'_> {
    pub(crate) fn exec(
        &self,
        s: &mut State,
        tid: Tid,
        choice: Choice,
        cx: &mut Ctx,
    ) -> PyResult<()> {
        if let Some(p) = s.threads[tid as usize].pending {
            return primitives::resume(self, s, tid, p, choice, cx);
        }
        let Some((func, pc, instr)) = self.poised(s, tid) else {
            // Fell off the end of the code: return None.
            self.do_return(s, tid, Value::None);
            return Ok(());
        };
        s.frame_mut(tid).pc = pc + 1;
        match instr {
            Instr::Nop => {}
            Instr::Const(c) => self.push(s, tid, self.konst(c)),
            Instr::LoadLocal(l) => {
                let v = s.frame(tid).locals[l as usize].clone();
                if v == Value::Unbound {
                    let name = &self.prog.function(func).local_names[l as usize];
                    return Err(exc(
                        ExcType::UnboundLocalError,
                        format!("cannot access local variable '{name}' where it is not associated with a value"),
                    ));
                }
                self.push(s, tid, v);
            }
            Instr::StoreLocal(l) => {
                let v = self.pop(s, tid);
                s.frame_mut(tid).locals[l as usize] = v;
            }
            Instr::DeleteLocal(l) => s.frame_mut(tid).locals[l as usize] = Value::Unbound,
            Instr::LoadGlobal(g, hint) => {
                let v = s.globals[g as usize].clone();
                let info = &self.prog.globals[g as usize];
                if v == Value::Unbound {
                    return Err(exc(
                        ExcType::NameError,
                        format!("name '{}' is not defined", info.name),
                    ));
                }
                self.global_access(s, tid, g, false, hint, cx);
                cx.note(|| format!("read {} → {}", info.name, ops::repr(self.prog, s, &v)));
                self.push(s, tid, v);
            }
            Instr::StoreGlobal(g, hint) => {
                let v = self.pop(s, tid);
                let info = &self.prog.globals[g as usize];
                if info.kind != GlobalKind::MainOnly {
                    self.share(s, &v);
                }
                self.label(s, g, &v);
                self.global_access(s, tid, g, true, hint, cx);
                cx.note(|| format!("write {} ← {}", info.name, ops::repr(self.prog, s, &v)));
                s.globals.make_mut()[g as usize] = v;
            }
            Instr::DeleteGlobal(g) => {
                if s.globals[g as usize] == Value::Unbound {
                    let name = &self.prog.globals[g as usize].name;
                    return Err(exc(
                        ExcType::NameError,
                        format!("name '{name}' is not defined"),
                    ));
                }
                self.global_access(s, tid, g, true, AccessHint::Plain, cx);
                s.globals.make_mut()[g as usize] = Value::Unbound;
            }
            Instr::Pop => {
                self.pop(s, tid);
            }
            Instr::Dup => {
                let v = self.peek_owned(s, tid, 0);
                self.push(s, tid, v);
            }
            Instr::Dup2 => {
                let a = self.peek_owned(s, tid, 1);
                let b = self.peek_owned(s, tid, 0);
                self.push(s, tid, a);
                self.push(s, tid, b);
            }
            Instr::Rot2 => {
                let st = &mut s.frame_mut(tid).stack;
                let n = st.len();
                if n >= 2 {
                    st.swap(n - 1, n - 2);
                }
            }
            Instr::Rot3 => {
                let st = &mut s.frame_mut(tid).stack;
                let n = st.len();
                if n >= 3 {
                    let top = st.remove(n - 1);
                    st.insert(n - 3, top);
                }
            }
            Instr::Binary(op) => {
                let b = self.pop(s, tid);
                let a = self.pop(s, tid);
                self.container_read_all(s, tid, &a, false, AccessHint::Plain, cx);
                self.container_read_all(s, tid, &b, false, AccessHint::Plain, cx);
                let r = ops::binary(s, op, &a, &b)?;
                self.push(s, tid, r);
            }
            Instr::Unary(op) => {
                let a = self.pop(s, tid);
                let r = match (op, &a) {
                    (UnaryOp::Neg, Value::Float(f)) => Value::Float(crate::value::F64(-f.0)),
                    (UnaryOp::Pos, Value::Float(_)) => a.clone(),
                    (UnaryOp::Neg, v) if v.as_int().is_some() => Value::Int(
                        v.as_int()
                            .unwrap()
                            .checked_neg()
                            .ok_or_else(|| exc(ExcType::OverflowError, "integer overflow"))?,
                    ),
                    (UnaryOp::Pos, v) if v.as_int().is_some() => Value::Int(v.as_int().unwrap()),
                    (UnaryOp::Invert, v) if v.as_int().is_some() => {
                        Value::Int(!v.as_int().unwrap())
                    }
                    _ => {
                        let sym = match op {
                            UnaryOp::Neg => "-",
                            UnaryOp::Pos => "+",
                            UnaryOp::Invert => "~",
                        };
                        return Err(ops::type_error(format!(
                            "bad operand type for unary {sym}: '{}'",
                            ops::type_name(s, &a)
                        )));
                    }
                };
                self.push(s, tid, r);
            }
            Instr::Compare(op) => {
                let b = self.pop(s, tid);
                let a = self.pop(s, tid);
                if !matches!(op, CmpOp::In | CmpOp::NotIn | CmpOp::Is | CmpOp::IsNot) {
                    // Comparing containers reads every element.
                    self.container_read_all(s, tid, &a, false, AccessHint::Plain, cx);
                    self.container_read_all(s, tid, &b, false, AccessHint::Plain, cx);
                }
                let r = self.compare(s, tid, op, &a, &b, cx)?;
                self.push(s, tid, Value::Bool(r));
            }
            Instr::Not => {
                let a = self.pop(s, tid);
                let t = self.truth(s, tid, &a, cx);
                self.push(s, tid, Value::Bool(!t));
            }
            Instr::Jump(t) => s.frame_mut(tid).pc = t,
            Instr::JumpIfFalse(t) | Instr::JumpIfTrue(t) => {
                let a = self.pop(s, tid);
                let truth = self.truth(s, tid, &a, cx);
                if truth == matches!(instr, Instr::JumpIfTrue(_)) {
                    s.frame_mut(tid).pc = t;
                }
            }
            Instr::JumpIfFalseOrPop(t) | Instr::JumpIfTrueOrPop(t) => {
                let a = self.peek_owned(s, tid, 0);
                let truth = self.truth(s, tid, &a, cx);
                if truth == matches!(instr, Instr::JumpIfTrueOrPop(_)) {
                    s.frame_mut(tid).pc = t;
                } else {
                    self.pop(s, tid);
                }
            }
            Instr::BuildList(n) => {
                let items = self.pop_n(s, tid, n);
                let id = s.alloc(Object::List(items));
                self.push(s, tid, Value::Obj(id));
            }
            Instr::BuildTuple(n) => {
                let items = self.pop_n(s, tid, n);
                self.push(s, tid, Value::tuple(items));
            }
            Instr::BuildDict(n) => {
                let flat = self.pop_n(s, tid, n * 2);
                let mut entries: Vec<(Value, Value)> = Vec::new();
                for kv in flat.chunks(2) {
                    ops::check_hashable(s, &kv[0])?;
                    match ops::dict_find(s, &entries, &kv[0]) {
                        Some(i) => entries[i].1 = kv[1].clone(),
                        None => entries.push((kv[0].clone(), kv[1].clone())),
                    }
                }
                let id = s.alloc(Object::Dict(entries));
                self.push(s, tid, Value::Obj(id));
            }
            Instr::BuildString(n) => {
                let parts = self.pop_n(s, tid, n);
                for p in &parts {
                    self.container_read_all(s, tid, p, false, AccessHint::Plain, cx);
                }
                let mut out = String::new();
                for p in &parts {
                    out.push_str(&ops::to_str(self.prog, s, p));
                }
                self.push(s, tid, Value::Str(Arc::from(out)));
            }
            Instr::FormatValue {
                conversion,
                has_spec,
            } => {
                let spec = if has_spec {
                    Some(self.pop(s, tid))
                } else {
                    None
                };
                let v = self.pop(s, tid);
                self.container_read_all(s, tid, &v, false, AccessHint::Plain, cx);
                let v = match conversion {
                    Conversion::None => v,
                    Conversion::Str => Value::Str(Arc::from(ops::to_str(self.prog, s, &v))),
                    Conversion::Repr | Conversion::Ascii => {
                        Value::Str(Arc::from(ops::repr(self.prog, s, &v)))
                    }
                };
                let spec = spec
                    .map(|x| ops::to_str(self.prog, s, &x))
                    .unwrap_or_default();
                let out = ops::format_spec(self.prog, s, &v, &spec)?;
                self.push(s, tid, Value::Str(Arc::from(out)));
            }
            Instr::Subscript(hint) => {
                let key = self.pop(s, tid);
                let c = self.pop(s, tid);
                let v = self.subscript(s, tid, &c, &key, hint, cx)?;
                cx.note(|| {
                    format!(
                        "read {}[{}] → {}",
                        self.container_name(s, &c),
                        ops::repr(self.prog, s, &key),
                        ops::repr(self.prog, s, &v)
                    )
                });
                self.push(s, tid, v);
            }
            Instr::StoreSubscript(hint) => {
                let key = self.pop(s, tid);
                let c = self.pop(s, tid);
                let v = self.pop(s, tid);
                cx.note(|| {
                    format!(
                        "write {}[{}] ← {}",
                        self.container_name(s, &c),
                        ops::repr(self.prog, s, &key),
                        ops::repr(self.prog, s, &v)
                    )
                });
                self.store_subscript(s, tid, &c, key, v, hint, cx)?;
            }
            Instr::DeleteSubscript => {
                let key = self.pop(s, tid);
                let c = self.pop(s, tid);
                self.delete_subscript(s, tid, &c, &key, cx)?;
            }
            Instr::Slice => {
                let upper = self.pop(s, tid);
                let lower = self.pop(s, tid);
                let c = self.pop(s, tid);
                let v = self.slice(s, tid, &c, &lower, &upper, cx)?;
                self.push(s, tid, v);
            }
            Instr::LoadAttr(attr) => {
                let o = self.pop(s, tid);
                let v = self.load_attr(s, &o, attr)?;
                self.push(s, tid, v);
            }
            Instr::StoreAttr(attr) => {
                let o = self.pop(s, tid);
                let v = self.pop(s, tid);
                self.store_attr(s, &o, attr, v)?;
            }
            Instr::Call { argc, kwnames } => {
                let args = self.args_on_stack(s, tid, argc, kwnames);
                let st = &mut s.frame_mut(tid).stack;
                st.truncate(st.len() - argc as usize);
                let callee = self.pop(s, tid);
                self.call(s, tid, callee, args, cx)?;
            }
            Instr::CallMethod {
                method,
                argc,
                kwnames,
            } => {
                let args = self.args_on_stack(s, tid, argc, kwnames);
                let recv = self.peek_owned(s, tid, argc as usize);
                if matches!(method, Method::Extend | Method::Join | Method::Update) {
                    // They read their argument whole, inside one call (atomic
                    // under the GIL, like a method call on it).
                    if let Some(arg) = args.pos.first() {
                        self.container_read_all(s, tid, arg, true, AccessHint::Plain, cx);
                    }
                }
                match crate::methods::call_method(self, s, tid, &recv, method, &args, choice, cx)? {
                    CallResult::Return(v) => {
                        let st = &mut s.frame_mut(tid).stack;
                        st.truncate(st.len() - argc as usize - 1);
                        self.push(s, tid, v);
                    }
                    CallResult::Pending(p) => {
                        s.frame_mut(tid).pc = pc;
                        s.th_mut(tid as usize).pending = Some(p);
                    }
                }
            }
            Instr::GetIter => {
                let v = self.pop(s, tid);
                let it = match v {
                    Value::Range(a, b, st) => Value::RangeIter {
                        next: a,
                        stop: b,
                        step: st,
                    },
                    Value::SeqIter(..) | Value::RangeIter { .. } => v,
                    other => {
                        self.container_read_all(s, tid, &other, false, AccessHint::Plain, cx);
                        let items = ops::iterate(s, &other)?;
                        cx.note(|| format!("iterate over {}", ops::repr(self.prog, s, &other)));
                        Value::SeqIter(Arc::from(items), 0)
                    }
                };
                self.push(s, tid, it);
            }
            Instr::ForIter(exit) => {
                let it = self.pop(s, tid);
                match it {
                    Value::RangeIter { next, stop, step } => {
                        if (step > 0 && next < stop) || (step < 0 && next > stop) {
                            self.push(
                                s,
                                tid,
                                Value::RangeIter {
                                    next: next + step,
                                    stop,
                                    step,
                                },
                            );
                            self.push(s, tid, Value::Int(next));
                        } else {
                            s.frame_mut(tid).pc = exit;
                        }
                    }
                    Value::SeqIter(items, pos) => {
                        if (pos as usize) < items.len() {
                            let v = items[pos as usize].clone();
                            self.push(s, tid, Value::SeqIter(items, pos + 1));
                            self.push(s, tid, v);
                        } else {
                            s.frame_mut(tid).pc = exit;
                        }
                    }
                    other => {
                        return Err(ops::type_error(format!(
                            "'{}' object is not an iterator",
                            ops::type_name(s, &other)
                        )))
                    }
                }
            }
            Instr::UnpackSequence(n) => {
                let v = self.pop(s, tid);
                // Unpacking reads the length and every element.
                self.container_read_all(s, tid, &v, false, AccessHint::Plain, cx);
                let items = ops::iterate(s, &v).map_err(|_| {
                    ops::type_error(format!(
                        "cannot unpack non-iterable {} object",
                        ops::type_name(s, &v)
                    ))
                })?;
                if items.len() != n as usize {
                    return Err(exc(
                        ExcType::ValueError,
                        if items.len() > n as usize {
                            format!("too many values to unpack (expected {n})")
                        } else {
                            format!(
                                "not enough values to unpack (expected {n}, got {})",
                                items.len()
                            )
                        },
                    ));
                }
                for it in items.into_iter().rev() {
                    self.push(s, tid, it);
                }
            }
            Instr::ListAppend => {
                let v = self.pop(s, tid);
                if let Value::Obj(id) = self.peek_owned(s, tid, 0) {
                    if let Object::List(l) = s.obj_mut(id) {
                        l.push(v);
                    }
                }
            }
            Instr::Return => {
                let v = self.pop(s, tid);
                self.do_return(s, tid, v);
            }
            Instr::Raise => {
                let e = self.pop(s, tid);
                return Err(self.make_exception(s, e)?);
            }
            Instr::RaiseFrom => {
                let _cause = self.pop(s, tid);
                let e = self.pop(s, tid);
                return Err(self.make_exception(s, e)?);
            }
            Instr::ReRaiseCurrent => {
                let cur = s.threads[tid as usize]
                    .frames
                    .iter()
                    .rev()
                    .find_map(|f| f.handling.last().cloned());
                return Err(cur.unwrap_or_else(|| {
                    exc(ExcType::RuntimeError, "No active exception to reraise")
                }));
            }
            Instr::ReRaise => {
                let e = self.pop(s, tid);
                return Err(e);
            }
            Instr::CheckExcMatch => {
                let typ = self.pop(s, tid);
                let e = self.peek_owned(s, tid, 0);
                let m = exc_matches(s, &e, &typ)?;
                self.push(s, tid, Value::Bool(m));
            }
            Instr::PushExcInfo => {
                let e = self.pop(s, tid);
                s.frame_mut(tid).handling.push(e);
            }
            Instr::PopExcInfo => {
                s.frame_mut(tid).handling.pop();
            }
            Instr::AssertFail { has_msg } => {
                let msg = if has_msg {
                    let m = self.pop(s, tid);
                    ops::to_str(self.prog, s, &m)
                } else {
                    String::new()
                };
                let mut e = Exception::new(ExcType::AssertionError, msg);
                e.from_assert = true;
                return Err(Value::Exc(Arc::new(e)));
            }
            Instr::WithEnter => {
                let ctx = self.peek_owned(s, tid, 0);
                primitives::enter(self, s, tid, &ctx, choice, cx)?;
            }
            Instr::WithExit => {
                let ctx = self.pop(s, tid);
                primitives::exit(self, s, tid, &ctx, cx)?;
            }
        }
        let _ = func;
        Ok(())
    }

    fn peek_owned(&self, s: &State, tid: Tid, n: usize) -> Value {
        let st = &s.frame(tid).stack;
        st.get(st.len().wrapping_sub(1 + n))
            .cloned()
            .unwrap_or(Value::None)
    }

    fn pop_n(&self, s: &mut State, tid: Tid, n: u32) -> Vec<Value> {
        let st = &mut s.frame_mut(tid).stack;
        let at = st.len().saturating_sub(n as usize);
        st.split_off(at)
    }

    pub(crate) fn do_return(&self, s: &mut State, tid: Tid, v: Value) {
        let th = s.th_mut(tid as usize);
        th.frames.pop();
        if th.frames.is_empty() {
            self.finish_thread(s, tid);
        } else {
            self.push(s, tid, v);
        }
    }

    fn global_access(
        &self,
        s: &mut State,
        tid: Tid,
        g: u32,
        write: bool,
        hint: AccessHint,
        cx: &mut Ctx,
    ) {
        let info = &self.prog.globals[g as usize];
        if info.kind != GlobalKind::Shared {
            return;
        }
        let agent = s.threads[tid as usize].agent;
        if info.atomic {
            // A synchronisation variable: a write publishes, a read acquires.
            if let Some(a) = self.atomic_agent[g as usize] {
                if write {
                    s.overwrite(agent, a);
                } else {
                    s.propagate(a, agent);
                }
            }
            return;
        }
        self.access(s, tid, Loc::Global(g), write, false, hint, cx);
    }

    fn truth(&self, s: &mut State, tid: Tid, v: &Value, cx: &mut Ctx) -> bool {
        if let Value::Obj(id) = v {
            if matches!(s.obj(*id), Object::List(_) | Object::Dict(_)) {
                self.container_access(s, tid, *id, None, false, false, AccessHint::Check, cx);
            }
        }
        ops::truthy(s, v)
    }

    fn compare(
        &self,
        s: &mut State,
        tid: Tid,
        op: CmpOp,
        a: &Value,
        b: &Value,
        cx: &mut Ctx,
    ) -> PyResult<bool> {
        use std::cmp::Ordering::*;
        Ok(match op {
            CmpOp::Eq => ops::py_eq(s, a, b),
            CmpOp::NotEq => !ops::py_eq(s, a, b),
            CmpOp::Lt => ops::py_cmp(s, a, b, "<")? == Some(Less),
            CmpOp::LtE => matches!(ops::py_cmp(s, a, b, "<=")?, Some(Less | Equal)),
            CmpOp::Gt => ops::py_cmp(s, a, b, ">")? == Some(Greater),
            CmpOp::GtE => matches!(ops::py_cmp(s, a, b, ">=")?, Some(Greater | Equal)),
            CmpOp::Is => ops::py_is(a, b),
            CmpOp::IsNot => !ops::py_is(a, b),
            CmpOp::In | CmpOp::NotIn => {
                let found = self.contains(s, tid, b, a, cx)?;
                found == (op == CmpOp::In)
            }
        })
    }

    /// Call a callable with the arguments already popped.
    fn call(
        &self,
        s: &mut State,
        tid: Tid,
        callee: Value,
        args: Args,
        cx: &mut Ctx,
    ) -> PyResult<()> {
        match callee {
            Value::Func(f) => {
                if s.threads[tid as usize].frames.len() >= MAX_FRAMES {
                    return Err(exc(
                        ExcType::RecursionError,
                        "maximum recursion depth exceeded",
                    ));
                }
                let frame = self.bind(f, &args)?;
                s.th_mut(tid as usize).frames.push(frame);
                Ok(())
            }
            Value::Builtin(b) => {
                let v = crate::builtins::call_builtin(self, s, tid, b, &args, cx)?;
                self.push(s, tid, v);
                Ok(())
            }
            other => Err(ops::type_error(format!(
                "'{}' object is not callable",
                ops::type_name(s, &other)
            ))),
        }
    }

    /// `raise X`: an instance as is, a class instantiated with no arguments.
    fn make_exception(&self, s: &State, e: Value) -> PyResult<Value> {
        match e {
            Value::Exc(_) => Ok(e),
            Value::Builtin(weft_model::Builtin::Exc(t)) => Ok(exc(t, "")),
            other => Err(ops::type_error(format!(
                "exceptions must derive from BaseException (got '{}')",
                ops::type_name(s, &other)
            ))),
        }
    }
}

fn exc_matches(s: &State, e: &Value, typ: &Value) -> PyResult<bool> {
    let Value::Exc(e) = e else { return Ok(false) };
    match typ {
        Value::Builtin(weft_model::Builtin::Exc(t)) => Ok(e.ty.is_subclass_of(*t)),
        Value::Tuple(ts) => {
            for t in ts.iter() {
                if exc_matches(s, &Value::Exc(e.clone()), t)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        other => Err(ops::type_error(format!(
            "catching classes that do not inherit from BaseException is not allowed (got '{}')",
            ops::type_name(s, other)
        ))),
    }
}
