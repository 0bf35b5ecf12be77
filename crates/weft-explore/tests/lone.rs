//! Lone states (one successor) passed through without being stored
//! (`Config::pass_lone`): the same findings with shortest witnesses,
//! fewer states stored, loops of lone states that end, the cycle proviso
//! still applied, and results that do not depend on the workers.

mod common;

use std::collections::HashSet;

use common::*;
use weft_explore::{explore, Config, Expansion, Model, Outcome, Status, Visited};

fn passing(visited: Visited, workers: usize) -> Config {
    Config {
        pass_lone: true,
        visited,
        workers,
        keep_terminal_states: true,
        ..Config::default()
    }
}

/// Against brute force: every finding, each with a witness of the fewest
/// steps, that replays; the same end states; no more states stored than
/// without passing, and fewer wherever some reachable state is lone.
fn agrees_with_brute_force<M: Model>(m: M)
where
    M::State: std::fmt::Debug,
    M::FindingKey: std::hash::Hash,
{
    let brute = Brute::run(&m);
    let best = brute.best(None);
    let stored = explore(&m, Config::default());
    let lone = Lone(m);
    for visited in [Visited::Exact, Visited::Fingerprint] {
        let out = explore(&lone, passing(visited, 1));
        assert_eq!(out.status, Status::Complete);
        assert_eq!(out.witnesses.len(), best.len());
        for w in &out.witnesses {
            assert_eq!(w.steps.len() as u32, best[&w.key].0, "{:?}", w.key);
            check_witness(&lone, w);
        }
        assert_eq!(ends(&out), ends(&explore(&lone.0, passing(visited, 1))));
        assert!(out.stats.states <= stored.stats.states);
        assert_eq!(out.stats.expansions, out.stats.states);
        if out.stats.passed > 0 {
            assert!(out.stats.states < stored.stats.states, "{:?}", out.stats);
        }
    }
}

fn ends<M: Model>(o: &Outcome<M>) -> HashSet<M::State> {
    o.terminal_states.iter().cloned().collect()
}

#[test]
fn passing_lone_states_keeps_every_finding_and_shortest_witness() {
    agrees_with_brute_force(Counter { threads: 3 });
    for n in 2..=4 {
        agrees_with_brute_force(Philosophers { n });
    }
    for seed in 0..40 {
        agrees_with_brute_force(Programs::random(seed, 3, 3));
        agrees_with_brute_force(Programs::random(seed, 2, 5));
    }
}

/// Lock-step programs: the critical sections are lone states (one thread
/// holds the lock, the others wait for it), so most states are passed.
#[test]
fn lone_states_are_not_stored() {
    let m = Lone(Philosophers { n: 4 });
    let all = explore(&m, Config::default());
    let out = explore(&m, passing(Visited::Exact, 1));
    assert!(out.stats.passed > 0);
    assert!(out.stats.states < all.stats.states);
    assert!(out.stats.transitions >= all.stats.transitions);
}

/// One thread going round a loop of lone states forever, with a finding
/// three steps in: the run of lone states stops where it comes back on
/// itself, that state is stored, and the search ends.
struct Ring;

impl Model for Ring {
    type State = u8;
    type Step = u32;
    type Finding = &'static str;
    type FindingKey = &'static str;

    fn finding_key(&self, f: &&'static str) -> &'static str {
        f
    }

    fn initial(&self, _: &mut Vec<&'static str>) -> u8 {
        0
    }

    fn expand(&self, &s: &u8, out: &mut Expansion<Self>) {
        if s == 3 {
            out.findings.push("at three");
        }
        out.successors.push(succ(0, 0, (s + 1) % 5, false));
    }
}

#[test]
fn a_loop_of_lone_states_ends() {
    for visited in [Visited::Exact, Visited::Fingerprint] {
        let out = explore(&Lone(Ring), passing(visited, 1));
        assert_eq!(out.status, Status::Complete);
        assert_eq!(out.witnesses.len(), 1);
        assert_eq!(out.witnesses[0].steps.len(), 3);
        assert_eq!(
            out.stats.states, 1,
            "only the initial state: the loop returns to it"
        );
        assert_eq!(out.stats.passed, 4);
    }
}

/// The toggle thread's reduced expansion is one step, so its states are
/// lone; the run of them comes back to a stored state, and the cycle
/// proviso still expands that state in full, so thread 1 is not ignored.
#[test]
fn the_cycle_proviso_sees_through_lone_states() {
    for visited in [Visited::Exact, Visited::Fingerprint] {
        let out = explore(
            &Lone(Ignoring::TOGGLE),
            Config {
                reduce: true,
                ..passing(visited, 1)
            },
        );
        assert_eq!(out.status, Status::Complete);
        assert_eq!(out.witnesses.len(), 1, "{visited:?}");
        assert_eq!(out.witnesses[0].key, "thread 1 moved");
        assert_eq!(out.witnesses[0].steps.len(), 1);
        assert!(out.stats.proviso_full >= 1, "{:?}", out.stats);
        assert!(out.stats.passed >= 1, "{:?}", out.stats);
    }
}

/// From the root, a long run of lone states reaches `X` first (found at
/// depth 4); a branching state then reaches it in two steps. The node is
/// queued again at depth 2, expanded once, and its finding's witness is two
/// steps long.
struct Detour;

impl Model for Detour {
    /// Root 0; lone 1 → 2 → 3 → X (10); branching 20 → X, 21; X → ends
    /// 30, 31.
    type State = u8;
    type Step = u8;
    type Finding = &'static str;
    type FindingKey = &'static str;

