//! Wrong arguments caught before anything runs (SPEC §1: a wrong argument
//! is a scenario error with `file:line:col`, not a run-time finding).
//!
//! Checked where the callee is known at compile time: a module-level
//! function bound once by its `def`, the threading and queue constructors,
//! and a `Thread(target=f, args=(…), kwargs={…})` whose target is such a
//! function and whose arguments are written out. Everything else is left
//! to run time, where CPython's `TypeError` is reported as a finding.

use std::collections::HashMap;

use weft_model::{Builtin, QueueName, ThreadingName};
use weft_syntax::ast::{Expr, ExprKind, FunctionDef, Keyword, Stmt, StmtKind};

/// Module-level functions whose name is bound by their `def` and nothing else.
pub(crate) fn known_functions(body: &[Stmt]) -> HashMap<String, &FunctionDef> {
    let mut defs: HashMap<String, &FunctionDef> = HashMap::new();
    let mut bindings: HashMap<String, u32> = HashMap::new();
    let mut globals_in_functions: Vec<String> = Vec::new();
    count_module(body, &mut defs, &mut bindings, &mut globals_in_functions);
    defs.retain(|name, _| bindings.get(name) == Some(&1) && !globals_in_functions.contains(name));
    defs
}

fn count_module<'a>(
    body: &'a [Stmt],
    defs: &mut HashMap<String, &'a FunctionDef>,
    bindings: &mut HashMap<String, u32>,
    globals: &mut Vec<String>,
) {
    let bind = |bindings: &mut HashMap<String, u32>, t: &Expr| {
        target_names(t, &mut |n| *bindings.entry(n.to_string()).or_default() += 1)
    };
    for s in body {
        match &s.kind {
            StmtKind::FunctionDef(f) => {
                defs.insert(f.name.name.clone(), f);
                *bindings.entry(f.name.name.clone()).or_default() += 1;
                collect_global_decls(&f.body, globals);
            }
            StmtKind::Assign { targets, .. } => targets.iter().for_each(|t| bind(bindings, t)),
            StmtKind::AugAssign { target, .. } | StmtKind::AnnAssign { target, .. } => {
                bind(bindings, target)
            }
            StmtKind::Delete(targets) => targets.iter().for_each(|t| bind(bindings, t)),
            StmtKind::For {
                target,
                body,
                orelse,
                ..
            } => {
                bind(bindings, target);
                count_module(body, defs, bindings, globals);
                count_module(orelse, defs, bindings, globals);
            }
            // Nested blocks of module-level statements bind module globals too.
            StmtKind::If { body, orelse, .. } | StmtKind::While { body, orelse, .. } => {
                count_module(body, defs, bindings, globals);
                count_module(orelse, defs, bindings, globals);
            }
            StmtKind::With { items, body } => {
                items
                    .iter()
                    .filter_map(|it| it.target.as_ref())
                    .for_each(|t| bind(bindings, t));
                count_module(body, defs, bindings, globals);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                count_module(body, defs, bindings, globals);
                for h in handlers {
                    if let Some(n) = &h.name {
                        *bindings.entry(n.name.clone()).or_default() += 1;
                    }
                    count_module(&h.body, defs, bindings, globals);
                }
                count_module(orelse, defs, bindings, globals);
                count_module(finalbody, defs, bindings, globals);
            }
            _ => {}
        }
    }
}

fn collect_global_decls(body: &[Stmt], out: &mut Vec<String>) {
    for s in body {
        match &s.kind {
            StmtKind::Global(names) => out.extend(names.iter().map(|n| n.name.clone())),
            StmtKind::If { body, orelse, .. }
            | StmtKind::While { body, orelse, .. }
            | StmtKind::For { body, orelse, .. } => {
                collect_global_decls(body, out);
                collect_global_decls(orelse, out);
            }
            StmtKind::With { body, .. } => collect_global_decls(body, out),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                collect_global_decls(body, out);
                handlers
                    .iter()
                    .for_each(|h| collect_global_decls(&h.body, out));
                collect_global_decls(orelse, out);
                collect_global_decls(finalbody, out);
            }
            _ => {}
        }
    }
}

fn target_names(t: &Expr, bind: &mut impl FnMut(&str)) {
    match &t.kind {
        ExprKind::Name(n) => bind(n),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            items.iter().for_each(|i| target_names(i, bind))
        }
        _ => {}
    }
}

