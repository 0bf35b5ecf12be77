//! Lock-order cycles over every explored execution.
//!
//! Each time a thread acquires lock B while holding A the runtime reports
//! an edge A → B with the thread, both acquisition sites and the other
//! locks it held (its *gates*). A cycle in this graph is a potential
//! deadlock when its edges can come from at least two distinct threads and
//! no lock is held across all of them (a common gate serialises them). It
//! is reported whether or not an explored schedule actually deadlocked.

use std::collections::BTreeSet;

use petgraph::algo::tarjan_scc;
use petgraph::graphmap::DiGraphMap;
use weft_explore::Witness;
use weft_runtime::model::Finding as RtFinding;
use weft_runtime::ThreadModel;
use weft_scenario::{FindingKind, Scenario, Subject};

use crate::trace::{site, source_site, trace_of};
use crate::{Evidence, Finding, LockEdge};

struct Edge<'a> {
    from: &'a str,
    to: &'a str,
    thread: &'a str,
    gates: &'a [String],
    witness: &'a Witness<ThreadModel<'a>>,
    from_site: (u32, u32),
    to_site: (u32, u32),
}

/// Longest cycle looked for: bounds the search on pathological graphs.
const MAX_CYCLE: usize = 8;

pub(crate) fn cycles<'a>(
    model: &'a ThreadModel<'a>,
    _scenario: &Scenario,
    witnesses: &'a [Witness<ThreadModel<'a>>],
    findings: &[Finding],
) -> Vec<Finding> {
    let prog = model.machine.prog;
    let mut edges: Vec<Edge> = Vec::new();
    for w in witnesses {
        if let RtFinding::LockEdge {
            from,
            to,
            thread,
            gates,
            from_site,
            to_site,
            ..
        } = &w.finding
        {
            edges.push(Edge {
                from,
                to,
                thread,
                gates,
                witness: w,
                from_site: *from_site,
                to_site: *to_site,
            });
        }
    }
    let keys: Vec<EdgeKey> = edges
        .iter()
        .map(|e| EdgeKey {
            from: e.from,
            to: e.to,
            thread: e.thread,
            gates: e.gates,
        })
        .collect();
    let mut out = Vec::new();
    for found in find_cycles(&keys) {
        let (cycle, key) = (found.locks, found.sorted);
        let choice: Vec<&Edge> = found.chosen.iter().map(|&i| &edges[i]).collect();
        {
            let deadlocked = findings.iter().any(|f| {
                f.kind == FindingKind::Deadlock
                    && key.iter().all(|l| f.details.iter().any(|d| d.contains(l)))
            });
            let mut details: Vec<String> = choice
                .iter()
                .map(|e| {
                    let (fl, _, _, fs) = site(prog, e.from_site.0, e.from_site.1);
                    let (tl, _, _, ts) = site(prog, e.to_site.0, e.to_site.1);
                    format!(
                        "{} holds {} (taken at {fl}: {fs}) while acquiring {} at {tl}: {ts}",
                        e.thread, e.from, e.to,
                    )
                })
                .collect();
            details.push(if deadlocked {
                "an explored schedule deadlocks on these locks (see the deadlock finding)".into()
            } else {
                "no explored schedule deadlocked, but another timing can: acquire the locks in one global order".into()
            });
            let (_, line, col, _) = site(prog, choice[0].to_site.0, choice[0].to_site.1);
            let order: Vec<&str> = cycle
                .iter()
                .copied()
                .chain(std::iter::once(cycle[0]))
                .collect();
            let (trace, _, _) = trace_of(model, &choice[choice.len() - 1].witness.steps);
            let evidence = Evidence::LockOrderCycle {
                locks: cycle.iter().map(|s| s.to_string()).collect(),
                edges: choice
                    .iter()
                    .map(|e| LockEdge {
                        thread: e.thread.to_string(),
                        holds: e.from.to_string(),
                        acquires: e.to.to_string(),
                        held_at: source_site(prog, e.from_site.0, e.from_site.1),
                        acquired_at: source_site(prog, e.to_site.0, e.to_site.1),
                    })
                    .collect(),
                deadlocked,
            };
            out.push(Finding {
                kind: FindingKind::LockOrderCycle,
                subject: Some(Subject::Set(key.iter().map(|s| s.to_string()).collect())),
                title: format!("lock-order cycle: {}", order.join(" → ")),
                details,
                line,
                column: col,
                evidence,
                trace: Some(trace),
            });
        }
    }
    out
}

