//! The compiled model: what the front-end produces and the runtime executes.
//!
//! A [`Program`] is a set of code objects ([`Function`]s) for a small stack
//! machine. Each instruction is either *local* (folded into the neighbouring
//! step) or a *step* (one atomic, schedulable action: a shared read or
//! write, a call on a synchronisation object, a container method call on a
//! shared container). Which it is can depend on run-time values (is this
//! list shared?), so the runtime decides; the compiler only marks what it
//! knows statically ([`GlobalKind`]).
//!
//! This crate is pure data: no parsing, no execution. The compiler
//! (`weft-compile`) is its only producer and the runtime (`weft-runtime`)
//! its only interpreter; the explorer never sees it.
//!
//! Stack effects are written `before -> after`, top of stack on the right.

use std::sync::Arc;

pub use weft_diag::{Embedded, Span};

mod builtins;
pub use builtins::*;

pub type FuncId = u32;
pub type GlobalId = u32;
pub type LocalId = u32;
pub type ConstId = u32;
/// Index into [`Program::kwnames`].
pub type KwNamesId = u32;
/// An instruction index inside one function.
pub type Pc = u32;

/// A compiled scenario program.
#[derive(Debug, Clone)]
pub struct Program {
    /// The program text and where it sits in the user's file.
    pub source: Arc<Embedded>,
    pub globals: Vec<GlobalInfo>,
    pub consts: Vec<Const>,
    /// Keyword-argument name lists of calls, in argument order.
    pub kwnames: Vec<Vec<String>>,
    /// `functions[MODULE]` is the module body, run by the main thread.
    pub functions: Vec<Function>,
    /// `invariants` entries: each a parameterless function returning the value.
    pub invariants: Vec<Check>,
    /// `final` entries.
    pub finals: Vec<Check>,
}

/// The function index of the module body.
pub const MODULE: FuncId = 0;

#[derive(Debug, Clone)]
pub struct GlobalInfo {
    pub name: String,
    pub kind: GlobalKind,
    /// Excluded from race reports (`atomic:` in the scenario); its accesses
    /// order like a `volatile`: a read is ordered after the write it reads.
    pub atomic: bool,
    /// Threads' code uses its value only as the container of an operation
    /// that does not keep it: `g[k]`, `g[k] = v`, `del g[k]`, `g.m(...)`,
    /// `len(g)`, a comparison (`x in g`), a truth test. So a container bound
    /// to it is reached only through the global, within the statement that
    /// names it (the partial-order reduction's lock-guard reasoning relies
    /// on it).
    pub confined: bool,
    /// Confined, and no code (thread code or a check) can see the insertion
    /// order of a dict bound to it: beyond the confined operations it is
    /// never given to `keys()`, `values()`, `items()` or `copy()`. Two
    /// states that differ only in that order have the same future, so the
    /// model may store the dict in a canonical order.
    pub unordered: bool,
}

/// What the compiler proved about a module global. It decides whether an
/// access to the binding is a step; the contents of a container bound to it
/// are tracked separately at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalKind {
    /// Read or written by some function: every access is a step.
    Shared,
    /// Only module-level code (the main thread) names it: accesses are local.
    MainOnly,
    /// Functions only read it, and every store is a top-level module
    /// statement before the first statement that can start a thread: once a
    /// second thread exists it never changes, so reads are local.
    Frozen,
}

#[derive(Debug, Clone)]
pub struct Check {
    /// The expression as written, for reports.
    pub text: String,
    pub func: FuncId,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Const {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Arc<str>),
    /// A tuple of constants.
    Tuple(Vec<Const>),
    Func(FuncId),
    Builtin(Builtin),
}

#[derive(Debug, Clone)]
pub struct Function {
    /// `<module>`, the def name, or `<invariant 1>`.
    pub name: String,
    /// Parameters are locals `0..params.len()`.
    pub params: Vec<Param>,
    /// Names of all locals (parameters first, then others, then hidden temporaries).
    pub local_names: Vec<String>,
    pub code: Vec<Instr>,
    /// `spans[pc]` is the source of `code[pc]` (program-text offsets).
    pub spans: Vec<Span>,
    /// Exception handlers, innermost first: the first entry whose range
    /// covers the faulting pc wins.
    pub handlers: Vec<Handler>,
    /// It may run code it got from data: it calls something other than a
    /// builtin, a method or a module-level function bound only by its
    /// `def` (a local, a container element, a rebindable global), passes
    /// such a value as a thread's target or as `wait_for`'s predicate, or,
    /// in a function, creates or starts a thread (whose `Thread` object
    /// other threads may hand over). What such a thread will run cannot be
    /// read off what it reaches now.
    pub dynamic_calls: bool,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    /// Default value (defaults must be constants).
    pub default: Option<ConstId>,
}

/// An exception raised at `pc` in `start..end` truncates the operand stack
/// to `depth`, pushes the exception value and jumps to `target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handler {
    pub start: Pc,
    pub end: Pc,
    pub target: Pc,
    pub depth: u32,
}

