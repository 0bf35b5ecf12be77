//! `--format json`: every result as one JSON document, schema
//! `weft-result` version 1 (docs/schema/weft-result-v1.json).
//!
//! Objects' keys come out sorted (serde_json's default map), so the same
//! results give byte-identical output; timings are the only fields that
//! vary between runs, and [`Options::timings`] leaves them out.

use serde_json::{json, Map, Value};
use weft_check::{
    BlockedThread, Checked, Evidence, Expect, Finding, FindingKind, LockEdge, Mismatch,
    ScenarioResult, SourceSite, Status, Subject, Trace,
};

use crate::common::{self, millis};

/// The schema's `version`; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;
/// The schema's identifier, also written in every document.
pub const SCHEMA_ID: &str = "https://weft.dev/schema/weft-result-v1.json";

/// What machine formats include.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Include wall-clock timings (`elapsed_ms`, `states_per_second`).
    pub timings: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { timings: true }
    }
}

/// The whole run as a JSON value.
pub fn value(results: &[ScenarioResult], exit_code: u8, opts: Options) -> Value {
    let count = |v| results.iter().filter(|r| r.verdict == v).count();
    let states: u64 = results
        .iter()
        .filter_map(|r| r.checked.as_ref())
        .map(|c| c.stats.states)
        .sum();
    let mut summary = json!({
        "scenarios": results.len(),
        "passed": count(weft_check::Verdict::Pass),
        "failed": count(weft_check::Verdict::Fail),
        "inconclusive": count(weft_check::Verdict::Inconclusive),
        "invalid": count(weft_check::Verdict::Invalid),
        "states": states,
    });
    if opts.timings {
        let ms: f64 = results.iter().map(|r| millis(r.elapsed)).sum();
        summary["elapsed_ms"] = json!(ms);
    }
    json!({
        "$schema": SCHEMA_ID,
        "schema": "weft-result",
        "version": SCHEMA_VERSION,
        "tool": { "name": "weft", "version": env!("CARGO_PKG_VERSION") },
        "exit_code": exit_code,
        "summary": summary,
        "scenarios": results.iter().map(|r| scenario(r, opts)).collect::<Vec<_>>(),
    })
}

/// The whole run as pretty-printed JSON text, newline-terminated.
pub fn render(results: &[ScenarioResult], exit_code: u8, opts: Options) -> String {
    let mut s = serde_json::to_string_pretty(&value(results, exit_code, opts))
        .expect("a JSON value always serialises");
    s.push('\n');
    s
}

fn path_text(p: &std::path::Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

pub fn scenario(r: &ScenarioResult, opts: Options) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), json!(r.name));
    o.insert("path".into(), json!(path_text(&r.path)));
    o.insert("verdict".into(), json!(common::verdict_id(r.verdict)));
    o.insert("exit_code".into(), json!(r.verdict.exit_code()));
    if opts.timings {
        o.insert("elapsed_ms".into(), json!(millis(r.elapsed)));
    }
    o.insert(
        "error".into(),
        match &r.error {
            Some(d) => {
                let (line, column) = d.line_col();
                json!({
                    "message": d.message,
                    "label": d.label,
                    "notes": d.notes,
                    "location": { "file": d.file.name, "line": line, "column": column },
                    "rendered": d.render(false),
                })
            }
            None => Value::Null,
        },
    );
    if let Some(c) = &r.checked {
        o.insert("file".into(), json!(common::source_file(c)));
        o.insert("description".into(), json!(c.scenario.description));
        o.insert("expect".into(), expect(&c.scenario.expect));
        o.insert("exploration".into(), exploration(c, opts));
        o.insert("mismatch".into(), mismatch(&c.mismatch));
        let file = common::source_file(c);
        o.insert(
            "findings".into(),
            Value::Array(
                c.findings
                    .iter()
                    .enumerate()
                    .map(|(i, f)| finding(i + 1, f, file))
                    .collect(),
            ),
        );
        o.insert(
            "lock_edges".into(),
            Value::Array(c.lock_edges.iter().map(lock_edge).collect()),
        );
    }
    Value::Object(o)
}

pub fn subject(s: &Option<Subject>) -> Value {
    match s {
        None => Value::Null,
        Some(Subject::Name(n)) => json!(n),
        Some(Subject::Set(v)) => json!(v),
    }
}

fn kind_entry(kind: FindingKind, s: &Option<Subject>) -> Value {
    json!({ "kind": kind.id(), "subject": subject(s) })
}

fn expect(e: &Expect) -> Value {
    match e {
        Expect::Clean => json!("clean"),
        Expect::Findings(list) => Value::Array(
            list.iter()
                .map(|f| kind_entry(f.kind, &f.subject))
                .collect(),
        ),
    }
}

fn mismatch(m: &Mismatch) -> Value {
    let list = |v: &[(FindingKind, Option<Subject>)]| {
        Value::Array(v.iter().map(|(k, s)| kind_entry(*k, s)).collect())
    };
    json!({ "unexpected": list(&m.unexpected), "missing": list(&m.missing) })
}

