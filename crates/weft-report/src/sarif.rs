//! `--format sarif`: SARIF 2.1.0 for code-scanning UIs.
//!
//! One run, one rule per finding kind (rule id = the stable kind id), one
//! result per finding located at the finding's line in the scenario file
//! (the YAML, or the `.py` it names): weft's lines are already file
//! coordinates. Evidence sites are `relatedLocations`; the counterexample is
//! a `codeFlow` with one `threadFlow` per thread, ordered by
//! `executionOrder`. A finding the scenario `expect`s is level `note`; an
//! unexpected one is `error`. Invalid scenarios, expected findings not
//! found and inconclusive runs are `toolExecutionNotifications`.

use serde_json::{json, Value};
use weft_check::{Evidence, Finding, FindingKind, ScenarioResult, SourceSite, Verdict};

use crate::common::{self, millis};
use crate::json::Options;

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFO_URI: &str = "https://github.com/weft-checker/weft";

fn rule_name(k: FindingKind) -> &'static str {
    match k {
        FindingKind::DataRace => "DataRace",
        FindingKind::Deadlock => "Deadlock",
        FindingKind::LockOrderCycle => "LockOrderCycle",
        FindingKind::Assertion => "AssertionFailure",
        FindingKind::Exception => "UncaughtException",
    }
}

fn rule_text(k: FindingKind) -> (&'static str, &'static str) {
    match k {
        FindingKind::DataRace => (
            "Data race",
            "Two accesses to the same shared location from different threads, at least one a write, not ordered by happens-before.",
        ),
        FindingKind::Deadlock => (
            "Deadlock",
            "A reachable state where the program has not ended and no thread can move.",
        ),
        FindingKind::LockOrderCycle => (
            "Lock-order cycle",
            "Threads acquire locks in conflicting orders (one holds A while acquiring B, another holds B while acquiring A), with no common gate lock: a potential deadlock.",
        ),
        FindingKind::Assertion => (
            "Assertion failure",
            "An assert in the program, an invariants entry or a final entry is false in some interleaving.",
        ),
        FindingKind::Exception => (
            "Uncaught exception",
            "An uncaught exception ends a thread in some interleaving.",
        ),
    }
}

fn rules() -> Vec<Value> {
    FindingKind::ALL
        .iter()
        .map(|&k| {
            let (short, full) = rule_text(k);
            json!({
                "id": k.id(),
                "name": rule_name(k),
                "shortDescription": { "text": short },
                "fullDescription": { "text": full },
                "helpUri": format!("{INFO_URI}/blob/main/docs/findings.md#{}", k.id()),
                "help": { "text": format!("{full} See docs/findings.md#{}.", k.id()) },
                "defaultConfiguration": { "level": "error" },
                "properties": { "tags": ["concurrency", "correctness"] },
            })
        })
        .collect()
}

/// A relative path as a URI reference: forward slashes, unsafe bytes
/// percent-encoded; an absolute path as a `file://` URI.
pub fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let p = p.strip_prefix("./").unwrap_or(&p).to_string();
    let mut out = String::new();
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if p.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

fn location(
    file: &str,
    line: u32,
    column: u32,
    snippet: Option<&str>,
    message: Option<String>,
) -> Value {
    let mut region = json!({ "startLine": line.max(1), "startColumn": column.max(1) });
    if let Some(s) = snippet {
        region["snippet"] = json!({ "text": s });
    }
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(file) },
            "region": region,
        }
    });
    if let Some(m) = message {
        loc["message"] = json!({ "text": m });
    }
    loc
}

fn site_location(file: &str, s: &SourceSite, message: String) -> Value {
    location(file, s.line, s.column, Some(&s.source), Some(message))
}

fn related(f: &Finding, file: &str) -> Vec<Value> {
    let mut out = Vec::new();
    match &f.evidence {
        Evidence::DataRace { accesses, .. } => {
            for a in accesses {
                out.push(site_location(
                    file,
                    &a.site,
                    format!("{} {}s here", a.thread, a.access),
                ));
            }
        }
        Evidence::Exception { traceback, .. } => {
            for (func, s) in traceback {
                out.push(site_location(file, s, format!("in {func}")));
            }
        }
        Evidence::Deadlock { threads, .. } => {
            for b in threads {
                if let Some(s) = &b.site {
                    let by = if b.held_by.is_empty() {
                        String::new()
                    } else {
                        format!(", held by {}", b.held_by.join(", "))
                    };
                    out.push(site_location(
                        file,
                        s,
                        format!("{} waits in {}{by}", b.thread, b.waits_for),
                    ));
                }
            }
        }
        Evidence::LockOrderCycle { edges, .. } => {
            for e in edges {
                out.push(site_location(
                    file,
                    &e.held_at,
                    format!("{} takes {}", e.thread, e.holds),
                ));
                out.push(site_location(
                    file,
                    &e.acquired_at,
                    format!(
                        "{} acquires {} while holding {}",
                        e.thread, e.acquires, e.holds
                    ),
                ));
            }
        }
        Evidence::Assertion { .. } | Evidence::Summary { .. } => {}
    }
    for (i, l) in out.iter_mut().enumerate() {
        l["id"] = json!(i + 1);
    }
    out
}

