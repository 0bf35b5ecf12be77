//! Statements: simple statements (`;`-separated on one logical line) and
//! compound statements with their indented (or same-line) blocks.

use weft_diag::Span;

use crate::ast::*;
use crate::lexer::{Kw, Tok};
use crate::parser::{Parser, PR};

fn aug_op(op: &str) -> Option<BinOp> {
    Some(match op {
        "+=" => BinOp::Add,
        "-=" => BinOp::Sub,
        "*=" => BinOp::Mult,
        "/=" => BinOp::Div,
        "//=" => BinOp::FloorDiv,
        "%=" => BinOp::Mod,
        "**=" => BinOp::Pow,
        "<<=" => BinOp::LShift,
        ">>=" => BinOp::RShift,
        "|=" => BinOp::BitOr,
        "^=" => BinOp::BitXor,
        "&=" => BinOp::BitAnd,
        "@=" => BinOp::MatMult,
        _ => return None,
    })
}

impl<'a> Parser<'a> {
    fn stmt(&self, kind: StmtKind, start: Span) -> Stmt {
        Stmt {
            kind,
            span: self.span_from(start),
        }
    }

    /// One statement line (or compound statement), appended to `out`.
    pub fn statement(&mut self, out: &mut Vec<Stmt>) -> PR<()> {
        let s = self.peek_span();
        match self.peek().tok {
            Tok::Kw(Kw::If) => out.push(self.if_stmt()?),
            Tok::Kw(Kw::While) => out.push(self.while_stmt()?),
            Tok::Kw(Kw::For) => out.push(self.for_stmt()?),
            Tok::Kw(Kw::Try) => out.push(self.try_stmt()?),
            Tok::Kw(Kw::With) => out.push(self.with_stmt()?),
            Tok::Kw(Kw::Def | Kw::Class) | Tok::Op("@") => out.push(self.decorated()?),
            Tok::Kw(Kw::Async) => return Err(self.async_error()),
            Tok::Indent => return Err(self.err(s, "unexpected indent")),
            _ => self.simple_stmts(out)?,
        }
        Ok(())
    }

    /// The indented block (or same-line simple statements) after a `:`.
    fn block(&mut self, what: &str, header: Span) -> PR<Vec<Stmt>> {
        let mut body = Vec::new();
        if !matches!(self.peek().tok, Tok::Newline) {
            if self.at_newline() {
                return Err(self.unexpected());
            }
            self.simple_stmts(&mut body)?;
            return Ok(body);
        }
        self.bump();
        if self.peek().tok != Tok::Indent {
            let line = self.src.file_line_col(header.start).0;
            return Err(self.expected(&format!(
                "expected an indented block after {what} on line {line}"
            )));
        }
        let indent = self.bump();
        self.enter(indent.span)?;
        loop {
            match self.peek().tok {
                Tok::Dedent => {
                    self.bump();
                    break;
                }
                Tok::End => break,
                _ => self.statement(&mut body)?,
            }
        }
        self.leave();
        Ok(body)
    }

    fn colon_block(&mut self, what: &str, header: Span) -> PR<Vec<Stmt>> {
        self.expect(":")?;
        self.block(what, header)
    }

    fn loop_body(&mut self, what: &str, header: Span) -> PR<Vec<Stmt>> {
        self.loops += 1;
        let body = self.colon_block(what, header);
        self.loops -= 1;
        body
    }

    fn else_block(&mut self) -> PR<Vec<Stmt>> {
        if !self.at_kw(Kw::Else) {
            return Ok(Vec::new());
        }
        let kw = self.bump();
        self.colon_block("'else' statement", kw.span)
    }

    /// `test` rejecting a walrus right after it.
    fn condition(&mut self) -> PR<Expr> {
        Ok(self.test()?.e)
    }

