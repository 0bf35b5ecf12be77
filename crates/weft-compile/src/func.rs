//! The compiler of one code object (module body, `def`, or check), and the
//! program-wide tables it shares with the others (constants, keyword-name
//! lists, what each global is used for).
//!
//! Owns: name resolution at a use site, loads and stores of names, the
//! stack of enclosing blocks (loops, `with`, `try`) and *unwinding*: the
//! code that `return`/`break`/`continue` run for every block they leave.
//! Statements and expressions are in `stmt.rs` and `expr.rs`.
//!
//! Must not know: what a primitive does, how the runtime schedules steps.

use std::collections::HashMap;

use weft_diag::{Diagnostic, Embedded, Span};
use weft_model::{AccessHint, Builtin, Const, ConstId, GlobalId, Instr, KwNamesId, LocalId};
use weft_syntax::ast::Stmt;

use crate::emit::{Emitter, Label, RegionId};
use crate::names::{self, ModuleKind};
use crate::scope::Scope;

pub(crate) type R<T> = Result<T, Diagnostic>;

/// How the program's functions use one global (input of classification).
#[derive(Default, Clone)]
pub(crate) struct Usage {
    pub fn_read: bool,
    pub fn_store: bool,
    /// Module-level stores: (program offset at which the store happens, inside a loop).
    pub module_stores: Vec<(u32, bool)>,
    /// Thread code (a function or module code) loads its value as anything
    /// but a container operand ([`GlobalInfo::confined`]).
    pub escapes: bool,
    /// Some code (thread code or a check) may see the insertion order of a
    /// dict bound to it: its value is loaded as anything but a container
    /// operand, or a method that reveals order (`keys`, `values`, `items`,
    /// `copy`) is called on it ([`GlobalInfo::unordered`]).
    pub order_seen: bool,
}

/// Program-wide state shared by every function compiler.
pub(crate) struct Shared<'a> {
    pub scope: Scope<'a>,
    pub consts: Vec<Const>,
    const_ids: HashMap<String, ConstId>,
    pub kwnames: Vec<Vec<String>>,
    kw_ids: HashMap<Vec<String>, KwNamesId>,
    pub usage: Vec<Usage>,
    /// Start offset of the first module-level call that may start a thread.
    pub start_point: Option<u32>,
    /// Functions whose calls can be checked for wrong arguments at compile time.
    pub known_funcs: HashMap<String, &'a weft_syntax::ast::FunctionDef>,
}

