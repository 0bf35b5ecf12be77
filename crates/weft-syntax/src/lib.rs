//! Lexer and parser for the Python subset weft checks (SPEC §3).
//!
//! Hand-written rather than a general Python parser, so that every construct
//! outside the subset is rejected with its own name ("`yield` is not
//! supported") at its own line and column, and so that a hostile program
//! cannot make it recurse without bound (nesting depth is capped).
//!
//! Owns: tokens, indentation, operator precedence, f-strings, the AST.
//! Must not know: what a name means, which constructs the compiler accepts
//! (it accepts the "Next" constructs the compiler rejects), threading.

pub mod ast;
mod expr;
mod fstring;
mod lexer;
#[cfg(test)]
mod lexer_tests;
mod parser;
mod stmt;
mod targets;

pub use ast::*;
pub use lexer::MAX_DEPTH;
use weft_diag::{Diagnostic, Embedded};

/// Parse a whole program. Errors are located in the file the program is embedded in.
pub fn parse_module(src: &Embedded) -> Result<Module, Diagnostic> {
    with_stack(|| parser::Parser::new(src, 0, src.text.len(), false).module())
}

/// Parse one expression (an `invariants` or `final` entry). Surrounding
/// whitespace and line breaks are allowed; anything after the expression is
/// an error.
pub fn parse_expression(src: &Embedded) -> Result<Expr, Diagnostic> {
    with_stack(|| parser::Parser::new(src, 0, src.text.len(), true).expression_only())
}

/// Stack reserved for the parser (only the pages touched are used).
const PARSER_STACK: usize = 64 << 20;

/// Run the parser on a thread with a known, large stack. Recursion is capped
/// at [`MAX_DEPTH`] levels, but a level costs tens of kilobytes of stack in
/// an unoptimised build, more than a caller's thread (often 2 MB) may have.
/// If no thread can be started, parse on the caller's stack.
fn with_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    let slot = std::sync::Mutex::new(Some(f));
    let take = || slot.lock().ok().and_then(|mut f| f.take());
    let on_thread = std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("weft-parser".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || take().map(|f| f()));
        spawned.ok().map(|handle| handle.join())
    });
    match on_thread {
        Some(Ok(Some(r))) => r,
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        // The thread could not start: the closure is still in its slot.
        _ => match take() {
            Some(f) => f(),
            None => unreachable!("the parser ran on its thread but returned nothing"),
        },
    }
}
