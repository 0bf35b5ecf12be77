//! The closed vocabulary of names the subset knows at compile time: the
//! importable modules and their attributes, and the builtins reachable
//! without an import. Everything outside it is rejected here, by name.
//!
//! Owns: the "is not supported" messages for modules, module attributes and
//! builtins. Must not know: what any of these names do at run time.

use weft_diag::{Diagnostic, Embedded, Span};
use weft_model::{Builtin, BuiltinFn, ExcType, QueueName, ThreadingName, TimeName};

/// A module the program may import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ModuleKind {
    Threading,
    Time,
    Queue,
}

impl ModuleKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            ModuleKind::Threading => "threading",
            ModuleKind::Time => "time",
            ModuleKind::Queue => "queue",
        }
    }
}

/// Resolve a module name as written in `import M` / `from M import …`.
pub(crate) fn module(src: &Embedded, name: &str, span: Span) -> Result<ModuleKind, Diagnostic> {
    match name {
        "threading" => Ok(ModuleKind::Threading),
        "time" => Ok(ModuleKind::Time),
        "queue" => Ok(ModuleKind::Queue),
        "concurrent" | "concurrent.futures" => {
            Err(src.error(span, "concurrent.futures is not supported yet"))
        }
        _ if name.starts_with("concurrent.") => {
            Err(src.error(span, "concurrent.futures is not supported yet"))
        }
        _ => Err(src.error(span, format!("module '{name}' is not supported"))),
    }
}

/// Resolve `module.attr` (or `from module import attr`) to a builtin.
pub(crate) fn module_attr(
    src: &Embedded,
    m: ModuleKind,
    attr: &str,
    span: Span,
) -> Result<Builtin, Diagnostic> {
    let qualified = format!("{}.{attr}", m.name());
    let not_supported = || src.error(span, format!("{qualified} is not supported"));
    let not_yet = || src.error(span, format!("{qualified} is not supported yet"));
    match m {
        ModuleKind::Threading if attr == "BrokenBarrierError" => {
            Ok(Builtin::Exc(weft_model::ExcType::BrokenBarrierError))
        }
        ModuleKind::Threading => match ThreadingName::from_name(attr) {
            Some(ThreadingName::Timer | ThreadingName::Local) => Err(not_yet()),
            Some(n) => Ok(Builtin::Threading(n)),
            None => Err(not_supported()),
        },
        ModuleKind::Time => match TimeName::from_name(attr) {
            Some(TimeName::Sleep) => Ok(Builtin::Time(TimeName::Sleep)),
            Some(_) => Err(src.error(
                span,
                format!("{qualified}() is not supported: weft has no clock"),
            )),
            None => Err(not_supported()),
        },
        ModuleKind::Queue => match attr {
            "Empty" => Ok(Builtin::Exc(ExcType::Empty)),
            "Full" => Ok(Builtin::Exc(ExcType::Full)),
            _ => match QueueName::from_name(attr) {
                Some(QueueName::Queue) => Ok(Builtin::Queue(QueueName::Queue)),
                Some(_) => Err(not_yet()),
                None => Err(not_supported()),
            },
        },
    }
}

/// A builtin reachable without an import: a [`BuiltinFn`] or an exception
/// class (`queue.Empty`/`queue.Full` need their module).
pub(crate) fn builtin(name: &str) -> Option<Builtin> {
    if let Some(f) = BuiltinFn::from_name(name) {
        return Some(Builtin::Fn(f));
    }
    match ExcType::from_name(name) {
        Some(ExcType::Empty | ExcType::Full) | None => None,
        Some(e) => Some(Builtin::Exc(e)),
    }
}

/// Python builtins outside the subset: named as such rather than "not defined".
const UNSUPPORTED_BUILTINS: &[&str] = &[
    "set",
    "frozenset",
    "open",
    "input",
    "iter",
    "next",
    "map",
    "filter",
    "round",
    "divmod",
    "id",
    "hash",
    "type",
    "object",
    "super",
    "property",
    "staticmethod",
    "classmethod",
    "getattr",
    "setattr",
    "hasattr",
    "delattr",
    "vars",
    "dir",
    "globals",
    "locals",
    "exec",
    "eval",
    "compile",
    "format",
    "chr",
    "ord",
    "hex",
    "oct",
    "bin",
    "pow",
    "callable",
    "issubclass",
    "bytes",
    "bytearray",
    "memoryview",
    "complex",
    "slice",
    "exit",
    "quit",
    "help",
    "breakpoint",
    "__import__",
    "ascii",
    "aiter",
    "anext",
    "NotImplemented",
    "Ellipsis",
    "ImportError",
    "ModuleNotFoundError",
    "FileNotFoundError",
    "PermissionError",
    "ConnectionError",
    "BrokenPipeError",
    "EOFError",
    "MemoryError",
    "BufferError",
    "UnicodeError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "FloatingPointError",
    "GeneratorExit",
    "StopAsyncIteration",
    "SyntaxError",
    "IndentationError",
    "SystemError",
    "ReferenceError",
    "EnvironmentError",
    "IOError",
    "ChildProcessError",
    "InterruptedError",
    "IsADirectoryError",
    "NotADirectoryError",
    "ProcessLookupError",
    "BlockingIOError",
    "FileExistsError",
    "ConnectionResetError",
    "ConnectionAbortedError",
    "ConnectionRefusedError",
    "BaseExceptionGroup",
    "ExceptionGroup",
    "Warning",
    "UserWarning",
    "DeprecationWarning",
    "RuntimeWarning",
];

/// The error for a name that resolves to nothing.
pub(crate) fn undefined(src: &Embedded, name: &str, span: Span) -> Diagnostic {
    if UNSUPPORTED_BUILTINS.contains(&name) {
        src.error(span, format!("builtin '{name}' is not supported"))
    } else {
        src.error(span, format!("name '{name}' is not defined"))
    }
}