/// Every distinct lock edge of the explored graph (self-edges excluded),
/// sorted by (holds, acquires, thread, sites): the lock-order graph.
pub(crate) fn edges<'a>(
    model: &'a ThreadModel<'a>,
    witnesses: &'a [Witness<ThreadModel<'a>>],
) -> Vec<LockEdge> {
    let prog = model.machine.prog;
    let mut seen = BTreeSet::new();
    for w in witnesses {
        if let RtFinding::LockEdge {
            from,
            to,
            thread,
            from_site,
            to_site,
            ..
        } = &w.finding
        {
            if from != to {
                seen.insert((
                    from.as_str(),
                    to.as_str(),
                    thread.as_str(),
                    *from_site,
                    *to_site,
                ));
            }
        }
    }
    seen.into_iter()
        .map(|(from, to, thread, fs, ts)| LockEdge {
            thread: thread.to_string(),
            holds: from.to_string(),
            acquires: to.to_string(),
            held_at: source_site(prog, fs.0, fs.1),
            acquired_at: source_site(prog, ts.0, ts.1),
        })
        .collect()
}

/// The parts of a lock edge the cycle search looks at.
#[derive(Clone, Copy)]
pub(crate) struct EdgeKey<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub thread: &'a str,
    pub gates: &'a [String],
}

/// A reportable cycle: its locks in cycle order and sorted (the subject),
/// and the index of the edge instance chosen for each of its edges.
pub(crate) struct FoundCycle<'a> {
    pub locks: Vec<&'a str>,
    pub sorted: Vec<&'a str>,
    pub chosen: Vec<usize>,
}

/// Every lock-order cycle that at least two threads can close with no
/// common gate lock, each set of locks once.
pub(crate) fn find_cycles<'a>(edges: &[EdgeKey<'a>]) -> Vec<FoundCycle<'a>> {
    let mut graph: DiGraphMap<&str, ()> = DiGraphMap::new();
    for e in edges {
        if e.from != e.to {
            graph.add_edge(e.from, e.to, ());
        }
    }
    let mut found: BTreeSet<Vec<&str>> = BTreeSet::new();
    let mut out = Vec::new();
    for scc in tarjan_scc(&graph) {
        if scc.len() < 2 {
            continue;
        }
        let mut nodes = scc.clone();
        nodes.sort();
        for cycle in elementary_cycles(&graph, &nodes) {
            let mut key = cycle.clone();
            key.sort();
            if found.contains(&key) {
                continue;
            }
            let per_edge: Vec<Vec<usize>> = (0..cycle.len())
                .map(|i| {
                    let (a, b) = (cycle[i], cycle[(i + 1) % cycle.len()]);
                    (0..edges.len())
                        .filter(|&j| edges[j].from == a && edges[j].to == b)
                        .collect()
                })
                .collect();
            if let Some(chosen) = choose(edges, &per_edge) {
                found.insert(key.clone());
                out.push(FoundCycle {
                    locks: cycle,
                    sorted: key,
                    chosen,
                });
            }
        }
    }
    out
}

/// Pick one edge instance per cycle edge so that at least two threads are
/// involved and no lock is held across all of them.
fn choose(edges: &[EdgeKey], per_edge: &[Vec<usize>]) -> Option<Vec<usize>> {
    fn go(
        edges: &[EdgeKey],
        per_edge: &[Vec<usize>],
        i: usize,
        acc: &mut Vec<usize>,
        budget: &mut u32,
    ) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        if i == per_edge.len() {
            let threads: BTreeSet<&str> = acc.iter().map(|&e| edges[e].thread).collect();
            let common = acc[1..].iter().fold(
                edges[acc[0]].gates.iter().collect::<BTreeSet<_>>(),
                |c, &e| {
                    c.intersection(&edges[e].gates.iter().collect())
                        .copied()
                        .collect()
                },
            );
            return threads.len() >= 2 && common.is_empty();
        }
        for &e in &per_edge[i] {
            acc.push(e);
            if go(edges, per_edge, i + 1, acc, budget) {
                return true;
            }
            acc.pop();
        }
        false
    }
    let mut acc = Vec::new();
    let mut budget = 100_000;
    go(edges, per_edge, 0, &mut acc, &mut budget).then_some(acc)
}

/// Elementary cycles through the given nodes, each listed once, starting at its smallest node.
fn elementary_cycles<'a>(g: &DiGraphMap<&'a str, ()>, nodes: &[&'a str]) -> Vec<Vec<&'a str>> {
    let mut out = Vec::new();
    for (si, &start) in nodes.iter().enumerate() {
        let allowed: BTreeSet<&str> = nodes[si..].iter().copied().collect();
        let mut path = vec![start];
        dfs(g, start, &allowed, &mut path, &mut out);
        if out.len() > 1000 {
            break;
        }
    }
    out
}

fn dfs<'a>(
    g: &DiGraphMap<&'a str, ()>,
    start: &'a str,
    allowed: &BTreeSet<&'a str>,
    path: &mut Vec<&'a str>,
    out: &mut Vec<Vec<&'a str>>,
) {
    let cur = *path.last().unwrap();
    let mut next: Vec<&str> = g.neighbors(cur).filter(|n| allowed.contains(n)).collect();
    next.sort();
    for n in next {
        if n == start {
            out.push(path.clone());
        } else if !path.contains(&n) && path.len() < MAX_CYCLE {
            path.push(n);
            dfs(g, start, allowed, path, out);
            path.pop();
        }
    }
}
