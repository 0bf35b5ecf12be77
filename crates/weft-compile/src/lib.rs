//! weft-compile: turns the Python AST of a scenario program into the
//! compiled model ([`weft_model::Program`]) that the runtime executes.
//!
//! Pipeline: parse; apply `params:` overrides to the AST; scope analysis
//! (`scope`: globals, locals, imports); code generation for the module body
//! and each `def` (`func`, `stmt`, `expr`, `emit`); classification of the
//! globals (`classify`); `atomic:` names; `invariants:`/`final:` checks.
//!
//! Owns: the subset's static rules (unknown names, unsupported constructs,
//! all reported as located [`Diagnostic`]s) and the code layouts documented
//! in `stmt.rs`. Must not know: what a primitive does, how states are
//! explored; the runtime gives the names and instructions their meaning.

use std::sync::Arc;

use weft_diag::{Diagnostic, Embedded, SourceFile, Span};
use weft_model::{Check, Const, FuncId, Function, GlobalInfo, Instr, Param, Program};
use weft_syntax::ast::{self, Expr, ExprKind, Module, Stmt, StmtKind};

mod classify;
mod emit;
mod expr;
mod func;
mod names;
mod scope;
mod signature;
mod stmt;

use func::{FnCompiler, FnKind, Shared, R};
use scope::Scope;

/// A `params:` value from the scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Literal>),
}

/// One `params:` override of a module-level constant.
#[derive(Debug, Clone)]
pub struct ParamInput {
    pub name: String,
    /// In `Options::file`.
    pub name_span: Span,
    pub value: Literal,
}

/// What the scenario adds to the program.
#[derive(Debug, Clone)]
pub struct Options {
    /// The scenario file (for errors on `params`/`atomic`).
    pub file: Arc<SourceFile>,
    pub params: Vec<ParamInput>,
    /// `atomic:` global names, spans in `file`.
    pub atomic: Vec<(String, Span)>,
    /// `invariants:` expression texts.
    pub invariants: Vec<Embedded>,
    /// `final:` expression texts.
    pub finals: Vec<Embedded>,
}

impl Options {
    /// No params, atomics or checks.
    pub fn none(file: Arc<SourceFile>) -> Options {
        Options {
            file,
            params: Vec::new(),
            atomic: Vec::new(),
            invariants: Vec::new(),
            finals: Vec::new(),
        }
    }
}

/// Compile a program with no scenario options (tests, plain `.py` files).
pub fn compile_source(program: &Embedded) -> Result<Program, Diagnostic> {
    compile(program, &Options::none(program.file.clone()))
}

/// Parse and compile a scenario program with its options.
pub fn compile(program: &Embedded, options: &Options) -> Result<Program, Diagnostic> {
    let module = weft_syntax::parse_module(program)?;
    compile_ast(program, module, options)
}

/// Compile an already-parsed module (check texts are still parsed here).
pub fn compile_ast(
    program: &Embedded,
    mut module: Module,
    options: &Options,
) -> Result<Program, Diagnostic> {
    apply_params(&mut module, options)?;
    let mut checks = Vec::new();
    for (i, e) in options.invariants.iter().enumerate() {
        checks.push((
            format!("<invariant {}>", i + 1),
            e,
            weft_syntax::parse_expression(e)?,
        ));
    }
    let n_invariants = checks.len();
    for (i, e) in options.finals.iter().enumerate() {
        checks.push((
            format!("<final {}>", i + 1),
            e,
            weft_syntax::parse_expression(e)?,
        ));
    }

    let scope = Scope::analyse(program, &module.body)?;
    let mut sh = Shared::new(scope);
    sh.known_funcs = signature::known_functions(&module.body);
    let n_funcs = sh.scope.funcs.len() + 1;
    let mut functions: Vec<Option<Function>> = vec![None; n_funcs];

    // The module body.
    let mut fc = FnCompiler::new(&mut sh, program, FnKind::Module, Vec::new());
    fc.block(&module.body)?;
    let end = Span::new(program.text.len(), program.text.len());
    fc.emit_const(Const::None, end);
    fc.emit(Instr::Return, end);
    functions[0] = Some(finish(fc, "<module>".to_string(), Vec::new(), end)?);

    // Each `def`.
    let defs: Vec<_> = sh
        .scope
        .funcs
        .iter()
        .map(|f| (f.id, f.def, f.locals.clone()))
        .collect();
    for (id, def, locals) in defs {
        let mut params = Vec::new();
        for p in &def.params {
            let default = match &p.default {
                None => None,
                Some(d) => match expr::const_value(d) {
                    Some(c) => Some(sh.constant(c)),
                    None => {
                        return Err(
                            program.error(d.span, "non-constant default values are not supported")
                        )
                    }
                },
            };
            params.push(Param {
                name: p.name.name.clone(),
                default,
            });
        }
        let mut fc = FnCompiler::new(&mut sh, program, FnKind::Function, locals);
        fc.block(&def.body)?;
        let end_pos = def.body.last().map_or(def.name.span.end, |s| s.span.end) as usize;
        let end = Span::new(end_pos, end_pos);
        if fc.em.falls_through() {
            fc.emit_const(Const::None, end);
            fc.emit(Instr::Return, end);
        }
        let f = finish(fc, def.name.name.clone(), params, def.name.span)?;
        if let Some(slot) = functions.get_mut(id as usize) {
            *slot = Some(f);
        }
    }

    let mut globals: Vec<GlobalInfo> = sh
        .scope
        .globals
        .iter()
        .zip(&sh.usage)
        .map(|(name, u)| GlobalInfo {
            name: name.clone(),
            kind: classify::classify(u, sh.start_point),
            atomic: false,
            confined: !u.escapes,
            // Set once the checks, which may see the order too, are compiled.
            unordered: false,
        })
        .collect();
    for (name, span) in &options.atomic {
        match sh.scope.global_id(name) {
            Some(g) => globals[g as usize].atomic = true,
            None => {
                return Err(Diagnostic::error(
                    options.file.clone(),
                    *span,
                    format!("atomic: '{name}' is not a module global of the program"),
                ))
            }
        }
    }

    // Checks: parameterless functions over globals and builtins.
    let mut invariants = Vec::new();
    let mut finals = Vec::new();
    for (i, (name, src, e)) in checks.iter().enumerate() {
        let mut fc = FnCompiler::new(&mut sh, src, FnKind::Check, Vec::new());
        fc.expr(e)?;
        fc.emit(Instr::Return, e.span);
        let func =
            FuncId::try_from(functions.len()).map_err(|_| src.error(e.span, "too many checks"))?;
        functions.push(Some(finish(fc, name.clone(), Vec::new(), e.span)?));
        let check = Check {
            text: src.text.trim().to_string(),
            func,
            span: src.to_file(e.span),
        };
        if i < n_invariants {
            invariants.push(check);
        } else {
            finals.push(check);
        }
    }

    for (g, u) in globals.iter_mut().zip(&sh.usage) {
        g.unordered = !u.escapes && !u.order_seen;
    }

    let mut out = Vec::with_capacity(functions.len());
    for f in functions {
        match f {
            Some(f) => out.push(f),
            None => {
                return Err(
                    program.error(Span::default(), "internal compiler error: missing function")
                )
            }
        }
    }
    Ok(Program {
        source: Arc::new(program.clone()),
        globals,
        consts: sh.consts,
        kwnames: sh.kwnames,
        functions: out,
        invariants,
        finals,
    })
}

