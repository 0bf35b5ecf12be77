//! The tokenizer: a lazy, hand-written lexer producing Python tokens,
//! including INDENT/DEDENT from an indentation stack and NEWLINE only at the
//! end of logical lines (implicit joining inside brackets, backslash
//! continuation).
//!
//! Every position it stops at is an ASCII byte or the end of a char, so byte
//! offsets are always char boundaries. It never recurses; bracket nesting is
//! capped at [`MAX_DEPTH`].

use weft_diag::Span;

/// The nesting limit for brackets, expressions and blocks.
pub const MAX_DEPTH: u32 = 200;
/// The message for exceeding [`MAX_DEPTH`].
pub const TOO_DEEP: &str = "too deeply nested (limit 200)";

macro_rules! keywords {
    ($($v:ident = $s:literal),* $(,)?) => {
        /// Python's hard keywords.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Kw { $($v),* }
        impl Kw {
            pub fn from_name(s: &str) -> Option<Kw> {
                match s { $($s => Some(Kw::$v),)* _ => None }
            }
            pub fn as_str(self) -> &'static str {
                match self { $(Kw::$v => $s),* }
            }
        }
    };
}

keywords! {
    False = "False", None = "None", True = "True", And = "and", As = "as",
    Assert = "assert", Async = "async", Await = "await", Break = "break",
    Class = "class", Continue = "continue", Def = "def", Del = "del",
    Elif = "elif", Else = "else", Except = "except", Finally = "finally",
    For = "for", From = "from", Global = "global", If = "if", Import = "import",
    In = "in", Is = "is", Lambda = "lambda", Nonlocal = "nonlocal", Not = "not",
    Or = "or", Pass = "pass", Raise = "raise", Return = "return", Try = "try",
    While = "while", With = "with", Yield = "yield",
}

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Name(String),
    Kw(Kw),
    Int(i64),
    Float(f64),
    /// A plain string literal, escapes processed.
    Str(String),
    /// An f-string: the span of its content between the quotes.
    FStr {
        content: Span,
        raw: bool,
    },
    Op(&'static str),
    Newline,
    Indent,
    Dedent,
    End,
    /// The lexer failed; the error is in [`Lexer::error`].
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

pub type LexError = (Span, String);

const OPS3: [&str; 5] = ["**=", "//=", ">>=", "<<=", "..."];
const OPS2: [&str; 19] = [
    "**", "//", ">>", "<<", "<=", ">=", "==", "!=", "->", ":=", "+=", "-=", "*=", "/=", "%=", "&=",
    "|=", "^=", "@=",
];
const OPS1: [&str; 23] = [
    "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",",
    ":", ".", ";", "=",
];

pub struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    end: usize,
    /// Inside an expression (f-string field, `parse_expression`): no
    /// NEWLINE/INDENT/DEDENT, line breaks are whitespace.
    expr_mode: bool,
    at_line_start: bool,
    line_has_tokens: bool,
    /// (column with tabs to multiples of 8, column with tabs as 1)
    indents: Vec<(u32, u32)>,
    pending_dedents: usize,
    pub brackets: Vec<(u8, Span)>,
    pub error: Option<LexError>,
    /// Set when the error is an unclosed bracket: where it was opened.
    pub unclosed: Option<Span>,
}