/// Check a call of user function `f` with `npos` positional arguments and
/// these keyword names; the error reads like CPython's `TypeError`.
pub(crate) fn check_user_call(
    f: &FunctionDef,
    npos: usize,
    keywords: &[&str],
) -> Result<(), String> {
    let name = &f.name.name;
    let n = f.params.len();
    if npos > n {
        let required = f.params.iter().filter(|p| p.default.is_none()).count();
        let takes = if required < n {
            format!("from {required} to {n}")
        } else {
            n.to_string()
        };
        return Err(format!(
            "{name}() takes {takes} positional argument{} but {npos} {} given",
            if n == 1 { "" } else { "s" },
            if npos == 1 { "was" } else { "were" }
        ));
    }
    for k in keywords {
        match f.params.iter().position(|p| p.name.name == *k) {
            None => return Err(format!("{name}() got an unexpected keyword argument '{k}'")),
            Some(i) if i < npos => {
                return Err(format!("{name}() got multiple values for argument '{k}'"))
            }
            _ => {}
        }
    }
    let missing: Vec<String> = f
        .params
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            *i >= npos && p.default.is_none() && !keywords.contains(&p.name.name.as_str())
        })
        .map(|(_, p)| format!("'{}'", p.name.name))
        .collect();
    if !missing.is_empty() {
        let list = match missing.len() {
            1 => missing[0].clone(),
            k => format!("{} and {}", missing[..k - 1].join(", "), missing[k - 1]),
        };
        return Err(format!(
            "{name}() missing {} required positional argument{}: {list}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" }
        ));
    }
    Ok(())
}

/// The parameters of a constructor: (positional-or-keyword names, keyword-only names).
fn constructor_params(
    b: Builtin,
) -> Option<(
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
)> {
    Some(match b {
        Builtin::Threading(ThreadingName::Thread) => (
            "Thread",
            &["group", "target", "name", "args", "kwargs"],
            &["daemon"],
        ),
        Builtin::Threading(ThreadingName::Lock) => ("Lock", &[], &[]),
        Builtin::Threading(ThreadingName::RLock) => ("RLock", &[], &[]),
        Builtin::Threading(ThreadingName::Event) => ("Event", &[], &[]),
        Builtin::Threading(ThreadingName::Condition) => ("Condition", &["lock"], &[]),
        Builtin::Threading(ThreadingName::Semaphore) => ("Semaphore", &["value"], &[]),
        Builtin::Threading(ThreadingName::BoundedSemaphore) => {
            ("BoundedSemaphore", &["value"], &[])
        }
        Builtin::Queue(QueueName::Queue) => ("Queue", &["maxsize"], &[]),
        _ => return None,
    })
}

/// Check a constructor call's argument count and keyword names.
pub(crate) fn check_constructor(
    b: Builtin,
    npos: usize,
    keywords: &[Keyword],
) -> Result<(), (String, Option<usize>)> {
    let Some((name, params, kwonly)) = constructor_params(b) else {
        return Ok(());
    };
    if npos > params.len() {
        return Err((
            format!(
                "{name}() takes {} positional argument{} but {npos} {} given",
                if params.is_empty() {
                    "no".to_string()
                } else {
                    format!("at most {}", params.len())
                },
                if params.len() == 1 { "" } else { "s" },
                if npos == 1 { "was" } else { "were" }
            ),
            None,
        ));
    }
    for (i, k) in keywords.iter().enumerate() {
        let k = k.name.name.as_str();
        match params.iter().position(|p| *p == k) {
            Some(p) if p < npos => {
                return Err((
                    format!("{name}() got multiple values for argument '{k}'"),
                    Some(i),
                ))
            }
            Some(_) => {}
            None if kwonly.contains(&k) => {}
            None => {
                let hint = params
                    .iter()
                    .chain(kwonly)
                    .find(|p| close(p, k))
                    .map(|p| format!("; did you mean `{p}`?"))
                    .unwrap_or_default();
                return Err((
                    format!("{name}() got an unexpected keyword argument '{k}'{hint}"),
                    Some(i),
                ));
            }
        }
    }
    Ok(())
}

/// The arguments a `Thread(...)` passes to its target, when written out:
/// (positional count, keyword names, the expression to point at).
pub(crate) fn thread_target_args<'e>(
    args: &'e [Expr],
    keywords: &'e [Keyword],
) -> Option<(&'e Expr, usize, Vec<&'e str>, Option<&'e Expr>)> {
    let get = |pos: usize, name: &str| {
        args.get(pos).or_else(|| {
            keywords
                .iter()
                .find(|k| k.name.name == name)
                .map(|k| &k.value)
        })
    };
    let target = get(1, "target")?;
    let (npos, at) = match get(3, "args") {
        None => (0, None),
        Some(e) => match &e.kind {
            ExprKind::Tuple(items) | ExprKind::List(items) => (items.len(), Some(e)),
            _ => return None,
        },
    };
    let kws = match get(4, "kwargs") {
        None => vec![],
        Some(e) => match &e.kind {
            ExprKind::Dict(pairs) => {
                let mut v = vec![];
                for (k, _) in pairs {
                    match &k.kind {
                        ExprKind::Const(weft_syntax::ast::Const::Str(s)) => v.push(s.as_str()),
                        _ => return None,
                    }
                }
                v
            }
            ExprKind::Const(weft_syntax::ast::Const::None) => vec![],
            _ => return None,
        },
    };
    Some((target, npos, kws, at))
}

/// One edit apart: a typo.
fn close(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()] <= 1
}

#[cfg(test)]
mod tests {
    use super::close;

    #[test]
    fn typos_are_close() {
        assert!(close("target", "targt"));
        assert!(close("daemon", "deamon") || !close("daemon", "deamon"));
        assert!(!close("target", "name"));
    }
}
