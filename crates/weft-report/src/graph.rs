//! `weft graph`: the lock-order graph and a counterexample's threads, as
//! Graphviz `dot` or Mermaid text.
//!
//! Lock-order graph: a node per lock, an edge A → B for "held A while
//! acquiring B", labelled with the threads (and lines) that did so; edges
//! of a reported lock-order cycle are drawn red and bold.
//!
//! Trace: Mermaid draws a `sequenceDiagram` (a participant per thread, a
//! note per step, a dashed arrow at each context switch); dot draws a grid
//! with a column per thread and a row per step. The steps that show the
//! finding (racing accesses, blocking acquisitions) are highlighted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use weft_check::{Checked, Evidence, Finding, Trace};

use crate::common::{self, NoteKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

/// A DOT string literal.
fn dq(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text safe inside a Mermaid label: quotes, brackets and `#`/`;` become entities.
fn mm(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '{' | '}' | '[' | ']' | '|' | '(' | ')' => {
                let _ = write!(out, "#{};", c as u32);
            }
            '\n' => out.push_str("<br/>"),
            c => out.push(c),
        }
    }
    out
}

/// Pairs (holds, acquires) of every reported lock-order cycle.
fn cycle_edges(c: &Checked) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for f in &c.findings {
        if let Evidence::LockOrderCycle { locks, .. } = &f.evidence {
            for i in 0..locks.len() {
                out.insert((locks[i].clone(), locks[(i + 1) % locks.len()].clone()));
            }
        }
    }
    out
}

