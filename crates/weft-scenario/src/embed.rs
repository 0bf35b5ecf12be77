//! Map a YAML string scalar to an [`Embedded`] program text whose lines point
//! back at the YAML file: exactly for literal block scalars (`|`, `|-`, `|+`,
//! `|2`, …) and single-line scalars, best-effort (everything at the scalar's
//! start) for folded or escaped multi-line scalars.

use std::sync::Arc;

use weft_diag::{Embedded, SourceFile};

use crate::node::Node;

/// The program text `value` of the scalar `node`, mapped back to `file`.
pub fn embed(file: &Arc<SourceFile>, node: &Node, value: &str) -> Embedded {
    let text = &file.text;
    let start = (node.span(file).start as usize).min(text.len());
    if let Some(map) = block_map(text, start, value) {
        return Embedded::new(file.clone(), value.to_string(), map);
    }
    let rest = &text[start..];
    let off = if rest.starts_with(['"', '\'']) {
        start + 1
    } else {
        start
    };
    let lines = value.split('\n').count();
    Embedded::new(file.clone(), value.to_string(), vec![off as u32; lines])
}

/// The lines of `text` as `(start, content_without_line_break)`, from line
/// index `from` on.
fn line_at(text: &str, start: usize) -> (usize, &str) {
    let rest = &text[start..];
    let end = rest.find('\n').unwrap_or(rest.len());
    (
        start,
        rest[..end].strip_suffix('\r').unwrap_or(&rest[..end]),
    )
}

fn next_line_start(text: &str, start: usize) -> Option<usize> {
    text[start..].find('\n').map(|i| start + i + 1)
}

fn prev_line_start(text: &str, line_start: usize) -> Option<usize> {
    if line_start == 0 {
        return None;
    }
    Some(text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1))
}

/// Is `line` a block scalar header line (`key: |2-  # comment`, `- >`, `|`)?
fn is_header_line(line: &str) -> bool {
    let code = match line.find('#') {
        Some(0) => "",
        Some(i) if line[..i].ends_with([' ', '\t']) => &line[..i],
        _ => line,
    };
    let Some(tok) = code.split_whitespace().last() else {
        return false;
    };
    let mut chars = tok.chars();
    matches!(chars.next(), Some('|' | '>'))
        && tok.len() <= 3
        && chars.all(|c| c.is_ascii_digit() || c == '+' || c == '-')
}

/// Where the first content line of the block scalar whose value starts (as
/// reported by the parser) at `start` begins; `None` if it is not a block scalar.
fn first_content_line(text: &str, start: usize) -> Option<usize> {
    let ls = text[..start].rfind('\n').map_or(0, |i| i + 1);
    if text[start..].starts_with(['|', '>']) {
        // Located at the header itself.
        return next_line_start(text, start);
    }
    if !text[ls..start].chars().all(|c| c == ' ') {
        return None;
    }
    // Walk up over blank lines to the header.
    let mut first = ls;
    let mut cur = ls;
    while let Some(prev) = prev_line_start(text, cur) {
        let (_, line) = line_at(text, prev);
        if line.trim().is_empty() {
            first = prev;
            cur = prev;
            continue;
        }
        return is_header_line(line).then_some(first);
    }
    None
}

/// The line map of a literal block scalar, verified line by line against the
/// file; `None` when the scalar is not a literal block or does not match.
fn block_map(text: &str, start: usize, value: &str) -> Option<Vec<u32>> {
    let first = first_content_line(text, start)?;
    let segments: Vec<&str> = value.split('\n').collect();
    // Collect the file lines the value's lines come from.
    let mut lines = Vec::with_capacity(segments.len());
    let mut cur = Some(first);
    for _ in 0..segments.len() {
        match cur {
            Some(s) if s <= text.len() => {
                lines.push(line_at(text, s));
                cur = next_line_start(text, s);
            }
            _ => lines.push((text.len(), "")),
        }
    }
    // The indentation, from the first non-empty line.
    let (i, seg) = segments.iter().enumerate().find(|(_, s)| !s.is_empty())?;
    let line = lines[i].1;
    let indent = line.len().checked_sub(seg.len())?;
    if !line.ends_with(seg) || !line[..indent].chars().all(|c| c == ' ') {
        return None;
    }
    let last = segments.len() - 1;
    let mut map = Vec::with_capacity(segments.len());
    for (i, (seg, (ls, line))) in segments.iter().zip(&lines).enumerate() {
        if seg.is_empty() {
            // A blank line, or the empty tail after the final line break.
            if i != last && !line.trim().is_empty() {
                return None;
            }
            map.push((ls + indent.min(line.len())) as u32);
        } else {
            if line.len() < indent || !line.is_char_boundary(indent) || &line[indent..] != *seg {
                return None;
            }
            map.push((ls + indent) as u32);
        }
    }
    Some(map)
}
