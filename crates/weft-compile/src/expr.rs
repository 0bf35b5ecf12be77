//! Expressions: constants, names, displays, operators, comparisons,
//! calls and method calls, module attributes, subscripts and slices,
//! f-strings and list comprehensions (compiled inline into hidden locals).
//!
//! Must not know: what a builtin or a method does; only which names exist.

use weft_diag::Span;
use weft_model::{self as m, AccessHint, Attr, Const, Conversion, Instr, Method};
use weft_syntax::ast::{
    self, BoolOp, Comprehension, Expr, ExprKind, FStringPart, Keyword, UnaryOp,
};

use crate::func::{FnCompiler, FnKind, Resolved, R};
use crate::names;
use crate::scope::target_names;
use crate::signature;

/// The constant value of a literal, a signed number literal, or a tuple of those.
pub(crate) fn const_value(e: &Expr) -> Option<Const> {
    match &e.kind {
        ExprKind::Const(c) => literal(c),
        ExprKind::UnaryOp { op, operand } => match (op, literal_of(operand)?) {
            (UnaryOp::Neg, Const::Int(i)) => i.checked_neg().map(Const::Int),
            (UnaryOp::Neg, Const::Float(f)) => Some(Const::Float(-f)),
            (UnaryOp::Pos, c @ (Const::Int(_) | Const::Float(_))) => Some(c),
            _ => None,
        },
        ExprKind::Tuple(items) => items
            .iter()
            .map(const_value)
            .collect::<Option<Vec<_>>>()
            .map(Const::Tuple),
        _ => None,
    }
}

fn literal_of(e: &Expr) -> Option<Const> {
    match &e.kind {
        ExprKind::Const(c) => literal(c),
        _ => None,
    }
}

fn literal(c: &ast::Const) -> Option<Const> {
    Some(match c {
        ast::Const::None => Const::None,
        ast::Const::Bool(b) => Const::Bool(*b),
        ast::Const::Int(i) => Const::Int(*i),
        ast::Const::Float(f) => Const::Float(*f),
        ast::Const::Str(s) => Const::Str(s.as_str().into()),
        ast::Const::Ellipsis => return None,
    })
}

/// Deeper expressions are rejected (CPython's own parser stops near 200).
const MAX_EXPR_DEPTH: u32 = 400;

fn count(n: usize) -> Option<u32> {
    u32::try_from(n).ok()
}