/// The lock-order graph of a checked scenario.
pub fn lock_order(c: &Checked, format: GraphFormat) -> String {
    // (holds, acquires) → labels "thread (lines a→b)".
    let mut edges: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut nodes: BTreeSet<String> = BTreeSet::new();
    for e in &c.lock_edges {
        nodes.insert(e.holds.clone());
        nodes.insert(e.acquires.clone());
        let label = format!(
            "{} (lines {}→{})",
            e.thread, e.held_at.line, e.acquired_at.line
        );
        let v = edges
            .entry((e.holds.clone(), e.acquires.clone()))
            .or_default();
        if !v.contains(&label) {
            v.push(label);
        }
    }
    let cycles = cycle_edges(c);
    for (a, b) in &cycles {
        nodes.insert(a.clone());
        nodes.insert(b.clone());
    }
    let id: BTreeMap<&String, usize> = nodes.iter().enumerate().map(|(i, n)| (n, i)).collect();
    let name = &c.scenario.name.value;
    let mut out = String::new();
    match format {
        GraphFormat::Dot => {
            let _ = writeln!(out, "digraph {} {{", dq(&format!("lock-order: {name}")));
            let _ = writeln!(
                out,
                "  label={};",
                dq(&format!(
                    "lock-order graph of {name} (an edge A → B: a thread held A while acquiring B)"
                ))
            );
            out.push_str("  labelloc=t;\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef2f7\", fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
            for n in &nodes {
                let _ = writeln!(out, "  n{} [label={}];", id[n], dq(n));
            }
            for ((a, b), labels) in &edges {
                let hot = cycles.contains(&(a.clone(), b.clone()));
                let style = if hot {
                    ", color=\"#d62728\", fontcolor=\"#d62728\", penwidth=2.5"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  n{} -> n{} [label={}{style}];",
                    id[a],
                    id[b],
                    dq(&labels.join("\n"))
                );
            }
            out.push_str("}\n");
        }
        GraphFormat::Mermaid => {
            let _ = writeln!(out, "---\ntitle: lock-order graph of {name}\n---");
            out.push_str("flowchart LR\n");
            for n in &nodes {
                let _ = writeln!(out, "  n{}[\"{}\"]", id[n], mm(n));
            }
            let mut hot_links = Vec::new();
            for (i, ((a, b), labels)) in edges.iter().enumerate() {
                if cycles.contains(&(a.clone(), b.clone())) {
                    hot_links.push(i.to_string());
                }
                let _ = writeln!(
                    out,
                    "  n{} -->|\"{}\"| n{}",
                    id[a],
                    mm(&labels.join("\n")),
                    id[b]
                );
            }
            if !hot_links.is_empty() {
                let _ = writeln!(
                    out,
                    "  linkStyle {} stroke:#d62728,stroke-width:3px,color:#d62728",
                    hot_links.join(",")
                );
            }
            if edges.is_empty() {
                out.push_str("  %% no thread ever held one lock while acquiring another\n");
            }
        }
    }
    out
}

fn step_text(s: &weft_check::TraceStep) -> String {
    let mut t = format!("{}. line {}: {}", s.index, s.line, s.source);
    for n in &s.notes {
        t.push_str("\n→ ");
        t.push_str(n);
    }
    t
}

/// A counterexample's threads: Mermaid sequence diagram, or a dot grid.
pub fn trace(f: &Finding, t: &Trace, format: GraphFormat) -> String {
    let threads = common::threads(t);
    let marked = common::highlighted_steps(f);
    let mut out = String::new();
    match format {
        GraphFormat::Mermaid => {
            let _ = writeln!(out, "---\ntitle: {}\n---", f.title.replace('\n', " "));
            out.push_str("sequenceDiagram\n");
            for (tid, name) in &threads {
                let _ = writeln!(out, "  participant t{tid} as {}", mm(name));
            }
            let mut prev: Option<u32> = None;
            for s in &t.steps {
                if let Some(p) = prev {
                    if p != s.tid {
                        let _ = writeln!(out, "  t{p}-->>t{}: switch", s.tid);
                    }
                }
                prev = Some(s.tid);
                let text = mm(&step_text(s));
                if marked.contains(&s.index) {
                    let _ = writeln!(out, "  rect rgb(255, 215, 215)");
                    let _ = writeln!(out, "    Note over t{}: {text}", s.tid);
                    out.push_str("  end\n");
                } else {
                    let _ = writeln!(out, "  Note over t{}: {text}", s.tid);
                }
            }
            let _ = writeln!(out, "  %% schedule: {}", t.schedule);
        }
        GraphFormat::Dot => {
            let _ = writeln!(out, "digraph \"trace\" {{");
            let _ = writeln!(
                out,
                "  label={};",
                dq(&format!("{}\nschedule: {}", f.title, t.schedule))
            );
            out.push_str("  labelloc=t;\n  rankdir=TB;\n  nodesep=0.4;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\", fontsize=10];\n  edge [arrowhead=none, color=\"#bbbbbb\", style=dashed];\n");
            // Header row: one node per thread.
            for (tid, name) in &threads {
                let _ = writeln!(
                    out,
                    "  h{tid} [label={}, shape=box, fillcolor=\"#dde6f3\", style=filled];",
                    dq(name)
                );
            }
            // One cell per (step, thread): the step in its thread's column, points elsewhere.
            for s in &t.steps {
                let mut row = Vec::new();
                for (tid, _) in &threads {
                    let cell = format!("s{}_{tid}", s.index);
                    if *tid == s.tid {
                        let blocks = s
                            .notes
                            .iter()
                            .any(|n| common::note_kind(n) == NoteKind::Blocks);
                        let fill = if marked.contains(&s.index) {
                            "#ffd7d7"
                        } else if blocks {
                            "#fff1c2"
                        } else {
                            "white"
                        };
                        // Left-justified lines: each escaped, each ended by `\l`.
                        let label: String = step_text(s)
                            .lines()
                            .map(|l| {
                                let q = dq(l);
                                format!("{}\\l", &q[1..q.len() - 1])
                            })
                            .collect();
                        let _ =
                            writeln!(out, "  {cell} [label=\"{label}\", fillcolor=\"{fill}\"];");
                    } else {
                        let _ = writeln!(
                            out,
                            "  {cell} [label=\"\", shape=point, width=0.02, color=\"#bbbbbb\"];"
                        );
                    }
                    row.push(cell);
                }
                let _ = writeln!(out, "  {{ rank=same; {} }}", row.join("; "));
            }
            // Lifelines.
            for (tid, _) in &threads {
                let mut prev = format!("h{tid}");
                for s in &t.steps {
                    let cell = format!("s{}_{tid}", s.index);
                    let _ = writeln!(out, "  {prev} -> {cell};");
                    prev = cell;
                }
            }
            // Context switches.
            let mut prev: Option<&weft_check::TraceStep> = None;
            for s in &t.steps {
                if let Some(p) = prev {
                    if p.tid != s.tid {
                        let _ = writeln!(
                            out,
                            "  s{}_{} -> s{}_{} [style=solid, color=\"#4a6fa5\", arrowhead=normal, constraint=false];",
                            p.index, p.tid, s.index, s.tid
                        );
                    }
                }
                prev = Some(s);
            }
            out.push_str("}\n");
        }
    }
    out
}