fn code_flow(f: &Finding, file: &str) -> Option<Value> {
    let t = f.trace.as_ref()?;
    if t.steps.is_empty() {
        return None;
    }
    let marked = common::highlighted_steps(f);
    let flows: Vec<Value> = common::threads(t)
        .into_iter()
        .map(|(tid, name)| {
            let locations: Vec<Value> = t
                .steps
                .iter()
                .filter(|s| s.tid == tid)
                .map(|s| {
                    let text = if s.notes.is_empty() {
                        s.source.clone()
                    } else {
                        s.notes.join("; ")
                    };
                    let mut l = json!({
                        "location": location(file, s.line, 1, Some(&s.source), Some(format!("step {}: {text}", s.index))),
                        "executionOrder": s.index,
                        "nestingLevel": 0,
                    });
                    if marked.contains(&s.index) {
                        l["importance"] = json!("essential");
                    }
                    l
                })
                .collect();
            json!({ "id": format!("thread-{tid}"), "message": { "text": name }, "locations": locations })
        })
        .collect();
    Some(json!({
        "message": { "text": format!("counterexample: {} steps, {} context switches; replay with --schedule {}", t.steps.len(), t.switches, t.schedule) },
        "threadFlows": flows,
    }))
}

/// FNV-1a, hex: a stable fingerprint independent of line numbers.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}

fn result(r: &ScenarioResult, f: &Finding, file: &str, expected: bool) -> Value {
    let subject = common::kind_subject(f.kind, &f.subject);
    let mut text = format!("{} [{}]", f.title, r.name);
    if !f.details.is_empty() {
        text.push_str(": ");
        text.push_str(&f.details.join("; "));
    }
    let mut res = json!({
        "ruleId": f.kind.id(),
        "ruleIndex": FindingKind::ALL.iter().position(|k| *k == f.kind).unwrap_or(0),
        "level": if expected { "note" } else { "error" },
        "message": { "text": text },
        "locations": [location(file, f.line, f.column, None, None)],
        "partialFingerprints": { "weftFinding/v1": fingerprint(&[&r.name, &subject]) },
        "properties": {
            "scenario": r.name,
            "subject": crate::json::subject(&f.subject),
            "expected": expected,
            "verdict": common::verdict_id(r.verdict),
        },
    });
    let rel = related(f, file);
    if !rel.is_empty() {
        res["relatedLocations"] = json!(rel);
    }
    if let Some(cf) = code_flow(f, file) {
        res["codeFlows"] = json!([cf]);
    }
    if let Some(t) = &f.trace {
        res["properties"]["schedule"] = json!(t.schedule);
    }
    res
}

fn notification(level: &str, text: String, loc: Option<Value>) -> Value {
    let mut n = json!({ "level": level, "message": { "text": text } });
    if let Some(l) = loc {
        n["locations"] = json!([l]);
    }
    n
}

/// The whole run as a SARIF 2.1.0 log.
pub fn value(results: &[ScenarioResult], opts: Options) -> Value {
    let mut out_results = Vec::new();
    let mut notes = Vec::new();
    let mut artifacts: Vec<String> = Vec::new();
    for r in results {
        if let Some(d) = &r.error {
            let (line, col) = d.line_col();
            notes.push(notification(
                "error",
                format!("invalid scenario {}: {}", r.name, d.message),
                Some(location(&d.file.name, line, col, None, None)),
            ));
            continue;
        }
        let Some(c) = &r.checked else { continue };
        let file = common::source_file(c);
        if !artifacts.iter().any(|a| a == file) {
            artifacts.push(file.to_string());
        }
        for f in &c.findings {
            let unexpected = common::is_unexpected(&c.mismatch, f);
            out_results.push(result(r, f, file, !unexpected));
        }
        for (k, s) in &c.mismatch.missing {
            notes.push(notification(
                "error",
                format!(
                    "{}: expected {} was not found",
                    r.name,
                    common::kind_subject(*k, s)
                ),
                Some(location(file, 1, 1, None, None)),
            ));
        }
        if r.verdict == Verdict::Inconclusive {
            notes.push(notification(
                "warning",
                format!(
                    "{}: inconclusive: {}",
                    r.name,
                    c.inconclusive
                        .as_deref()
                        .unwrap_or("a resource limit was reached")
                ),
                None,
            ));
        }
    }
    let mut invocation = json!({
        "executionSuccessful": results.iter().all(|r| r.verdict != Verdict::Invalid),
        "toolExecutionNotifications": notes,
    });
    if opts.timings {
        let ms: f64 = results.iter().map(|r| millis(r.elapsed)).sum();
        invocation["properties"] = json!({ "elapsed_ms": ms });
    }
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "weft",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFO_URI,
                "rules": rules(),
            }},
            "invocations": [invocation],
            "artifacts": artifacts.iter().map(|a| json!({ "location": { "uri": uri(a) } })).collect::<Vec<_>>(),
            "columnKind": "unicodeCodePoints",
            "results": out_results,
        }],
    })
}

pub fn render(results: &[ScenarioResult], opts: Options) -> String {
    let mut s = serde_json::to_string_pretty(&value(results, opts)).expect("serialises");
    s.push('\n');
    s
}
