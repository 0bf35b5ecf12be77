//! Typed values inside a scenario: `params`, `limits` and `expect`, and the
//! small lexical helpers they share (identifiers, sizes, durations, typo
//! suggestions).

use std::time::Duration;

use weft_diag::Diagnostic;

use crate::build::Ctx;
use crate::node::{Kind, Node};
use crate::{
    Expect, ExpectedFinding, FindingKind, Limits, ParamOverride, ParamValue, Spanned, Subject,
};

const PY_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// A Python identifier (lexically) that is not a keyword.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
        && !PY_KEYWORDS.contains(&s)
}

/// `name` or `name.attr…`.
pub fn is_dotted_identifier(s: &str) -> bool {
    s.split('.').all(is_identifier)
}

/// A lock's name as weft reports it: a global, maybe with subscripts for a
/// lock kept in a container (`forks[0]`, `locks['a']`).
pub fn is_lock_name(s: &str) -> bool {
    let base_end = s.find('[').unwrap_or(s.len());
    if !is_dotted_identifier(&s[..base_end]) {
        return false;
    }
    let mut rest = &s[base_end..];
    while !rest.is_empty() {
        let Some(close) = rest.find(']') else {
            return false;
        };
        let inner = &rest[1..close];
        let quoted = inner.len() >= 2
            && ((inner.starts_with('\'') && inner.ends_with('\''))
                || (inner.starts_with('"') && inner.ends_with('"')));
        if !rest.starts_with('[')
            || !(quoted
                || (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || c == '-')))
        {
            return false;
        }
        rest = &rest[close + 1..];
    }
    true
}

