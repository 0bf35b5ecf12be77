//! The recursive-descent parser: token plumbing, error helpers and the depth
//! guard. Statements are in `stmt.rs`, expressions in `expr.rs`.

use std::collections::VecDeque;

use weft_diag::{Diagnostic, Embedded, Span};

use crate::ast::*;
use crate::lexer::{Kw, Lexer, Tok, Token, MAX_DEPTH, TOO_DEEP};

pub(crate) type PR<T> = Result<T, Diagnostic>;

/// An expression being built, with the depth of its tree (so that no tree
/// deeper than [`MAX_DEPTH`] is ever built, whatever the operator chains).
pub(crate) struct Ex {
    pub e: Expr,
    pub d: u32,
}

pub(crate) struct Parser<'a> {
    pub src: &'a Embedded,
    pub text: &'a str,
    lex: Lexer<'a>,
    buf: VecDeque<Token>,
    /// Recursion depth (expressions, blocks).
    pub depth: u32,
    /// Enclosing loops in the current function (for `break`/`continue`).
    pub loops: u32,
    pub in_func: bool,
    /// End of the last consumed token.
    pub last_end: u32,
    /// Parsing a lone expression (no statements, no line structure).
    pub expr_mode: bool,
}

pub(crate) const WALRUS: &str = "assignment expressions (`:=`) are not supported";
pub(crate) const AWAIT: &str = "`await` is not supported";
pub(crate) const STARRED: &str = "starred expressions (`*x`) are not supported";

impl<'a> Parser<'a> {
    pub fn new(src: &'a Embedded, start: usize, end: usize, expr_mode: bool) -> Parser<'a> {
        let text = src.text.as_str();
        Parser {
            src,
            text,
            lex: Lexer::new(text, start, end, expr_mode),
            buf: VecDeque::new(),
            depth: 0,
            loops: 0,
            in_func: false,
            last_end: start as u32,
            expr_mode,
        }
    }

    // ----- tokens -----

    fn fill(&mut self, n: usize) {
        while self.buf.len() < n {
            let t = self.lex.next_token();
            self.buf.push_back(t);
        }
    }

    pub fn peek(&mut self) -> &Token {
        self.fill(1);
        &self.buf[0]
    }

    pub fn peek2(&mut self) -> &Token {
        self.fill(2);
        &self.buf[1]
    }

    pub fn peek_span(&mut self) -> Span {
        self.peek().span
    }

    pub fn bump(&mut self) -> Token {
        self.fill(1);
        let t = self.buf.pop_front().unwrap_or(Token {
            tok: Tok::End,
            span: Span::default(),
        });
        if !matches!(t.tok, Tok::Newline | Tok::Indent | Tok::Dedent | Tok::End) {
            self.last_end = t.span.end;
        }
        t
    }

    pub fn at(&mut self, op: &str) -> bool {
        matches!(&self.peek().tok, Tok::Op(o) if *o == op)
    }

    pub fn at_kw(&mut self, kw: Kw) -> bool {
        self.peek().tok == Tok::Kw(kw)
    }

    pub fn peek_kw(&mut self) -> Option<Kw> {
        match self.peek().tok {
            Tok::Kw(k) => Some(k),
            _ => None,
        }
    }

    pub fn peek_op(&mut self) -> Option<&'static str> {
        match self.peek().tok {
            Tok::Op(o) => Some(o),
            _ => None,
        }
    }

    pub fn eat(&mut self, op: &str) -> bool {
        if self.at(op) {
            self.bump();
            true
        } else {
            false
        }
    }

    pub fn eat_kw(&mut self, kw: Kw) -> bool {
        if self.at_kw(kw) {
            self.bump();
            true
        } else {
            false
        }
    }

    pub fn at_newline(&mut self) -> bool {
        matches!(self.peek().tok, Tok::Newline | Tok::End)
    }

    /// Whether the next token can start an expression.
    pub fn at_expr_start(&mut self) -> bool {
        match &self.peek().tok {
            Tok::Name(_) | Tok::Int(_) | Tok::Float(_) | Tok::Str(_) | Tok::FStr { .. } => true,
            Tok::Kw(k) => matches!(
                k,
                Kw::None | Kw::True | Kw::False | Kw::Not | Kw::Lambda | Kw::Await | Kw::Yield
            ),
            Tok::Op(o) => matches!(*o, "(" | "[" | "{" | "-" | "+" | "~" | "..." | "*" | "**"),
            _ => false,
        }
    }

    pub fn expect(&mut self, op: &'static str) -> PR<Token> {
        if self.at(op) {
            return Ok(self.bump());
        }
        Err(self.expected(&format!("expected '{op}'")))
    }

    pub fn expect_kw(&mut self, kw: Kw) -> PR<Token> {
        if self.at_kw(kw) {
            return Ok(self.bump());
        }
        Err(self.expected(&format!("expected '{}'", kw.as_str())))
    }

    pub fn expect_name(&mut self) -> PR<Ident> {
        if let Tok::Name(_) = &self.peek().tok {
            let t = self.bump();
            if let Tok::Name(name) = t.tok {
                return Ok(Ident { name, span: t.span });
            }
        }
        Err(self.unexpected())
    }

