//! Test helpers: parse, collect errors, and dump trees compactly.
#![allow(dead_code)]

use weft_diag::Embedded;
use weft_syntax::*;

pub fn parse(src: &str) -> Module {
    match parse_module(&Embedded::detached("t.py", src)) {
        Ok(m) => m,
        Err(d) => panic!("parse failed: {d}\n{}", d.render(false)),
    }
}

pub fn expr(src: &str) -> Expr {
    match parse_expression(&Embedded::detached("t.py", src)) {
        Ok(e) => e,
        Err(d) => panic!("parse failed: {d}\n{}", d.render(false)),
    }
}

/// The error of a module that must not parse, as `line:col: message`.
pub fn err(src: &str) -> String {
    match parse_module(&Embedded::detached("t.py", src)) {
        Ok(m) => panic!("expected an error for {src:?}, got {m:?}"),
        Err(d) => {
            let (l, c) = d.line_col();
            assert_eq!(d.location(), format!("t.py:{l}:{c}"));
            format!("{l}:{c}: {}", d.message)
        }
    }
}

pub fn expr_err(src: &str) -> String {
    match parse_expression(&Embedded::detached("t.py", src)) {
        Ok(e) => panic!("expected an error for {src:?}, got {e:?}"),
        Err(d) => {
            let (l, c) = d.line_col();
            format!("{l}:{c}: {}", d.message)
        }
    }
}

/// Dump of an expression parsed alone.
pub fn d(src: &str) -> String {
    dump(&expr(src))
}

/// Dump of a whole module, one statement per line.
pub fn m(src: &str) -> String {
    let m = parse(src);
    m.body.iter().map(dump_stmt).collect::<Vec<_>>().join("\n")
}

fn list(xs: &[Expr]) -> String {
    xs.iter().map(dump).collect::<Vec<_>>().join(" ")
}

fn opt(x: &Option<Box<Expr>>) -> String {
    x.as_ref().map_or("_".into(), |x| dump(x))
}

pub fn dump(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => n.clone(),
        ExprKind::Const(c) => match c {
            Const::None => "None".into(),
            Const::Bool(b) => {
                if *b {
                    "True".into()
                } else {
                    "False".into()
                }
            }
            Const::Int(i) => i.to_string(),
            Const::Float(f) => format!("{f:?}"),
            Const::Str(s) => format!("{s:?}"),
            Const::Ellipsis => "...".into(),
        },
        ExprKind::FString(parts) => {
            let ps: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    FStringPart::Literal(s) => format!("{s:?}"),
                    FStringPart::Field {
                        expr,
                        conversion,
                        format_spec,
                        debug_text,
                    } => {
                        let mut s = format!("{{{}", dump(expr));
                        if let Some(t) = debug_text {
                            s += &format!(" dbg={t:?}");
                        }
                        if let Some(c) = conversion {
                            s += &format!("!{c}");
                        }
                        if let Some(f) = format_spec {
                            s += &format!(":{f}");
                        }
                        s + "}"
                    }
                })
                .collect();
            format!("(f {})", ps.join(" "))
        }
        ExprKind::List(xs) => format!("[list {}]", list(xs)),
        ExprKind::Tuple(xs) => format!("(tuple {})", list(xs)),
        ExprKind::Set(xs) => format!("(set {})", list(xs)),
        ExprKind::Dict(kv) => {
            let ps: Vec<String> = kv
                .iter()
                .map(|(k, v)| format!("{}:{}", dump(k), dump(v)))
                .collect();
            format!("(dict {})", ps.join(" "))
        }
        ExprKind::Attribute { value, attr } => format!("(. {} {})", dump(value), attr.name),
        ExprKind::Subscript { value, index } => format!("([] {} {})", dump(value), dump(index)),
        ExprKind::Slice { lower, upper, step } => {
            format!("(slice {} {} {})", opt(lower), opt(upper), opt(step))
        }
        ExprKind::Call {
            func,
            args,
            keywords,
        } => {
            let mut s = format!("(call {}", dump(func));
            for a in args {
                s += &format!(" {}", dump(a));
            }
            for k in keywords {
                s += &format!(" {}={}", k.name.name, dump(&k.value));
            }
            s + ")"
        }
        ExprKind::BinOp { left, op, right } => {
            format!("({} {} {})", op.symbol(), dump(left), dump(right))
        }
        ExprKind::UnaryOp { op, operand } => {
            let o = match op {
                UnaryOp::Not => "not",
                UnaryOp::Neg => "neg",
                UnaryOp::Pos => "pos",
                UnaryOp::Invert => "inv",
            };
            format!("({o} {})", dump(operand))
        }
        ExprKind::BoolOp { op, values } => {
            let o = if *op == BoolOp::And { "and" } else { "or" };
            format!("({o} {})", list(values))
        }
        ExprKind::Compare {
            left,
            ops,
            comparators,
        } => {
            let mut s = format!("(cmp {}", dump(left));
            for (o, c) in ops.iter().zip(comparators) {
                s += &format!(" {} {}", o.symbol(), dump(c));
            }
            s + ")"
        }
        ExprKind::IfExp { test, body, orelse } => {
            format!("(if {} {} {})", dump(test), dump(body), dump(orelse))
        }
        ExprKind::ListComp { elt, generators } => {
            let mut s = format!("(listcomp {}", dump(elt));
            for g in generators {
                s += &format!(" (for {} {}", dump(&g.target), dump(&g.iter));
                for c in &g.ifs {
                    s += &format!(" (if {})", dump(c));
                }
                s += ")";
            }
            s + ")"
        }
        ExprKind::Lambda { params, body } => {
            format!("(lambda ({}) {})", dump_params(params), dump(body))
        }
    }
}

