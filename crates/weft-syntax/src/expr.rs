//! Expressions, by Python precedence: lambda < if-else < or < and < not <
//! comparisons < | < ^ < & < shifts < + - < * / // % @ < unary < ** <
//! primary (calls, subscripts, attributes) < atoms.

use weft_diag::Span;

use crate::ast::*;
use crate::lexer::{Kw, Tok};
use crate::parser::{Ex, Parser, AWAIT, PR, STARRED};

const GENEXP: &str = "generator expressions are not supported; use a list comprehension";

fn binop(op: &str) -> Option<(BinOp, u8)> {
    Some(match op {
        "|" => (BinOp::BitOr, 1),
        "^" => (BinOp::BitXor, 2),
        "&" => (BinOp::BitAnd, 3),
        "<<" => (BinOp::LShift, 4),
        ">>" => (BinOp::RShift, 4),
        "+" => (BinOp::Add, 5),
        "-" => (BinOp::Sub, 5),
        "*" => (BinOp::Mult, 6),
        "/" => (BinOp::Div, 6),
        "//" => (BinOp::FloorDiv, 6),
        "%" => (BinOp::Mod, 6),
        "@" => (BinOp::MatMult, 6),
        _ => return None,
    })
}

pub(crate) fn depth_of(xs: &[Ex]) -> u32 {
    xs.iter().map(|x| x.d).max().unwrap_or(0)
}

pub(crate) fn exprs(xs: Vec<Ex>) -> Vec<Expr> {
    xs.into_iter().map(|x| x.e).collect()
}

impl<'a> Parser<'a> {
    /// A full expression (`test` in Python's grammar), depth-guarded.
    pub fn test(&mut self) -> PR<Ex> {
        let span = self.peek_span();
        self.enter(span)?;
        let r = self.test_inner();
        self.leave();
        r
    }

    fn test_inner(&mut self) -> PR<Ex> {
        if self.at_kw(Kw::Lambda) {
            return self.lambda();
        }
        let body = self.or_test()?;
        if !self.at_kw(Kw::If) {
            return Ok(body);
        }
        self.bump();
        let test = self.or_test()?;
        if !self.eat_kw(Kw::Else) {
            return Err(self.expected("expected 'else' after 'if' expression"));
        }
        let orelse = self.test()?;
        let span = body.e.span.to(orelse.e.span);
        let d = 1 + body.d.max(test.d).max(orelse.d);
        let kind = ExprKind::IfExp {
            test: Box::new(test.e),
            body: Box::new(body.e),
            orelse: Box::new(orelse.e),
        };
        self.mk(kind, span, d)
    }

    fn lambda(&mut self) -> PR<Ex> {
        let kw = self.bump();
        let (params, pd) = self.params(":")?;
        self.expect(":")?;
        let body = self.test()?;
        let span = kw.span.to(body.e.span);
        let d = 1 + pd.max(body.d);
        self.mk(
            ExprKind::Lambda {
                params,
                body: Box::new(body.e),
            },
            span,
            d,
        )
    }

    /// Parameters of a `def` (up to `)`) or a `lambda` (up to `:`).
    pub fn params(&mut self, close: &str) -> PR<(Vec<Param>, u32)> {
        let mut params: Vec<Param> = Vec::new();
        let mut d = 0;
        while !self.at(close) {
            let s = self.peek_span();
            match self.peek_op() {
                Some("*") => {
                    let msg = match &self.peek2().tok {
                        Tok::Name(n) => format!("`*{n}` parameters are not supported"),
                        _ => "keyword-only parameters (bare `*`) are not supported".to_string(),
                    };
                    let e = if matches!(self.peek2().tok, Tok::Name(_)) {
                        self.peek2().span
                    } else {
                        s
                    };
                    return Err(self.err(s.to(e), msg));
                }
                Some("**") => {
                    let msg = match &self.peek2().tok {
                        Tok::Name(n) => format!("`**{n}` parameters are not supported"),
                        _ => "`**` parameters are not supported".to_string(),
                    };
                    return Err(self.err(s, msg));
                }
                Some("/") => {
                    return Err(self.err(s, "positional-only parameters (`/`) are not supported"));
                }
                _ => {}
            }
            let name = self.expect_name()?;
            if params.iter().any(|p| p.name.name == name.name) {
                let msg = format!("duplicate argument '{}' in function definition", name.name);
                return Err(self.err(name.span, msg));
            }
            if close == ")" && self.eat(":") {
                // Annotations are accepted and dropped: weft does not check types.
                self.test()?;
            }
            let default = if self.eat("=") {
                let v = self.test()?;
                d = d.max(v.d);
                Some(v.e)
            } else {
                if params.iter().any(|p| p.default.is_some()) {
                    let msg = "parameter without a default follows parameter with a default";
                    return Err(self.err(name.span, msg));
                }
                None
            };
            params.push(Param { name, default });
            if !self.eat(",") {
                break;
            }
        }
        Ok((params, d + 1))
    }

