//! From the YAML node tree to a [`Scenario`]: the top-level keys, the name,
//! the program (inline or `file:`), the check expressions and `atomic`.

use std::path::Path;
use std::sync::Arc;

use weft_diag::{Diagnostic, Embedded, SourceFile, Span};

use crate::embed::embed;
use crate::node::{self, Kind, Node};
use crate::values;
use crate::{
    decode, read_limited, too_large, CheckSource, Expect, Limits, ReadError, Scenario, Spanned,
};

/// The keys a scenario may have, in the order the docs list them.
pub const KEYS: &[&str] = &[
    "name",
    "description",
    "program",
    "file",
    "params",
    "invariants",
    "final",
    "atomic",
    "limits",
    "expect",
];

/// The file being built, for locating errors.
pub struct Ctx<'a> {
    pub file: &'a Arc<SourceFile>,
}

impl Ctx<'_> {
    pub fn span(&self, node: &Node) -> Span {
        node.span(self.file)
    }
    pub fn err(&self, node: &Node, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file.clone(), self.span(node), msg)
    }
    /// An error for a key not in `allowed`, with the closest one suggested.
    pub fn unknown_key(&self, node: &Node, key: &str, what: &str, allowed: &[&str]) -> Diagnostic {
        let list = allowed.join(", ");
        let msg = match values::closest(key, allowed) {
            Some(s) => {
                format!("unknown key `{key}`{what}: did you mean `{s}`? (allowed keys: {list})")
            }
            None => format!("unknown key `{key}`{what} (allowed keys: {list})"),
        };
        self.err(node, msg)
    }
    /// The key of a mapping entry as a string.
    pub fn key<'n>(&self, key: &'n Node) -> Result<&'n str, Diagnostic> {
        key.as_str().ok_or_else(|| {
            self.err(
                key,
                format!("expected a key name here, found {}", key.kind.describe()),
            )
        })
    }
}

pub fn scenario(path: &Path, file: Arc<SourceFile>) -> Result<Scenario, Diagnostic> {
    let cx = Ctx { file: &file };
    let root = node::parse(&file)?;
    let entries = match &root.kind {
        Kind::Map(entries) => entries,
        Kind::Null => {
            return Err(Diagnostic::error(
                file.clone(),
                Span::default(),
                "the scenario file is empty: it needs at least `name` and `program` (or `file`)",
            ))
        }
        other => {
            return Err(cx.err(
                &root,
                format!(
                    "a scenario file is a YAML mapping with keys such as `name` and `program`; found {}",
                    other.describe()
                ),
            ))
        }
    };

    let mut name = None;
    let mut description = None;
    let mut program: Option<(&Node, Embedded)> = None;
    let mut params = Vec::new();
    let mut invariants = Vec::new();
    let mut finals = Vec::new();
    let mut atomic = Vec::new();
    let mut limits = Limits::default();
    let mut expect = Expect::Clean;
    let mut expect_span = None;

    // `program` and `file` exclude each other: say so before reading any file.
    let mut sources = entries
        .iter()
        .filter(|(k, _)| matches!(k.as_str(), Some("program" | "file")));
    if let (Some((first, _)), Some((second, _))) = (sources.next(), sources.next()) {
        let (a, b) = (
            first.as_str().unwrap_or_default(),
            second.as_str().unwrap_or_default(),
        );
        if a != b {
            return Err(cx.err(
                second,
                format!("both `program` and `file` are given: write the program inline under `program:` or name a file with `file:`, not both (`{a}` is above)"),
            ));
        }
    }

    for (k, v) in entries {
        let key = cx.key(k)?;
        match key {
            "name" => name = Some(scenario_name(&cx, v)?),
            "description" => {
                description = match &v.kind {
                    Kind::Null => None,
                    Kind::Str(s) => Some(s.clone()),
                    other => {
                        return Err(cx.err(
                            v,
                            format!("`description` must be text; found {}", other.describe()),
                        ))
                    }
                }
            }
            "program" | "file" => {
                if program.is_some() {
                    return Err(cx.err(k, format!("`{key}` is given twice")));
                }
                let emb = if key == "program" {
                    inline_program(&cx, v)?
                } else {
                    program_file(&cx, path, v)?
                };
                program = Some((k, emb));
            }
            "params" => params = values::params(&cx, v)?,
            "invariants" => invariants = checks(&cx, "invariants", v)?,
            "final" => finals = checks(&cx, "final", v)?,
            "atomic" => atomic = atomic_names(&cx, v)?,
            "limits" => limits = values::limits(&cx, v)?,
            "expect" => {
                expect = values::expect(&cx, v)?;
                expect_span = Some(cx.span(v));
            }
            _ => return Err(cx.unknown_key(k, key, "", KEYS)),
        }
    }

    let Some(name) = name else {
        return Err(cx.err(
            &root,
            "missing required key `name` (a scenario name matching [a-z0-9-]+, e.g. `name: counter-race`)",
        ));
    };
    let Some((_, program)) = program else {
        return Err(cx.err(
            &root,
            "missing the program: add `program: |` followed by the Python code, or `file: program.py`",
        ));
    };
    Ok(Scenario {
        file: file.clone(),
        path: path.to_path_buf(),
        name,
        description,
        program,
        params,
        invariants,
        finals,
        atomic,
        limits,
        expect,
        expect_span,
    })
}