fn finish(fc: FnCompiler<'_, '_>, name: String, params: Vec<Param>, span: Span) -> R<Function> {
    let src = fc.src;
    let local_names = fc.local_names;
    let dynamic_calls = fc.dynamic_calls;
    let (code, spans, handlers) = fc.em.finish(src, span)?;
    Ok(Function {
        name,
        params,
        local_names,
        code,
        spans,
        handlers,
        dynamic_calls,
    })
}

/// Replace the value of the first module-level `NAME = …` of each param.
fn apply_params(module: &mut Module, options: &Options) -> R<()> {
    for p in &options.params {
        let Some(path) = find_constant(&module.body, &p.name) else {
            return Err(Diagnostic::error(
                options.file.clone(),
                p.name_span,
                format!(
                    "params: '{}' is not a module-level constant of the program",
                    p.name
                ),
            ));
        };
        let stmt = match path.as_slice() {
            [i] => module.body.get_mut(*i),
            [i, j] => match module.body.get_mut(*i).map(|s| &mut s.kind) {
                Some(StmtKind::If { body, .. }) => body.get_mut(*j),
                _ => None,
            },
            _ => None,
        };
        match stmt.map(|s| &mut s.kind) {
            Some(StmtKind::Assign { value: v, .. })
            | Some(StmtKind::AnnAssign { value: Some(v), .. }) => {
                *v = literal_expr(&p.value, v.span);
            }
            _ => {}
        }
    }
    Ok(())
}

/// Path of statement indices to the first simple assignment of `name` at
/// top level or inside a top-level `if __name__ == "__main__":`.
fn find_constant(body: &[Stmt], name: &str) -> Option<Vec<usize>> {
    fn assigns(s: &Stmt, name: &str) -> bool {
        let target = match &s.kind {
            StmtKind::Assign { targets, .. } if targets.len() == 1 => &targets[0],
            StmtKind::AnnAssign {
                target,
                value: Some(_),
                ..
            } => target,
            _ => return false,
        };
        matches!(&target.kind, ExprKind::Name(n) if n == name)
    }
    for (i, s) in body.iter().enumerate() {
        if assigns(s, name) {
            return Some(vec![i]);
        }
        if let StmtKind::If {
            test, body: inner, ..
        } = &s.kind
        {
            if is_main_test(test) {
                if let Some(j) = inner.iter().position(|s| assigns(s, name)) {
                    return Some(vec![i, j]);
                }
            }
        }
    }
    None
}

fn is_main_test(test: &Expr) -> bool {
    let ExprKind::Compare {
        left,
        ops,
        comparators,
    } = &test.kind
    else {
        return false;
    };
    if ops.as_slice() != [ast::CmpOp::Eq] || comparators.len() != 1 {
        return false;
    }
    let is_name = |e: &Expr| matches!(&e.kind, ExprKind::Name(n) if n == "__name__");
    let is_main =
        |e: &Expr| matches!(&e.kind, ExprKind::Const(ast::Const::Str(s)) if s == "__main__");
    (is_name(left) && is_main(&comparators[0])) || (is_main(left) && is_name(&comparators[0]))
}

fn literal_expr(l: &Literal, span: Span) -> Expr {
    let kind = match l {
        Literal::None => ExprKind::Const(ast::Const::None),
        Literal::Bool(b) => ExprKind::Const(ast::Const::Bool(*b)),
        Literal::Int(i) => ExprKind::Const(ast::Const::Int(*i)),
        Literal::Float(f) => ExprKind::Const(ast::Const::Float(*f)),
        Literal::Str(s) => ExprKind::Const(ast::Const::Str(s.clone())),
        Literal::List(items) => {
            ExprKind::List(items.iter().map(|i| literal_expr(i, span)).collect())
        }
    };
    Expr { kind, span }
}