    pub fn or_test(&mut self) -> PR<Ex> {
        self.bool_chain(Kw::Or)
    }

    fn bool_chain(&mut self, kw: Kw) -> PR<Ex> {
        let first = if kw == Kw::Or {
            self.bool_chain(Kw::And)?
        } else {
            self.not_test()?
        };
        if !self.at_kw(kw) {
            return Ok(first);
        }
        let mut values = vec![first];
        while self.eat_kw(kw) {
            let v = if kw == Kw::Or {
                self.bool_chain(Kw::And)?
            } else {
                self.not_test()?
            };
            values.push(v);
        }
        let span = values[0].e.span.to(values[values.len() - 1].e.span);
        let d = 1 + depth_of(&values);
        let op = if kw == Kw::Or {
            BoolOp::Or
        } else {
            BoolOp::And
        };
        self.mk(
            ExprKind::BoolOp {
                op,
                values: exprs(values),
            },
            span,
            d,
        )
    }

    fn not_test(&mut self) -> PR<Ex> {
        if !self.at_kw(Kw::Not) {
            return self.comparison();
        }
        let kw = self.bump();
        self.enter(kw.span)?;
        let operand = self.not_test();
        self.leave();
        let operand = operand?;
        let span = kw.span.to(operand.e.span);
        let kind = ExprKind::UnaryOp {
            op: UnaryOp::Not,
            operand: Box::new(operand.e),
        };
        self.mk(kind, span, operand.d + 1)
    }

    fn cmp_op(&mut self) -> Option<CmpOp> {
        if self.at_kw(Kw::Not) {
            return (self.peek2().tok == Tok::Kw(Kw::In)).then_some(CmpOp::NotIn);
        }
        Some(match &self.peek().tok {
            Tok::Op("==") => CmpOp::Eq,
            Tok::Op("!=") => CmpOp::NotEq,
            Tok::Op("<") => CmpOp::Lt,
            Tok::Op("<=") => CmpOp::LtE,
            Tok::Op(">") => CmpOp::Gt,
            Tok::Op(">=") => CmpOp::GtE,
            Tok::Kw(Kw::In) => CmpOp::In,
            Tok::Kw(Kw::Is) => CmpOp::Is,
            _ => return None,
        })
    }

    fn comparison(&mut self) -> PR<Ex> {
        let left = self.binary(1)?;
        let mut ops = Vec::new();
        let mut comparators = Vec::new();
        while let Some(mut op) = self.cmp_op() {
            self.bump();
            if op == CmpOp::NotIn {
                self.bump();
            } else if op == CmpOp::Is && self.eat_kw(Kw::Not) {
                op = CmpOp::IsNot;
            }
            ops.push(op);
            comparators.push(self.binary(1)?);
        }
        if ops.is_empty() {
            return Ok(left);
        }
        let span = left.e.span.to(comparators[comparators.len() - 1].e.span);
        let d = 1 + left.d.max(depth_of(&comparators));
        let kind = ExprKind::Compare {
            left: Box::new(left.e),
            ops,
            comparators: exprs(comparators),
        };
        self.mk(kind, span, d)
    }

    /// Binary operators from `|` up, by precedence climbing (recursion
    /// bounded by the number of precedence levels).
    pub fn binary(&mut self, min: u8) -> PR<Ex> {
        let mut left = self.unary()?;
        while let Some((op, prec)) = self.peek_op().and_then(binop) {
            if prec < min {
                break;
            }
            self.bump();
            let right = self.binary(prec + 1)?;
            let span = left.e.span.to(right.e.span);
            let d = 1 + left.d.max(right.d);
            let kind = ExprKind::BinOp {
                left: Box::new(left.e),
                op,
                right: Box::new(right.e),
            };
            left = self.mk(kind, span, d)?;
        }
        Ok(left)
    }

