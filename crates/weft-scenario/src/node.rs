//! The YAML layer: parse a scenario file, under strict input budgets, into a
//! small node tree that carries the location of every node (keys included),
//! using serde-saphyr's `Spanned` support. Nothing here knows which keys a
//! scenario has.

use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::options::AliasLimits;
use serde_saphyr::{Error as YamlError, Location, MessageFormatter, UserMessageFormatter};
use weft_diag::{Diagnostic, SourceFile, Span};

/// Structural nesting allowed in a scenario (a scenario needs about 5 levels).
pub const MAX_DEPTH: usize = 32;
/// Aliases (`*ref`) allowed in one file.
pub const MAX_ALIASES: usize = 1_000;
/// Nodes (scalars, sequences, mappings) allowed in one file, aliases expanded.
pub const MAX_NODES: usize = 100_000;
/// Parser events allowed in one file.
pub const MAX_EVENTS: usize = 250_000;
/// Events replayed through aliases, in total.
pub const MAX_REPLAYED_EVENTS: usize = 50_000;

/// A YAML node and where it is in the file.
#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    pub loc: Location,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Kind {
    /// "a string", "a list", … for messages.
    pub fn describe(&self) -> String {
        match self {
            Kind::Null => "nothing (null)".into(),
            Kind::Bool(b) => format!("a boolean (`{b}`)"),
            Kind::Int(i) => format!("an integer (`{i}`)"),
            Kind::Float(f) => format!("a number (`{f}`)"),
            Kind::Str(s) if s.chars().count() <= 40 && !s.contains('\n') => {
                format!("a string (\"{s}\")")
            }
            Kind::Str(_) => "a string".into(),
            Kind::Seq(_) => "a list".into(),
            Kind::Map(_) => "a mapping".into(),
        }
    }
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The node's byte span in `file` (its first token for collections).
    pub fn span(&self, file: &SourceFile) -> Span {
        loc_span(file, &self.loc)
    }
}

/// Byte span of a serde-saphyr location in `file`: its byte offsets when the
/// parser gives them, else its line and (character) column.
pub fn loc_span(file: &SourceFile, loc: &Location) -> Span {
    let text = &file.text;
    let sp = loc.span();
    if let (Some(off), Some(len)) = (sp.byte_offset(), sp.byte_len()) {
        let (off, end) = (off as usize, off.saturating_add(len) as usize);
        if off <= text.len() && text.is_char_boundary(off) {
            let end = end.min(text.len());
            let end = if text.is_char_boundary(end) { end } else { off };
            return Span::new(off, end);
        }
    }
    let off = line_col_offset(text, loc.line(), loc.column());
    Span::new(off, off)
}

/// Byte offset of a 1-based line and character column (clamped to the text).
pub fn line_col_offset(text: &str, line: u64, col: u64) -> usize {
    if line == 0 {
        return 0;
    }
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let rest = &text[start..];
    let end = rest.find('\n').unwrap_or(rest.len());
    let col_off = rest[..end]
        .char_indices()
        .nth(col.saturating_sub(1) as usize)
        .map_or(end, |(i, _)| i);
    start + col_off
}

/// Parse the text of `file` as one YAML document.
pub fn parse(file: &Arc<SourceFile>) -> Result<Node, Diagnostic> {
    let mut alias_limits = AliasLimits::default();
    alias_limits.max_total_replayed_events = MAX_REPLAYED_EVENTS;
    alias_limits.max_replay_stack_depth = MAX_DEPTH;
    alias_limits.max_alias_expansions_per_anchor = MAX_ALIASES;
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
            max_aliases: MAX_ALIASES,
            max_anchors: MAX_ALIASES,
            max_nodes: MAX_NODES,
            max_events: MAX_EVENTS,
            max_documents: 1,
            max_merge_keys: 100,
            max_recorded_anchor_events: MAX_REPLAYED_EVENTS,
            max_recorded_anchor_bytes: 16 * 1024 * 1024,
            max_total_scalar_bytes: 16 * 1024 * 1024,
        },
        alias_limits: alias_limits,
        strict_booleans: true,
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options::<Node>(&file.text, options)
        .map_err(|e| yaml_error(file, &e))
}

