//! Statements: assignment and its targets, control flow, `try`, `with`,
//! `raise`, `assert`, `def` sites.
//!
//! Layouts of the exception constructs (the runtime implements the other
//! side; `d` is the statement-level stack depth, see `Block::slots`):
//!
//! ```text
//! try: B except T as e: H except: H2 else: E
//!         B                       region h (depth d)
//!         E
//!         Jump end
//!   h:    Dup PushExcInfo         stack: exc
//!         <T> CheckExcMatch JumpIfFalse(n1)     } region c (depth d)
//!         StoreName(e) | Pop                    }
//!         H   PopExcInfo Jump end               }
//!   n1:   Pop H2 PopExcInfo Jump end            }
//!         PopExcInfo ReRaise      no clause matched
//!   c:    PopExcInfo ReRaise      an except body (or a type) raised
//!   end:
//!
//! try: B finally: F
//!         B                       region h (depth d)
//!         F
//!         Jump end
//!   h:    F                       exception on the stack beneath (depth d+1)
//!         ReRaise
//!   end:
//!
//! with C as x: B
//!         <C> WithEnter           stack: ctx
//!         Dup StoreName(x)        } region w (depth d+1: ctx stays)
//!         B                       }
//!         WithExit
//!         Jump end
//!   w:    Rot2 WithExit ReRaise   stack: ctx exc
//!   end:
//! ```
//!
//! `try/except/finally` is a `finally` around a `try/except`; `with a, b`
//! nests. `return`/`break`/`continue` leaving these blocks run the cleanup
//! of each (copy of F, `WithExit`, `PopExcInfo`, `Pop` of a `for`
//! iterator or of a `finally`'s pending exception) with the block's own
//! region suspended; see `FnCompiler::unwind`.

use weft_diag::Span;
use weft_model::{AccessHint, Attr, Const, Instr};
use weft_syntax::ast::{Expr, ExprKind, FunctionDef, Stmt, StmtKind, WithItem};

use crate::emit::MAX_CODE;
use crate::func::{Block, FnCompiler, FnKind, R};

fn header(stmt: &Stmt, until: Span) -> Span {
    Span {
        start: stmt.span.start,
        end: until.end.max(stmt.span.start),
    }
}