fn dump_params(ps: &[Param]) -> String {
    ps.iter()
        .map(|p| match &p.default {
            Some(d) => format!("{}={}", p.name.name, dump(d)),
            None => p.name.name.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn body(b: &[Stmt]) -> String {
    format!(
        "[{}]",
        b.iter().map(dump_stmt).collect::<Vec<_>>().join("; ")
    )
}

pub fn dump_stmt(s: &Stmt) -> String {
    match &s.kind {
        StmtKind::Expr(e) => dump(e),
        StmtKind::Assign { targets, value } => format!("(= {} {})", list(targets), dump(value)),
        StmtKind::AugAssign { target, op, value } => {
            format!("({}= {} {})", op.symbol(), dump(target), dump(value))
        }
        StmtKind::AnnAssign {
            target,
            annotation,
            value,
        } => format!(
            "(: {} {}{})",
            dump(target),
            dump(annotation),
            value
                .as_ref()
                .map_or(String::new(), |v| format!(" {}", dump(v)))
        ),
        StmtKind::If {
            test,
            body: b,
            orelse,
        } => format!("(if {} {} {})", dump(test), body(b), body(orelse)),
        StmtKind::While {
            test,
            body: b,
            orelse,
        } => {
            format!("(while {} {} {})", dump(test), body(b), body(orelse))
        }
        StmtKind::For {
            target,
            iter,
            body: b,
            orelse,
        } => {
            format!(
                "(for {} {} {} {})",
                dump(target),
                dump(iter),
                body(b),
                body(orelse)
            )
        }
        StmtKind::Break => "break".into(),
        StmtKind::Continue => "continue".into(),
        StmtKind::Pass => "pass".into(),
        StmtKind::Return(v) => match v {
            Some(v) => format!("(return {})", dump(v)),
            None => "(return)".into(),
        },
        StmtKind::FunctionDef(f) => format!(
            "(def {}{} ({}) {})",
            f.decorators
                .iter()
                .map(|d| format!("@{} ", dump(d)))
                .collect::<String>(),
            f.name.name,
            dump_params(&f.params),
            body(&f.body)
        ),
        StmtKind::ClassDef(c) => format!(
            "(class {}{} ({}) {})",
            c.decorators
                .iter()
                .map(|d| format!("@{} ", dump(d)))
                .collect::<String>(),
            c.name.name,
            list(&c.bases),
            body(&c.body)
        ),
        StmtKind::Global(ns) => {
            format!(
                "(global {})",
                ns.iter()
                    .map(|n| n.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
        StmtKind::Nonlocal(ns) => {
            format!(
                "(nonlocal {})",
                ns.iter()
                    .map(|n| n.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
        StmtKind::Assert { test, msg } => match msg {
            Some(m) => format!("(assert {} {})", dump(test), dump(m)),
            None => format!("(assert {})", dump(test)),
        },
        StmtKind::With { items, body: b } => {
            let its: Vec<String> = items
                .iter()
                .map(|i| match &i.target {
                    Some(t) => format!("{} as {}", dump(&i.context), dump(t)),
                    None => dump(&i.context),
                })
                .collect();
            format!("(with [{}] {})", its.join(", "), body(b))
        }
        StmtKind::Try {
            body: b,
            handlers,
            orelse,
            finalbody,
        } => {
            let hs: Vec<String> = handlers
                .iter()
                .map(|h| {
                    format!(
                        "(except {}{} {})",
                        h.typ.as_ref().map_or("_".into(), dump),
                        h.name
                            .as_ref()
                            .map_or(String::new(), |n| format!(" as {}", n.name)),
                        body(&h.body)
                    )
                })
                .collect();
            format!(
                "(try {} {} {} {})",
                body(b),
                hs.join(" "),
                body(orelse),
                body(finalbody)
            )
        }
        StmtKind::Raise { exc, cause } => format!(
            "(raise{}{})",
            exc.as_ref()
                .map_or(String::new(), |e| format!(" {}", dump(e))),
            cause
                .as_ref()
                .map_or(String::new(), |e| format!(" from {}", dump(e)))
        ),
        StmtKind::Import(names) => format!("(import {})", aliases(names)),
        StmtKind::ImportFrom { module, names } => {
            format!("(from {module} import {})", aliases(names))
        }
        StmtKind::Delete(ts) => format!("(del {})", list(ts)),
    }
}

fn aliases(names: &[Alias]) -> String {
    names
        .iter()
        .map(|a| match &a.asname {
            Some(n) => format!("{} as {}", a.name, n.name),
            None => a.name.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