fn scenario_name(cx: &Ctx, v: &Node) -> Result<Spanned<String>, Diagnostic> {
    let bad = |found: String| {
        cx.err(
            v,
            format!(
                "name must match [a-z0-9-]+ (lowercase letters, digits and `-`); found {found}"
            ),
        )
    };
    let Some(s) = v.as_str() else {
        return Err(bad(v.kind.describe()));
    };
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(bad(format!("\"{s}\"")));
    }
    Ok(Spanned::new(s.to_string(), cx.span(v)))
}

fn inline_program(cx: &Ctx, v: &Node) -> Result<Embedded, Diagnostic> {
    match &v.kind {
        Kind::Str(s) => Ok(embed(cx.file, v, s)),
        Kind::Null => Err(cx.err(
            v,
            "`program` is empty: write the Python program after `program: |`, indented below it",
        )),
        other => Err(cx.err(
            v,
            format!(
                "`program` must be the Python program as text (a `|` block); found {}",
                other.describe()
            ),
        )),
    }
}

fn program_file(cx: &Ctx, path: &Path, v: &Node) -> Result<Embedded, Diagnostic> {
    let rel = match &v.kind {
        Kind::Str(s) if !s.trim().is_empty() => s.as_str(),
        other => {
            return Err(cx.err(
                v,
                format!(
                    "`file` must be the path of a Python file; found {}",
                    other.describe()
                ),
            ))
        }
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    let full = dir.join(rel);
    let shown = full.display().to_string();
    let bytes = read_limited(&full).map_err(|e| match e {
        ReadError::TooLarge(n) => cx.err(v, too_large(&format!("program file `{shown}`"), n)),
        ReadError::Io(e) => {
            let what = if e.kind() == std::io::ErrorKind::NotFound {
                "not found".to_string()
            } else {
                format!("cannot be read: {e}")
            };
            cx.err(
                v,
                format!("program file `{rel}` {what} (looked for `{shown}`)"),
            )
        }
    })?;
    let text = decode(bytes).map_err(|(lossy, off)| {
        let f = SourceFile::new(shown.clone(), lossy);
        let (l, c) = f.line_col(off as u32);
        cx.err(
            v,
            format!("program file `{shown}` is not valid UTF-8 (first invalid byte at line {l}, column {c})"),
        )
    })?;
    Ok(Embedded::whole(SourceFile::new(shown, text)))
}

fn checks(cx: &Ctx, key: &str, v: &Node) -> Result<Vec<CheckSource>, Diagnostic> {
    let items: &[Node] = match &v.kind {
        Kind::Null => return Ok(Vec::new()),
        Kind::Str(_) => std::slice::from_ref(v),
        Kind::Seq(items) => items,
        other => {
            return Err(cx.err(
                v,
                format!(
                    "`{key}` must be a list of Python expressions (`- counter == 4`); found {}",
                    other.describe()
                ),
            ))
        }
    };
    items
        .iter()
        .map(|item| match &item.kind {
            Kind::Str(s) => Ok(CheckSource { text: embed(cx.file, item, s), span: cx.span(item) }),
            other => {
                let hint = match other {
                    Kind::Map(_) => "; a `: ` inside an expression makes YAML read a mapping: quote the expression",
                    Kind::Seq(_) => "",
                    _ => "; quote it if YAML read it as something else, e.g. `- \"True\"`",
                };
                Err(cx.err(
                    item,
                    format!(
                        "each `{key}` entry must be a Python expression written as text; found {}{hint}",
                        other.describe()
                    ),
                ))
            }
        })
        .collect()
}

fn atomic_names(cx: &Ctx, v: &Node) -> Result<Vec<Spanned<String>>, Diagnostic> {
    let items: &[Node] = match &v.kind {
        Kind::Null => return Ok(Vec::new()),
        Kind::Str(_) => std::slice::from_ref(v),
        Kind::Seq(items) => items,
        other => {
            return Err(cx.err(
                v,
                format!(
                    "`atomic` must be a list of global names; found {}",
                    other.describe()
                ),
            ))
        }
    };
    items
        .iter()
        .map(|item| match item.as_str() {
            Some(s) if values::is_dotted_identifier(s) => {
                Ok(Spanned::new(s.to_string(), cx.span(item)))
            }
            _ => Err(cx.err(
                item,
                format!(
                    "each `atomic` entry must be a global name (a Python identifier, or `name.attr`); found {}",
                    item.kind.describe()
                ),
            )),
        })
        .collect()
}
