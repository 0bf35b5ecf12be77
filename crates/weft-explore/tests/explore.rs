//! Unbounded exploration: counts, shortest witnesses, limits, replay.

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use common::*;
use weft_explore::{explore, replay, Config, Expansion, LimitKind, Model, Status, Successor};

fn run<M: Model>(model: &M) -> weft_explore::Outcome<M> {
    explore(model, Config::default())
}

#[test]
fn counter_two_threads_exact_counts_and_min_switch_witness() {
    let m = Counter { threads: 2 };
    let out = run(&m);
    assert_eq!(out.status, Status::Complete);
    // Hand count: one state per pc pair, except (2,1), (1,2) and (2,2),
    // which come in two flavours each: 6 + 3 × 2.
    assert_eq!(out.stats.states, 12);
    assert_eq!(out.stats.nodes, 12);
    assert_eq!(out.stats.max_depth, 4);
    let brute = Brute::run(&m);
    assert_eq!(brute.count(None), 12);
    assert_eq!(out.stats.transitions, brute.transitions);
    assert_eq!(out.stats.expansions, 12);

    assert_eq!(out.witnesses.len(), 1);
    let w = &out.witnesses[0];
    assert_eq!(w.key, "lost-update");
    assert_eq!(w.finding, "lost-update:x=1");
    assert_eq!(w.steps.len(), 4);
    // L0 L1 S0 S1 is found first (3 switches); L0 L1 S1 S0 has 2.
    assert_eq!(w.threads, vec![0, 1, 1, 0]);
    assert_eq!(w.switches, 2);
    assert_eq!(brute.best(None)["lost-update"], (4, 2));
    check_witness(&m, w);
}

#[test]
fn counter_three_threads_matches_brute_force() {
    let m = Counter { threads: 3 };
    let out = run(&m);
    let brute = Brute::run(&m);
    assert_eq!(out.status, Status::Complete);
    assert_eq!(out.stats.states as usize, brute.count(None));
    assert_eq!(out.stats.transitions, brute.transitions);
    let best = brute.best(None);
    assert_eq!(out.witnesses.len(), best.len());
    for w in &out.witnesses {
        assert_eq!((w.steps.len() as u32, w.switches), best[&w.key]);
        check_witness(&m, w);
    }
}

#[test]
fn philosophers_deadlock_is_shortest() {
    for n in 2..=4 {
        let m = Philosophers { n };
        let out = run(&m);
        let brute = Brute::run(&m);
        assert_eq!(out.status, Status::Complete);
        assert_eq!(out.stats.states as usize, brute.count(None));
        assert_eq!(out.witnesses.len(), 1);
        let w = &out.witnesses[0];
        assert_eq!(w.key, "deadlock");
        assert_eq!(w.steps.len(), n, "everyone takes the left fork");
        assert_eq!(w.switches as usize, n - 1);
        assert_eq!(w.threads, (0..n as u32).collect::<Vec<_>>());
        check_witness(&m, w);
    }
}

#[test]
fn polling_loop_terminates_through_the_visited_set() {
    let out = explore(
        &Polling,
        Config {
            keep_terminal_states: true,
            ..Config::default()
        },
    );
    assert_eq!(out.status, Status::Complete);
    // Flag unset: pc 0, or pc 1 having read false (2). Flag set: pc 0,
    // pc 1 with false or true read, pc 2 (4).
    assert_eq!(out.stats.states, 6);
    // Out of the 6 states: 2 + 2 + 1 + 1 + 1 + 0 successors.
    assert_eq!(out.stats.transitions, 7);
    assert_eq!(out.terminal_states, vec![(true, 2, false)]);
}

/// Two threads with one step each; thread 0's step reports a finding when
/// thread 1 has already moved. The end state is first reached the other
/// way, so the finding comes from a transition into a visited state.
struct Revisit;

impl Model for Revisit {
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
    fn expand(&self, &(a, b): &(bool, bool), out: &mut Expansion<Self>) {
        if !a {
            let mut s: Successor<Self> = succ(0, 0, (true, b), true);
            if b {
                s.findings.push("a-after-b");
            }
            out.successors.push(s);
        }
        if !b {
            out.successors.push(succ(1, 1, (a, true), true));
        }
    }
}

#[test]
fn findings_on_transitions_into_visited_states_count() {
    let out = run(&Revisit);
    assert_eq!(out.stats.states, 4);
    assert_eq!(out.witnesses.len(), 1);
    assert_eq!(out.witnesses[0].steps, vec![1, 0]);
    assert_eq!(out.witnesses[0].switches, 1);
    check_witness(&Revisit, &out.witnesses[0]);
}

/// A single thread walking 0..=6, with findings at various depths:
/// "init" initially, "two" on the step into 2, "even" in every even state
/// from 2 on, "three" in state 3, and "late" on the step into 6.
struct Chain;

