//! `weft graph`: the lock-order graph and counterexample diagrams.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use weft_report::graph::{self, GraphFormat};

/// Graphviz accepts it, when Graphviz is installed.
fn dot_accepts(text: &str) {
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("SKIPPED: Graphviz `dot` not found; DOT output not rendered");
        return;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "dot rejected it: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
}

#[test]
fn lock_order_graph_has_every_edge_and_highlights_cycles() {
    let r = common::check_one("philosophers-3.yaml");
    let c = r.checked.as_ref().unwrap();
    assert_eq!(c.lock_edges.len(), 3);
    let dot = graph::lock_order(c, GraphFormat::Dot);
    assert_eq!(dot.matches(" -> ").count(), 3);
    assert_eq!(dot.matches("penwidth=2.5").count(), 3, "{dot}");
    for fork in ["fork0", "fork1", "fork2"] {
        assert!(dot.contains(&format!("[label=\"{fork}\"]")));
    }
    assert!(dot.contains("Thread-1 (philosopher) (lines 18→19)"));
    dot_accepts(&dot);
    let mm = graph::lock_order(c, GraphFormat::Mermaid);
    assert!(mm.contains("flowchart LR"));
    assert_eq!(mm.matches(" -->|").count(), 3);
    assert!(mm.contains("linkStyle 0,1,2 stroke:#d62728"));
}

#[test]
fn a_gated_graph_has_edges_but_no_cycle_highlight() {
    let r = common::check_one("lock-order-gate.yaml");
    let c = r.checked.as_ref().unwrap();
    let dot = graph::lock_order(c, GraphFormat::Dot);
    // gate→lock_a, gate→lock_b, lock_a→lock_b, lock_b→lock_a: a cycle, but gated.
    assert_eq!(dot.matches(" -> ").count(), 4, "{dot}");
    assert!(!dot.contains("#d62728"));
    dot_accepts(&dot);
    let mm = graph::lock_order(c, GraphFormat::Mermaid);
    assert!(!mm.contains("linkStyle"));
}

#[test]
fn no_locks_no_edges() {
    let r = common::check_one("counter-unlocked.yaml");
    let c = r.checked.as_ref().unwrap();
    assert!(c.lock_edges.is_empty());
    dot_accepts(&graph::lock_order(c, GraphFormat::Dot));
    assert!(graph::lock_order(c, GraphFormat::Mermaid).contains("no thread ever held"));
}

#[test]
fn trace_diagrams_have_a_lane_per_thread() {
    let r = common::check_one("lock-order-two-locks.yaml");
    let c = r.checked.as_ref().unwrap();
    let f = &c.findings[0];
    assert_eq!(f.kind.id(), "deadlock");
    let t = f.trace.as_ref().unwrap();
    let mm = graph::trace(f, t, GraphFormat::Mermaid);
    assert!(mm.starts_with("---\ntitle: "));
    assert!(mm.contains("sequenceDiagram"));
    assert_eq!(mm.matches("participant ").count(), 3);
    assert_eq!(mm.matches("Note over ").count(), t.steps.len());
    assert_eq!(mm.matches("-->>").count() as u32, t.switches);
    assert!(
        mm.contains("rect rgb(255, 215, 215)"),
        "blocked steps highlighted"
    );
    assert!(mm.contains("blocks: lock_a.acquire#40;#41;"));
    let dot = graph::trace(f, t, GraphFormat::Dot);
    assert_eq!(dot.matches("rank=same").count(), t.steps.len());
    assert!(dot.contains("#ffd7d7"));
    dot_accepts(&dot);
}

#[test]
fn labels_with_quotes_and_newlines_are_escaped() {
    let r = common::check_one("list-check-then-act.yaml");
    let c = r.checked.as_ref().unwrap();
    for f in &c.findings {
        let t = f.trace.as_ref().unwrap();
        dot_accepts(&graph::trace(f, t, GraphFormat::Dot));
        let mm = graph::trace(f, t, GraphFormat::Mermaid);
        // Mermaid ends a statement at `;` and `#` starts an entity: only entities may use them.
        for line in mm.lines().filter(|l| l.contains("Note over")) {
            let mut rest = line.split_once(": ").unwrap().1.to_string();
            for ent in ["#quot;", "#lt;", "#gt;"] {
                rest = rest.replace(ent, "");
            }
            let stripped: String = rest
                .split('#')
                .enumerate()
                .map(|(i, part)| {
                    if i == 0 {
                        part.to_string()
                    } else {
                        let (num, tail) = part.split_once(';').expect("an entity");
                        assert!(num.chars().all(|c| c.is_ascii_digit()), "{line}");
                        tail.to_string()
                    }
                })
                .collect();
            assert!(!stripped.contains(';') && !stripped.contains('"'), "{line}");
        }
    }
}
