//! loom's verdicts agree with weft's reference explorer on small programs,
//! and loom's limits are reported as such.

use weft_diag::Embedded;
use weft_explore::{explore_reference, Config};
use weft_loom::{final_globals, run, LoomOptions, LoomStatus};
use weft_runtime::{Machine, ThreadModel};

fn program(src: &str) -> &'static weft_model::Program {
    let p = weft_compile::compile_source(&Embedded::detached("t.py", src)).expect("compiles");
    Box::leak(Box::new(p))
}

fn reference_finals(p: &'static weft_model::Program) -> Vec<Vec<(String, String)>> {
    let model = ThreadModel::new(Machine::new(p), Default::default());
    let out = explore_reference(
        &model,
        Config {
            keep_terminal_states: true,
            ..Config::default()
        },
    );
    let mut v: Vec<_> = out
        .terminal_states
        .iter()
        .filter(|s| s.ended())
        .map(|s| final_globals(p, s))
        .collect();
    v.sort();
    v.dedup();
    v
}

// Two scenario threads (main and one worker) keep loom's exploration small:
// loom enumerates interleavings without merging states.
const COUNTER: &str = "
import threading
counter = 0
def work():
    global counter
    counter += 1
t = threading.Thread(target=work)
t.start()
counter += 1
t.join()
";

#[test]
fn lost_update_final_states_match_the_reference() {
    let p = program(COUNTER);
    let r = run(p, &LoomOptions::default());
    assert_eq!(r.status, LoomStatus::Complete);
    assert_eq!(r.final_states, reference_finals(p));
    let counters: Vec<&str> = r
        .final_states
        .iter()
        .flat_map(|s| s.iter())
        .filter(|(n, _)| n == "counter")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(
        counters,
        ["1", "2"],
        "a lost update gives 1, no loss gives 2"
    );
    assert!(r
        .findings
        .iter()
        .any(|f| f.kind == "data-race" && f.subject.as_deref() == Some("counter")));
}

#[test]
fn opposite_lock_order_deadlocks_under_loom() {
    let p = program(
        "
import threading
a = threading.Lock()
b = threading.Lock()
def two():
    with b:
        with a:
            pass
t = threading.Thread(target=two)
t.start()
with a:
    with b:
        pass
t.join()
",
    );
    let r = run(p, &LoomOptions::default());
    assert_eq!(r.status, LoomStatus::Complete);
    assert!(
        r.findings.iter().any(|f| f.kind == "deadlock"),
        "{:?}",
        r.findings
    );
    assert!(r.lock_edges.iter().any(|e| e.from == "a" && e.to == "b"));
    assert!(r.lock_edges.iter().any(|e| e.from == "b" && e.to == "a"));
}

#[test]
fn exceptions_in_threads_are_found() {
    let p = program(
        "
import threading
lock = threading.Lock()
def bad():
    lock.release()
t = threading.Thread(target=bad)
t.start()
t.join()
",
    );
    let r = run(p, &LoomOptions::default());
    assert_eq!(r.status, LoomStatus::Complete);
    assert!(r.findings.iter().any(
        |f| f.kind == "exception" && f.message.contains("RuntimeError: release unlocked lock")
    ));
}

#[test]
fn timeouts_are_beyond_loom_and_said_so() {
    let p = program(
        "
import threading
lock = threading.Lock()
def worker():
    if lock.acquire(timeout=1):
        lock.release()
lock.acquire()
t = threading.Thread(target=worker)
t.start()
t.join()
lock.release()
",
    );
    let r = run(p, &LoomOptions::default());
    assert!(
        matches!(&r.status, LoomStatus::Beyond(why) if why.contains("timeout")),
        "{:?}",
        r.status
    );
}

#[test]
fn too_many_threads_are_beyond_loom() {
    let p = program(
        "
import threading
def w():
    pass
ts = [threading.Thread(target=w) for _ in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
",
    );
    let r = run(
        p,
        &LoomOptions {
            time_limit: Some(std::time::Duration::from_secs(2)),
            ..Default::default()
        },
    );
    assert!(
        matches!(&r.status, LoomStatus::Beyond(why) if why.contains("loom allows 5")),
        "{:?}",
        r.status
    );
}

#[test]
fn a_run_that_outgrows_the_time_limit_says_so() {
    let p = program(
        "
import threading
x = 0
def w():
    global x
    for _ in range(3):
        x += 1
ts = [threading.Thread(target=w) for _ in range(3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
",
    );
    let r = run(
        p,
        &LoomOptions {
            time_limit: Some(std::time::Duration::from_millis(300)),
            ..Default::default()
        },
    );
    assert!(
        matches!(&r.status, LoomStatus::Limit(why) if why.contains("time limit")),
        "{:?}",
        r.status
    );
}