impl<'a> Shared<'a> {
    pub(crate) fn new(scope: Scope<'a>) -> Shared<'a> {
        let usage = vec![Usage::default(); scope.globals.len()];
        Shared {
            scope,
            consts: Vec::new(),
            const_ids: HashMap::new(),
            kwnames: Vec::new(),
            kw_ids: HashMap::new(),
            usage,
            start_point: None,
            known_funcs: HashMap::new(),
        }
    }

    pub(crate) fn constant(&mut self, c: Const) -> ConstId {
        // Debug text distinguishes 1 / 1.0 / True and 0.0 / -0.0.
        let key = format!("{c:?}");
        if let Some(&id) = self.const_ids.get(&key) {
            return id;
        }
        let id = self.consts.len() as ConstId;
        self.consts.push(c);
        self.const_ids.insert(key, id);
        id
    }

    pub(crate) fn kwnames(&mut self, names: Vec<String>) -> KwNamesId {
        if let Some(&id) = self.kw_ids.get(&names) {
            return id;
        }
        let id = self.kwnames.len() as KwNamesId;
        self.kwnames.push(names.clone());
        self.kw_ids.insert(names, id);
        id
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum FnKind {
    Module,
    Function,
    Check,
}

/// An enclosing construct that `return`/`break`/`continue` must clean up.
#[derive(Clone)]
pub(crate) enum Block<'a> {
    /// A loop body; a `for` keeps its iterator on the stack.
    Loop {
        is_for: bool,
        brk: Label,
        cont: Label,
    },
    /// A `with` body: its context object is on the stack.
    With { region: RegionId },
    /// The body of a `try` with `except` clauses.
    TryExcept { region: RegionId },
    /// The body (and except clauses) of a `try` with a `finally`.
    Finally { region: RegionId, body: &'a [Stmt] },
    /// The exceptional-path copy of a `finally` body: the exception is on the stack.
    FinallyExc,
    /// An `except` clause body: the exception is being handled (`PushExcInfo`).
    ExceptBody { region: RegionId },
}

impl Block<'_> {
    /// Operand-stack slots this block keeps while its body runs.
    fn slots(&self) -> u32 {
        match self {
            Block::Loop { is_for: true, .. } | Block::With { .. } | Block::FinallyExc => 1,
            _ => 0,
        }
    }
    fn region(&self) -> Option<RegionId> {
        match self {
            Block::With { region }
            | Block::TryExcept { region }
            | Block::Finally { region, .. }
            | Block::ExceptBody { region } => Some(*region),
            _ => None,
        }
    }
}

/// What a name means at a use site.
pub(crate) enum Resolved {
    Local(LocalId),
    Global(GlobalId),
    Builtin(Builtin),
    Module(ModuleKind),
    /// `__name__`
    MainName,
}

pub(crate) struct FnCompiler<'a, 's> {
    pub sh: &'s mut Shared<'a>,
    pub src: &'a Embedded,
    pub kind: FnKind,
    pub em: Emitter,
    locals: HashMap<String, LocalId>,
    pub local_names: Vec<String>,
    /// Comprehension targets, innermost last.
    renames: Vec<(String, LocalId)>,
    pub blocks: Vec<Block<'a>>,
    /// Inside the test of an `if`/`while`/conditional/`assert`.
    pub check_hint: bool,
    /// The name being compiled is a container operand that does not keep
    /// the value ([`FnCompiler::container_operand`]).
    pub(crate) operand_only: bool,
    /// The value being stored is a container just built (`[]`, `{}`, a
    /// comprehension, `list(...)`, `dict(...)`): storing it into a global
    /// does not make that global's container reachable otherwise.
    pub(crate) fresh_store: bool,
    /// [`weft_model::Function::dynamic_calls`].
    pub(crate) dynamic_calls: bool,
    /// Module code: loops (and comprehensions) around the current point.
    pub loop_depth: u32,
    /// Module code: where a store compiled now happens (for classification).
    pub store_pos: u32,
    comp_count: u32,
    /// Current expression nesting (bounded, so hostile input cannot overflow the stack).
    pub expr_depth: u32,
    ret_local: Option<LocalId>,
}

impl<'a, 's> FnCompiler<'a, 's> {
    pub(crate) fn new(
        sh: &'s mut Shared<'a>,
        src: &'a Embedded,
        kind: FnKind,
        locals: Vec<String>,
    ) -> Self {
        let map = locals
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as LocalId))
            .collect();
        FnCompiler {
            sh,
            src,
            kind,
            em: Emitter::default(),
            locals: map,
            local_names: locals,
            renames: Vec::new(),
            blocks: Vec::new(),
            check_hint: false,
            operand_only: false,
            fresh_store: false,
            dynamic_calls: false,
            loop_depth: 0,
            store_pos: 0,
            comp_count: 0,
            expr_depth: 0,
            ret_local: None,
        }
    }

    pub(crate) fn err(&self, span: Span, msg: impl Into<String>) -> Diagnostic {
        self.src.error(span, msg)
    }

    pub(crate) fn emit(&mut self, i: Instr, span: Span) {
        self.em.emit(i, span)
    }

    pub(crate) fn emit_const(&mut self, c: Const, span: Span) {
        let id = self.sh.constant(c);
        self.em.emit(Instr::Const(id), span)
    }

    /// A fresh hidden local (comprehension lists and targets, return values).
    pub(crate) fn hidden_local(&mut self, name: String) -> LocalId {
        let id = self.local_names.len() as LocalId;
        self.local_names.push(name);
        id
    }

    pub(crate) fn next_comp(&mut self) -> u32 {
        self.comp_count += 1;
        self.comp_count - 1
    }

    pub(crate) fn push_rename(&mut self, name: &str, id: LocalId) {
        self.renames.push((name.to_string(), id));
    }

    pub(crate) fn renames_len(&self) -> usize {
        self.renames.len()
    }

    pub(crate) fn truncate_renames(&mut self, n: usize) {
        self.renames.truncate(n);
    }

