//! Helpers shared by the formats: ids, the threads of a trace, which steps
//! of a counterexample to highlight, and what kind of note a note is.

use std::collections::BTreeSet;

use weft_check::{Checked, Evidence, Finding, Status, Subject, Trace, Verdict};

/// `pass`, `fail`, `inconclusive`, `invalid`.
pub fn verdict_id(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::Inconclusive => "inconclusive",
        Verdict::Invalid => "invalid",
    }
}

/// `complete`, `bounded`, `incomplete`, `stopped`.
pub fn status_id(s: &Status) -> &'static str {
    match s {
        Status::Complete => "complete",
        Status::Bounded { .. } => "bounded",
        Status::Incomplete(_) => "incomplete",
        Status::Stopped => "stopped",
    }
}

/// The resource limit that stopped a run: `states`, `time`, `memory`.
pub fn limit_id(s: &Status) -> Option<&'static str> {
    match s {
        Status::Incomplete(k) => Some(match k {
            weft_check::LimitKind::States => "states",
            weft_check::LimitKind::Time => "time",
            weft_check::LimitKind::Memory => "memory",
        }),
        _ => None,
    }
}

/// `data-race: counter`, `lock-order-cycle: [a, b]`, `deadlock`.
pub fn kind_subject(kind: weft_check::FindingKind, subject: &Option<Subject>) -> String {
    match subject {
        Some(s) => format!("{}: {}", kind.id(), crate::text::subject_text(s)),
        None => kind.id().to_string(),
    }
}

/// The file the findings' lines refer to: the YAML scenario, or the `.py`
/// file it names with `file:`.
pub fn source_file(c: &Checked) -> &str {
    &c.scenario.program.file.name
}

/// Threads of a trace in order of first appearance: (tid, name).
pub fn threads(t: &Trace) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = Vec::new();
    for s in &t.steps {
        if !out.iter().any(|(tid, _)| *tid == s.tid) {
            out.push((s.tid, s.thread.clone()));
        }
    }
    out
}

/// `go` or `timeout`.
pub fn choice_id(step: &weft_check::TraceStep) -> &'static str {
    if format!("{:?}", step.choice) == "Timeout" {
        "timeout"
    } else {
        "go"
    }
}

/// What a trace note says, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    Blocks,
    Wakes,
    Ends,
    Plain,
}

pub fn note_kind(n: &str) -> NoteKind {
    if n.starts_with("blocks") || n.ends_with(" blocks") {
        NoteKind::Blocks
    } else if n.contains("times out")
        || n.contains("woken")
        || n.contains("wakes")
        || n.contains("notified")
        || n.starts_with("resumes")
    {
        NoteKind::Wakes
    } else if n == "thread ends" {
        NoteKind::Ends
    } else {
        NoteKind::Plain
    }
}

/// 1-based indexes of the steps that show the finding itself: the two racing
/// accesses, the steps where deadlocked threads blocked, the acquisitions of
/// a lock-order cycle, the last step of an exception or assertion.
pub fn highlighted_steps(f: &Finding) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    let Some(t) = &f.trace else { return out };
    let steps = &t.steps;
    // The last step at or before `before` run by `thread` on `line`.
    let last_at = |thread: &str, line: u32, before: usize| {
        steps
            .iter()
            .take(before)
            .rev()
            .find(|s| s.thread == thread && s.line == line)
            .map(|s| s.index)
    };
    match &f.evidence {
        Evidence::DataRace { accesses, .. } => {
            let second = last_at(&accesses[1].thread, accesses[1].site.line, steps.len());
            if let Some(i) = second {
                out.insert(i);
                if let Some(j) = last_at(&accesses[0].thread, accesses[0].site.line, i - 1) {
                    out.insert(j);
                }
            }
        }
        Evidence::Deadlock { threads, .. } => {
            for b in threads {
                if let Some(s) = steps.iter().rev().find(|s| s.thread == b.thread) {
                    out.insert(s.index);
                }
            }
        }
        Evidence::LockOrderCycle { edges, .. } => {
            for e in edges {
                for line in [e.held_at.line, e.acquired_at.line] {
                    if let Some(i) = last_at(&e.thread, line, steps.len()) {
                        out.insert(i);
                    }
                }
            }
        }
        Evidence::Exception { .. } | Evidence::Assertion { .. } => {
            if let Some(s) = steps.last() {
                out.insert(s.index);
            }
        }
        Evidence::Summary { .. } => {}
    }
    out
}

fn normalised(kind: weft_check::FindingKind, s: &Option<Subject>) -> Option<Subject> {
    let exception = kind == weft_check::FindingKind::Exception;
    s.as_ref().map(|s| match s {
        Subject::Name(n) => Subject::Name(
            (if exception {
                n.rsplit('.').next().unwrap_or(n)
            } else {
                n.as_str()
            })
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        ),
        Subject::Set(v) => {
            let mut v = v.clone();
            v.sort();
            v.dedup();
            Subject::Set(v)
        }
    })
}

/// The finding is one the scenario did not `expect` (it makes the run fail).
pub fn is_unexpected(m: &weft_check::Mismatch, f: &Finding) -> bool {
    let want = normalised(f.kind, &f.subject);
    m.unexpected
        .iter()
        .any(|(k, s)| *k == f.kind && (s.is_none() || normalised(*k, s) == want))
}

/// Escape for XML and HTML text and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab/newline are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Milliseconds with microsecond precision, as a JSON-friendly float.
pub fn millis(d: std::time::Duration) -> f64 {
    (d.as_micros() as f64) / 1000.0
}