/// Why a shared read or write happens: lets race reports name the pattern.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum AccessHint {
    #[default]
    Plain,
    /// The load or store of an augmented assignment (`x += 1`): a lost update when raced.
    Update,
    /// A read in the test of an `if`/`while`/conditional expression: a check-then-act when raced.
    Check,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Instr {
    Nop,
    /// `-> const`
    Const(ConstId),
    /// `-> v`; UnboundLocalError if unset.
    LoadLocal(LocalId),
    /// `v ->`
    StoreLocal(LocalId),
    /// `->`; unbind.
    DeleteLocal(LocalId),
    /// `-> v`; NameError if unbound. A step iff the global is `Shared`.
    LoadGlobal(GlobalId, AccessHint),
    /// `v ->`. A step iff the global is `Shared`.
    StoreGlobal(GlobalId, AccessHint),
    /// `->`; unbind (`del x`).
    DeleteGlobal(GlobalId),
    /// `a ->`
    Pop,
    /// `a -> a a`
    Dup,
    /// `a b -> a b a b`
    Dup2,
    /// `a b -> b a`
    Rot2,
    /// `a b c -> c a b` (top moves down two)
    Rot3,
    /// `a b -> a op b`
    Binary(BinOp),
    /// `a -> op a`
    Unary(UnaryOp),
    /// `a b -> a op b`; `in`/`not in` on a shared container is a step.
    Compare(CmpOp),
    /// `a -> not a` (truthiness; a step on a shared container).
    Not,
    Jump(Pc),
    /// `a ->`; jump if falsy (truthiness of a shared container is a step).
    JumpIfFalse(Pc),
    /// `a ->`; jump if truthy.
    JumpIfTrue(Pc),
    /// `a -> a` and jump if falsy, else `a ->` (for `and`).
    JumpIfFalseOrPop(Pc),
    /// `a -> a` and jump if truthy, else `a ->` (for `or`).
    JumpIfTrueOrPop(Pc),
    /// `v1..vn -> list` (a fresh, unshared list)
    BuildList(u32),
    /// `v1..vn -> tuple`
    BuildTuple(u32),
    /// `k1 v1 .. kn vn -> dict`
    BuildDict(u32),
    /// `s1..sn -> s1+..+sn` (strings, for f-strings)
    BuildString(u32),
    /// `v -> str` or `v spec -> str` (`format_spec` says whether a spec string is on the stack)
    FormatValue {
        conversion: Conversion,
        has_spec: bool,
    },
    /// `container key -> container[key]`; a step on a shared container.
    Subscript(AccessHint),
    /// `value container key ->`; `container[key] = value`.
    StoreSubscript(AccessHint),
    /// `container key ->`; `del container[key]`.
    DeleteSubscript,
    /// `container lower upper -> container[lower:upper]` (None for an absent bound).
    Slice,
    /// `obj -> obj.attr`
    LoadAttr(Attr),
    /// `value obj ->`; `obj.attr = value`.
    StoreAttr(Attr),
    /// `f a1..an kv1..kvm -> result`: `argc = n + m`, the last `m` are
    /// keyword arguments named by `kwnames` (if any).
    Call {
        argc: u32,
        kwnames: Option<KwNamesId>,
    },
    /// `obj a1..an kv1..kvm -> result`: `obj.method(...)`.
    CallMethod {
        method: Method,
        argc: u32,
        kwnames: Option<KwNamesId>,
    },
    /// `iterable -> iterator`. Iterating a shared list, tuple or dict takes
    /// a snapshot in one step; ranges and local containers are local.
    GetIter,
    /// `iterator -> iterator next`, or at the end `iterator ->` and jump.
    ForIter(Pc),
    /// `seq -> vn .. v1` (v1 on top, so stores happen left to right);
    /// ValueError on a length mismatch.
    UnpackSequence(u32),
    /// `list v -> list` (append to a fresh list; list comprehensions).
    ListAppend,
    /// `v ->`; return from the function (ends the thread in its outermost frame).
    Return,
    /// `exc ->`; raise an exception instance or class.
    Raise,
    /// `exc cause ->`; `raise exc from cause`.
    RaiseFrom,
    /// `->`; bare `raise`: re-raise the exception being handled in this frame.
    ReRaiseCurrent,
    /// `exc ->`; re-raise an exception that a handler caught (end of a
    /// `finally` or of a chain of `except` clauses that did not match).
    ReRaise,
    /// `exc typ -> exc bool`: does `exc` match `typ` (a class or a tuple of classes)?
    CheckExcMatch,
    /// `exc ->`; this frame starts handling `exc` (`sys.exc_info()` for a bare `raise`).
    PushExcInfo,
    /// `->`; the handler of the innermost `PushExcInfo` has finished.
    PopExcInfo,
    /// `->` or `msg ->`; raise AssertionError from an `assert` statement.
    AssertFail {
        has_msg: bool,
    },
    /// `ctx -> ctx`: enter a `with` block (acquire). A step.
    WithEnter,
    /// `ctx ->`: leave a `with` block (release). A step.
    WithExit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Conversion {
    None,
    Str,
    Repr,
    Ascii,
}

pub use weft_ops::*;

/// Operators, shared by the AST and the model so that the compiler maps one
/// onto the other without a table.
mod weft_ops {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum BinOp {
        Add,
        Sub,
        Mult,
        Div,
        FloorDiv,
        Mod,
        Pow,
        LShift,
        RShift,
        BitOr,
        BitXor,
        BitAnd,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum UnaryOp {
        Neg,
        Pos,
        Invert,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum CmpOp {
        Eq,
        NotEq,
        Lt,
        LtE,
        Gt,
        GtE,
        Is,
        IsNot,
        In,
        NotIn,
    }
}

impl Program {
    pub fn function(&self, f: FuncId) -> &Function {
        &self.functions[f as usize]
    }
    /// The 1-based program line of an instruction.
    pub fn line_of(&self, f: FuncId, pc: Pc) -> u32 {
        let func = self.function(f);
        let span = func.spans.get(pc as usize).copied().unwrap_or_default();
        self.source.file_line_col(span.start).0
    }
}
