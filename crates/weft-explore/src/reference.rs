//! The reference explorer: the simplest search that can be trusted.
//!
//! A plain breadth-first search with the standard library's `HashMap`, no
//! reductions, no re-parenting, no dominance between search nodes. With a
//! preemption bound, a search node is simply (state, last thread, whether
//! the last step freed the processor, preemptions used): nothing is merged
//! that could differ. The production explorer must agree with it on every
//! verdict; that is what makes the production explorer's cleverness safe.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use crate::config::Config;
use crate::outcome::{LimitKind, Outcome, Stats, Status, Witness};
use crate::{Expansion, Model};

struct Node<S> {
    parent: usize,
    step: Option<(S, u32)>,
    depth: u32,
}

/// Explore every reachable state breadth first. Witnesses are the first
/// found per finding key (fewest steps; ties broken by discovery order).
pub fn explore_reference<M: Model>(model: &M, config: Config) -> Outcome<M> {
    let start = Instant::now();
    let mut findings = Vec::new();
    let init = model.initial(&mut findings);
    // Search key → node; the state is part of the key.
    type Key<S> = (S, u32, bool, u32);
    let mut seen: HashMap<Key<M::State>, usize> = HashMap::new();
    let mut states: HashMap<M::State, ()> = HashMap::new();
    let mut nodes: Vec<Node<M::Step>> = vec![Node {
        parent: usize::MAX,
        step: None,
        depth: 0,
    }];
    let mut node_state: Vec<M::State> = vec![init.clone()];
    let mut node_meta: Vec<(u32, bool, u32)> = vec![(u32::MAX, true, 0)];
    let mut queue: VecDeque<usize> = VecDeque::from([0]);
    let mut witnesses: Vec<Witness<M>> = Vec::new();
    let mut keys: HashMap<M::FindingKey, ()> = HashMap::new();
    let mut terminal = Vec::new();
    let mut stats = Stats::default();
    let mut pruned = false;
    let mut status = Status::Complete;
    states.insert(init.clone(), ());
    seen.insert((init, u32::MAX, true, 0), 0);

    let path = |nodes: &Vec<Node<M::Step>>, mut n: usize| {
        let mut steps = Vec::new();
        while let Some((s, t)) = nodes[n].step {
            steps.push((s, t));
            n = nodes[n].parent;
        }
        steps.reverse();
        steps
    };
    let mut record =
        |witnesses: &mut Vec<Witness<M>>, f: M::Finding, steps: Vec<(M::Step, u32)>| {
            let key = model.finding_key(&f);
            if keys.insert(key.clone(), ()).is_none() {
                let threads: Vec<u32> = steps.iter().map(|s| s.1).collect();
                let switches = threads.windows(2).filter(|w| w[0] != w[1]).count() as u32;
                witnesses.push(Witness {
                    finding: f,
                    key,
                    steps: steps.into_iter().map(|s| s.0).collect(),
                    threads,
                    switches,
                    told: Vec::new(),
                });
            }
        };
    for f in findings {
        record(&mut witnesses, f, vec![]);
    }
    let mut out: Expansion<M> = Expansion::default();
    while let Some(n) = queue.pop_front() {
        if config.time_limit.is_some_and(|t| start.elapsed() > t) {
            status = Status::Incomplete(LimitKind::Time);
            break;
        }
        stats.expansions += 1;
        out.successors.clear();
        out.findings.clear();
        out.terminal = false;
        model.expand(&node_state[n], &mut out);
        let here = path(&nodes, n);
        for f in out.findings.drain(..) {
            record(&mut witnesses, f, here.clone());
        }
        if out.terminal || out.successors.is_empty() {
            if config.keep_terminal_states {
                terminal.push(node_state[n].clone());
            }
        }
        let (last, free, used) = node_meta[n];
        let enabled: Vec<u32> = out.successors.iter().map(|s| s.thread).collect();
        for succ in out.successors.drain(..) {
            stats.transitions += 1;
            let preempt =
                last != u32::MAX && succ.thread != last && !free && enabled.contains(&last);
            let used = used + preempt as u32;
            if config.preemption_bound.is_some_and(|b| used > b) {
                pruned = true;
                continue;
            }
            let mut p = here.clone();
            p.push((succ.step, succ.thread));
            for f in succ.findings {
                record(&mut witnesses, f, p.clone());
            }
            let used_key = if config.preemption_bound.is_some() {
                used
            } else {
                0
            };
            let (last_key, free_key) = if config.preemption_bound.is_some() {
                (succ.thread, succ.yielded || succ.stopped)
            } else {
                (0, false)
            };
            let key = (succ.state, last_key, free_key, used_key);
            if seen.contains_key(&key) {
                continue;
            }
            if !states.contains_key(&key.0) {
                if config.max_states.is_some_and(|m| states.len() as u64 >= m) {
                    status = Status::Incomplete(LimitKind::States);
                    queue.clear();
                    break;
                }
                states.insert(key.0.clone(), ());
            }
            let id = nodes.len();
            nodes.push(Node {
                parent: n,
                step: Some((succ.step, succ.thread)),
                depth: nodes[n].depth + 1,
            });
            stats.max_depth = stats.max_depth.max(nodes[id].depth);
            node_state.push(key.0.clone());
            node_meta.push((succ.thread_after, succ.yielded || succ.stopped, used));
            seen.insert(key, id);
            queue.push_back(id);
        }
    }
    if status == Status::Complete && pruned {
        status = Status::Bounded {
            preemptions: config.preemption_bound.unwrap_or(0),
        };
    }
    stats.states = states.len() as u64;
    stats.nodes = nodes.len() as u64;
    stats.elapsed = start.elapsed();
    Outcome {
        witnesses,
        status,
        stats,
        terminal_states: terminal,
    }
}
