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

/// Two independent threads: thread 0 toggles a bit forever, thread 1 takes
/// one step that is a finding. The model's reduced expansion offers only
/// thread 0's step (a valid persistent set: the two never interfere), so
/// without the cycle proviso thread 1 would be ignored forever on the
/// toggle cycle and its finding never seen.
struct Ignoring;

impl Model for Ignoring {
    /// (toggle bit, thread 1 has moved)
    type State = (bool, bool);
    type Step = u32;
    type Finding = &'static str;
    type FindingKey = &'static str;

    fn finding_key(&self, f: &&'static str) -> &'static str {
        f
    }

    fn initial(&self, _: &mut Vec<&'static str>) -> (bool, bool) {
        (false, false)
    }

    fn expand(&self, s: &(bool, bool), out: &mut Expansion<Self>) {
        out.successors.push(succ(0, 0, (!s.0, s.1), false));
        if !s.1 {
            let mut moved = succ(1, 1, (s.0, true), true);
            moved.findings.push("thread 1 moved");
            out.successors.push(moved);
        }
    }

    fn expand_reduced(&self, s: &(bool, bool), out: &mut Expansion<Self>) -> bool {
        out.successors.push(succ(0, 0, (!s.0, s.1), false));
        !s.1
    }
}

#[test]
fn the_cycle_proviso_expands_a_state_that_closes_a_cycle_in_full() {
    for visited in [Visited::Exact, Visited::Fingerprint] {
        let out = explore(
            &Ignoring,
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
    let out = explore(&Ignoring, Config::default());
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
        same(&Ignoring, true, visited);
    }
}
