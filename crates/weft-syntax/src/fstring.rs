//! f-strings: literal text (with `{{`/`}}` and escapes) and replacement
//! fields `{expr!conv:spec}` / `{expr=}`. Field expressions are parsed by a
//! sub-parser over the original text, so their spans are exact.

use weft_diag::Span;

use crate::ast::*;
use crate::lexer::{escape_at, Tok};
use crate::parser::{Parser, PR};

impl<'a> Parser<'a> {
    /// Parse the content of one f-string literal, appending literal text to
    /// `pending` and fields to `parts`. Returns the depth of the deepest field.
    pub fn fstring(
        &mut self,
        content: Span,
        raw: bool,
        pending: &mut String,
        parts: &mut Vec<FStringPart>,
    ) -> PR<u32> {
        let text = self.text;
        let b = text.as_bytes();
        let (mut i, end) = (content.start as usize, content.end as usize);
        let mut d = 0;
        while i < end {
            match b[i] {
                b'{' if i + 1 < end && b[i + 1] == b'{' => {
                    pending.push('{');
                    i += 2;
                }
                b'{' => {
                    let (part, pd, next) = self.field(i, end)?;
                    if !pending.is_empty() {
                        parts.push(FStringPart::Literal(std::mem::take(pending)));
                    }
                    parts.push(part);
                    d = d.max(pd);
                    i = next;
                }
                b'}' if i + 1 < end && b[i + 1] == b'}' => {
                    pending.push('}');
                    i += 2;
                }
                b'}' => {
                    return Err(
                        self.err(Span::new(i, i + 1), "f-string: single '}' is not allowed")
                    );
                }
                b'\\' if !raw => {
                    i = escape_at(text, i, end, pending).map_err(|(s, m)| self.err(s, m))?;
                }
                _ => {
                    let stop = b[i + 1..end]
                        .iter()
                        .position(|&c| matches!(c, b'{' | b'}' | b'\\'))
                        .map_or(end, |k| i + 1 + k);
                    pending.push_str(&text[i..stop]);
                    i = stop;
                }
            }
        }
        Ok(d)
    }

    /// One replacement field starting at the `{` at `open`; returns the part,
    /// its depth, and the offset after its `}`.
    fn field(&mut self, open: usize, end: usize) -> PR<(FStringPart, u32, usize)> {
        let b = self.text.as_bytes();
        let expecting = |p: &Parser| p.err(Span::new(open, open + 1), "f-string: expecting '}'");
        let start = open + 1;
        let mut j = start;
        let mut depth = 0u32;
        let mut quote: Option<u8> = None;
        loop {
            if j >= end {
                return Err(expecting(self));
            }
            let c = b[j];
            let next = if j + 1 < end { b[j + 1] } else { 0 };
            if let Some(q) = quote {
                if c == q {
                    quote = None;
                } else if c == b'\\' {
                    let msg = "f-string expression part cannot include a backslash";
                    return Err(self.err(Span::new(j, j + 1), msg));
                }
                j += 1;
                continue;
            }
            match c {
                b'\\' => {
                    let msg = "f-string expression part cannot include a backslash";
                    return Err(self.err(Span::new(j, j + 1), msg));
                }
                b'#' => {
                    let msg = "f-string expression part cannot include '#'";
                    return Err(self.err(Span::new(j, j + 1), msg));
                }
                b'\'' | b'"' => quote = Some(c),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' if depth == 0 => {
                    let msg = format!("f-string: unmatched '{}'", c as char);
                    return Err(self.err(Span::new(j, j + 1), msg));
                }
                b')' | b']' => depth -= 1,
                b'}' if depth > 0 => depth -= 1,
                b'}' | b':' if depth == 0 => break,
                b'!' | b'=' | b'<' | b'>' if next == b'=' => j += 1,
                b'!' | b'=' if depth == 0 => break,
                _ => {}
            }
            j += 1;
        }
        let expr_end = j;
        if self.text[start..expr_end].trim().is_empty() {
            let msg = "f-string: empty expression not allowed";
            return Err(self.err(Span::new(open, (j + 1).min(end)), msg));
        }
        let expr = self.sub_expression(start, expr_end)?;
        let mut debug_text = None;
        if b[j] == b'=' {
            j += 1;
            while j < end && b[j].is_ascii_whitespace() {
                j += 1;
            }
            debug_text = Some(self.text[start..j].to_string());
        }
        let mut conversion = None;
        if j < end && b[j] == b'!' {
            let c = self.text[j + 1..end].chars().next();
            match c {
                Some(c @ ('r' | 's' | 'a')) => conversion = Some(c),
                _ => {
                    let msg = "f-string: invalid conversion character: expected 's', 'r', or 'a'";
                    let e = j + 1 + c.map_or(0, char::len_utf8);
                    return Err(self.err(Span::new(j, e), msg));
                }
            }
            j += 2;
        }
        let mut format_spec = None;
        if j < end && b[j] == b':' {
            let spec_start = j + 1;
            j = spec_start;
            while j < end && b[j] != b'}' {
                if b[j] == b'{' {
                    let msg = "nested f-string format specs are not supported";
                    return Err(self.err(Span::new(j, j + 1), msg));
                }
                j += 1;
            }
            format_spec = Some(self.text[spec_start..j].to_string());
        }
        if j >= end || b[j] != b'}' {
            return Err(expecting(self));
        }
        let part = FStringPart::Field {
            expr: expr.e,
            conversion,
            format_spec,
            debug_text,
        };
        Ok((part, expr.d, j + 1))
    }

    /// Parse `text[start..end]` as an expression list (a field of an f-string).
    fn sub_expression(&mut self, start: usize, end: usize) -> PR<crate::parser::Ex> {
        let mut sub = Parser::new(self.src, start, end, true);
        sub.depth = self.depth;
        let span = sub.peek_span();
        sub.enter(span)?;
        let e = sub.testlist()?;
        if sub.peek().tok != Tok::End {
            return Err(sub.unexpected());
        }
        Ok(e)
    }
}