    fn if_stmt(&mut self) -> PR<Stmt> {
        let kw = self.bump();
        let what = if kw.tok == Tok::Kw(Kw::If) {
            "'if' statement"
        } else {
            "'elif' statement"
        };
        let test = self.condition()?;
        let body = self.colon_block(what, kw.span)?;
        let orelse = if self.at_kw(Kw::Elif) {
            let s = self.peek_span();
            self.enter(s)?;
            let elif = self.if_stmt();
            self.leave();
            vec![elif?]
        } else {
            self.else_block()?
        };
        Ok(self.stmt(StmtKind::If { test, body, orelse }, kw.span))
    }

    fn while_stmt(&mut self) -> PR<Stmt> {
        let kw = self.bump();
        let test = self.condition()?;
        let body = self.loop_body("'while' statement", kw.span)?;
        let orelse = self.else_block()?;
        Ok(self.stmt(StmtKind::While { test, body, orelse }, kw.span))
    }

    fn for_stmt(&mut self) -> PR<Stmt> {
        let kw = self.bump();
        let target = self.target_list()?.e;
        self.expect_kw(Kw::In)?;
        let iter = self.testlist()?.e;
        let body = self.loop_body("'for' statement", kw.span)?;
        let orelse = self.else_block()?;
        Ok(self.stmt(
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            },
            kw.span,
        ))
    }

    fn try_stmt(&mut self) -> PR<Stmt> {
        let kw = self.bump();
        let body = self.colon_block("'try' statement", kw.span)?;
        let mut handlers: Vec<ExceptHandler> = Vec::new();
        while self.at_kw(Kw::Except) {
            let ek = self.bump();
            if handlers.last().is_some_and(|h| h.typ.is_none()) {
                return Err(self.err(ek.span, "default 'except:' must be last"));
            }
            if self.at("*") {
                let s = self.peek_span();
                return Err(self.err(ek.span.to(s), "`except*` is not supported"));
            }
            let (mut typ, mut name) = (None, None);
            if !self.at(":") {
                let t = self.test()?;
                if self.at(",") {
                    return Err(
                        self.err(t.e.span, "multiple exception types must be parenthesized")
                    );
                }
                typ = Some(t.e);
                if self.eat_kw(Kw::As) {
                    name = Some(self.expect_name()?);
                }
            }
            let hbody = self.colon_block("'except' statement", ek.span)?;
            let span = self.span_from(ek.span);
            handlers.push(ExceptHandler {
                typ,
                name,
                body: hbody,
                span,
            });
        }
        let orelse = if handlers.is_empty() {
            Vec::new()
        } else {
            self.else_block()?
        };
        let mut finalbody = Vec::new();
        if self.at_kw(Kw::Finally) {
            let fk = self.bump();
            finalbody = self.colon_block("'finally' statement", fk.span)?;
        } else if handlers.is_empty() {
            return Err(self.expected("expected 'except' or 'finally' block"));
        }
        Ok(self.stmt(
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            },
            kw.span,
        ))
    }

    fn with_item(&mut self) -> PR<WithItem> {
        let context = self.test()?.e;
        let target = if self.eat_kw(Kw::As) {
            Some(self.single_target()?.e)
        } else {
            None
        };
        Ok(WithItem { context, target })
    }

    fn with_stmt(&mut self) -> PR<Stmt> {
        let kw = self.bump();
        let mut items = Vec::new();
        if self.at("(") {
            // `with (a as b, c):` (parenthesised items) or `with (expr) as x:`.
            self.bump();
            while !self.at(")") {
                items.push(self.with_item()?);
                if !self.eat(",") {
                    break;
                }
            }
            self.expect_close(")")?;
            if !self.at(":") {
                let single = items.len() == 1 && items[0].target.is_none();
                if !single || !self.at_kw(Kw::As) {
                    return Err(self.unexpected());
                }
                self.bump();
                items[0].target = Some(self.single_target()?.e);
                while self.eat(",") {
                    items.push(self.with_item()?);
                }
            }
            if items.is_empty() {
                return Err(self.unexpected());
            }
        } else {
            loop {
                items.push(self.with_item()?);
                if !self.eat(",") {
                    break;
                }
            }
        }
        let body = self.colon_block("'with' statement", kw.span)?;
        Ok(self.stmt(StmtKind::With { items, body }, kw.span))
    }

    fn decorated(&mut self) -> PR<Stmt> {
        let mut decorators = Vec::new();
        while self.at("@") {
            self.bump();
            decorators.push(self.test()?.e);
            if self.peek().tok != Tok::Newline {
                return Err(self.unexpected());
            }
            self.bump();
        }
        match self.peek_kw() {
            Some(Kw::Def) => self.funcdef(decorators),
            Some(Kw::Class) => self.classdef(decorators),
            _ => Err(self.unexpected()),
        }
    }

    fn funcdef(&mut self, decorators: Vec<Expr>) -> PR<Stmt> {
        let kw = self.bump();
        let name = self.expect_name()?;
        self.expect("(")?;
        let (params, _) = self.params(")")?;
        self.expect_close(")")?;
        if self.eat("->") {
            // Return annotations are accepted and dropped.
            self.test()?;
        }
        let saved = (self.in_func, self.loops);
        (self.in_func, self.loops) = (true, 0);
        let body = self.colon_block("function definition", kw.span);
        (self.in_func, self.loops) = saved;
        let body = body?;
        let def = FunctionDef {
            name,
            params,
            body,
            decorators,
        };
        Ok(self.stmt(StmtKind::FunctionDef(def), kw.span))
    }

    fn classdef(&mut self, decorators: Vec<Expr>) -> PR<Stmt> {
        let kw = self.bump();
        let name = self.expect_name()?;
        let mut bases = Vec::new();
        if self.eat("(") {
            while !self.at(")") {
                let s = self.peek_span();
                match self.peek_op() {
                    Some("*") => {
                        return Err(self.err(s, "`*args` argument unpacking is not supported"))
                    }
                    Some("**") => {
                        return Err(self.err(s, "`**kwargs` argument unpacking is not supported"))
                    }
                    _ => {}
                }
                if matches!(self.peek().tok, Tok::Name(_)) && self.peek2().tok == Tok::Op("=") {
                    let msg =
                        "keyword arguments in class definitions (`metaclass=`) are not supported";
                    return Err(self.err(s, msg));
                }
                bases.push(self.test()?.e);
                if !self.eat(",") {
                    break;
                }
            }
            self.expect_close(")")?;
        }
        let saved = (self.in_func, self.loops);
        (self.in_func, self.loops) = (false, 0);
        let body = self.colon_block("class definition", kw.span);
        (self.in_func, self.loops) = saved;
        let body = body?;
        let def = ClassDef {
            name,
            bases,
            body,
            decorators,
        };
        Ok(self.stmt(StmtKind::ClassDef(def), kw.span))
    }

    /// `stmt; stmt; ...` up to and including the NEWLINE.
    pub fn simple_stmts(&mut self, out: &mut Vec<Stmt>) -> PR<()> {
        loop {
            out.push(self.simple_stmt()?);
            if !self.eat(";") || self.at_newline() {
                break;
            }
        }
        match self.peek().tok {
            Tok::Newline => {
                self.bump();
                Ok(())
            }
            Tok::End => Ok(()),
            _ => Err(self.unexpected()),
        }
    }

    fn at_stmt_end(&mut self) -> bool {
        self.at_newline() || self.at(";")
    }

    fn simple_stmt(&mut self) -> PR<Stmt> {
        let s = self.peek_span();
        let kw = match self.peek_kw() {
            Some(k) => k,
            None => return self.expr_stmt(),
        };
        let kind = match kw {
            Kw::Pass | Kw::Break | Kw::Continue => {
                self.bump();
                match kw {
                    Kw::Break if self.loops == 0 => return Err(self.err(s, "'break' outside loop")),
                    Kw::Continue if self.loops == 0 => {
                        return Err(self.err(s, "'continue' not properly in loop"))
                    }
                    Kw::Break => StmtKind::Break,
                    Kw::Continue => StmtKind::Continue,
                    _ => StmtKind::Pass,
                }
            }
            Kw::Return => {
                self.bump();
                if !self.in_func {
                    return Err(self.err(s, "'return' outside function"));
                }
                if self.at_kw(Kw::Yield) {
                    return Err(self.yield_error());
                }
                let value = if self.at_stmt_end() {
                    None
                } else {
                    Some(self.testlist()?.e)
                };
                StmtKind::Return(value)
            }
            Kw::Raise => {
                self.bump();
                let (mut exc, mut cause) = (None, None);
                if !self.at_stmt_end() {
                    exc = Some(self.test()?.e);
                    if self.eat_kw(Kw::From) {
                        cause = Some(self.test()?.e);
                    }
                }
                StmtKind::Raise { exc, cause }
            }
            Kw::Global | Kw::Nonlocal => {
                self.bump();
                let mut names = vec![self.expect_name()?];
                while self.eat(",") {
                    names.push(self.expect_name()?);
                }
                if kw == Kw::Global {
                    StmtKind::Global(names)
                } else {
                    StmtKind::Nonlocal(names)
                }
            }
            Kw::Assert => {
                self.bump();
                let test = self.test()?.e;
                let msg = if self.eat(",") {
                    Some(self.test()?.e)
                } else {
                    None
                };
                StmtKind::Assert { test, msg }
            }
            Kw::Del => {
                self.bump();
                let mut targets = Vec::new();
                loop {
                    if self.at("*") {
                        let s = self.peek_span();
                        return Err(self.err(s, crate::parser::STARRED));
                    }
                    let t = self.binary(1)?.e;
                    self.check_target(&t, true)?;
                    targets.push(t);
                    if !self.eat(",") || self.at_stmt_end() {
                        break;
                    }
                }
                StmtKind::Delete(targets)
            }
            Kw::Import => {
                self.bump();
                let mut names = Vec::new();
                loop {
                    names.push(self.alias(true)?);
                    if !self.eat(",") {
                        break;
                    }
                }
                StmtKind::Import(names)
            }
            Kw::From => self.import_from()?,
            _ => return self.expr_stmt(),
        };
        Ok(self.stmt(kind, s))
    }

    fn dotted_name(&mut self) -> PR<(String, Span)> {
        let first = self.expect_name()?;
        let mut name = first.name;
        while self.at(".") {
            self.bump();
            name.push('.');
            name.push_str(&self.expect_name()?.name);
        }
        Ok((name, self.span_from(first.span)))
    }

    fn alias(&mut self, dotted: bool) -> PR<Alias> {
        let (name, span) = if dotted {
            self.dotted_name()?
        } else {
            let id = self.expect_name()?;
            (id.name, id.span)
        };
        let asname = if self.eat_kw(Kw::As) {
            Some(self.expect_name()?)
        } else {
            None
        };
        Ok(Alias {
            name,
            asname,
            span: self.span_from(span),
        })
    }

    fn import_from(&mut self) -> PR<StmtKind> {
        let kw = self.bump();
        let mut module = String::new();
        loop {
            match self.peek_op() {
                Some(".") => module.push('.'),
                Some("...") => module.push_str("..."),
                _ => break,
            }
            self.bump();
        }
        if module.is_empty() || !self.at_kw(Kw::Import) {
            module.push_str(&self.dotted_name()?.0);
        }
        self.expect_kw(Kw::Import)?;
        if self.at("*") {
            let star = self.bump();
            return Err(self.err(
                kw.span.to(star.span),
                "`from ... import *` is not supported",
            ));
        }
        let paren = self.eat("(");
        let mut names = Vec::new();
        loop {
            names.push(self.alias(false)?);
            if !self.eat(",") {
                break;
            }
            if paren && self.at(")") {
                break;
            }
        }
        if paren {
            self.expect_close(")")?;
        }
        Ok(StmtKind::ImportFrom { module, names })
    }

    /// Expression statements and assignments of all kinds.
    fn expr_stmt(&mut self) -> PR<Stmt> {
        let s = self.peek_span();
        let soft = match &self.peek().tok {
            Tok::Name(n) if n == "match" || n == "type" || n == "print" => Some(n.clone()),
            _ => None,
        };
        if let Some(soft) = soft {
            let next = &self.peek2().tok;
            let starts_operand = matches!(
                next,
                Tok::Name(_) | Tok::Int(_) | Tok::Float(_) | Tok::Str(_) | Tok::FStr { .. }
            );
            if soft == "match"
                && (starts_operand
                    || matches!(
                        next,
                        Tok::Op("{") | Tok::Kw(Kw::None | Kw::True | Kw::False | Kw::Not)
                    ))
            {
                return Err(self.err(s, "`match` statements are not supported"));
            }
            if soft == "type" && matches!(next, Tok::Name(_)) {
                return Err(self.err(s, "`type` statements are not supported"));
            }
            if soft == "print" && starts_operand {
                let msg = "Missing parentheses in call to 'print'. Did you mean print(...)?";
                return Err(self.err(s, msg));
            }
        }
        if self.at_kw(Kw::Yield) {
            return Err(self.yield_error());
        }
        let first = self.testlist()?;
        if self.at("=") {
            let mut exprs = vec![first.e];
            while self.eat("=") {
                if self.at_kw(Kw::Yield) {
                    return Err(self.yield_error());
                }
                exprs.push(self.testlist()?.e);
            }
            let value = exprs.pop().unwrap_or(Expr {
                kind: ExprKind::Tuple(Vec::new()),
                span: s,
            });
            for t in &exprs {
                self.check_target(t, false)?;
            }
            return Ok(self.stmt(
                StmtKind::Assign {
                    targets: exprs,
                    value,
                },
                s,
            ));
        }
        if let Some(op) = self.peek_op().and_then(aug_op) {
            self.check_aug_target(&first.e)?;
            self.bump();
            if self.at_kw(Kw::Yield) {
                return Err(self.yield_error());
            }
            let value = self.testlist()?.e;
            return Ok(self.stmt(
                StmtKind::AugAssign {
                    target: first.e,
                    op,
                    value,
                },
                s,
            ));
        }
        if self.at(":") {
            if self.at_name_match_call(&first.e) && matches!(self.peek2().tok, Tok::Newline) {
                return Err(self.err(s, "`match` statements are not supported"));
            }
            self.check_ann_target(&first.e)?;
            self.bump();
            let annotation = self.test()?.e;
            let value = if self.eat("=") {
                Some(self.testlist()?.e)
            } else {
                None
            };
            let kind = StmtKind::AnnAssign {
                target: first.e,
                annotation,
                value,
            };
            return Ok(self.stmt(kind, s));
        }
        Ok(self.stmt(StmtKind::Expr(first.e), s))
    }

    /// `match(x)` / `match[x]` / `match -x` parsed as an expression: the
    /// start of a `match` statement when a `:` and a line break follow.
    fn at_name_match_call(&self, e: &Expr) -> bool {
        let mut e = e;
        loop {
            match &e.kind {
                ExprKind::Name(n) => return n == "match",
                ExprKind::Call { func, .. } => e = func,
                ExprKind::Subscript { value, .. } => e = value,
                ExprKind::BinOp { left, .. } => e = left,
                ExprKind::Tuple(xs) if !xs.is_empty() => e = &xs[0],
                _ => return false,
            }
        }
    }
}