    fn unary(&mut self) -> PR<Ex> {
        let op = match self.peek_op() {
            Some("-") => UnaryOp::Neg,
            Some("+") => UnaryOp::Pos,
            Some("~") => UnaryOp::Invert,
            _ => return self.power(),
        };
        let t = self.bump();
        self.enter(t.span)?;
        let operand = self.unary();
        self.leave();
        let operand = operand?;
        let span = t.span.to(operand.e.span);
        let kind = ExprKind::UnaryOp {
            op,
            operand: Box::new(operand.e),
        };
        self.mk(kind, span, operand.d + 1)
    }

    fn power(&mut self) -> PR<Ex> {
        if self.at_kw(Kw::Await) {
            let s = self.peek_span();
            return Err(self.err(s, AWAIT));
        }
        let left = self.primary()?;
        if !self.at("**") {
            return Ok(left);
        }
        let t = self.bump();
        self.enter(t.span)?;
        let right = self.unary();
        self.leave();
        let right = right?;
        let span = left.e.span.to(right.e.span);
        let d = 1 + left.d.max(right.d);
        let kind = ExprKind::BinOp {
            left: Box::new(left.e),
            op: BinOp::Pow,
            right: Box::new(right.e),
        };
        self.mk(kind, span, d)
    }

    fn primary(&mut self) -> PR<Ex> {
        let mut e = self.atom()?;
        loop {
            match self.peek_op() {
                Some(".") => {
                    self.bump();
                    let attr = self.expect_name()?;
                    let span = e.e.span.to(attr.span);
                    let kind = ExprKind::Attribute {
                        value: Box::new(e.e),
                        attr,
                    };
                    e = self.mk(kind, span, e.d + 1)?;
                }
                Some("(") => e = self.call(e)?,
                Some("[") => {
                    self.bump();
                    let index = self.subscript_list()?;
                    let close = self.expect_close("]")?;
                    let span = e.e.span.to(close.span);
                    let d = 1 + e.d.max(index.d);
                    let kind = ExprKind::Subscript {
                        value: Box::new(e.e),
                        index: Box::new(index.e),
                    };
                    e = self.mk(kind, span, d)?;
                }
                _ => return Ok(e),
            }
        }
    }

    fn call(&mut self, func: Ex) -> PR<Ex> {
        self.bump();
        let mut args: Vec<Ex> = Vec::new();
        let mut keywords: Vec<Keyword> = Vec::new();
        let mut d = func.d;
        while !self.at(")") {
            let s = self.peek_span();
            match self.peek_op() {
                Some("*") => return Err(self.err(s, "`*args` argument unpacking is not supported")),
                Some("**") => {
                    return Err(self.err(s, "`**kwargs` argument unpacking is not supported"))
                }
                _ => {}
            }
            if matches!(self.peek().tok, Tok::Name(_)) && self.peek2().tok == Tok::Op("=") {
                let name = self.expect_name()?;
                self.bump();
                if keywords.iter().any(|k| k.name.name == name.name) {
                    let msg = format!("keyword argument repeated: {}", name.name);
                    return Err(self.err(name.span, msg));
                }
                let value = self.test()?;
                d = d.max(value.d);
                keywords.push(Keyword {
                    name,
                    value: value.e,
                });
            } else {
                let a = self.test()?;
                if self.at_kw(Kw::For) {
                    return Err(self.err(a.e.span, GENEXP));
                }
                if self.at("=") {
                    let msg = "expression cannot contain assignment, perhaps you meant \"==\"?";
                    return Err(self.err(a.e.span, msg));
                }
                if !keywords.is_empty() {
                    return Err(self.err(a.e.span, "positional argument follows keyword argument"));
                }
                d = d.max(a.d);
                args.push(a);
            }
            if !self.eat(",") {
                break;
            }
        }
        let close = self.expect_close(")")?;
        let span = func.e.span.to(close.span);
        let kind = ExprKind::Call {
            func: Box::new(func.e),
            args: exprs(args),
            keywords,
        };
        self.mk(kind, span, d + 1)
    }

