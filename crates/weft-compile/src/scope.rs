//! Scope analysis: one pass over the module before any code is emitted.
//!
//! Decides, for the whole program, which names are module globals (and
//! their ids), what each import binds, and each function's id and locals.
//! It also rejects the statements that shape scopes and that the subset
//! does not have (nested `def`, `class`, `nonlocal`, decorators, imports
//! inside functions).
//!
//! Imports bind at compile time: `import threading [as t]` makes `t` a
//! module alias usable only as `t.NAME`; `from threading import Lock [as L]`
//! makes `L` stand for the builtin constant. Neither creates a global, and
//! rebinding such a name is rejected.
//!
//! Must not know: code layout, classification of globals.

use std::collections::{HashMap, HashSet};

use weft_diag::{Diagnostic, Embedded, Span};
use weft_model::{Builtin, FuncId, GlobalId};
use weft_syntax::ast::{Expr, ExprKind, FunctionDef, Stmt, StmtKind};

use crate::names::{self, ModuleKind};

pub(crate) struct FuncScope<'a> {
    pub def: &'a FunctionDef,
    pub id: FuncId,
    /// Parameters first, then other locals in order of first binding.
    pub locals: Vec<String>,
}

pub(crate) struct Scope<'a> {
    /// `import M as A`: A -> M.
    pub modules: HashMap<String, ModuleKind>,
    /// `from M import X as Y`: Y -> M.X.
    pub imported: HashMap<String, Builtin>,
    import_spans: HashMap<String, Span>,
    pub globals: Vec<String>,
    global_ids: HashMap<String, GlobalId>,
    global_spans: Vec<Span>,
    /// `funcs[id - 1]` for the def with that id.
    pub funcs: Vec<FuncScope<'a>>,
    func_ids: HashMap<*const FunctionDef, FuncId>,
}

type R<T> = Result<T, Diagnostic>;

