//! The visited-set modes and the cycle proviso of reduced expansions.

mod common;

use common::*;
use weft_explore::{explore, Config, Expansion, Model, Status, Visited};

fn fingerprint() -> Config {
    Config {
        visited: Visited::Fingerprint,
        ..Config::default()
    }
}

/// Fingerprints change nothing on small models: the same counts, the same
/// witnesses, step for step, and the mode and collision bound are reported.
#[test]
fn fingerprint_mode_matches_exact_mode() {
    fn same<M: Model>(m: &M)
    where
        M::Step: std::fmt::Debug,
    {
        let a = explore(m, Config::default());
        let b = explore(m, fingerprint());
        assert_eq!(a.status, b.status);
        assert_eq!(
            (a.stats.states, a.stats.transitions, a.stats.max_depth),
            (b.stats.states, b.stats.transitions, b.stats.max_depth)
        );
        assert_eq!(a.witnesses.len(), b.witnesses.len());
        for (x, y) in a.witnesses.iter().zip(&b.witnesses) {
            assert_eq!(x.steps, y.steps);
            assert_eq!(x.threads, y.threads);
        }
        assert_eq!(a.stats.visited, Visited::Exact);
        assert_eq!(a.stats.collision_bound(), None);
        assert_eq!(b.stats.visited, Visited::Fingerprint);
        let bound = b.stats.collision_bound().expect("a bound");
        assert!(bound > 0.0 && bound < 1e-30, "{bound}");
    }
    same(&Counter { threads: 3 });
    same(&Philosophers { n: 4 });
    same(&Polling);
}

#[test]
fn fingerprint_mode_keeps_the_same_terminal_states() {
    let m = Counter { threads: 3 };
    let keep = |visited| Config {
        keep_terminal_states: true,
        visited,
        ..Config::default()
    };
    let a = explore(&m, keep(Visited::Exact));
    let b = explore(&m, keep(Visited::Fingerprint));
    assert!(!a.terminal_states.is_empty());
    assert_eq!(a.terminal_states, b.terminal_states);
}

#[test]
fn the_cycle_proviso_expands_a_state_that_closes_a_cycle_in_full() {
    for visited in [Visited::Exact, Visited::Fingerprint] {
        let out = explore(
            &Ignoring::TOGGLE,
            Config {
                reduce: true,
                visited,
                ..Config::default()
            },
        );
        assert_eq!(out.status, Status::Complete);
        assert_eq!(out.witnesses.len(), 1, "{visited:?}");
        assert_eq!(out.witnesses[0].key, "thread 1 moved");
        assert_eq!(out.stats.states, 4);
        assert!(out.stats.proviso_full >= 1, "{:?}", out.stats);
        assert!(out.stats.reduced >= 1, "{:?}", out.stats);
    }
}

/// Without asking for reductions, `expand_reduced` is never called.
#[test]
fn reductions_are_off_unless_asked_for() {
    let out = explore(&Ignoring::TOGGLE, Config::default());
    assert_eq!((out.stats.reduced, out.stats.proviso_full), (0, 0));
    assert_eq!(out.witnesses.len(), 1);
}

/// Parallel expansion merges in frontier order: any number of workers
/// gives the very same run, witnesses included, with or without reduction
/// and in both visited modes.
#[test]
fn workers_do_not_change_the_result() {
    fn same<M: Model>(m: &M, reduce: bool, visited: Visited)
    where
        M::State: std::fmt::Debug,
    {
        let run = |workers| {
            explore(
                m,
                Config {
                    workers,
                    reduce,
                    visited,
                    keep_terminal_states: true,
                    ..Config::default()
                },
            )
        };
        let one = run(1);
        for workers in [2, 3, 8] {
            let many = run(workers);
            assert_eq!(many.stats.workers, workers as u32);
            assert_eq!(one.status, many.status);
            let counts = |o: &weft_explore::Outcome<M>| {
                let s = &o.stats;
                (
                    s.states,
                    s.nodes,
                    s.expansions,
                    s.transitions,
                    s.max_depth,
                    s.reduced,
                )
            };
            assert_eq!(counts(&one), counts(&many));
            assert_eq!(one.terminal_states, many.terminal_states);
            assert_eq!(one.witnesses.len(), many.witnesses.len());
            for (a, b) in one.witnesses.iter().zip(&many.witnesses) {
                assert_eq!((&a.steps, &a.threads), (&b.steps, &b.threads));
            }
        }
    }
    for visited in [Visited::Exact, Visited::Fingerprint] {
        // Big enough that batches are spread over the workers.
        same(&Counter { threads: 5 }, false, visited);
        same(&Philosophers { n: 6 }, false, visited);
        same(&Polling, false, visited);
        same(&Ignoring::TOGGLE, true, visited);
    }
}