fn exploration(c: &Checked, opts: Options) -> Value {
    let st = &c.stats;
    let mut stats = json!({
        "states": st.states,
        "nodes": st.nodes,
        "expansions": st.expansions,
        "transitions": st.transitions,
        "pruned": st.pruned,
        "passed": st.passed,
        "max_depth": st.max_depth,
        "estimated_bytes": st.estimated_bytes,
        "bytes_per_state": st.bytes_per_state,
        "visited": st.visited.name(),
        "collision_bound": st.collision_bound(),
        "reduced": st.reduced,
        "proviso_full": st.proviso_full,
        "symmetry": c.symmetry,
        "workers": st.workers,
    });
    if opts.timings {
        stats["elapsed_ms"] = json!(millis(st.elapsed));
        stats["states_per_second"] = json!(st.states_per_second().round());
        // Measured, so it varies between runs: with the timings.
        stats["peak_resident_bytes"] = json!(st.peak_resident_bytes);
    }
    let bound = match c.status {
        Status::Bounded { preemptions } => Some(preemptions),
        _ => c.scenario.limits.preemptions,
    };
    json!({
        "status": common::status_id(&c.status),
        "complete": c.inconclusive.is_none(),
        "limit": common::limit_id(&c.status),
        "inconclusive": c.inconclusive,
        "preemption_bound": bound,
        "stats": stats,
    })
}

pub fn site(s: &SourceSite) -> Value {
    json!({ "line": s.line, "column": s.column, "source": s.source, "location": s.location })
}

fn lock_edge(e: &LockEdge) -> Value {
    json!({
        "thread": e.thread,
        "holds": e.holds,
        "acquires": e.acquires,
        "held_at": site(&e.held_at),
        "acquired_at": site(&e.acquired_at),
    })
}

fn blocked(b: &BlockedThread) -> Value {
    json!({
        "thread": b.thread,
        "waits_for": b.waits_for,
        "held_by": b.held_by,
        "site": b.site.as_ref().map(site),
    })
}

fn evidence(e: &Evidence) -> Value {
    match e {
        Evidence::DataRace { accesses, pattern } => json!({
            "type": "data-race",
            "accesses": accesses.iter().map(|a| json!({
                "thread": a.thread, "access": a.access, "site": site(&a.site),
            })).collect::<Vec<_>>(),
            "pattern": pattern,
        }),
        Evidence::Exception {
            thread,
            type_name,
            message,
            traceback,
        } => json!({
            "type": "exception",
            "thread": thread,
            "exception_type": type_name,
            "message": message,
            "traceback": traceback.iter().map(|(func, s)| json!({
                "function": func, "site": site(s),
            })).collect::<Vec<_>>(),
        }),
        Evidence::Assertion {
            source,
            expression,
            message,
            values,
            error,
        } => json!({
            "type": "assertion",
            "source": source,
            "expression": expression,
            "message": message,
            "values": values.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>(),
            "error": error,
        }),
        Evidence::Deadlock {
            threads,
            self_deadlock,
        } => json!({
            "type": "deadlock",
            "threads": threads.iter().map(blocked).collect::<Vec<_>>(),
            "self_deadlock": self_deadlock,
        }),
        Evidence::Summary { engine, message } => json!({
            "type": "summary",
            "engine": engine,
            "message": message,
        }),
        Evidence::LockOrderCycle {
            locks,
            edges,
            deadlocked,
        } => json!({
            "type": "lock-order-cycle",
            "locks": locks,
            "edges": edges.iter().map(lock_edge).collect::<Vec<_>>(),
            "deadlocked": deadlocked,
        }),
    }
}

pub fn trace(t: &Trace) -> Value {
    json!({
        "schedule": t.schedule,
        "switches": t.switches,
        "threads": common::threads(t).into_iter()
            .map(|(tid, name)| json!({"id": tid, "name": name}))
            .collect::<Vec<_>>(),
        "steps": t.steps.iter().map(|s| json!({
            "index": s.index,
            "thread_id": s.tid,
            "thread": s.thread,
            "location": s.location,
            "line": s.line,
            "source": s.source,
            "notes": s.notes,
            "choice": common::choice_id(s),
            "switch": s.switch,
        })).collect::<Vec<_>>(),
        "end_state": t.end_state.iter()
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect::<Vec<_>>(),
    })
}

fn finding(index: usize, f: &Finding, file: &str) -> Value {
    json!({
        "index": index,
        "kind": f.kind.id(),
        "subject": subject(&f.subject),
        "title": f.title,
        "details": f.details,
        "location": { "file": file, "line": f.line, "column": f.column },
        "evidence": evidence(&f.evidence),
        "highlighted_steps": common::highlighted_steps(f).into_iter().collect::<Vec<_>>(),
        "counterexample": f.trace.as_ref().map(trace),
    })
}