impl<'a> FnCompiler<'a, '_> {
    pub(crate) fn block(&mut self, body: &'a [Stmt]) -> R<()> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    pub(crate) fn stmt(&mut self, s: &'a Stmt) -> R<()> {
        if self.em.here() > MAX_CODE {
            return Err(self.err(s.span, "program too large to compile"));
        }
        let span = s.span;
        self.store_pos = span.end;
        match &s.kind {
            StmtKind::Expr(e) => {
                // Docstrings and other constant statements (`...`) do nothing.
                if !matches!(e.kind, ExprKind::Const(_)) {
                    self.expr(e)?;
                    self.emit(Instr::Pop, span);
                }
            }
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                // `g = []`: the global gets a container nothing else holds.
                self.fresh_store = matches!(targets.as_slice(), [t] if matches!(t.kind, ExprKind::Name(_)))
                    && self.is_fresh_container(value);
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Instr::Dup, span);
                    }
                    let stored = self.store_target(t, span, None);
                    self.fresh_store = false;
                    stored?;
                }
            }
            StmtKind::AugAssign { target, op, value } => {
                self.aug_assign(target, *op, value, span)?
            }
            StmtKind::AnnAssign { target, value, .. } => {
                if let Some(v) = value {
                    self.expr(v)?;
                    self.store_target(target, span, None)?;
                }
            }
            StmtKind::If { test, body, orelse } => {
                let else_l = self.em.label();
                self.test(test)?;
                self.em.jump(Instr::JumpIfFalse, else_l, test.span);
                self.block(body)?;
                if orelse.is_empty() {
                    self.em.bind(else_l);
                } else {
                    let end = self.em.label();
                    self.em.jump(Instr::Jump, end, test.span);
                    self.em.bind(else_l);
                    self.block(orelse)?;
                    self.em.bind(end);
                }
            }
            StmtKind::While { test, body, orelse } => {
                let (top, exit, brk) = (self.em.label(), self.em.label(), self.em.label());
                self.em.bind(top);
                let always = matches!(
                    test.kind,
                    ExprKind::Const(weft_syntax::ast::Const::Bool(true))
                );
                if !always {
                    self.test(test)?;
                    self.em.jump(Instr::JumpIfFalse, exit, test.span);
                }
                self.loop_body(body, false, brk, top)?;
                self.em.jump(Instr::Jump, top, header(s, test.span));
                self.em.bind(exit);
                self.block(orelse)?;
                self.em.bind(brk);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let head = header(s, iter.span);
                self.expr(iter)?;
                self.emit(Instr::GetIter, iter.span);
                let (top, exit, brk) = (self.em.label(), self.em.label(), self.em.label());
                self.em.bind(top);
                self.em.jump(Instr::ForIter, exit, head);
                self.loop_depth += 1;
                self.store_pos = head.end;
                self.blocks.push(Block::Loop {
                    is_for: true,
                    brk,
                    cont: top,
                });
                let stored = self.store_target(target, head, None);
                self.blocks.pop();
                stored?;
                let res = self.loop_body(body, true, brk, top);
                self.loop_depth -= 1;
                res?;
                self.em.jump(Instr::Jump, top, head);
                self.em.bind(exit);
                self.block(orelse)?;
                self.em.bind(brk);
            }
            StmtKind::Break => self.emit_loop_exit(true, span)?,
            StmtKind::Continue => self.emit_loop_exit(false, span)?,
            StmtKind::Pass | StmtKind::Global(_) => {}
            StmtKind::Return(value) => {
                if self.kind != FnKind::Function {
                    return Err(self.err(span, "'return' outside function"));
                }
                match value {
                    Some(v) => self.expr(v)?,
                    None => self.emit_const(Const::None, span),
                }
                self.emit_return(span)?;
            }
            StmtKind::FunctionDef(def) => self.def_site(s, def)?,
            StmtKind::ClassDef(c) => {
                return Err(self.err(c.name.span, "classes are not supported yet"))
            }
            StmtKind::Nonlocal(_) => return Err(self.err(span, "`nonlocal` is not supported")),
            StmtKind::Assert { test, msg } => {
                let ok = self.em.label();
                self.test(test)?;
                self.em.jump(Instr::JumpIfTrue, ok, test.span);
                if let Some(m) = msg {
                    self.expr(m)?;
                }
                self.emit(
                    Instr::AssertFail {
                        has_msg: msg.is_some(),
                    },
                    span,
                );
                self.em.bind(ok);
            }
            StmtKind::With { items, body } => self.with(s, items, body)?,
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                if finalbody.is_empty() {
                    self.try_except(s, body, handlers, orelse)?;
                } else {
                    self.try_finally(s, body, handlers, orelse, finalbody)?;
                }
            }
            StmtKind::Raise { exc, cause } => match (exc, cause) {
                (None, None) => self.emit(Instr::ReRaiseCurrent, span),
                (Some(e), None) => {
                    self.expr(e)?;
                    self.emit(Instr::Raise, span);
                }
                (Some(e), Some(c)) => {
                    self.expr(e)?;
                    self.expr(c)?;
                    self.emit(Instr::RaiseFrom, span);
                }
                (None, Some(c)) => return Err(self.err(c.span, "`raise from` needs an exception")),
            },
            StmtKind::Import(_) | StmtKind::ImportFrom { .. } => {
                if self.kind != FnKind::Module {
                    return Err(self.err(span, "`import` inside a function is not supported"));
                }
            }
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.delete_target(t, span)?;
                }
            }
        }
        Ok(())
    }

    fn loop_body(
        &mut self,
        body: &'a [Stmt],
        is_for: bool,
        brk: crate::emit::Label,
        cont: crate::emit::Label,
    ) -> R<()> {
        if !is_for {
            self.loop_depth += 1;
        }
        self.blocks.push(Block::Loop { is_for, brk, cont });
        let res = self.block(body);
        self.blocks.pop();
        if !is_for {
            self.loop_depth -= 1;
        }
        res
    }

    /// The test of an `if`/`while`/`assert`/conditional: its global and
    /// subscript loads are check reads.
    pub(crate) fn test(&mut self, e: &'a Expr) -> R<()> {
        let saved = std::mem::replace(&mut self.check_hint, true);
        let res = self.container_operand(e);
        self.check_hint = saved;
        res
    }

    fn def_site(&mut self, s: &'a Stmt, def: &'a FunctionDef) -> R<()> {
        if self.kind != FnKind::Module {
            return Err(self.err(def.name.span, "nested functions are not supported yet"));
        }
        let Some(id) = self.sh.scope.func_id(def) else {
            return Err(self.err(def.name.span, "internal compiler error: unknown function"));
        };
        let span = header(s, def.name.span);
        self.store_pos = def.name.span.end;
        self.emit_const(Const::Func(id), span);
        self.store_name(&def.name.name, span, None)
    }

    /// Pop the top of the stack into an assignment target.
    pub(crate) fn store_target(
        &mut self,
        t: &'a Expr,
        span: Span,
        hint: Option<AccessHint>,
    ) -> R<()> {
        match &t.kind {
            ExprKind::Name(n) => self.store_name(n, span, hint),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let n =
                    u32::try_from(items.len()).map_err(|_| self.err(t.span, "too many targets"))?;
                self.emit(Instr::UnpackSequence(n), span);
                for i in items {
                    self.store_target(i, span, hint)?;
                }
                Ok(())
            }
            ExprKind::Subscript { value, index } => {
                if matches!(index.kind, ExprKind::Slice { .. }) {
                    return Err(self.err(index.span, "slice assignment is not supported"));
                }
                self.container_operand(value)?;
                self.expr(index)?;
                self.emit(Instr::StoreSubscript(hint.unwrap_or_default()), span);
                Ok(())
            }
            ExprKind::Attribute { value, attr } => {
                let a = self.store_attr(value, attr)?;
                self.expr(value)?;
                self.emit(Instr::StoreAttr(a), span);
                Ok(())
            }
            _ => Err(self.err(t.span, format!("cannot assign to {}", describe(t)))),
        }
    }

    fn store_attr(&self, value: &Expr, attr: &weft_syntax::ast::Ident) -> R<Attr> {
        if let ExprKind::Name(n) = &value.kind {
            if let Some(m) = self.module_alias(n) {
                return Err(self.err(
                    attr.span,
                    format!("assigning to {}.{} is not supported", m.name(), attr.name),
                ));
            }
        }
        match attr.name.as_str() {
            "daemon" => Ok(Attr::Daemon),
            other => Err(self.err(
                attr.span,
                format!("assigning to attribute '{other}' is not supported yet"),
            )),
        }
    }

    fn delete_target(&mut self, t: &'a Expr, span: Span) -> R<()> {
        match &t.kind {
            ExprKind::Name(n) => self.delete_name(n, span),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                items.iter().try_for_each(|i| self.delete_target(i, span))
            }
            ExprKind::Subscript { value, index } => {
                if matches!(index.kind, ExprKind::Slice { .. }) {
                    return Err(self.err(index.span, "deleting slices is not supported"));
                }
                self.container_operand(value)?;
                self.expr(index)?;
                self.emit(Instr::DeleteSubscript, span);
                Ok(())
            }
            ExprKind::Attribute { .. } => {
                Err(self.err(t.span, "deleting attributes is not supported"))
            }
            _ => Err(self.err(t.span, format!("cannot delete {}", describe(t)))),
        }
    }

    fn aug_assign(
        &mut self,
        target: &'a Expr,
        op: weft_syntax::ast::BinOp,
        value: &'a Expr,
        span: Span,
    ) -> R<()> {
        let op = self.binop(op, span)?;
        let upd = Some(AccessHint::Update);
        match &target.kind {
            ExprKind::Name(n) => {
                self.load_name(n, span, upd)?;
                self.expr(value)?;
                self.emit(Instr::Binary(op), span);
                self.store_name(n, span, upd)
            }
            ExprKind::Subscript {
                value: container,
                index,
            } => {
                if matches!(index.kind, ExprKind::Slice { .. }) {
                    return Err(self.err(index.span, "slice assignment is not supported"));
                }
                self.container_operand(container)?;
                self.expr(index)?;
                self.emit(Instr::Dup2, span);
                self.emit(Instr::Subscript(AccessHint::Update), span);
                self.expr(value)?;
                self.emit(Instr::Binary(op), span);
                self.emit(Instr::Rot3, span);
                self.emit(Instr::StoreSubscript(AccessHint::Update), span);
                Ok(())
            }
            ExprKind::Attribute { value: obj, attr } => {
                let a = self.store_attr(obj, attr)?;
                self.expr(obj)?;
                self.emit(Instr::Dup, span);
                self.emit(Instr::LoadAttr(a), span);
                self.expr(value)?;
                self.emit(Instr::Binary(op), span);
                self.emit(Instr::Rot2, span);
                self.emit(Instr::StoreAttr(a), span);
                Ok(())
            }
            _ => Err(self.err(
                target.span,
                format!(
                    "'{}' is an illegal expression for augmented assignment",
                    describe(target)
                ),
            )),
        }
    }

    fn with(&mut self, s: &'a Stmt, items: &'a [WithItem], body: &'a [Stmt]) -> R<()> {
        let Some((item, rest)) = items.split_first() else {
            return self.block(body);
        };
        let ctx_span = item.context.span;
        self.expr(&item.context)?;
        self.emit(Instr::WithEnter, ctx_span);
        let end = self.em.label();
        let level = self.next_level();
        let region = self.em.open_region(level, self.block_depth() + 1);
        self.blocks.push(Block::With { region });
        let res = (|| {
            if let Some(t) = &item.target {
                self.emit(Instr::Dup, ctx_span);
                self.store_pos = ctx_span.end;
                self.store_target(t, header(s, t.span), None)?;
            }
            self.with(s, rest, body)
        })();
        self.blocks.pop();
        self.em.suspend(region);
        res?;
        self.emit(Instr::WithExit, ctx_span);
        self.em.jump(Instr::Jump, end, ctx_span);
        self.em.set_target(region);
        self.emit(Instr::Rot2, ctx_span);
        self.emit(Instr::WithExit, ctx_span);
        self.emit(Instr::ReRaise, ctx_span);
        self.em.bind(end);
        Ok(())
    }

    fn try_finally(
        &mut self,
        s: &'a Stmt,
        body: &'a [Stmt],
        handlers: &'a [weft_syntax::ast::ExceptHandler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
    ) -> R<()> {
        let level = self.next_level();
        let region = self.em.open_region(level, self.block_depth());
        self.blocks.push(Block::Finally {
            region,
            body: finalbody,
        });
        let res = if handlers.is_empty() {
            self.block(body).and_then(|_| self.block(orelse))
        } else {
            self.try_except(s, body, handlers, orelse)
        };
        self.blocks.pop();
        self.em.suspend(region);
        res?;
        self.block(finalbody)?;
        let end = self.em.label();
        let span = finalbody.first().map_or(s.span, |f| f.span);
        self.em.jump(Instr::Jump, end, span);
        self.em.set_target(region);
        self.blocks.push(Block::FinallyExc);
        let res = self.block(finalbody);
        self.blocks.pop();
        res?;
        self.emit(Instr::ReRaise, span);
        self.em.bind(end);
        Ok(())
    }

    fn try_except(
        &mut self,
        s: &'a Stmt,
        body: &'a [Stmt],
        handlers: &'a [weft_syntax::ast::ExceptHandler],
        orelse: &'a [Stmt],
    ) -> R<()> {
        if let Some(h) = handlers.iter().rev().skip(1).find(|h| h.typ.is_none()) {
            return Err(self.err(h.span, "default 'except:' must be last"));
        }
        let depth = self.block_depth();
        let level = self.next_level();
        let region = self.em.open_region(level, depth);
        self.blocks.push(Block::TryExcept { region });
        let res = self.block(body);
        self.blocks.pop();
        self.em.suspend(region);
        res?;
        self.block(orelse)?;
        let end = self.em.label();
        let first = handlers.first().map_or(s.span, |h| h.span);
        self.em.jump(Instr::Jump, end, first);
        self.em.set_target(region);
        self.emit(Instr::Dup, first);
        self.emit(Instr::PushExcInfo, first);
        let cleanup = self.em.open_region(level, depth);
        for h in handlers {
            let hspan = header_of_handler(h);
            let next = self.em.label();
            if let Some(t) = &h.typ {
                self.expr(t)?;
                self.emit(Instr::CheckExcMatch, hspan);
                self.em.jump(Instr::JumpIfFalse, next, hspan);
            }
            match &h.name {
                Some(n) => {
                    self.store_pos = h.span.start;
                    self.store_name(&n.name, n.span, None)?;
                }
                None => self.emit(Instr::Pop, hspan),
            }
            self.blocks.push(Block::ExceptBody { region: cleanup });
            let res = self.block(&h.body);
            self.blocks.pop();
            res?;
            self.emit(Instr::PopExcInfo, hspan);
            self.em.jump(Instr::Jump, end, hspan);
            self.em.bind(next);
        }
        self.em.suspend(cleanup);
        let last = handlers.last().map_or(s.span, header_of_handler);
        self.emit(Instr::PopExcInfo, last);
        self.emit(Instr::ReRaise, last);
        self.em.set_target(cleanup);
        self.emit(Instr::PopExcInfo, last);
        self.emit(Instr::ReRaise, last);
        self.em.bind(end);
        Ok(())
    }
}

/// `except T as e:` without its body.
fn header_of_handler(h: &weft_syntax::ast::ExceptHandler) -> Span {
    let end = h
        .name
        .as_ref()
        .map(|n| n.span.end)
        .or(h.typ.as_ref().map(|t| t.span.end))
        .unwrap_or(h.span.start.saturating_add(6));
    Span {
        start: h.span.start,
        end: end.max(h.span.start),
    }
}

/// How CPython names an expression in "cannot assign to …".
pub(crate) fn describe(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Call { .. } => "function call",
        ExprKind::Const(_) => "literal",
        ExprKind::FString(_) => "f-string expression",
        ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } => "expression",
        ExprKind::BoolOp { .. } => "expression",
        ExprKind::Compare { .. } => "comparison",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::ListComp { .. } => "list comprehension",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::Dict(_) => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::List(_) => "list",
        ExprKind::Name(_) => "name",
        ExprKind::Attribute { .. } => "attribute",
        ExprKind::Subscript { .. } => "subscript",
        ExprKind::Slice { .. } => "slice",
    }
}
