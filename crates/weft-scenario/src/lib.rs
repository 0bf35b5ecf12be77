//! Scenario files: the YAML a user writes (or a plain `.py` file), loaded into
//! a [`Scenario`] with the exact location of every key and value.
//!
//! This crate owns the scenario format of SPEC §1: which keys exist, their
//! types, the finding kinds `expect` may name and their subjects, the limits,
//! and the guards that make a hostile file (alias bombs, deep nesting, huge
//! inputs, several documents, bad encodings) fail fast with a located
//! [`Diagnostic`] instead of hanging or crashing. It maps an inline program
//! (a YAML block scalar) and each `invariants`/`final` expression back to its
//! lines and columns in the YAML file, so later stages report errors where the
//! user edits.
//!
//! It must not know Python semantics: the program and the check expressions
//! are opaque text here (only parameter and global *names* are checked to be
//! identifiers). Nor does it know how findings are matched against `expect`:
//! that belongs to the checker.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use weft_diag::{Diagnostic, Embedded, SourceFile, Span};

mod build;
mod embed;
mod node;
mod values;

#[cfg(test)]
mod tests;

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A value with its span in the scenario file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

/// A loaded scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The YAML (or .py) file as read.
    pub file: Arc<SourceFile>,
    /// The path as given.
    pub path: PathBuf,
    /// `[a-z0-9-]+`; for a `.py` file, derived from the file stem.
    pub name: Spanned<String>,
    pub description: Option<String>,
    /// The inline `program:` or the `file:` it names (then the Embedded's
    /// file is that `.py` file).
    pub program: Embedded,
    /// `params`, in file order.
    pub params: Vec<ParamOverride>,
    pub invariants: Vec<CheckSource>,
    pub finals: Vec<CheckSource>,
    pub atomic: Vec<Spanned<String>>,
    pub limits: Limits,
    pub expect: Expect,
    /// Span of the `expect` value, when the key is present.
    pub expect_span: Option<Span>,
}

/// One `params` entry: a module-level constant to override.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamOverride {
    pub name: Spanned<String>,
    pub value: ParamValue,
}

/// A YAML value given to a parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<ParamValue>),
}

/// An `invariants` or `final` expression.
#[derive(Debug, Clone)]
pub struct CheckSource {
    /// The expression text, mapped to its place in the YAML.
    pub text: Embedded,
    /// The scalar's span in the scenario file.
    pub span: Span,
}

/// `limits:`; `None` = not set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    pub max_states: Option<u64>,
    pub preemptions: Option<u32>,
    /// `time-limit`: seconds (int or float) or a string like "30s", "2m".
    pub time_limit: Option<Duration>,
    /// `max-memory`: bytes, or a string like "512MB" (SI) or "2GiB" (binary).
    pub max_memory: Option<u64>,
}

/// `expect:`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// `clean`, absent, or an empty list.
    Clean,
    Findings(Vec<ExpectedFinding>),
}

/// One entry of an `expect` list.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedFinding {
    pub kind: FindingKind,
    pub subject: Option<Subject>,
    /// Span of the entry's kind in the scenario file.
    pub span: Span,
}

/// The stable finding kinds (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    DataRace,
    Deadlock,
    LockOrderCycle,
    Assertion,
    Exception,
}

impl FindingKind {
    pub const ALL: [FindingKind; 5] = [
        FindingKind::DataRace,
        FindingKind::Deadlock,
        FindingKind::LockOrderCycle,
        FindingKind::Assertion,
        FindingKind::Exception,
    ];

    /// The stable id: "data-race", "deadlock", "lock-order-cycle", "assertion", "exception".
    pub fn id(&self) -> &'static str {
        match self {
            FindingKind::DataRace => "data-race",
            FindingKind::Deadlock => "deadlock",
            FindingKind::LockOrderCycle => "lock-order-cycle",
            FindingKind::Assertion => "assertion",
            FindingKind::Exception => "exception",
        }
    }

    pub fn from_id(id: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.id() == id)
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What an expected finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// `data-race: counter`, `exception: RuntimeError`, `assertion: x == 1`.
    Name(String),
    /// `lock-order-cycle: [a, b]`: sorted, deduplicated.
    Set(Vec<String>),
}