    fn finding_key(&self, f: &&'static str) -> &'static str {
        f
    }

    fn initial(&self, _: &mut Vec<&'static str>) -> u8 {
        0
    }

    fn expand(&self, &s: &u8, out: &mut Expansion<Self>) {
        let next: &[u8] = match s {
            0 => &[1, 20],
            1 => &[2],
            2 => &[3],
            3 => &[10],
            20 => &[10, 21],
            10 => {
                out.findings.push("at X");
                &[30, 31]
            }
            _ => &[],
        };
        for &n in next {
            out.successors.push(succ(n, u32::from(n), n, false));
        }
        out.terminal = next.is_empty();
    }
}

#[test]
fn a_state_found_again_by_fewer_steps_takes_the_shorter_path() {
    for workers in [1, 3] {
        for visited in [Visited::Exact, Visited::Fingerprint] {
            let out = explore(&Lone(Detour), passing(visited, workers));
            assert_eq!(out.status, Status::Complete);
            assert_eq!(out.witnesses.len(), 1);
            assert_eq!(out.witnesses[0].steps, vec![20, 10]);
            // Stored: 0, 20, X, 21, 30 and 31; 1, 2 and 3 are passed.
            assert_eq!(out.stats.states, 6, "{:?}", out.stats);
            assert_eq!(out.stats.passed, 3, "{:?}", out.stats);
            assert_eq!(out.stats.expansions, 6, "X is expanded once");
            check_witness(&Lone(Detour), &out.witnesses[0]);
        }
    }
}

/// Any number of workers gives the very same run with lone states passed.
#[test]
fn workers_do_not_change_what_is_passed() {
    fn same<M: Model>(m: &M, reduce: bool)
    where
        M::State: std::fmt::Debug,
    {
        for visited in [Visited::Exact, Visited::Fingerprint] {
            let run = |workers| {
                explore(
                    m,
                    Config {
                        reduce,
                        ..passing(visited, workers)
                    },
                )
            };
            let one = run(1);
            assert!(one.stats.passed > 0);
            for workers in [2, 3] {
                let many = run(workers);
                let counts = |o: &Outcome<M>| {
                    let s = &o.stats;
                    (s.states, s.expansions, s.transitions, s.passed, s.max_depth)
                };
                assert_eq!(counts(&one), counts(&many));
                assert_eq!(one.terminal_states, many.terminal_states);
                assert_eq!(one.witnesses.len(), many.witnesses.len());
                for (a, b) in one.witnesses.iter().zip(&many.witnesses) {
                    assert_eq!((&a.steps, &a.threads), (&b.steps, &b.threads));
                }
            }
        }
    }
    same(&Lone(Counter { threads: 5 }), false);
    same(&Lone(Philosophers { n: 6 }), false);
    same(&Lone(Ignoring::TOGGLE), true);
}

/// Thread 1 takes two steps, the second a finding. After its first step
/// the search meets a loop of lone states (thread 0 alone, by the reduced
/// expansion); the loop is cut back to its first state, stored at the depth
/// it was reached, and its full expansion (the cycle proviso) finds thread
/// 1's second step: two steps.
#[test]
fn a_loop_of_lone_states_is_cut_back_to_where_it_began() {
    for visited in [Visited::Exact, Visited::Fingerprint] {
        let out = explore(
            &Lone(Ignoring { len: 2, steps: 2 }),
            Config {
                reduce: true,
                ..passing(visited, 1)
            },
        );
        assert_eq!(out.status, Status::Complete);
        assert_eq!(out.witnesses.len(), 1);
        assert_eq!(out.witnesses[0].steps, vec![1, 1], "{visited:?}");
        check_witness(&Lone(Ignoring { len: 2, steps: 2 }), &out.witnesses[0]);
    }
}

/// Thread 0 goes round a loop of 300 lone states. Runs stop at landmarks,
/// so the loop closes within about a lap and the cycle proviso lets thread
/// 1 move, instead of each stored state walking 256 states on.
#[test]
fn a_long_loop_of_lone_states_closes_within_a_lap() {
    let run = |visited| {
        explore(
            &Lone(Ignoring { len: 300, steps: 1 }),
            Config {
                reduce: true,
                ..passing(visited, 1)
            },
        )
    };
    let (exact, prints) = (run(Visited::Exact), run(Visited::Fingerprint));
    for out in [&exact, &prints] {
        assert_eq!(out.status, Status::Complete);
        assert_eq!(out.witnesses.len(), 1);
        let steps = out.witnesses[0].steps.len();
        assert!(steps <= 2 * 300, "{steps} steps");
        assert!(out.stats.transitions < 8 * 600, "{:?}", out.stats);
        check_witness(&Lone(Ignoring { len: 300, steps: 1 }), &out.witnesses[0]);
    }
    assert_eq!(exact.stats.states, prints.stats.states);
    assert_eq!(exact.witnesses[0].steps, prints.witnesses[0].steps);
}