    pub(crate) fn resolve(&self, name: &str, span: Span) -> R<Resolved> {
        if let Some((_, id)) = self.renames.iter().rev().find(|(n, _)| n == name) {
            return Ok(Resolved::Local(*id));
        }
        if self.kind == FnKind::Function {
            if let Some(&id) = self.locals.get(name) {
                return Ok(Resolved::Local(id));
            }
        }
        let scope = &self.sh.scope;
        if let Some(&m) = scope.modules.get(name) {
            return Ok(Resolved::Module(m));
        }
        if let Some(&b) = scope.imported.get(name) {
            return Ok(Resolved::Builtin(b));
        }
        if let Some(g) = scope.global_id(name) {
            return Ok(Resolved::Global(g));
        }
        if name == "__name__" {
            return Ok(Resolved::MainName);
        }
        if let Some(b) = names::builtin(name) {
            return Ok(Resolved::Builtin(b));
        }
        Err(names::undefined(self.src, name, span))
    }

    /// The module a name stands for, if it is an import alias (and not shadowed).
    pub(crate) fn module_alias(&self, name: &str) -> Option<ModuleKind> {
        match self.resolve(name, Span::default()) {
            Ok(Resolved::Module(m)) => Some(m),
            _ => None,
        }
    }

    fn hint(&self, forced: Option<AccessHint>) -> AccessHint {
        match forced {
            Some(h) => h,
            None if self.check_hint => AccessHint::Check,
            None => AccessHint::Plain,
        }
    }

    pub(crate) fn note_global(&mut self, g: GlobalId, store: bool) {
        let Some(u) = self.sh.usage.get_mut(g as usize) else {
            return;
        };
        match self.kind {
            FnKind::Function if store => u.fn_store = true,
            FnKind::Function => u.fn_read = true,
            FnKind::Module if store => u.module_stores.push((self.store_pos, self.loop_depth > 0)),
            _ => {}
        }
    }

    /// Push the value of a name.
    pub(crate) fn load_name(&mut self, name: &str, span: Span, hint: Option<AccessHint>) -> R<()> {
        match self.resolve(name, span)? {
            Resolved::Local(id) => self.emit(Instr::LoadLocal(id), span),
            Resolved::Global(g) => {
                let h = self.hint(hint);
                self.note_global(g, false);
                if !self.operand_only {
                    if let Some(u) = self.sh.usage.get_mut(g as usize) {
                        u.escapes |= self.kind != FnKind::Check;
                        u.order_seen = true;
                    }
                }
                self.emit(Instr::LoadGlobal(g, h), span);
            }
            Resolved::Builtin(b) => self.emit_const(Const::Builtin(b), span),
            Resolved::MainName => self.emit_const(Const::Str("__main__".into()), span),
            Resolved::Module(m) => {
                return Err(self.err(
                    span,
                    format!("module '{}' can only be used as {name}.NAME", m.name()),
                ));
            }
        }
        Ok(())
    }

    /// Where a store to `name` goes: a local or a global.
    fn store_slot(&self, name: &str, span: Span) -> R<Result<LocalId, GlobalId>> {
        if let Some((_, id)) = self.renames.iter().rev().find(|(n, _)| n == name) {
            return Ok(Ok(*id));
        }
        if self.kind == FnKind::Function {
            if let Some(&id) = self.locals.get(name) {
                return Ok(Ok(id));
            }
        }
        let scope = &self.sh.scope;
        if scope.modules.contains_key(name) || scope.imported.contains_key(name) {
            return Err(self.err(
                span,
                format!("rebinding the imported name '{name}' is not supported"),
            ));
        }
        match scope.global_id(name) {
            Some(g) if self.kind != FnKind::Check => Ok(Err(g)),
            _ => Err(self.err(span, format!("cannot assign to '{name}' here"))),
        }
    }

    /// Pop the top of the stack into a name.
    pub(crate) fn store_name(&mut self, name: &str, span: Span, hint: Option<AccessHint>) -> R<()> {
        match self.store_slot(name, span)? {
            Ok(id) => self.emit(Instr::StoreLocal(id), span),
            Err(g) => {
                self.note_global(g, true);
                // A global bound to a container that a local (or anything
                // else) may also hold is not confined.
                if !self.fresh_store && self.kind != FnKind::Check {
                    if let Some(u) = self.sh.usage.get_mut(g as usize) {
                        u.escapes = true;
                    }
                }
                let h = hint.unwrap_or_default();
                self.emit(Instr::StoreGlobal(g, h), span);
            }
        }
        Ok(())
    }