/// Load a scenario: `.yaml`/`.yml` as a YAML scenario, `.py` as a plain
/// program (no checks, `expect: clean`).
pub fn load(path: &Path) -> Result<Scenario, Diagnostic> {
    let name = path.display().to_string();
    let bytes = read_limited(path).map_err(|e| {
        let (msg, head) = match e {
            ReadError::TooLarge(n) => (too_large("scenario file", n), first_line(path)),
            ReadError::Io(e) => (format!("cannot read scenario file: {e}"), String::new()),
        };
        Diagnostic::error(SourceFile::new(name.clone(), head), Span::default(), msg)
    })?;
    let text = decode(bytes).map_err(|(lossy, off)| {
        Diagnostic::error(
            SourceFile::new(name.clone(), lossy),
            Span::new(off, off + 1),
            "scenario file is not valid UTF-8",
        )
    })?;
    load_text(path, text)
}

/// Like [`load`], from text in memory; `file:` is resolved relative to
/// `path`'s directory.
pub fn load_str(path: &Path, text: &str) -> Result<Scenario, Diagnostic> {
    if text.len() as u64 > MAX_FILE_BYTES {
        let file = SourceFile::new(path.display().to_string(), "");
        return Err(Diagnostic::error(
            file,
            Span::default(),
            too_large("scenario file", text.len() as u64),
        ));
    }
    load_text(
        path,
        text.strip_prefix('\u{feff}').unwrap_or(text).to_string(),
    )
}

fn load_text(path: &Path, text: String) -> Result<Scenario, Diagnostic> {
    let file = SourceFile::new(path.display().to_string(), text);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "yaml" | "yml" => build::scenario(path, file),
        "py" => Ok(py_scenario(path, file)),
        _ => Err(Diagnostic::error(
            file,
            Span::default(),
            "unsupported scenario file type: expected a .yaml, .yml or .py file",
        )),
    }
}

fn py_scenario(path: &Path, file: Arc<SourceFile>) -> Scenario {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name: String = stem
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = if name.is_empty() {
        "program".to_string()
    } else {
        name
    };
    Scenario {
        program: Embedded::whole(file.clone()),
        file,
        path: path.to_path_buf(),
        name: Spanned::new(name, Span::default()),
        description: None,
        params: Vec::new(),
        invariants: Vec::new(),
        finals: Vec::new(),
        atomic: Vec::new(),
        limits: Limits::default(),
        expect: Expect::Clean,
        expect_span: None,
    }
}

pub(crate) enum ReadError {
    Io(std::io::Error),
    TooLarge(u64),
}

pub(crate) fn too_large(what: &str, n: u64) -> String {
    format!("{what} is too large ({n} bytes; limit 8 MiB)")
}

/// The first line of a file (at most 200 bytes), to show with an error about the whole file.
fn first_line(path: &Path) -> String {
    let mut buf = vec![0u8; 200];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut buf))
        .unwrap_or(0);
    let head = String::from_utf8_lossy(&buf[..n]).into_owned();
    head.lines().next().unwrap_or("").to_string()
}

/// Read a file, refusing (without reading it all) one over [`MAX_FILE_BYTES`].
pub(crate) fn read_limited(path: &Path) -> Result<Vec<u8>, ReadError> {
    let f = std::fs::File::open(path).map_err(ReadError::Io)?;
    let meta = f.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::Io(std::io::Error::other("is a directory")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// UTF-8 text without a leading BOM; else the lossy text and the offset of
/// the first invalid byte.
pub(crate) fn decode(mut bytes: Vec<u8>) -> Result<String, (String, usize)> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let off = e.utf8_error().valid_up_to();
        (String::from_utf8_lossy(e.as_bytes()).into_owned(), off)
    })
}