/// The allowed word closest to `word`, if it is plausibly a typo of it.
pub fn closest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let norm = |s: &str| s.to_lowercase().replace('_', "-");
    let w = norm(word);
    allowed
        .iter()
        .map(|a| (edit_distance(&w, &norm(a)), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 3) && *d < a.len().max(w.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    if a.chars().count() > 64 {
        return usize::MAX / 2;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

// ---- params ---------------------------------------------------------------

pub fn params(cx: &Ctx, v: &Node) -> Result<Vec<ParamOverride>, Diagnostic> {
    let entries = match &v.kind {
        Kind::Null => return Ok(Vec::new()),
        Kind::Map(entries) => entries,
        other => {
            return Err(cx.err(
                v,
                format!(
                    "`params` must be a mapping of global names to values (e.g. `params: {{N: 3}}`); found {}",
                    other.describe()
                ),
            ))
        }
    };
    entries
        .iter()
        .map(|(k, val)| {
            let name = cx.key(k)?;
            if !is_identifier(name) {
                return Err(cx.err(
                    k,
                    format!("parameter name `{name}` is not a Python identifier"),
                ));
            }
            Ok(ParamOverride {
                name: Spanned::new(name.to_string(), cx.span(k)),
                value: param_value(cx, val)?,
            })
        })
        .collect()
}

fn param_value(cx: &Ctx, v: &Node) -> Result<ParamValue, Diagnostic> {
    Ok(match &v.kind {
        Kind::Null => ParamValue::None,
        Kind::Bool(b) => ParamValue::Bool(*b),
        Kind::Int(i) => ParamValue::Int(i64::try_from(*i).map_err(|_| {
            cx.err(v, format!("integer {i} is out of range for a parameter (64-bit integers only)"))
        })?),
        Kind::Float(f) => {
            // YAML reads an integer too large for 64 bits as a float: refuse it.
            let span = cx.span(v);
            let raw = cx.file.text.get(span.start as usize..span.end as usize).unwrap_or("");
            let digits = raw.trim_start_matches(['-', '+']);
            if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '_') {
                return Err(cx.err(
                    v,
                    format!("integer {raw} is out of range for a parameter (64-bit integers only)"),
                ));
            }
            ParamValue::Float(*f)
        }
        Kind::Str(s) => ParamValue::Str(s.clone()),
        Kind::Seq(items) => {
            ParamValue::List(items.iter().map(|i| param_value(cx, i)).collect::<Result<_, _>>()?)
        }
        Kind::Map(_) => {
            return Err(cx.err(
                v,
                "a parameter value must be None, a boolean, a number, a string or a list of those; mappings are not supported",
            ))
        }
    })
}

// ---- limits ---------------------------------------------------------------

const LIMIT_KEYS: &[&str] = &["max-states", "preemptions", "time-limit", "max-memory"];

pub fn limits(cx: &Ctx, v: &Node) -> Result<Limits, Diagnostic> {
    let mut limits = Limits::default();
    let entries = match &v.kind {
        Kind::Null => return Ok(limits),
        Kind::Map(entries) => entries,
        other => {
            return Err(cx.err(
                v,
                format!(
                    "`limits` must be a mapping (keys: {}); found {}",
                    LIMIT_KEYS.join(", "),
                    other.describe()
                ),
            ))
        }
    };
    for (k, val) in entries {
        let key = cx.key(k)?;
        if matches!(val.kind, Kind::Null) && LIMIT_KEYS.contains(&key) {
            continue;
        }
        match key {
            "max-states" => {
                limits.max_states =
                    Some(positive_int(cx, val, key, u64::MAX as i128, "states")? as u64)
            }
            "preemptions" => {
                limits.preemptions = Some(match &val.kind {
                    Kind::Int(i) if (0..=u32::MAX as i128).contains(i) => *i as u32,
                    other => {
                        return Err(cx.err(
                            val,
                            format!(
                                "`preemptions` must be a whole number from 0 to {}; found {}",
                                u32::MAX,
                                other.describe()
                            ),
                        ))
                    }
                })
            }
            "time-limit" => limits.time_limit = Some(time_limit(cx, val)?),
            "max-memory" => limits.max_memory = Some(max_memory(cx, val)?),
            _ => return Err(cx.unknown_key(k, key, " in `limits`", LIMIT_KEYS)),
        }
    }
    Ok(limits)
}

fn positive_int(cx: &Ctx, v: &Node, key: &str, max: i128, unit: &str) -> Result<i128, Diagnostic> {
    match &v.kind {
        Kind::Int(i) if (1..=max).contains(i) => Ok(*i),
        other => Err(cx.err(
            v,
            format!(
                "`{key}` must be a positive whole number of {unit}; found {}",
                other.describe()
            ),
        )),
    }
}

fn time_limit(cx: &Ctx, v: &Node) -> Result<Duration, Diagnostic> {
    let secs = match &v.kind {
        Kind::Int(i) if *i > 0 => Some(*i as f64),
        Kind::Float(f) if *f > 0.0 => Some(*f),
        Kind::Str(s) => parse_duration(s),
        _ => None,
    };
    secs.and_then(|s| Duration::try_from_secs_f64(s).ok()).ok_or_else(|| {
        cx.err(
            v,
            format!(
                "`time-limit` must be a positive duration: seconds as a number, or text like \"30s\", \"2m\", \"1h\", \"500ms\"; found {}",
                v.kind.describe()
            ),
        )
    })
}

/// "30s", "2m", "1.5h", "500ms", "30" (seconds) → seconds.
fn parse_duration(s: &str) -> Option<f64> {
    let (num, unit) = split_number(s)?;
    let scale = match unit.to_ascii_lowercase().as_str() {
        "" | "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "ms" => 0.001,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hour" | "hours" => 3600.0,
        _ => return None,
    };
    let secs = num * scale;
    (secs > 0.0 && secs.is_finite()).then_some(secs)
}

fn max_memory(cx: &Ctx, v: &Node) -> Result<u64, Diagnostic> {
    let bytes = match &v.kind {
        Kind::Int(i) if *i > 0 => u64::try_from(*i).ok(),
        Kind::Str(s) => parse_size(s),
        _ => None,
    };
    bytes.ok_or_else(|| {
        cx.err(
            v,
            format!(
                "`max-memory` must be a positive number of bytes, or text like \"512MB\" or \"2GiB\"; found {}",
                v.kind.describe()
            ),
        )
    })
}

/// "512MB" (SI, ×1000), "2GiB" (binary, ×1024), "4096" or "4096B" (bytes).
fn parse_size(s: &str) -> Option<u64> {
    let (num, unit) = split_number(s)?;
    let scale: f64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024f64.powi(2),
        "gib" => 1024f64.powi(3),
        "tib" => 1024f64.powi(4),
        _ => return None,
    };
    let bytes = (num * scale).floor();
    (bytes >= 1.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

/// "1.5 GiB" → (1.5, "GiB").
fn split_number(s: &str) -> Option<(f64, &str)> {
    let s = s.trim();
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let num: f64 = s[..end].parse().ok()?;
    Some((num, s[end..].trim()))
}

// ---- expect ---------------------------------------------------------------

fn kinds_list() -> String {
    FindingKind::ALL
        .iter()
        .map(|k| k.id())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn expect(cx: &Ctx, v: &Node) -> Result<Expect, Diagnostic> {
    let items = match &v.kind {
        Kind::Null => return Ok(Expect::Clean),
        Kind::Str(s) if s == "clean" => return Ok(Expect::Clean),
        Kind::Str(s) if FindingKind::from_id(s).is_some() => {
            return Err(cx.err(
                v,
                format!("`expect` is `clean` or a list of findings: write `expect: [{s}]`"),
            ))
        }
        Kind::Seq(items) => items,
        other => {
            return Err(cx.err(
                v,
                format!(
                    "`expect` must be `clean` or a list of findings (e.g. `- data-race: counter`); found {}",
                    other.describe()
                ),
            ))
        }
    };
    let findings = items
        .iter()
        .map(|item| finding(cx, item))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(if findings.is_empty() {
        Expect::Clean
    } else {
        Expect::Findings(findings)
    })
}

fn finding_kind(cx: &Ctx, node: &Node) -> Result<FindingKind, Diagnostic> {
    let id = node.as_str().unwrap_or_default();
    if id == "clean" {
        return Err(cx.err(
            node,
            "`clean` cannot be listed with findings: write `expect: clean` alone",
        ));
    }
    FindingKind::from_id(id).ok_or_else(|| {
        let ids: Vec<&str> = FindingKind::ALL.iter().map(|k| k.id()).collect();
        let hint = closest(id, &ids)
            .map(|s| format!(": did you mean `{s}`?"))
            .unwrap_or_default();
        cx.err(
            node,
            format!(
                "unknown finding kind `{id}`{hint} (valid kinds: {})",
                kinds_list()
            ),
        )
    })
}

fn finding(cx: &Ctx, item: &Node) -> Result<ExpectedFinding, Diagnostic> {
    match &item.kind {
        Kind::Str(_) => {
            let kind = finding_kind(cx, item)?;
            Ok(ExpectedFinding { kind, subject: None, span: cx.span(item) })
        }
        Kind::Map(entries) if entries.len() == 1 => {
            let (k, v) = &entries[0];
            cx.key(k)?;
            let kind = finding_kind(cx, k)?;
            let subject = subject(cx, kind, v)?;
            Ok(ExpectedFinding { kind, subject, span: cx.span(k) })
        }
        Kind::Map(entries) => {
            let at = entries.get(1).map_or(item, |(k, _)| k);
            Err(cx.err(
                at,
                format!(
                    "each `expect` entry names one finding: a kind (`- deadlock`) or a kind with its subject (`- data-race: counter`); this entry has {} keys: put each on its own `- ` line",
                    entries.len()
                ),
            ))
        }
        other => Err(cx.err(
            item,
            format!(
                "each `expect` entry is a finding kind (`- deadlock`) or a kind with its subject (`- data-race: counter`); found {} (valid kinds: {})",
                other.describe(),
                kinds_list()
            ),
        )),
    }
}

fn subject(cx: &Ctx, kind: FindingKind, v: &Node) -> Result<Option<Subject>, Diagnostic> {
    if matches!(v.kind, Kind::Null) {
        return Ok(None);
    }
    let id = kind.id();
    match kind {
        FindingKind::Deadlock => {
            Err(cx.err(v, "`deadlock` takes no subject: write `- deadlock`"))
        }
        FindingKind::DataRace | FindingKind::Exception => {
            let what = if kind == FindingKind::DataRace {
                "the global it happens on (e.g. `data-race: counter`, `data-race: obj.attr`)"
            } else {
                "the exception type (e.g. `exception: RuntimeError`)"
            };
            match v.as_str() {
                Some(s) if is_dotted_identifier(s) => Ok(Some(Subject::Name(s.to_string()))),
                _ => {
                    let list_hint = if matches!(v.kind, Kind::Seq(_)) {
                        "; list each one as its own entry"
                    } else {
                        ""
                    };
                    Err(cx.err(
                        v,
                        format!("`{id}` takes one name, {what}; found {}{list_hint}", v.kind.describe()),
                    ))
                }
            }
        }
        FindingKind::Assertion => match v.as_str() {
            Some(s) => Ok(Some(Subject::Name(s.to_string()))),
            None => Err(cx.err(
                v,
                format!(
                    "`assertion` takes an optional expression, as text (e.g. `assertion: counter == 4`); found {}",
                    v.kind.describe()
                ),
            )),
        },
        FindingKind::LockOrderCycle => {
            let usage = "`lock-order-cycle` takes a list of lock names, e.g. `lock-order-cycle: [fork0, fork1]` (a lock kept in a list is named like `\"forks[0]\"`)";
            let Kind::Seq(items) = &v.kind else {
                return Err(cx.err(v, format!("{usage}; found {}", v.kind.describe())));
            };
            let mut names = Vec::with_capacity(items.len());
            for item in items {
                match item.as_str() {
                    Some(s) if is_lock_name(s) => names.push(s.to_string()),
                    _ => {
                        return Err(cx.err(
                            item,
                            format!(
                                "a lock name must be a global name, maybe with an index (`fork0`, `\"forks[0]\"`); found {}",
                                item.kind.describe()
                            ),
                        ))
                    }
                }
            }
            names.sort();
            names.dedup();
            if names.is_empty() {
                return Err(cx.err(v, format!("{usage}; found {} distinct name(s)", names.len())));
            }
            Ok(Some(Subject::Set(names)))
        }
    }
}