/// `threads` threads each take `steps` steps; the state remembers which
/// thread moved last (like a race detector's last access), and a step by
/// another thread than that one is the finding "interleaved". Once the
/// explorer reports it, the model forgets the last mover, so states that
/// differ only in it merge.
struct Tagging {
    threads: usize,
    steps: u8,
    /// Reductions are on: the explorer must tell of reported findings.
    told: bool,
}

impl Model for Tagging {
    /// (steps taken per thread, last mover while still worth tracking)
    type State = (Vec<u8>, Option<u32>);
    type Step = u32;
    type Finding = &'static str;
    type FindingKey = &'static str;

    fn finding_key(&self, f: &&'static str) -> &'static str {
        f
    }

    fn initial(&self, _: &mut Vec<&'static str>) -> Self::State {
        (vec![0; self.threads], None)
    }

    fn expand(&self, s: &Self::State, out: &mut Expansion<Self>) {
        // The shortest witness of "interleaved" has two steps: the
        // explorer names it from depth 4 on, and always from there.
        let depth: u32 = s.0.iter().map(|&c| c as u32).sum();
        assert_eq!(
            out.reported.contains(&"interleaved"),
            self.told && depth >= 4,
            "reported {:?} at depth {depth}",
            out.reported
        );
        let forget = out.reported.contains(&"interleaved");
        for t in 0..self.threads {
            if s.0[t] == self.steps {
                continue;
            }
            let mut counts = s.0.clone();
            counts[t] += 1;
            let tag = (!forget).then_some(t as u32);
            let mut next = succ(t as u32, t as u32, (counts, tag), false);
            if s.1.is_some_and(|last| last != t as u32) {
                next.findings.push("interleaved");
            }
            out.successors.push(next);
        }
        out.terminal = out.successors.is_empty();
    }
}

/// With reductions on, the explorer tells the model which findings are
/// reported, at a depth that depends on nothing but the witness: states
/// merge, the witness stays the shortest, and the number of workers
/// changes nothing.
#[test]
fn reported_findings_let_the_model_forget() {
    // Over 32 states a level, so that workers expand ahead of merging.
    let run = |reduce, workers| {
        let m = Tagging {
            threads: 4,
            steps: 3,
            told: reduce,
        };
        explore(
            &m,
            Config {
                reduce,
                workers,
                ..Config::default()
            },
        )
    };
    let full = run(false, 1);
    let forgetting = run(true, 1);
    // Without forgetting a state is its counts and its last mover; with
    // it, past depth 4 only the counts remain.
    assert!(
        forgetting.stats.states < full.stats.states,
        "{} vs {}",
        forgetting.stats.states,
        full.stats.states
    );
    assert_eq!(full.witnesses.len(), 1);
    assert_eq!(forgetting.witnesses.len(), 1);
    assert_eq!(forgetting.witnesses[0].steps, full.witnesses[0].steps);
    assert_eq!(forgetting.witnesses[0].steps.len(), 2);
    for workers in [2, 3] {
        let many = run(true, workers);
        assert_eq!(many.stats.states, forgetting.stats.states);
        assert_eq!(many.stats.transitions, forgetting.stats.transitions);
        assert_eq!(many.witnesses[0].steps, forgetting.witnesses[0].steps);
    }
}