    /// Expect a closing bracket after a list of items.
    pub fn expect_close(&mut self, op: &'static str) -> PR<Token> {
        if self.at(op) {
            return Ok(self.bump());
        }
        if self.at_expr_start() && !matches!(self.peek_op(), Some("*" | "**" | "-" | "+")) {
            let span = self.peek_span();
            return Err(self.syntax_error(span, "invalid syntax. Perhaps you forgot a comma?"));
        }
        Err(self.expected(&format!("expected '{op}'")))
    }

    // ----- errors -----

    pub fn err(&self, span: Span, msg: impl Into<String>) -> Diagnostic {
        self.src.error(span, msg)
    }

    fn lex_error(&self) -> Diagnostic {
        match &self.lex.error {
            Some((span, msg)) => self.err(*span, msg.clone()),
            None => self.err(Span::default(), "invalid syntax"),
        }
    }

    /// An error at the next token: "not supported" for constructs we know,
    /// `msg` otherwise.
    pub fn expected(&mut self, msg: &str) -> Diagnostic {
        match self.known_error() {
            Some(d) => d,
            None => {
                let span = self.peek_span();
                self.syntax_error(span, msg)
            }
        }
    }

    fn known_error(&mut self) -> Option<Diagnostic> {
        let t = self.peek().clone();
        let s = t.span;
        Some(match &t.tok {
            Tok::Error => self.lex_error(),
            Tok::Op(":=") => self.err(s, WALRUS),
            Tok::Kw(Kw::Yield) => self.yield_error(),
            Tok::Kw(Kw::Await) => self.err(s, AWAIT),
            Tok::Kw(Kw::Async) => self.async_error(),
            Tok::Indent => self.err(s, "unexpected indent"),
            _ => return None,
        })
    }

    pub fn yield_error(&mut self) -> Diagnostic {
        let s = self.peek_span();
        if self.peek2().tok == Tok::Kw(Kw::From) {
            let e = self.peek2().span;
            return self.err(s.to(e), "`yield from` is not supported");
        }
        self.err(s, "`yield` is not supported")
    }

    pub fn async_error(&mut self) -> Diagnostic {
        let s = self.peek_span();
        let (what, e) = match &self.peek2().tok {
            Tok::Kw(Kw::Def) => ("`async def` is not supported", self.peek2().span),
            Tok::Kw(Kw::For) => ("`async for` is not supported", self.peek2().span),
            Tok::Kw(Kw::With) => ("`async with` is not supported", self.peek2().span),
            _ => ("`async` is not supported", s),
        };
        self.err(s.to(e), what)
    }

    /// The next token cannot be parsed here.
    pub fn unexpected(&mut self) -> Diagnostic {
        if let Some(d) = self.known_error() {
            return d;
        }
        let t = self.peek().clone();
        match t.tok {
            Tok::End if self.expr_mode => self.err(t.span, "expected an expression"),
            Tok::End => self.err(t.span, "unexpected EOF while parsing"),
            Tok::Dedent => self.err(t.span, "unexpected unindent"),
            _ => self.invalid_syntax(t.span),
        }
    }

    /// A generic "invalid syntax", unless a bracket opened on an earlier line
    /// is never closed, which explains it better (like CPython).
    pub fn invalid_syntax(&mut self, span: Span) -> Diagnostic {
        self.syntax_error(span, "invalid syntax")
    }

    /// A syntax error, unless a bracket opened on an earlier line is never
    /// closed, which explains it better.
    pub fn syntax_error(&mut self, span: Span, msg: &str) -> Diagnostic {
        if !self.lex.brackets.is_empty() {
            loop {
                match self.lex.next_token().tok {
                    Tok::End => break,
                    Tok::Error => {
                        if let Some(open) = self.lex.unclosed {
                            if self.src.program_line(open.start) < self.src.program_line(span.start)
                            {
                                return self.lex_error();
                            }
                        }
                        break;
                    }
                    _ => {}
                }
            }
        }
        self.err(span, msg)
    }

    // ----- depth -----

    pub fn enter(&mut self, span: Span) -> PR<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(span, TOO_DEEP));
        }
        Ok(())
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Build an expression node of tree depth `d`.
    pub fn mk(&self, kind: ExprKind, span: Span, d: u32) -> PR<Ex> {
        if d > MAX_DEPTH {
            return Err(self.err(span, TOO_DEEP));
        }
        Ok(Ex {
            e: Expr { kind, span },
            d,
        })
    }

    pub fn span_from(&self, start: Span) -> Span {
        Span {
            start: start.start,
            end: self.last_end.max(start.start),
        }
    }

    // ----- entry points -----

    pub fn module(&mut self) -> PR<Module> {
        let mut body = Vec::new();
        loop {
            match self.peek().tok {
                Tok::End => break,
                Tok::Newline => {
                    self.bump();
                }
                _ => self.statement(&mut body)?,
            }
        }
        Ok(Module { body })
    }

    pub fn expression_only(&mut self) -> PR<Expr> {
        if self.peek().tok == Tok::End {
            let span = self.peek_span();
            return Err(self.err(span, "expected an expression"));
        }
        let e = self.test()?;
        if self.peek().tok != Tok::End {
            return Err(self.unexpected());
        }
        Ok(e.e)
    }
}