impl Model for Chain {
    type State = u8;
    type Step = u8;
    type Finding = (&'static str, u8);
    type FindingKey = &'static str;
    fn finding_key(&self, f: &(&'static str, u8)) -> &'static str {
        f.0
    }
    fn initial(&self, f: &mut Vec<(&'static str, u8)>) -> u8 {
        f.push(("init", 0));
        0
    }
    fn expand(&self, &s: &u8, out: &mut Expansion<Self>) {
        if s >= 2 && s % 2 == 0 {
            out.findings.push(("even", s));
        }
        if s == 3 {
            out.findings.push(("three", s));
        }
        if s < 6 {
            let mut n: Successor<Self> = succ(s, 0, s + 1, false);
            if s + 1 == 2 {
                n.findings.push(("two", 2));
            }
            if s + 1 == 6 {
                n.findings.push(("late", 6));
            }
            out.successors.push(n);
        }
    }
}

#[test]
fn witnesses_are_shortest_per_key_and_ordered() {
    let out = run(&Chain);
    let got: Vec<_> = out
        .witnesses
        .iter()
        .map(|w| (w.key, w.finding.1, w.steps.len()))
        .collect();
    // "two" (on the step) and "even" (in state 2) are both at 2 steps;
    // "two" was discovered first.
    assert_eq!(
        got,
        vec![
            ("init", 0, 0),
            ("two", 2, 2),
            ("even", 2, 2),
            ("three", 3, 3),
            ("late", 6, 6)
        ]
    );
    for w in &out.witnesses {
        check_witness(&Chain, w);
        assert_eq!(w.steps, (0..w.steps.len() as u8).collect::<Vec<_>>());
    }
}

#[test]
fn stop_at_first_stops_with_a_shortest_witness() {
    let m = Philosophers { n: 4 };
    let full = run(&m);
    let out = explore(
        &m,
        Config {
            stop_at_first: true,
            ..Config::default()
        },
    );
    assert_eq!(out.status, Status::Stopped);
    assert_eq!(out.witnesses.len(), 1);
    assert_eq!(out.witnesses[0].steps.len(), 4);
    assert!(out.stats.states < full.stats.states);
    // Nothing to find: runs to the end.
    let out = explore(
        &Counter { threads: 1 },
        Config {
            stop_at_first: true,
            ..Config::default()
        },
    );
    assert_eq!(out.status, Status::Complete);
}

fn endless() -> Endless {
    Endless {
        delay: None,
        state_bytes: None,
    }
}

#[test]
fn state_limit() {
    let out = explore(
        &endless(),
        Config {
            max_states: Some(5),
            ..Config::default()
        },
    );
    assert_eq!(out.status, Status::Incomplete(LimitKind::States));
    assert_eq!(out.stats.states, 5);
    // Exactly enough room is complete; one less is not.
    let m = Counter { threads: 2 };
    let out = explore(
        &m,
        Config {
            max_states: Some(12),
            ..Config::default()
        },
    );
    assert_eq!(out.status, Status::Complete);
    let out = explore(
        &m,
        Config {
            max_states: Some(11),
            ..Config::default()
        },
    );
    assert_eq!(out.status, Status::Incomplete(LimitKind::States));
    assert_eq!(out.stats.states, 11);
}

#[test]
fn time_limit() {
    let out = explore(
        &endless(),
        Config {
            time_limit: Some(Duration::ZERO),
            ..Config::default()
        },
    );
    assert_eq!(out.status, Status::Incomplete(LimitKind::Time));
    let limit = Duration::from_millis(30);
    let out = explore(
        &Endless {
            delay: Some(Duration::from_micros(50)),
            state_bytes: None,
        },
        Config {
            time_limit: Some(limit),
            ..Config::default()
        },
    );
    assert_eq!(out.status, Status::Incomplete(LimitKind::Time));
    assert!(out.stats.elapsed >= limit);
    assert!(out.stats.elapsed < limit * 20, "{:?}", out.stats.elapsed);
}

#[test]
fn memory_limit_and_estimate() {
    let out = explore(
        &endless(),
        Config {
            max_memory: Some(100_000),
            ..Config::default()
        },
    );
    assert_eq!(out.status, Status::Incomplete(LimitKind::Memory));
    // The limit applies to the larger of the estimate and the measured
    // growth of resident memory; the estimate itself stays sensible.
    let seen = out
        .stats
        .estimated_bytes
        .max(out.stats.peak_resident_bytes.unwrap_or(0));
    assert!(seen > 100_000, "{:?}", out.stats);
    assert!(
        out.stats.estimated_bytes < 400_000,
        "{}",
        out.stats.estimated_bytes
    );
    assert!(out.stats.states > 100);
    // A model reporting heavier states hits the limit sooner.
    let heavy = Endless {
        delay: None,
        state_bytes: Some(1000),
    };
    let out2 = explore(
        &heavy,
        Config {
            max_memory: Some(100_000),
            ..Config::default()
        },
    );
    assert_eq!(out2.status, Status::Incomplete(LimitKind::Memory));
    assert!(out2.stats.states <= 100);
    assert!(out2.stats.bytes_per_state >= 1000);

    let out = run(&Counter { threads: 2 });
    assert!(out.stats.estimated_bytes >= 12 * std::mem::size_of::<CounterState>() as u64);
    assert_eq!(out.stats.bytes_per_state, out.stats.estimated_bytes / 12);
}

#[test]
fn progress_is_reported() {
    let calls = Rc::new(RefCell::new(Vec::new()));
    let sink = calls.clone();
    let out = explore(
        &Endless {
            delay: Some(Duration::from_millis(1)),
            state_bytes: None,
        },
        Config {
            time_limit: Some(Duration::from_millis(700)),
            progress: Some(Box::new(move |p| sink.borrow_mut().push(*p))),
            ..Config::default()
        },
    );
    assert_eq!(out.status, Status::Incomplete(LimitKind::Time));
    let calls = calls.borrow();
    assert!((1..=3).contains(&calls.len()), "{} calls", calls.len());
    assert!(calls[0].states > 10 && calls[0].frontier == 1);
    assert!(calls[0].elapsed >= Duration::from_millis(250));
    assert!(calls.windows(2).all(|p| p[0].states < p[1].states));
}

#[test]
fn deterministic() {
    let (a, b) = (Philosophers { n: 4 }, Philosophers { n: 4 });
    let cfg = || Config {
        keep_terminal_states: true,
        ..Config::default()
    };
    let (x, y) = (explore(&a, cfg()), explore(&b, cfg()));
    assert_eq!(format!("{:?}", x.witnesses), format!("{:?}", y.witnesses));
    assert_eq!(x.terminal_states, y.terminal_states);
    let (mut sx, mut sy) = (x.stats, y.stats);
    // Measurements, not results.
    (sx.elapsed, sx.peak_resident_bytes) = (Duration::ZERO, None);
    (sy.elapsed, sy.peak_resident_bytes) = (Duration::ZERO, None);
    assert_eq!(sx, sy);
    let m = Programs::random(7, 3, 3);
    let x = run(&m);
    let y = run(&m);
    assert_eq!(format!("{:?}", x.witnesses), format!("{:?}", y.witnesses));
}

#[test]
fn terminal_states_in_discovery_order() {
    let out = explore(
        &Counter { threads: 2 },
        Config {
            keep_terminal_states: true,
            ..Config::default()
        },
    );
    let xs: Vec<u8> = out.terminal_states.iter().map(|s| s.x).collect();
    // Both end states are at depth 4; the serial run's (x = 2) is
    // discovered first, through L0 S0 L1.
    assert_eq!(xs, vec![2, 1]);
    assert!(run(&Counter { threads: 2 }).terminal_states.is_empty());
}

#[test]
fn replay_follows_steps() {
    let m = Philosophers { n: 3 };
    let out = run(&m);
    let w = &out.witnesses[0];
    let states = replay(&m, &w.steps).unwrap();
    assert_eq!(states.len(), 4);
    assert_eq!(states[3].forks, vec![true; 3]);
    assert_eq!(replay(&m, &[]).unwrap().len(), 1);
    // Philosopher 0 cannot take its left fork twice; 7 is no thread.
    assert_eq!(replay(&m, &[0, 1, 2, 0]), Err(3));
    assert_eq!(replay(&m, &[7]), Err(0));
}

/// States whose hashes all collide are still told apart.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
struct Colliding(u8, u8);

impl std::hash::Hash for Colliding {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_u8(0);
    }
}

struct Grid;

impl Model for Grid {
    type State = Colliding;
    type Step = u32;
    type Finding = ();
    type FindingKey = ();
    fn finding_key(&self, _: &()) {}
    fn initial(&self, _: &mut Vec<()>) -> Colliding {
        Colliding(0, 0)
    }
    fn expand(&self, s: &Colliding, out: &mut Expansion<Self>) {
        if s.0 < 4 {
            out.successors
                .push(succ(0, 0, Colliding(s.0 + 1, s.1), false));
        }
        if s.1 < 4 {
            out.successors
                .push(succ(1, 1, Colliding(s.0, s.1 + 1), false));
        }
        if s.0 == 4 && s.1 == 4 {
            out.findings.push(());
        }
    }
}

#[test]
fn colliding_hashes_are_told_apart() {
    let out = run(&Grid);
    assert_eq!(out.stats.states, 25);
    assert_eq!(out.stats.transitions, 2 * 4 * 5);
    assert_eq!(out.witnesses[0].steps.len(), 8);
    // 0000 1111 (one switch) is the best; breadth first with re-parenting
    // finds it.
    assert_eq!(out.witnesses[0].switches, 1);
}
