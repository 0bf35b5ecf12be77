//! Assignment targets: parsing `for`/`with` targets and checking that an
//! expression can be assigned to (or deleted), with CPython's wording.

use crate::ast::*;
use crate::expr::{depth_of, exprs};
use crate::parser::{Ex, Parser, PR, STARRED};

impl<'a> Parser<'a> {
    /// One target (`with ... as t`): a `|`-level expression; checked.
    pub fn single_target(&mut self) -> PR<Ex> {
        if self.at("*") {
            let s = self.peek_span();
            return Err(self.err(s, STARRED));
        }
        let t = self.binary(1)?;
        self.check_target(&t.e, false)?;
        Ok(t)
    }

    /// An assignment target of a `for` or a comprehension:
    /// a `|`-level expression, or a tuple of them; checked.
    pub fn target_list(&mut self) -> PR<Ex> {
        let one = |p: &mut Parser| -> PR<Ex> {
            if p.at("*") {
                let s = p.peek_span();
                return Err(p.err(s, STARRED));
            }
            p.binary(1)
        };
        let first = one(self)?;
        if !self.at(",") {
            self.check_target(&first.e, false)?;
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(",") {
            if !self.at_expr_start() {
                break;
            }
            items.push(one(self)?);
        }
        let span = items[0].e.span.to(items[items.len() - 1].e.span);
        let d = 1 + depth_of(&items);
        let e = self.mk(ExprKind::Tuple(exprs(items)), span, d)?;
        self.check_target(&e.e, false)?;
        Ok(e)
    }

    pub fn check_target(&self, e: &Expr, del: bool) -> PR<()> {
        match &e.kind {
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
            ExprKind::Tuple(xs) | ExprKind::List(xs) => {
                xs.iter().try_for_each(|x| self.check_target(x, del))
            }
            _ => {
                let verb = if del { "delete" } else { "assign to" };
                Err(self.err(e.span, format!("cannot {verb} {}", describe(e))))
            }
        }
    }

    pub fn check_aug_target(&self, e: &Expr) -> PR<()> {
        match &e.kind {
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
            _ => {
                let msg = format!(
                    "'{}' is an illegal expression for augmented assignment",
                    describe(e)
                );
                Err(self.err(e.span, msg))
            }
        }
    }

    pub fn check_ann_target(&self, e: &Expr) -> PR<()> {
        match &e.kind {
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
            ExprKind::Tuple(_) => {
                Err(self.err(e.span, "only single target (not tuple) can be annotated"))
            }
            ExprKind::List(_) => {
                Err(self.err(e.span, "only single target (not list) can be annotated"))
            }
            _ => Err(self.err(e.span, "illegal target for annotation")),
        }
    }
}

/// How CPython names an expression that cannot be assigned to.
pub(crate) fn describe(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Call { .. } => "function call",
        ExprKind::Const(Const::None) => "None",
        ExprKind::Const(Const::Bool(true)) => "True",
        ExprKind::Const(Const::Bool(false)) => "False",
        ExprKind::Const(Const::Ellipsis) => "ellipsis",
        ExprKind::Const(_) => "literal",
        ExprKind::FString(_) => "f-string expression",
        ExprKind::Compare { .. } => "comparison",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::Dict(_) => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::ListComp { .. } => "list comprehension",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::List(_) => "list",
        ExprKind::Name(_) => "name",
        ExprKind::Attribute { .. } => "attribute",
        ExprKind::Subscript { .. } => "subscript",
        _ => "expression",
    }
}
