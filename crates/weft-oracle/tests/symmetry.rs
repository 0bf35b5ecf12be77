//! Symmetry reduction's canonical form, against brute force over every
//! reachable state of small programs with identical threads: putting any
//! permutation of identical threads in canonical form gives the same state
//! (so the reduced run stores one state per orbit), and a run with symmetry
//! stores exactly as many states as there are orbits.

use std::collections::HashSet;
use std::path::Path;

use weft_check::{explore_program, CheckOptions};
use weft_explore::{Expansion, Model};
use weft_runtime::state::State;
use weft_runtime::symmetry::{canonicalise, classes, permute};
use weft_runtime::value::Tid;
use weft_runtime::{Machine, ModelOptions, ThreadModel};

/// Identical workers over every kind of thread-id-carrying state: lock
/// holders, RLock owners, condition waiters, race records.
const PROGRAMS: &[(&str, &str)] = &[
    (
        "locked counter",
        "import threading
lock = threading.Lock()
counter = 0
def work():
    global counter
    for _ in range(2):
        with lock:
            counter += 1
for _ in range(3):
    threading.Thread(target=work).start()
",
    ),
    (
        "racy counter",
        "import threading
counter = 0
def work():
    global counter
    for _ in range(2):
        counter += 1
for _ in range(3):
    threading.Thread(target=work).start()
",
    ),
    (
        "rlock and condition",
        "import threading
rl = threading.RLock()
cond = threading.Condition()
ready = 0
def waiter():
    with cond:
        while ready == 0:
            cond.wait()
    with rl:
        with rl:
            pass
def setter():
    global ready
    with cond:
        ready = 1
        cond.notify_all()
for _ in range(3):
    threading.Thread(target=waiter).start()
threading.Thread(target=setter).start()
",
    ),
    (
        "semaphore and queue, two classes",
        "import threading
import queue
sem = threading.Semaphore(2)
q = queue.Queue()
items = []
def producer(n):
    with sem:
        q.put(n)
def consumer():
    items.append(q.get())
for _ in range(2):
    threading.Thread(target=producer, args=(1,)).start()
for _ in range(2):
    threading.Thread(target=consumer).start()
",
    ),
];

fn model(program: &weft_model::Program) -> ThreadModel<'_> {
    ThreadModel::new(Machine::new(program), ModelOptions::default())
}

/// Every reachable state, without any reduction.
fn reachable(m: &ThreadModel) -> Vec<State> {
    let mut seen = HashSet::new();
    let mut todo = vec![m.initial(&mut Vec::new())];
    let mut out = Vec::new();
    while let Some(s) = todo.pop() {
        if !seen.insert(s.clone()) {
            continue;
        }
        let mut exp: Expansion<ThreadModel> = Expansion::default();
        m.expand(&s, &mut exp);
        todo.extend(exp.successors.into_iter().map(|x| x.state));
        out.push(s);
    }
    out
}

/// Every permutation of `items`.
fn permutations(items: &[Tid]) -> Vec<Vec<Tid>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut p in permutations(&rest) {
            p.insert(0, first);
            out.push(p);
        }
    }
    out
}

/// Every permutation of the identical threads of `s`, as `old_of_new`.
fn orbit_permutations(s: &State) -> Vec<Vec<Tid>> {
    let mut all = vec![(0..s.threads.len() as Tid).collect::<Vec<_>>()];
    for class in classes(s) {
        let mut next = Vec::new();
        for base in &all {
            for p in permutations(&class) {
                let mut q = base.clone();
                for (slot, old) in class.iter().zip(&p) {
                    q[*slot as usize] = *old;
                }
                next.push(q);
            }
        }
        all = next;
    }
    all
}

fn canonical(s: &State) -> State {
    let mut c = s.clone();
    canonicalise(&mut c);
    c
}

fn load(src: &str) -> (weft_check::Scenario, weft_model::Program) {
    let scenario = weft_scenario::load_str(Path::new("symmetry.py"), src).expect("loads");
    let program = weft_check::compile(&scenario).expect("compiles");
    (scenario, program)
}

#[test]
fn every_permutation_of_a_state_has_its_canonical_form() {
    for (name, src) in PROGRAMS {
        let (_, program) = load(src);
        let m = model(&program);
        let states = reachable(&m);
        let mut permuted = 0;
        for s in &states {
            let c = canonical(s);
            for p in orbit_permutations(s) {
                let mut t = s.clone();
                permute(&mut t, &p);
                let ct = canonical(&t);
                if ct != c {
                    let diff = |a: &State, b: &State| {
                        let mut d = Vec::new();
                        for i in 0..a.threads.len() {
                            if a.threads[i] != b.threads[i] {
                                d.push(format!(
                                    "thread {i}: {:?}\n  vs {:?}",
                                    a.threads[i], b.threads[i]
                                ));
                            }
                        }
                        for i in 0..a.heap.len() {
                            if a.heap[i] != b.heap[i] {
                                d.push(format!(
                                    "obj {i}: {:?}\n  vs {:?}",
                                    a.heap[i].obj, b.heap[i].obj
                                ));
                            }
                        }
                        if a.race != b.race {
                            d.push(format!("race {:?}\n  vs {:?}", a.race, b.race));
                        }
                        d.join("\n")
                    };
                    panic!(
                        "{name}: permutation {p:?}:\n{}\n--- original vs permuted:\n{}",
                        diff(&c, &ct),
                        diff(s, &t)
                    );
                }
                permuted += 1;
            }
        }
        assert!(permuted > 2 * states.len(), "{name}: too few permutations");
    }
}

#[test]
fn a_run_with_symmetry_stores_one_state_per_orbit() {
    for (name, src) in PROGRAMS {
        let (scenario, program) = load(src);
        let states = reachable(&model(&program));
        let orbits: HashSet<State> = states.iter().map(canonical).collect();
        // Lone states stored too: every orbit is then one stored state.
        let options = CheckOptions {
            no_por: true,
            store_all: true,
            ..CheckOptions::default()
        };
        let (m, outcome) = explore_program(&scenario, &program, &options);
        assert!(m.uses_symmetry(), "{name}");
        assert_eq!(outcome.stats.states, orbits.len() as u64, "{name}");
        assert!(
            orbits.len() * 2 <= states.len(),
            "{name}: {} orbits of {} states",
            orbits.len(),
            states.len()
        );
    }
}