impl<'a> FnCompiler<'a, '_> {
    /// `e` builds a new list or dict that nothing else refers to.
    pub(crate) fn is_fresh_container(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::List(_) | ExprKind::Dict(_) | ExprKind::ListComp { .. } => true,
            ExprKind::Call { func, .. } => matches!(
                self.builtin_named(func),
                Some(m::Builtin::Fn(m::BuiltinFn::List | m::BuiltinFn::Dict))
            ),
            _ => false,
        }
    }

    /// The builtin a bare name stands for (not shadowed), if any.
    fn builtin_named(&self, e: &Expr) -> Option<m::Builtin> {
        let ExprKind::Name(n) = &e.kind else {
            return None;
        };
        match self.resolve(n, e.span) {
            Ok(Resolved::Builtin(b)) => Some(b),
            _ => None,
        }
    }

    /// A dict bound to the global `e` names (if it names one) may show its
    /// insertion order ([`weft_model::GlobalInfo::unordered`]).
    fn note_order_seen(&mut self, e: &Expr) {
        let ExprKind::Name(n) = &e.kind else {
            return;
        };
        if let Ok(Resolved::Global(g)) = self.resolve(n, e.span) {
            if let Some(u) = self.sh.usage.get_mut(g as usize) {
                u.order_seen = true;
            }
        }
    }

    /// Push the value of `e`, an operand that the instruction consuming it
    /// does not keep (a subscript's container, a method call's receiver,
    /// `len()`'s argument, a comparison operand, a truth test): a global
    /// named here stays [`GlobalInfo::confined`].
    pub(crate) fn container_operand(&mut self, e: &'a Expr) -> R<()> {
        if !matches!(e.kind, ExprKind::Name(_)) {
            return self.expr(e);
        }
        self.operand_only = true;
        let res = self.expr(e);
        self.operand_only = false;
        res
    }

    pub(crate) fn binop(&self, op: ast::BinOp, span: Span) -> R<m::BinOp> {
        use ast::BinOp as A;
        Ok(match op {
            A::Add => m::BinOp::Add,
            A::Sub => m::BinOp::Sub,
            A::Mult => m::BinOp::Mult,
            A::Div => m::BinOp::Div,
            A::FloorDiv => m::BinOp::FloorDiv,
            A::Mod => m::BinOp::Mod,
            A::Pow => m::BinOp::Pow,
            A::LShift => m::BinOp::LShift,
            A::RShift => m::BinOp::RShift,
            A::BitOr => m::BinOp::BitOr,
            A::BitXor => m::BinOp::BitXor,
            A::BitAnd => m::BinOp::BitAnd,
            A::MatMult => return Err(self.err(span, "the `@` operator is not supported")),
        })
    }

    /// Push the value of an expression.
    pub(crate) fn expr(&mut self, e: &'a Expr) -> R<()> {
        if self.expr_depth >= MAX_EXPR_DEPTH {
            return Err(self.err(e.span, "expression too deeply nested"));
        }
        self.expr_depth += 1;
        let res = self.expr_inner(e);
        self.expr_depth -= 1;
        res
    }

    fn expr_inner(&mut self, e: &'a Expr) -> R<()> {
        let span = e.span;
        let too_many = || self.err(span, "too many elements");
        match &e.kind {
            ExprKind::Name(n) => self.load_name(n, span, None)?,
            ExprKind::Const(c) => match literal(c) {
                Some(c) => self.emit_const(c, span),
                None => return Err(self.err(span, "`...` is not supported")),
            },
            ExprKind::FString(parts) => self.fstring(parts, span)?,
            ExprKind::List(items) => {
                let n = count(items.len()).ok_or_else(too_many)?;
                items.iter().try_for_each(|i| self.expr(i))?;
                self.emit(Instr::BuildList(n), span);
            }
            ExprKind::Tuple(items) => match const_value(e) {
                Some(c) => self.emit_const(c, span),
                None => {
                    let n = count(items.len()).ok_or_else(too_many)?;
                    items.iter().try_for_each(|i| self.expr(i))?;
                    self.emit(Instr::BuildTuple(n), span);
                }
            },
            ExprKind::Set(_) => return Err(self.err(span, "set literals are not supported")),
            ExprKind::Dict(pairs) => {
                let n = count(pairs.len()).ok_or_else(too_many)?;
                for (k, v) in pairs {
                    self.expr(k)?;
                    self.expr(v)?;
                }
                self.emit(Instr::BuildDict(n), span);
            }
            ExprKind::Attribute { value, attr } => {
                if let Some(b) = self.module_attr(value, attr)? {
                    self.emit_const(Const::Builtin(b), span);
                } else {
                    let Some(a) = Attr::from_name(&attr.name) else {
                        return Err(self.err(
                            attr.span,
                            format!("attribute '{}' is not supported", attr.name),
                        ));
                    };
                    self.expr(value)?;
                    self.emit(Instr::LoadAttr(a), span);
                }
            }
            ExprKind::Subscript { value, index } => {
                self.container_operand(value)?;
                if let ExprKind::Slice { lower, upper, step } = &index.kind {
                    if let Some(st) = step {
                        if !matches!(st.kind, ExprKind::Const(ast::Const::None)) {
                            return Err(self.err(st.span, "slice steps are not supported"));
                        }
                    }
                    for bound in [lower, upper] {
                        match bound {
                            Some(b) => self.expr(b)?,
                            None => self.emit_const(Const::None, index.span),
                        }
                    }
                    self.emit(Instr::Slice, span);
                } else {
                    self.expr(index)?;
                    let h = if self.check_hint {
                        AccessHint::Check
                    } else {
                        AccessHint::Plain
                    };
                    self.emit(Instr::Subscript(h), span);
                }
            }
            ExprKind::Slice { .. } => {
                return Err(self.err(span, "a slice is only allowed inside `[]`"))
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => self.call(e, func, args, keywords)?,
            ExprKind::BinOp { left, op, right } => {
                let op = self.binop(*op, span)?;
                self.expr(left)?;
                self.expr(right)?;
                self.emit(Instr::Binary(op), span);
            }
            ExprKind::UnaryOp { op, operand } => {
                if let (UnaryOp::Neg, Some(c)) = (op, const_value(e)) {
                    self.emit_const(c, span);
                    return Ok(());
                }
                if *op == UnaryOp::Not {
                    self.container_operand(operand)?;
                } else {
                    self.expr(operand)?;
                }
                let i = match op {
                    UnaryOp::Not => Instr::Not,
                    UnaryOp::Neg => Instr::Unary(m::UnaryOp::Neg),
                    UnaryOp::Pos => Instr::Unary(m::UnaryOp::Pos),
                    UnaryOp::Invert => Instr::Unary(m::UnaryOp::Invert),
                };
                self.emit(i, span);
            }
            ExprKind::BoolOp { op, values } => {
                let end = self.em.label();
                let jump = match op {
                    BoolOp::And => Instr::JumpIfFalseOrPop,
                    BoolOp::Or => Instr::JumpIfTrueOrPop,
                };
                for (i, v) in values.iter().enumerate() {
                    self.expr(v)?;
                    if i + 1 < values.len() {
                        self.em.jump(jump, end, span);
                    }
                }
                self.em.bind(end);
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => self.compare(left, ops, comparators, span)?,
            ExprKind::IfExp { test, body, orelse } => {
                let (else_l, end) = (self.em.label(), self.em.label());
                self.test(test)?;
                self.em.jump(Instr::JumpIfFalse, else_l, test.span);
                self.expr(body)?;
                self.em.jump(Instr::Jump, end, span);
                self.em.bind(else_l);
                self.expr(orelse)?;
                self.em.bind(end);
            }
            ExprKind::ListComp { elt, generators } => self.list_comp(elt, generators, span)?,
            ExprKind::Lambda { .. } => return Err(self.err(span, "`lambda` is not supported yet")),
        }
        Ok(())
    }

    /// `M.attr` where `M` is an imported module: the builtin it names.
    fn module_attr(&self, value: &Expr, attr: &ast::Ident) -> R<Option<m::Builtin>> {
        if let ExprKind::Name(n) = &value.kind {
            if let Some(module) = self.module_alias(n) {
                let span = value.span.to(attr.span);
                return names::module_attr(self.src, module, &attr.name, span).map(Some);
            }
        }
        Ok(None)
    }

    fn compare(
        &mut self,
        left: &'a Expr,
        ops: &[ast::CmpOp],
        rest: &'a [Expr],
        span: Span,
    ) -> R<()> {
        if ops.is_empty() || ops.len() != rest.len() {
            return Err(self.err(span, "malformed comparison"));
        }
        self.container_operand(left)?;
        if ops.len() == 1 {
            self.container_operand(&rest[0])?;
            self.emit(Instr::Compare(cmpop(ops[0])), span);
            return Ok(());
        }
        let (cleanup, end) = (self.em.label(), self.em.label());
        let last = ops.len() - 1;
        for (op, e) in ops[..last].iter().zip(&rest[..last]) {
            self.container_operand(e)?;
            self.emit(Instr::Dup, span);
            self.emit(Instr::Rot3, span);
            self.emit(Instr::Compare(cmpop(*op)), span);
            self.em.jump(Instr::JumpIfFalseOrPop, cleanup, span);
        }
        self.container_operand(&rest[last])?;
        self.emit(Instr::Compare(cmpop(ops[last])), span);
        self.em.jump(Instr::Jump, end, span);
        self.em.bind(cleanup);
        self.emit(Instr::Rot2, span);
        self.emit(Instr::Pop, span);
        self.em.bind(end);
        Ok(())
    }

    fn call(
        &mut self,
        e: &'a Expr,
        func: &'a Expr,
        args: &'a [Expr],
        keywords: &'a [Keyword],
    ) -> R<()> {
        for (i, k) in keywords.iter().enumerate() {
            if keywords[..i].iter().any(|p| p.name.name == k.name.name) {
                return Err(self.err(
                    k.name.span,
                    format!("keyword argument repeated: {}", k.name.name),
                ));
            }
        }
        let argc = count(args.len() + keywords.len())
            .ok_or_else(|| self.err(e.span, "too many arguments"))?;
        let mut method = None;
        self.check_arguments(e, func, args, keywords)?;
        if self.kind != FnKind::Check && self.calls_dynamically(func, args, keywords)? {
            self.dynamic_calls = true;
        }
        match &func.kind {
            ExprKind::Attribute { value, attr } => match self.module_attr(value, attr)? {
                Some(b) => self.emit_const(m::Const::Builtin(b), func.span),
                None => {
                    let Some(meth) = Method::from_name(&attr.name) else {
                        return Err(self.err(
                            attr.span,
                            format!("method '{}' is not supported", attr.name),
                        ));
                    };
                    self.container_operand(value)?;
                    if matches!(
                        meth,
                        Method::Keys | Method::Values | Method::Items | Method::Copy
                    ) {
                        self.note_order_seen(value);
                    }
                    if matches!(meth, Method::Start | Method::Run) {
                        self.note_start_point(e.span);
                    }
                    method = Some(meth);
                }
            },
            ExprKind::Name(n) => {
                let builtin = matches!(self.resolve(n, func.span)?, Resolved::Builtin(_));
                if !builtin {
                    self.note_start_point(e.span);
                }
                self.expr(func)?;
            }
            _ => {
                self.note_start_point(e.span);
                self.expr(func)?;
            }
        }
        let is_len = self.builtin_named(func) == Some(m::Builtin::Fn(m::BuiltinFn::Len));
        match args {
            [only] if is_len && keywords.is_empty() => self.container_operand(only)?,
            _ => args.iter().try_for_each(|a| self.expr(a))?,
        }
        keywords.iter().try_for_each(|k| self.expr(&k.value))?;
        let kwnames = if keywords.is_empty() {
            None
        } else {
            Some(
                self.sh
                    .kwnames(keywords.iter().map(|k| k.name.name.clone()).collect()),
            )
        };
        let instr = match method {
            Some(method) => Instr::CallMethod {
                method,
                argc,
                kwnames,
            },
            None => Instr::Call { argc, kwnames },
        };
        self.emit(instr, e.span);
        Ok(())
    }

    /// Calling `func` may run code that came from data, or hand a thread
    /// over ([`weft_model::Function::dynamic_calls`]). User code runs
    /// through a call, a thread's target and `Condition.wait_for`'s
    /// predicate; each is static only when it names a `def` directly.
    fn calls_dynamically(
        &self,
        func: &'a Expr,
        args: &'a [Expr],
        keywords: &'a [Keyword],
    ) -> R<bool> {
        let in_function = self.kind == FnKind::Function;
        // The argument at `pos` or named `name` is not a known `def`.
        let code_arg = |pos: usize, name: &str| {
            let arg = args.get(pos).or_else(|| {
                keywords
                    .iter()
                    .find(|k| k.name.name == name)
                    .map(|k| &k.value)
            });
            arg.is_some_and(|a| self.known_function(a).is_none())
        };
        let thread_ctor = |b: m::Builtin| {
            matches!(b, m::Builtin::Threading(m::ThreadingName::Thread))
                && (in_function || code_arg(1, "target"))
        };
        Ok(match &func.kind {
            ExprKind::Attribute { value, attr } => match self.module_attr(value, attr)? {
                Some(b) => thread_ctor(b),
                None => match Method::from_name(&attr.name) {
                    Some(Method::Start | Method::Run) => in_function,
                    Some(Method::WaitFor) => code_arg(0, "predicate"),
                    _ => false,
                },
            },
            ExprKind::Name(n) => match self.resolve(n, func.span)? {
                Resolved::Builtin(b) => thread_ctor(b),
                Resolved::Global(_) => self.known_function(func).is_none(),
                _ => true,
            },
            _ => true,
        })
    }

    /// The user function a name certainly calls.
    fn known_function(&self, name_expr: &Expr) -> Option<&'a weft_syntax::ast::FunctionDef> {
        let ExprKind::Name(n) = &name_expr.kind else {
            return None;
        };
        match self.resolve(n, name_expr.span).ok()? {
            Resolved::Global(_) => self.sh.known_funcs.get(n.as_str()).copied(),
            _ => None,
        }
    }

    /// Wrong arguments to a callee known at compile time are scenario errors.
    fn check_arguments(
        &mut self,
        e: &'a Expr,
        func: &'a Expr,
        args: &'a [Expr],
        keywords: &'a [Keyword],
    ) -> R<()> {
        let kw: Vec<&str> = keywords.iter().map(|k| k.name.name.as_str()).collect();
        if let Some(f) = self.known_function(func) {
            return signature::check_user_call(f, args.len(), &kw).map_err(|m| self.err(e.span, m));
        }
        let builtin = match &func.kind {
            ExprKind::Attribute { value, attr } => self.module_attr(value, attr)?,
            ExprKind::Name(n) => match self.resolve(n, func.span)? {
                Resolved::Builtin(b) => Some(b),
                _ => None,
            },
            _ => None,
        };
        let Some(b) = builtin else { return Ok(()) };
        if let Err((msg, at)) = signature::check_constructor(b, args.len(), keywords) {
            let span = at.map(|i| keywords[i].name.span).unwrap_or(e.span);
            return Err(self.err(span, msg));
        }
        if b == m::Builtin::Threading(m::ThreadingName::Thread) {
            if let Some((target, npos, kws, at)) = signature::thread_target_args(args, keywords) {
                if let Some(f) = self.known_function(target) {
                    signature::check_user_call(f, npos, &kws).map_err(|msg| {
                        self.err(
                            at.map(|a| a.span).unwrap_or(e.span),
                            format!("the thread's target would fail: {msg}"),
                        )
                    })?;
                }
            }
        }
        Ok(())
    }

    fn fstring(&mut self, parts: &'a [FStringPart], span: Span) -> R<()> {
        let mut n = 0u32;
        for part in parts {
            match part {
                FStringPart::Literal(s) => {
                    if !s.is_empty() {
                        self.emit_const(Const::Str(s.as_str().into()), span);
                        n += 1;
                    }
                }
                FStringPart::Field {
                    expr,
                    conversion,
                    format_spec,
                    debug_text,
                } => {
                    if let Some(t) = debug_text {
                        self.emit_const(Const::Str(t.as_str().into()), span);
                        n += 1;
                    }
                    self.expr(expr)?;
                    let conversion = match conversion {
                        None if debug_text.is_some() && format_spec.is_none() => Conversion::Repr,
                        None => Conversion::None,
                        Some('r') => Conversion::Repr,
                        Some('s') => Conversion::Str,
                        Some('a') => Conversion::Ascii,
                        Some(c) => {
                            return Err(
                                self.err(expr.span, format!("invalid conversion character '{c}'"))
                            );
                        }
                    };
                    if let Some(spec) = format_spec {
                        self.emit_const(Const::Str(spec.as_str().into()), expr.span);
                    }
                    self.emit(
                        Instr::FormatValue {
                            conversion,
                            has_spec: format_spec.is_some(),
                        },
                        expr.span,
                    );
                    n += 1;
                }
            }
            if n == u32::MAX {
                return Err(self.err(span, "f-string too long"));
            }
        }
        match n {
            0 => self.emit_const(Const::Str("".into()), span),
            1 => {}
            _ => self.emit(Instr::BuildString(n), span),
        }
        Ok(())
    }

    fn list_comp(&mut self, elt: &'a Expr, generators: &'a [Comprehension], span: Span) -> R<()> {
        if generators.is_empty() {
            return Err(self.err(span, "malformed comprehension"));
        }
        let k = self.next_comp();
        let list = self.hidden_local(format!(".comp{k}"));
        self.emit(Instr::BuildList(0), span);
        self.emit(Instr::StoreLocal(list), span);
        let saved = self.renames_len();
        self.loop_depth += 1;
        let res = self.comp_generator(k, list, elt, generators, span);
        self.loop_depth -= 1;
        self.truncate_renames(saved);
        res?;
        self.emit(Instr::LoadLocal(list), span);
        Ok(())
    }

    fn comp_generator(
        &mut self,
        k: u32,
        list: m::LocalId,
        elt: &'a Expr,
        generators: &'a [Comprehension],
        span: Span,
    ) -> R<()> {
        let Some((g, rest)) = generators.split_first() else {
            self.emit(Instr::LoadLocal(list), span);
            self.expr(elt)?;
            self.emit(Instr::ListAppend, span);
            self.emit(Instr::Pop, span);
            return Ok(());
        };
        // The iterable is evaluated before the target names come into scope.
        self.expr(&g.iter)?;
        self.emit(Instr::GetIter, g.iter.span);
        let (top, end) = (self.em.label(), self.em.label());
        self.em.bind(top);
        self.em.jump(Instr::ForIter, end, g.iter.span);
        let mut names = Vec::new();
        target_names(&g.target, &mut names);
        for (n, _) in names {
            let id = self.hidden_local(format!(".comp{k}.{n}"));
            self.push_rename(n, id);
        }
        self.store_target(&g.target, g.target.span, None)?;
        for cond in &g.ifs {
            self.test(cond)?;
            self.em.jump(Instr::JumpIfFalse, top, cond.span);
        }
        self.comp_generator(k, list, elt, rest, span)?;
        self.em.jump(Instr::Jump, top, span);
        self.em.bind(end);
        Ok(())
    }
}

fn cmpop(op: ast::CmpOp) -> m::CmpOp {
    use ast::CmpOp as A;
    match op {
        A::Eq => m::CmpOp::Eq,
        A::NotEq => m::CmpOp::NotEq,
        A::Lt => m::CmpOp::Lt,
        A::LtE => m::CmpOp::LtE,
        A::Gt => m::CmpOp::Gt,
        A::GtE => m::CmpOp::GtE,
        A::Is => m::CmpOp::Is,
        A::IsNot => m::CmpOp::IsNot,
        A::In => m::CmpOp::In,
        A::NotIn => m::CmpOp::NotIn,
    }
}