impl<'a> Scope<'a> {
    pub(crate) fn analyse(src: &Embedded, body: &'a [Stmt]) -> R<Scope<'a>> {
        let mut s = Scope {
            modules: HashMap::new(),
            imported: HashMap::new(),
            import_spans: HashMap::new(),
            globals: Vec::new(),
            global_ids: HashMap::new(),
            global_spans: Vec::new(),
            funcs: Vec::new(),
            func_ids: HashMap::new(),
        };
        s.module_block(src, body)?;
        for (i, name) in s.globals.iter().enumerate() {
            if s.modules.contains_key(name) || s.imported.contains_key(name) {
                return Err(src.error(
                    s.global_spans[i],
                    format!("rebinding the imported name '{name}' is not supported"),
                ));
            }
        }
        Ok(s)
    }

    pub(crate) fn global_id(&self, name: &str) -> Option<GlobalId> {
        self.global_ids.get(name).copied()
    }

    pub(crate) fn func_id(&self, def: &FunctionDef) -> Option<FuncId> {
        self.func_ids.get(&(def as *const FunctionDef)).copied()
    }

    fn bind_global(&mut self, name: &str, span: Span) {
        if !self.global_ids.contains_key(name) {
            let id = self.globals.len() as GlobalId;
            self.globals.push(name.to_string());
            self.global_spans.push(span);
            self.global_ids.insert(name.to_string(), id);
        }
    }

    fn bind_import(&mut self, src: &Embedded, name: &str, span: Span, what: Imported) -> R<()> {
        let same = match what {
            Imported::Module(m) => {
                self.modules.get(name) == Some(&m) || !self.modules.contains_key(name)
            }
            Imported::Builtin(b) => {
                self.imported.get(name) == Some(&b) || !self.imported.contains_key(name)
            }
        };
        let clash = match what {
            Imported::Module(_) => self.imported.contains_key(name),
            Imported::Builtin(_) => self.modules.contains_key(name),
        };
        if !same || clash {
            return Err(src.error(
                span,
                format!("rebinding the imported name '{name}' is not supported"),
            ));
        }
        match what {
            Imported::Module(m) => self.modules.insert(name.to_string(), m).is_none(),
            Imported::Builtin(b) => self.imported.insert(name.to_string(), b).is_none(),
        };
        self.import_spans.entry(name.to_string()).or_insert(span);
        Ok(())
    }

    fn module_block(&mut self, src: &Embedded, body: &'a [Stmt]) -> R<()> {
        for stmt in body {
            self.module_stmt(src, stmt)?;
        }
        Ok(())
    }

    fn module_stmt(&mut self, src: &Embedded, stmt: &'a Stmt) -> R<()> {
        let mut names = Vec::new();
        match &stmt.kind {
            StmtKind::Assign { targets, .. } => {
                targets.iter().for_each(|t| target_names(t, &mut names))
            }
            StmtKind::AugAssign { target, .. } => target_names(target, &mut names),
            StmtKind::AnnAssign {
                target,
                value: Some(_),
                ..
            } => target_names(target, &mut names),
            StmtKind::Delete(targets) => targets.iter().for_each(|t| target_names(t, &mut names)),
            StmtKind::If { body, orelse, .. } | StmtKind::While { body, orelse, .. } => {
                self.module_block(src, body)?;
                self.module_block(src, orelse)?;
            }
            StmtKind::For {
                target,
                body,
                orelse,
                ..
            } => {
                target_names(target, &mut names);
                for (n, sp) in names.drain(..) {
                    self.bind_global(n, sp);
                }
                self.module_block(src, body)?;
                self.module_block(src, orelse)?;
            }
            StmtKind::With { items, body } => {
                for item in items {
                    if let Some(t) = &item.target {
                        target_names(t, &mut names);
                    }
                }
                for (n, sp) in names.drain(..) {
                    self.bind_global(n, sp);
                }
                self.module_block(src, body)?;
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.module_block(src, body)?;
                for h in handlers {
                    if let Some(n) = &h.name {
                        self.bind_global(&n.name, n.span);
                    }
                    self.module_block(src, &h.body)?;
                }
                self.module_block(src, orelse)?;
                self.module_block(src, finalbody)?;
            }
            StmtKind::FunctionDef(def) => {
                self.bind_global(&def.name.name, def.name.span);
                self.function(src, def)?;
            }
            StmtKind::ClassDef(c) => {
                return Err(src.error(c.name.span, "classes are not supported yet"));
            }
            StmtKind::Nonlocal(_) => {
                return Err(src.error(stmt.span, "`nonlocal` is not supported"));
            }
            StmtKind::Import(aliases) => {
                for a in aliases {
                    let m = names::module(src, &a.name, a.span)?;
                    let (bound, span) = match &a.asname {
                        Some(id) => (id.name.as_str(), id.span),
                        None => (a.name.as_str(), a.span),
                    };
                    self.bind_import(src, bound, span, Imported::Module(m))?;
                }
            }
            StmtKind::ImportFrom {
                module,
                names: aliases,
            } => {
                let m = names::module(src, module, stmt.span)?;
                for a in aliases {
                    let b = names::module_attr(src, m, &a.name, a.span)?;
                    let (bound, span) = match &a.asname {
                        Some(id) => (id.name.as_str(), id.span),
                        None => (a.name.as_str(), a.span),
                    };
                    self.bind_import(src, bound, span, Imported::Builtin(b))?;
                }
            }
            _ => {}
        }
        for (n, sp) in names {
            self.bind_global(n, sp);
        }
        Ok(())
    }

    fn function(&mut self, src: &Embedded, def: &'a FunctionDef) -> R<()> {
        if let Some(d) = def.decorators.first() {
            return Err(src.error(d.span, "decorators are not supported yet"));
        }
        let mut w = FnWalk::default();
        for p in &def.params {
            if w.params.iter().any(|q| q == &p.name.name) {
                return Err(src.error(
                    p.name.span,
                    format!(
                        "duplicate argument '{}' in function definition",
                        p.name.name
                    ),
                ));
            }
            w.params.push(p.name.name.clone());
        }
        w.block(src, &def.body)?;
        let declared: HashSet<&str> = w.global_decls.iter().map(|s| s.as_str()).collect();
        let mut locals = w.params.clone();
        for (n, sp) in &w.bound {
            if declared.contains(n.as_str()) {
                self.bind_global(n, *sp);
            } else if !locals.contains(n) {
                locals.push(n.clone());
            }
        }
        let id = FuncId::try_from(self.funcs.len() + 1)
            .map_err(|_| src.error(def.name.span, "too many functions"))?;
        self.func_ids.insert(def as *const FunctionDef, id);
        self.funcs.push(FuncScope { def, id, locals });
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Imported {
    Module(ModuleKind),
    Builtin(Builtin),
}

/// Names bound by an assignment target (`a`, `a, (b, c)`); subscripts and
/// attributes bind nothing.
pub(crate) fn target_names<'e>(t: &'e Expr, out: &mut Vec<(&'e str, Span)>) {
    match &t.kind {
        ExprKind::Name(n) => out.push((n, t.span)),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            items.iter().for_each(|i| target_names(i, out))
        }
        _ => {}
    }
}

/// The bindings and `global` declarations of one function body.
#[derive(Default)]
struct FnWalk {
    params: Vec<String>,
    bound: Vec<(String, Span)>,
    global_decls: Vec<String>,
}

impl FnWalk {
    fn bind(&mut self, names: Vec<(&str, Span)>) {
        for (n, sp) in names {
            if !self.bound.iter().any(|(b, _)| b == n) {
                self.bound.push((n.to_string(), sp));
            }
        }
    }

    fn block(&mut self, src: &Embedded, body: &[Stmt]) -> R<()> {
        for s in body {
            self.stmt(src, s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, src: &Embedded, stmt: &Stmt) -> R<()> {
        let mut names = Vec::new();
        match &stmt.kind {
            StmtKind::Assign { targets, .. } => {
                targets.iter().for_each(|t| target_names(t, &mut names))
            }
            StmtKind::AugAssign { target, .. } | StmtKind::AnnAssign { target, .. } => {
                target_names(target, &mut names)
            }
            StmtKind::Delete(targets) => targets.iter().for_each(|t| target_names(t, &mut names)),
            StmtKind::If { body, orelse, .. } | StmtKind::While { body, orelse, .. } => {
                self.block(src, body)?;
                self.block(src, orelse)?;
            }
            StmtKind::For {
                target,
                body,
                orelse,
                ..
            } => {
                target_names(target, &mut names);
                self.bind(std::mem::take(&mut names));
                self.block(src, body)?;
                self.block(src, orelse)?;
            }
            StmtKind::With { items, body } => {
                for item in items {
                    if let Some(t) = &item.target {
                        target_names(t, &mut names);
                    }
                }
                self.bind(std::mem::take(&mut names));
                self.block(src, body)?;
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.block(src, body)?;
                for h in handlers {
                    if let Some(n) = &h.name {
                        self.bind(vec![(n.name.as_str(), n.span)]);
                    }
                    self.block(src, &h.body)?;
                }
                self.block(src, orelse)?;
                self.block(src, finalbody)?;
            }
            StmtKind::Global(ids) => {
                for id in ids {
                    if self.params.contains(&id.name) {
                        return Err(src.error(
                            id.span,
                            format!("name '{}' is parameter and global", id.name),
                        ));
                    }
                    if self.bound.iter().any(|(b, _)| b == &id.name) {
                        return Err(src.error(
                            id.span,
                            format!(
                                "name '{}' is assigned to before global declaration",
                                id.name
                            ),
                        ));
                    }
                    if !self.global_decls.contains(&id.name) {
                        self.global_decls.push(id.name.clone());
                    }
                }
            }
            StmtKind::Nonlocal(_) => {
                return Err(src.error(stmt.span, "`nonlocal` is not supported"));
            }
            StmtKind::FunctionDef(def) => {
                return Err(src.error(def.name.span, "nested functions are not supported yet"));
            }
            StmtKind::ClassDef(c) => {
                return Err(src.error(c.name.span, "classes are not supported yet"));
            }
            StmtKind::Import(_) | StmtKind::ImportFrom { .. } => {
                return Err(src.error(
                    stmt.span,
                    "`import` inside a function is not supported; import at module level",
                ));
            }
            _ => {}
        }
        self.bind(names);
        Ok(())
    }
}