    /// The inside of `[...]` after a primary: an index, a slice, or a tuple of them.
    fn subscript_list(&mut self) -> PR<Ex> {
        let first = self.subscript_item()?;
        if !self.at(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(",") {
            if self.at("]") {
                break;
            }
            items.push(self.subscript_item()?);
        }
        let span = items[0]
            .e
            .span
            .to(Span::new(self.last_end as usize, self.last_end as usize));
        let d = 1 + depth_of(&items);
        self.mk(ExprKind::Tuple(exprs(items)), span, d)
    }

    fn subscript_item(&mut self) -> PR<Ex> {
        let start = self.peek_span();
        let lower = if self.at(":") {
            None
        } else {
            Some(self.star_or_test()?)
        };
        if !self.at(":") {
            return match lower {
                Some(l) => Ok(l),
                None => Err(self.unexpected()),
            };
        }
        self.bump();
        let stop = |p: &mut Parser| p.at("]") || p.at(",") || p.at(":");
        let upper = if stop(self) { None } else { Some(self.test()?) };
        let step = if self.eat(":") {
            if self.at("]") || self.at(",") {
                None
            } else {
                Some(self.test()?)
            }
        } else {
            None
        };
        let d = 1 + [&lower, &upper, &step]
            .iter()
            .filter_map(|x| x.as_ref().map(|x| x.d))
            .max()
            .unwrap_or(0);
        let b = |x: Option<Ex>| x.map(|x| Box::new(x.e));
        let kind = ExprKind::Slice {
            lower: b(lower),
            upper: b(upper),
            step: b(step),
        };
        let span = self.span_from(start);
        self.mk(kind, span, d)
    }

    /// An element of an expression list: a `test`, rejecting `*x`.
    pub fn star_or_test(&mut self) -> PR<Ex> {
        if self.at("*") {
            let s = self.peek_span();
            return Err(self.err(s, STARRED));
        }
        self.test()
    }

    /// `a, b, c` (a tuple when there is a comma) or a single expression.
    pub fn testlist(&mut self) -> PR<Ex> {
        let first = self.star_or_test()?;
        if !self.at(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(",") {
            if !self.at_expr_start() {
                break;
            }
            items.push(self.star_or_test()?);
        }
        let span = items[0].e.span.to(items[items.len() - 1].e.span);
        let d = 1 + depth_of(&items);
        self.mk(ExprKind::Tuple(exprs(items)), span, d)
    }

    fn atom(&mut self) -> PR<Ex> {
        let s = self.peek_span();
        let kind = match &self.peek().tok {
            Tok::Name(_) => match self.bump().tok {
                Tok::Name(name) => return self.mk(ExprKind::Name(name), s, 1),
                _ => return Err(self.unexpected()),
            },
            Tok::Kw(Kw::None) => ExprKind::Const(Const::None),
            Tok::Kw(Kw::True) => ExprKind::Const(Const::Bool(true)),
            Tok::Kw(Kw::False) => ExprKind::Const(Const::Bool(false)),
            Tok::Int(v) => ExprKind::Const(Const::Int(*v)),
            Tok::Float(v) => ExprKind::Const(Const::Float(*v)),
            Tok::Op("...") => ExprKind::Const(Const::Ellipsis),
            Tok::Str(_) | Tok::FStr { .. } => return self.strings(),
            Tok::Op("(") => return self.paren(),
            Tok::Op("[") => return self.list(),
            Tok::Op("{") => return self.brace(),
            Tok::Op("*") => return Err(self.err(s, STARRED)),
            _ => return Err(self.unexpected()),
        };
        self.bump();
        self.mk(kind, s, 1)
    }

    /// Adjacent string literals, concatenated; an f-string if any part is one.
    fn strings(&mut self) -> PR<Ex> {
        let start = self.peek_span();
        let mut parts = Vec::new();
        let mut pending = String::new();
        let mut is_f = false;
        let mut d = 0;
        while matches!(self.peek().tok, Tok::Str(_) | Tok::FStr { .. }) {
            match self.bump().tok {
                Tok::Str(s) => pending.push_str(&s),
                Tok::FStr { content, raw } => {
                    is_f = true;
                    d = d.max(self.fstring(content, raw, &mut pending, &mut parts)?);
                }
                _ => {}
            }
        }
        let span = self.span_from(start);
        if !is_f {
            return self.mk(ExprKind::Const(Const::Str(pending)), span, 1);
        }
        if !pending.is_empty() {
            parts.push(FStringPart::Literal(pending));
        }
        self.mk(ExprKind::FString(parts), span, d + 1)
    }

    fn paren(&mut self) -> PR<Ex> {
        let open = self.bump();
        if self.at(")") {
            let close = self.bump();
            return self.mk(ExprKind::Tuple(Vec::new()), open.span.to(close.span), 1);
        }
        if self.at_kw(Kw::Yield) {
            return Err(self.yield_error());
        }
        let first = self.star_or_test()?;
        if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
            return Err(self.err(open.span.to(first.e.span), GENEXP));
        }
        if !self.at(",") {
            self.expect_close(")")?;
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(",") {
            if self.at(")") {
                break;
            }
            items.push(self.star_or_test()?);
        }
        let close = self.expect_close(")")?;
        let d = 1 + depth_of(&items);
        self.mk(ExprKind::Tuple(exprs(items)), open.span.to(close.span), d)
    }

    fn list(&mut self) -> PR<Ex> {
        let open = self.bump();
        let mut items = Vec::new();
        if !self.at("]") {
            let first = self.star_or_test()?;
            if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
                let (generators, gd) = self.comp_for()?;
                let close = self.expect_close("]")?;
                let d = 1 + first.d.max(gd);
                let kind = ExprKind::ListComp {
                    elt: Box::new(first.e),
                    generators,
                };
                return self.mk(kind, open.span.to(close.span), d);
            }
            items.push(first);
            while self.eat(",") {
                if self.at("]") {
                    break;
                }
                items.push(self.star_or_test()?);
            }
        }
        let close = self.expect_close("]")?;
        let d = 1 + depth_of(&items);
        self.mk(ExprKind::List(exprs(items)), open.span.to(close.span), d)
    }

    fn dict_unpack(&mut self) -> PR<()> {
        if self.at("**") {
            let s = self.peek_span();
            return Err(self.err(s, "`**` dict unpacking is not supported"));
        }
        Ok(())
    }

    fn brace(&mut self) -> PR<Ex> {
        let open = self.bump();
        if self.at("}") {
            let close = self.bump();
            return self.mk(ExprKind::Dict(Vec::new()), open.span.to(close.span), 1);
        }
        self.dict_unpack()?;
        let first = self.star_or_test()?;
        if self.at(":") {
            self.bump();
            let v = self.test()?;
            if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
                let msg = "dict comprehensions are not supported";
                return Err(self.err(open.span.to(v.e.span), msg));
            }
            let mut d = first.d.max(v.d);
            let mut pairs = vec![(first.e, v.e)];
            while self.eat(",") {
                if self.at("}") {
                    break;
                }
                self.dict_unpack()?;
                let k = self.test()?;
                if !self.at(":") {
                    return Err(self.expected("':' expected after dictionary key"));
                }
                self.bump();
                let v = self.test()?;
                d = d.max(k.d).max(v.d);
                pairs.push((k.e, v.e));
            }
            let close = self.expect_close("}")?;
            return self.mk(ExprKind::Dict(pairs), open.span.to(close.span), d + 1);
        }
        if self.at_kw(Kw::For) || self.at_kw(Kw::Async) {
            return Err(self.err(
                open.span.to(first.e.span),
                "set comprehensions are not supported",
            ));
        }
        let mut items = vec![first];
        while self.eat(",") {
            if self.at("}") {
                break;
            }
            items.push(self.star_or_test()?);
        }
        let close = self.expect_close("}")?;
        let d = 1 + depth_of(&items);
        self.mk(ExprKind::Set(exprs(items)), open.span.to(close.span), d)
    }

    /// `for t in it if c ...` clauses of a comprehension.
    fn comp_for(&mut self) -> PR<(Vec<Comprehension>, u32)> {
        let mut gens = Vec::new();
        let mut d = 0;
        loop {
            if self.at_kw(Kw::Async) {
                let s = self.peek_span();
                return Err(self.err(s, "asynchronous comprehensions are not supported"));
            }
            if !self.eat_kw(Kw::For) {
                break;
            }
            let target = self.target_list()?;
            self.expect_kw(Kw::In)?;
            let iter = self.or_test()?;
            d = d.max(target.d).max(iter.d);
            let mut ifs = Vec::new();
            while self.eat_kw(Kw::If) {
                let c = self.or_test()?;
                d = d.max(c.d);
                ifs.push(c.e);
            }
            gens.push(Comprehension {
                target: target.e,
                iter: iter.e,
                ifs,
            });
        }
        Ok((gens, d))
    }
}