fn is_id_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}
fn is_id_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl<'a> Lexer<'a> {
    /// Lex `text[start..end]`; spans are offsets into the whole `text`.
    pub fn new(text: &'a str, start: usize, end: usize, expr_mode: bool) -> Lexer<'a> {
        let mut pos = start.min(text.len());
        if pos == 0 && text.starts_with('\u{feff}') {
            pos = 3;
        }
        Lexer {
            text,
            bytes: text.as_bytes(),
            pos,
            end: end.min(text.len()),
            expr_mode,
            at_line_start: !expr_mode,
            line_has_tokens: false,
            indents: vec![(0, 0)],
            pending_dedents: 0,
            brackets: Vec::new(),
            error: None,
            unclosed: None,
        }
    }

    /// The next token; after the end or an error, the same forever.
    pub fn next_token(&mut self) -> Token {
        if let Some((span, _)) = &self.error {
            return Token {
                tok: Tok::Error,
                span: *span,
            };
        }
        match self.lex() {
            Ok(t) => t,
            Err(e) => {
                let span = e.0;
                self.error = Some(e);
                Token {
                    tok: Tok::Error,
                    span,
                }
            }
        }
    }

    fn byte(&self, i: usize) -> Option<u8> {
        if i < self.end {
            Some(self.bytes[i])
        } else {
            None
        }
    }

    fn char_at(&self, i: usize) -> Option<char> {
        if i < self.end {
            self.text.get(i..self.end).and_then(|s| s.chars().next())
        } else {
            None
        }
    }

    fn tok(&self, tok: Tok, start: usize, end: usize) -> Token {
        Token {
            tok,
            span: Span::new(start, end),
        }
    }

    fn lex(&mut self) -> Result<Token, LexError> {
        loop {
            if self.pending_dedents > 0 {
                self.pending_dedents -= 1;
                return Ok(self.tok(Tok::Dedent, self.pos, self.pos));
            }
            if self.at_line_start {
                self.at_line_start = false;
                if let Some(t) = self.indentation()? {
                    return Ok(t);
                }
                continue;
            }
            match self.byte(self.pos) {
                None => return self.eof(),
                Some(b' ' | b'\t' | b'\x0c' | b'\r') => self.pos += 1,
                Some(b'#') => {
                    while let Some(b) = self.byte(self.pos) {
                        if b == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                Some(b'\\') => {
                    let mut p = self.pos + 1;
                    if self.byte(p) == Some(b'\r') {
                        p += 1;
                    }
                    match self.byte(p) {
                        Some(b'\n') => self.pos = p + 1,
                        None => {
                            return Err((
                                Span::new(self.pos, p),
                                "unexpected EOF while parsing".into(),
                            ))
                        }
                        Some(_) => {
                            return Err((
                                Span::new(self.pos, self.pos + 1),
                                "unexpected character after line continuation character".into(),
                            ))
                        }
                    }
                }
                Some(b'\n') => {
                    let start = self.pos;
                    self.pos += 1;
                    if self.brackets.is_empty() && !self.expr_mode {
                        self.at_line_start = true;
                        if self.line_has_tokens {
                            self.line_has_tokens = false;
                            return Ok(self.tok(Tok::Newline, start, start + 1));
                        }
                    }
                }
                Some(_) => {
                    self.line_has_tokens = true;
                    return self.token();
                }
            }
        }
    }

    fn eof(&mut self) -> Result<Token, LexError> {
        if let Some(&(b, span)) = self.brackets.last() {
            self.unclosed = Some(span);
            return Err((span, format!("'{}' was never closed", b as char)));
        }
        let p = self.pos;
        if self.expr_mode {
            return Ok(self.tok(Tok::End, p, p));
        }
        if self.line_has_tokens {
            self.line_has_tokens = false;
            return Ok(self.tok(Tok::Newline, p, p));
        }
        if self.indents.len() > 1 {
            self.indents.pop();
            return Ok(self.tok(Tok::Dedent, p, p));
        }
        Ok(self.tok(Tok::End, p, p))
    }

    /// At the start of a line outside brackets: measure the indentation and
    /// emit INDENT / queue DEDENTs. Blank and comment-only lines are skipped.
    fn indentation(&mut self) -> Result<Option<Token>, LexError> {
        let (mut col, mut alt) = (0u32, 0u32);
        let mut p = self.pos;
        loop {
            match self.byte(p) {
                Some(b' ') => {
                    col = col.saturating_add(1);
                    alt = alt.saturating_add(1);
                }
                Some(b'\t') => {
                    col = (col / 8).saturating_add(1).saturating_mul(8);
                    alt = alt.saturating_add(1);
                }
                Some(b'\x0c') => {
                    col = 0;
                    alt = 0;
                }
                _ => break,
            }
            p += 1;
        }
        self.pos = p;
        match self.byte(p) {
            None | Some(b'#' | b'\n' | b'\r' | b'\\') => return Ok(None),
            _ => {}
        }
        let inconsistent = || {
            (
                Span::new(p, p),
                "inconsistent use of tabs and spaces in indentation".to_string(),
            )
        };
        let (top, top_alt) = self.indents.last().copied().unwrap_or((0, 0));
        if col == top {
            if alt != top_alt {
                return Err(inconsistent());
            }
            Ok(None)
        } else if col > top {
            if alt <= top_alt {
                return Err(inconsistent());
            }
            self.indents.push((col, alt));
            Ok(Some(self.tok(Tok::Indent, p, p)))
        } else {
            let mut n = 0;
            while self.indents.len() > 1 && self.indents.last().is_some_and(|t| col < t.0) {
                self.indents.pop();
                n += 1;
            }
            let (top, top_alt) = self.indents.last().copied().unwrap_or((0, 0));
            if col != top {
                return Err((
                    Span::new(p, p),
                    "unindent does not match any outer indentation level".into(),
                ));
            }
            if alt != top_alt {
                return Err(inconsistent());
            }
            self.pending_dedents = n;
            Ok(None)
        }
    }

    fn token(&mut self) -> Result<Token, LexError> {
        let start = self.pos;
        let Some(c) = self.char_at(start) else {
            return self.eof();
        };
        if is_id_start(c) {
            let mut p = start;
            while let Some(c) = self.char_at(p) {
                if !is_id_continue(c) {
                    break;
                }
                p += c.len_utf8();
            }
            let word = &self.text[start..p];
            if matches!(self.byte(p), Some(b'\'' | b'"')) && word.len() <= 2 {
                let lower = word.to_ascii_lowercase();
                if matches!(
                    lower.as_str(),
                    "r" | "u" | "f" | "b" | "rf" | "fr" | "br" | "rb"
                ) {
                    self.pos = p;
                    return self.string(start, &lower);
                }
            }
            self.pos = p;
            let tok = match Kw::from_name(word) {
                Some(k) => Tok::Kw(k),
                None => Tok::Name(word.to_string()),
            };
            return Ok(self.tok(tok, start, p));
        }
        if c.is_ascii_digit()
            || (c == '.' && self.byte(start + 1).is_some_and(|b| b.is_ascii_digit()))
        {
            return self.number();
        }
        if c == '\'' || c == '"' {
            return self.string(start, "");
        }
        if c == '\0' {
            return Err((
                Span::new(start, start + 1),
                "source code cannot contain null bytes".into(),
            ));
        }
        let rest = &self.bytes[start..self.end];
        let op = OPS3
            .iter()
            .chain(OPS2.iter())
            .chain(OPS1.iter())
            .find(|op| rest.starts_with(op.as_bytes()))
            .copied();
        let Some(op) = op else {
            if c == '!' {
                self.pos += 1;
                return Ok(self.tok(Tok::Op("!"), start, start + 1));
            }
            let msg = format!("invalid character '{}' (U+{:04X})", c, c as u32);
            return Err((Span::new(start, start + c.len_utf8()), msg));
        };
        let end = start + op.len();
        let span = Span::new(start, end);
        self.pos = end;
        match op {
            "(" | "[" | "{" => {
                if self.brackets.len() >= MAX_DEPTH as usize {
                    return Err((span, TOO_DEEP.into()));
                }
                self.brackets.push((op.as_bytes()[0], span));
            }
            ")" | "]" | "}" => {
                let want = match op {
                    ")" => b'(',
                    "]" => b'[',
                    _ => b'{',
                };
                match self.brackets.pop() {
                    None => return Err((span, format!("unmatched '{op}'"))),
                    Some((b, _)) if b == want => {}
                    Some((b, _)) => {
                        let msg = format!(
                            "closing parenthesis '{op}' does not match opening parenthesis '{}'",
                            b as char
                        );
                        return Err((span, msg));
                    }
                }
            }
            _ => {}
        }
        Ok(self.tok(Tok::Op(op), start, end))
    }

    fn string(&mut self, start: usize, prefix: &str) -> Result<Token, LexError> {
        let q = self.bytes[self.pos];
        let triple = self.byte(self.pos + 1) == Some(q) && self.byte(self.pos + 2) == Some(q);
        let qlen = if triple { 3 } else { 1 };
        let content_start = self.pos + qlen;
        let mut p = content_start;
        let unterminated = || {
            let what = if triple {
                "unterminated triple-quoted string literal"
            } else {
                "unterminated string literal"
            };
            (Span::new(start, content_start), what.to_string())
        };
        let content_end = loop {
            match self.byte(p) {
                None => return Err(unterminated()),
                Some(b'\\') => {
                    p += 1;
                    if self.byte(p) == Some(b'\r') && self.byte(p + 1) == Some(b'\n') {
                        p += 2;
                    } else if let Some(c) = self.char_at(p) {
                        p += c.len_utf8();
                    }
                }
                Some(b'\n') if !triple => return Err(unterminated()),
                Some(b) if b == q => {
                    if !triple {
                        break p;
                    }
                    if self.byte(p + 1) == Some(q) && self.byte(p + 2) == Some(q) {
                        break p;
                    }
                    p += 1;
                }
                Some(_) => p += 1,
            }
        };
        self.pos = content_end + qlen;
        let span = Span::new(start, self.pos);
        if prefix.contains('b') {
            return Err((span, "bytes literals are not supported".into()));
        }
        let raw = prefix.contains('r');
        let tok = if prefix.contains('f') {
            Tok::FStr {
                content: Span::new(content_start, content_end),
                raw,
            }
        } else if raw {
            Tok::Str(self.text[content_start..content_end].to_string())
        } else {
            let mut out = String::with_capacity(content_end - content_start);
            unescape(self.text, content_start, content_end, &mut out)?;
            Tok::Str(out)
        };
        Ok(Token { tok, span })
    }

    /// Digits of `radix` with single underscores between them, from `p`.
    fn digits(&self, mut p: usize, radix: u32, what: &str) -> Result<(usize, usize), LexError> {
        let mut n = 0;
        loop {
            match self.byte(p) {
                Some(b) if (b as char).is_digit(radix) => {
                    n += 1;
                    p += 1;
                }
                Some(b'_') => {
                    if !self
                        .byte(p + 1)
                        .is_some_and(|b| (b as char).is_digit(radix))
                    {
                        return Err((Span::new(p, p + 1), format!("invalid {what} literal")));
                    }
                    p += 1;
                }
                _ => return Ok((p, n)),
            }
        }
    }

    fn number(&mut self) -> Result<Token, LexError> {
        let start = self.pos;
        let radix = match (
            self.byte(start),
            self.byte(start + 1).map(|b| b.to_ascii_lowercase()),
        ) {
            (Some(b'0'), Some(b'x')) => Some((16, "hexadecimal")),
            (Some(b'0'), Some(b'o')) => Some((8, "octal")),
            (Some(b'0'), Some(b'b')) => Some((2, "binary")),
            _ => None,
        };
        if let Some((radix, what)) = radix {
            let mut p = start + 2;
            if self.byte(p) == Some(b'_') {
                p += 1;
            }
            let (end, n) = self.digits(p, radix, what)?;
            if let Some(c) = self.char_at(end).filter(|&c| is_id_continue(c)) {
                let msg = if c.is_ascii_digit() {
                    format!("invalid digit '{c}' in {what} literal")
                } else {
                    format!("invalid {what} literal")
                };
                return Err((Span::new(end, end + c.len_utf8()), msg));
            }
            if n == 0 {
                return Err((Span::new(start, end), format!("invalid {what} literal")));
            }
            let clean: String = self.text[start + 2..end]
                .chars()
                .filter(|&c| c != '_')
                .collect();
            self.pos = end;
            let span = Span::new(start, end);
            return match i64::from_str_radix(&clean, radix) {
                Ok(v) => Ok(Token {
                    tok: Tok::Int(v),
                    span,
                }),
                Err(_) => Err((span, "integer literal too large".into())),
            };
        }
        let what = "decimal";
        let (mut p, _) = self.digits(start, 10, what)?;
        let mut is_float = false;
        if self.byte(p) == Some(b'.') {
            is_float = true;
            p += 1;
            if self.byte(p).is_some_and(|b| b.is_ascii_digit()) {
                p = self.digits(p, 10, what)?.0;
            }
        }
        if matches!(self.byte(p), Some(b'e' | b'E')) {
            let mut q = p + 1;
            if matches!(self.byte(q), Some(b'+' | b'-')) {
                q += 1;
            }
            if self.byte(q).is_some_and(|b| b.is_ascii_digit()) {
                is_float = true;
                p = self.digits(q, 10, what)?.0;
            }
        }
        if matches!(self.byte(p), Some(b'j' | b'J')) {
            return Err((
                Span::new(start, p + 1),
                "complex literals are not supported".into(),
            ));
        }
        if let Some(c) = self.char_at(p).filter(|&c| is_id_continue(c)) {
            return Err((
                Span::new(p, p + c.len_utf8()),
                "invalid decimal literal".into(),
            ));
        }
        self.pos = p;
        let span = Span::new(start, p);
        let clean: String = self.text[start..p].chars().filter(|&c| c != '_').collect();
        if is_float {
            return match clean.parse::<f64>() {
                Ok(v) => Ok(Token {
                    tok: Tok::Float(v),
                    span,
                }),
                Err(_) => Err((span, "invalid decimal literal".into())),
            };
        }
        if clean.len() > 1 && clean.starts_with('0') && clean.bytes().any(|b| b != b'0') {
            let msg = "leading zeros in decimal integer literals are not permitted; \
                       use an 0o prefix for octal integers";
            return Err((span, msg.into()));
        }
        match clean.parse::<i64>() {
            Ok(v) => Ok(Token {
                tok: Tok::Int(v),
                span,
            }),
            Err(_) => Err((span, "integer literal too large".into())),
        }
    }
}

/// Process the escapes of `text[start..end]` (a non-raw string body) into `out`.
pub fn unescape(text: &str, start: usize, end: usize, out: &mut String) -> Result<(), LexError> {
    let mut i = start;
    while i < end {
        let rest = &text.as_bytes()[i..end];
        match rest.iter().position(|&b| b == b'\\') {
            None => {
                out.push_str(&text[i..end]);
                return Ok(());
            }
            Some(k) => {
                out.push_str(&text[i..i + k]);
                i = escape_at(text, i + k, end, out)?;
            }
        }
    }
    Ok(())
}

/// Process the escape starting with the backslash at `i`; returns where to
/// continue. An unknown escape keeps the backslash (like Python) and
/// continues right after it.
pub fn escape_at(text: &str, i: usize, end: usize, out: &mut String) -> Result<usize, LexError> {
    let b = text.as_bytes();
    let Some(&c) = b.get(i + 1).filter(|_| i + 1 < end) else {
        out.push('\\');
        return Ok(i + 1);
    };
    let simple = match c {
        b'\n' => Some(None),
        b'\\' => Some(Some('\\')),
        b'\'' => Some(Some('\'')),
        b'"' => Some(Some('"')),
        b'a' => Some(Some('\x07')),
        b'b' => Some(Some('\x08')),
        b'f' => Some(Some('\x0c')),
        b'n' => Some(Some('\n')),
        b'r' => Some(Some('\r')),
        b't' => Some(Some('\t')),
        b'v' => Some(Some('\x0b')),
        _ => None,
    };
    if let Some(ch) = simple {
        out.extend(ch);
        return Ok(i + 2);
    }
    if c == b'\r' {
        let next = if b.get(i + 2) == Some(&b'\n') && i + 2 < end {
            i + 3
        } else {
            i + 2
        };
        return Ok(next);
    }
    if (b'0'..=b'7').contains(&c) {
        let mut v = 0u32;
        let mut j = i + 1;
        while j < end && j < i + 4 && (b'0'..=b'7').contains(&b[j]) {
            v = v * 8 + (b[j] - b'0') as u32;
            j += 1;
        }
        out.extend(char::from_u32(v));
        return Ok(j);
    }
    let width = match c {
        b'x' => 2,
        b'u' => 4,
        b'U' => 8,
        b'N' => {
            let msg = "`\\N{...}` escapes are not supported";
            return Err((Span::new(i, i + 2), msg.into()));
        }
        _ => {
            out.push('\\');
            return Ok(i + 1);
        }
    };
    let digits_end = i + 2 + width;
    let hex = b.get(i + 2..digits_end).filter(|_| digits_end <= end);
    let Some(hex) = hex.filter(|h| h.iter().all(|d| d.is_ascii_hexdigit())) else {
        let msg = match c {
            b'x' => "truncated \\xXX escape",
            b'u' => "truncated \\uXXXX escape",
            _ => "truncated \\UXXXXXXXX escape",
        };
        return Err((Span::new(i, (i + 2).min(end)), msg.into()));
    };
    let v = hex
        .iter()
        .fold(0u32, |v, d| v * 16 + (*d as char).to_digit(16).unwrap_or(0));
    match char::from_u32(v) {
        Some(ch) => out.push(ch),
        None => return Err((Span::new(i, digits_end), "illegal Unicode character".into())),
    }
    Ok(digits_end)
}