fn yaml_error(file: &Arc<SourceFile>, err: &YamlError) -> Diagnostic {
    let loc = err.location().unwrap_or(Location::UNKNOWN);
    let span = loc_span(file, &loc);
    let mut base = err;
    while let YamlError::WithSnippet { error, .. } | YamlError::AliasError { error, .. } = base {
        base = error;
    }
    let message = match base {
        YamlError::MultipleDocuments { .. }
        | YamlError::Budget {
            breach: BudgetBreach::Documents { .. },
            ..
        } => "a scenario file holds one YAML document (found a second `---` document)".to_string(),
        YamlError::DuplicateMappingKey { key: Some(k), .. } => format!("duplicate key `{k}`"),
        YamlError::DuplicateMappingKey { key: None, .. } => "duplicate key".to_string(),
        YamlError::Budget { breach, .. } => budget_message(breach),
        YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. }
        | YamlError::AliasReplayCounterOverflow { .. } => {
            "YAML aliases expand to too much data (refused as a possible alias bomb)".to_string()
        }
        other => {
            let m = UserMessageFormatter.format_message(other);
            let m: String = m
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            if m.contains("recursion limit") || m.contains("nesting limit") {
                return Diagnostic::error(
                    file.clone(),
                    span,
                    budget_message(&BudgetBreach::Depth {
                        depth: MAX_DEPTH + 1,
                    }),
                );
            }
            if m.contains("tab") {
                // Point at the tab itself rather than the token before it.
                return Diagnostic::error(
                    file.clone(),
                    tab_near(&file.text, span),
                    format!("invalid YAML: {m} (YAML indentation must use spaces)"),
                );
            }
            format!("invalid YAML: {m}")
        }
    };
    Diagnostic::error(file.clone(), span, message)
}

/// The first tab at or after the start of the line of `span`, within the
/// next few lines; else `span`.
fn tab_near(text: &str, span: Span) -> Span {
    let start = (span.start as usize).min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let window: usize = text[line_start..]
        .split_inclusive('\n')
        .take(3)
        .map(str::len)
        .sum();
    match text[line_start..line_start + window].find('\t') {
        Some(i) => Span::new(line_start + i, line_start + i + 1),
        None => span,
    }
}

fn budget_message(breach: &BudgetBreach) -> String {
    match breach {
        BudgetBreach::Depth { .. } => {
            format!("YAML nesting is too deep (a scenario allows at most {MAX_DEPTH} levels)")
        }
        BudgetBreach::Aliases { .. } | BudgetBreach::Anchors { .. } => {
            format!("too many YAML aliases or anchors (limit {MAX_ALIASES})")
        }
        BudgetBreach::Nodes { .. } | BudgetBreach::Events { .. } => {
            format!("the scenario file has too many YAML nodes (limit {MAX_NODES})")
        }
        BudgetBreach::AliasAnchorRatio { .. }
        | BudgetBreach::RecordedAnchorEvents { .. }
        | BudgetBreach::RecordedAnchorBytes { .. } => {
            "YAML aliases expand to too much data (refused as a possible alias bomb)".to_string()
        }
        other => format!("the scenario file exceeds a YAML safety limit ({other:?})"),
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        let s = serde_saphyr::Spanned::<Kind>::deserialize(d)?;
        Ok(Node {
            kind: s.value,
            loc: s.referenced,
        })
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Kind, D::Error> {
        d.deserialize_any(KindVisitor)
    }
}

struct KindVisitor;

impl<'de> Visitor<'de> for KindVisitor {
    type Value = Kind;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Kind, E> {
        Ok(Kind::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Kind, E> {
        Ok(Kind::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Kind, E> {
        Ok(Kind::Int(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Kind, E> {
        Ok(Kind::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Kind, E> {
        i128::try_from(v)
            .map(Kind::Int)
            .map_err(|_| E::custom("integer is too large"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Kind, E> {
        Ok(Kind::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Kind, E> {
        Ok(Kind::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Kind, E> {
        Ok(Kind::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, _v: &[u8]) -> Result<Kind, E> {
        Err(E::custom("binary values are not supported in a scenario"))
    }
    fn visit_unit<E>(self) -> Result<Kind, E> {
        Ok(Kind::Null)
    }
    fn visit_none<E>(self) -> Result<Kind, E> {
        Ok(Kind::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Kind, D::Error> {
        Kind::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            items.push(n);
        }
        Ok(Kind::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            entries.push((k, v));
        }
        Ok(Kind::Map(entries))
    }
}