    pub(crate) fn delete_name(&mut self, name: &str, span: Span) -> R<()> {
        match self.store_slot(name, span)? {
            Ok(id) => self.emit(Instr::DeleteLocal(id), span),
            Err(g) => {
                self.note_global(g, true);
                self.emit(Instr::DeleteGlobal(g), span);
            }
        }
        Ok(())
    }

    /// Operand-stack depth at statement level: what the enclosing blocks keep.
    pub(crate) fn block_depth(&self) -> u32 {
        self.blocks.iter().map(Block::slots).sum()
    }

    /// The nesting level of a region opened for a block pushed now.
    pub(crate) fn next_level(&self) -> u32 {
        self.blocks.len() as u32 + 1
    }

    /// Emit the cleanup of every block from the innermost down to index
    /// `down_to` (inclusive), innermost first, suspending their handler
    /// regions. Returns the regions to resume after the jump.
    pub(crate) fn unwind(&mut self, down_to: usize, span: Span) -> R<Vec<RegionId>> {
        let mut suspended = Vec::new();
        for i in (down_to..self.blocks.len()).rev() {
            let block = self.blocks[i].clone();
            if let Some(r) = block.region() {
                self.em.suspend(r);
                suspended.push(r);
            }
            match block {
                Block::Loop { is_for: true, .. } | Block::FinallyExc => self.emit(Instr::Pop, span),
                Block::With { .. } => self.emit(Instr::WithExit, span),
                Block::ExceptBody { .. } => self.emit(Instr::PopExcInfo, span),
                Block::Finally { body, .. } => {
                    // The copy runs as if outside this try: only outer blocks apply.
                    let inner = self.blocks.split_off(i);
                    let res = self.block(body);
                    self.blocks.extend(inner);
                    res?;
                }
                Block::Loop { is_for: false, .. } | Block::TryExcept { .. } => {}
            }
        }
        Ok(suspended)
    }

    pub(crate) fn resume(&mut self, regions: Vec<RegionId>) {
        for r in regions {
            self.em.resume(r);
        }
    }

    /// `return` with the value already on the stack.
    pub(crate) fn emit_return(&mut self, span: Span) -> R<()> {
        let needs_unwind = self
            .blocks
            .iter()
            .any(|b| !matches!(b, Block::Loop { .. } | Block::TryExcept { .. }));
        if !needs_unwind {
            self.emit(Instr::Return, span);
            return Ok(());
        }
        let ret = match self.ret_local {
            Some(r) => r,
            None => {
                let r = self.hidden_local(".return".to_string());
                self.ret_local = Some(r);
                r
            }
        };
        self.emit(Instr::StoreLocal(ret), span);
        let suspended = self.unwind(0, span)?;
        self.emit(Instr::LoadLocal(ret), span);
        self.emit(Instr::Return, span);
        self.resume(suspended);
        Ok(())
    }

    /// `break` (`is_break`) or `continue`.
    pub(crate) fn emit_loop_exit(&mut self, is_break: bool, span: Span) -> R<()> {
        let Some(li) = self
            .blocks
            .iter()
            .rposition(|b| matches!(b, Block::Loop { .. }))
        else {
            return Err(self.err(
                span,
                if is_break {
                    "'break' outside loop"
                } else {
                    "'continue' not properly in loop"
                },
            ));
        };
        let Block::Loop { is_for, brk, cont } = self.blocks[li].clone() else {
            return Err(self.err(span, "internal compiler error: loop block"));
        };
        let suspended = self.unwind(li + 1, span)?;
        if is_break {
            if is_for {
                self.emit(Instr::Pop, span);
            }
            self.em.jump(Instr::Jump, brk, span);
        } else {
            self.em.jump(Instr::Jump, cont, span);
        }
        self.resume(suspended);
        Ok(())
    }

    /// Record a module-level call that may start a thread.
    pub(crate) fn note_start_point(&mut self, span: Span) {
        if self.kind == FnKind::Module {
            let p = self
                .sh
                .start_point
                .map_or(span.start, |s| s.min(span.start));
            self.sh.start_point = Some(p);
        }
    }
}
