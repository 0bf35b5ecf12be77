//! Source files, spans and diagnostics shared by every front-end stage.
//!
//! Every error a user can cause (bad YAML, bad Python, an unsupported
//! construct, an unknown name) ends up as a [`Diagnostic`]: a message located
//! at `file:line:col`, rendered with the offending source line and a caret.
//! This crate owns the one place that knows how to locate and render them,
//! and the mapping from a program embedded in a YAML block scalar back to the
//! lines of the YAML file, so that errors and findings point at the file the
//! user edits. It knows nothing about YAML or Python themselves.

use std::fmt;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};

/// A byte range `[start, end)` in some text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end.max(start) as u32,
        }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A file the user wrote: a scenario YAML or a Python file.
#[derive(Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        let text = text.into();
        let line_starts = line_starts(&text);
        Arc::new(SourceFile {
            name: name.into(),
            text,
            line_starts,
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = offset.min(self.text.len() as u32);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        let end = floor_char_boundary(&self.text, offset as usize);
        let col = self.text[start..end.max(start)].chars().count();
        (line as u32 + 1, col as u32 + 1)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let i = (line.max(1) - 1) as usize;
        let Some(&start) = self.line_starts.get(i) else {
            return "";
        };
        let end = self
            .line_starts
            .get(i + 1)
            .map(|&e| e as usize)
            .unwrap_or(self.text.len());
        self.text[start as usize..end].trim_end_matches(['\n', '\r'])
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn line_starts(text: &str) -> Vec<u32> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1))
        .collect()
}

/// A program text embedded in a file: the whole of a `.py` file, or the
/// contents of a YAML block scalar. Spans in the program text map back to
/// spans in the file, line by line, so diagnostics point at what the user
/// edits.
#[derive(Debug, Clone)]
pub struct Embedded {
    pub file: Arc<SourceFile>,
    pub text: String,
    /// For each line of `text`, the byte offset in `file.text` where it starts.
    line_map: Vec<u32>,
    text_line_starts: Vec<u32>,
}

impl Embedded {
    /// The whole file is the program.
    pub fn whole(file: Arc<SourceFile>) -> Embedded {
        let text = file.text.clone();
        let starts = line_starts(&text);
        Embedded {
            line_map: starts.clone(),
            text_line_starts: starts,
            file,
            text,
        }
    }

    /// `text` is embedded in `file`; `line_map[i]` is where its line `i` starts
    /// in the file (missing lines map to the last known one).
    pub fn new(file: Arc<SourceFile>, text: String, line_map: Vec<u32>) -> Embedded {
        let text_line_starts = line_starts(&text);
        Embedded {
            file,
            text,
            line_map,
            text_line_starts,
        }
    }

    /// A program text with no file behind it (tests, generated programs).
    pub fn detached(name: &str, text: &str) -> Embedded {
        Embedded::whole(SourceFile::new(name, text))
    }

    /// Map a span of the program text to a span of the file.
    pub fn to_file(&self, span: Span) -> Span {
        Span {
            start: self.offset_to_file(span.start),
            end: self.offset_to_file(span.end),
        }
    }

    fn offset_to_file(&self, offset: u32) -> u32 {
        let line = match self.text_line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let col = offset - self.text_line_starts[line];
        match self.line_map.get(line) {
            Some(&start) => (start + col).min(self.file.text.len() as u32),
            None => self.line_map.last().copied().unwrap_or(0),
        }
    }

    /// 1-based line and column in the *file* of a program offset.
    pub fn file_line_col(&self, offset: u32) -> (u32, u32) {
        self.file.line_col(self.offset_to_file(offset))
    }

    /// The 1-based program line of a program offset.
    pub fn program_line(&self, offset: u32) -> u32 {
        match self.text_line_starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    /// A diagnostic located at a span of the program text.
    pub fn error(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file.clone(), self.to_file(span), message)
    }
}

/// A user-facing error (or warning) located in a source file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub file: Arc<SourceFile>,
    /// Span in `file.text`.
    pub span: Span,
    pub message: String,
    /// Short text under the caret.
    pub label: String,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(file: Arc<SourceFile>, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file,
            span,
            message: message.into(),
            label: String::new(),
            notes: Vec::new(),
        }
    }
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }
    /// 1-based (line, column).
    pub fn line_col(&self) -> (u32, u32) {
        self.file.line_col(self.span.start)
    }
    /// `file:line:col`
    pub fn location(&self) -> String {
        let (l, c) = self.line_col();
        format!("{}:{}:{}", self.file.name, l, c)
    }

    /// Render as `error: message`, `file:line:col`, the source line and a caret.
    pub fn render(&self, color: bool) -> String {
        let file = SimpleFile::new(self.file.name.as_str(), self.file.text.as_str());
        let mut span = self.span.start as usize..self.span.end as usize;
        // A caret needs at least one character; an end-of-file error points at the end.
        if span.end <= span.start {
            span.end = span.start;
        }
        let diag = CsDiagnostic::error()
            .with_message(&self.message)
            .with_labels(vec![Label::primary((), span).with_message(&self.label)])
            .with_notes(self.notes.clone());
        let mut out = if color {
            termcolor::Buffer::ansi()
        } else {
            termcolor::Buffer::no_color()
        };
        let config = term::Config::default();
        if term::emit_to_write_style(&mut out, &config, &file, &diag).is_err() {
            return format!("error: {}\n  at {}\n", self.message, self.location());
        }
        String::from_utf8_lossy(out.as_slice()).into_owned()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_is_one_based_and_counts_characters() {
        let f = SourceFile::new("a.py", "x = 1\ny = é + z\n");
        assert_eq!(f.line_col(0), (1, 1));
        let z = f.text.find('z').unwrap() as u32;
        assert_eq!(f.line_col(z), (2, 9));
        assert_eq!(f.line_text(2), "y = é + z");
    }

    #[test]
    fn embedded_program_maps_back_to_yaml_lines() {
        let yaml = "name: x\nprogram: |\n  a = 1\n  b = c\n";
        let file = SourceFile::new("s.yaml", yaml);
        let text = "a = 1\nb = c\n".to_string();
        let map = vec![
            yaml.find("a =").unwrap() as u32,
            yaml.find("b =").unwrap() as u32,
        ];
        let e = Embedded::new(file, text.clone(), map);
        let c = text.find('c').unwrap() as u32;
        assert_eq!(e.file_line_col(c), (4, 7));
        let d = e.error(
            Span::new(c as usize, c as usize + 1),
            "name 'c' is not defined",
        );
        assert_eq!(d.location(), "s.yaml:4:7");
        let r = d.render(false);
        assert!(r.contains("s.yaml:4:7"), "{r}");
        assert!(r.contains("b = c"), "{r}");
        assert!(r.contains('^'), "{r}");
    }
}
