//! Symmetry reduction as a user sees it: identical workers cost fewer
//! states and nothing else changes (findings, counterexamples that replay
//! with the right thread names); programs that tell identical threads apart
//! are explored without it.

mod common;

use common::{weft, TempDir};
use serde_json::Value;

/// Three identical workers, handles dropped: a lost update, a
/// check-then-act, an IndexError and a failed final check.
const RACY_WORKERS: &str = "name: racy-workers
program: |
  import threading
  counter = 0
  items = [1]
  def work():
      global counter
      counter += 1
      if items:
          items.pop()
  for _ in range(3):
      threading.Thread(target=work).start()
final:
  - counter == 3
expect:
  - data-race: counter
  - data-race: items
  - exception: IndexError
  - assertion
";

fn json_of(file: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec!["check", file.to_str().unwrap(), "--format", "json"];
    args.extend(extra);
    let run = weft(args);
    run.assert_code(0);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{}", run.dump()))
}

fn scenario(v: &Value) -> &Value {
    &v["scenarios"][0]
}

fn states(v: &Value) -> u64 {
    scenario(v)["exploration"]["stats"]["states"]
        .as_u64()
        .unwrap()
}

fn symmetry(v: &Value) -> bool {
    scenario(v)["exploration"]["stats"]["symmetry"]
        .as_bool()
        .unwrap()
}

/// Each finding's kind and subject (a title may name another, equally
/// short, witness's thread).
fn findings(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = scenario(v)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["kind"], f["subject"]))
        .collect();
    out.sort();
    out
}

#[test]
fn identical_workers_cost_fewer_states_for_the_same_findings() {
    let dir = TempDir::new("sym-racy");
    let file = dir.write("racy-workers.yaml", RACY_WORKERS);
    let with = json_of(&file, &[]);
    let without = json_of(&file, &["--no-symmetry"]);
    let reference = json_of(&file, &["--engine", "reference"]);
    assert!(symmetry(&with));
    assert!(!symmetry(&without) && !symmetry(&reference));
    assert_eq!(findings(&with), findings(&without));
    assert_eq!(findings(&with), findings(&reference));
    assert!(
        states(&with) * 2 < states(&without),
        "{} states with symmetry, {} without",
        states(&with),
        states(&without)
    );
    // Symmetry alone, against no reduction at all.
    let alone = json_of(&file, &["--no-por"]);
    let none = json_of(&file, &["--no-reduction"]);
    assert!(symmetry(&alone) && !symmetry(&none));
    assert!(states(&alone) * 2 < states(&none));
}

#[test]
fn counterexamples_name_the_threads_that_ran_them_and_replay() {
    let dir = TempDir::new("sym-replay");
    let file = dir.write("racy-workers.yaml", RACY_WORKERS);
    let v = json_of(&file, &[]);
    let list = scenario(&v)["findings"].as_array().unwrap();
    assert_eq!(list.len(), 4, "{list:?}");
    for f in list {
        let trace = f["counterexample"]["steps"].as_array().expect("a trace");
        let schedule = f["counterexample"]["schedule"].as_str().unwrap();
        // The threads a race names are the ones whose steps the trace shows
        // at the two accesses.
        if f["kind"] == "data-race" {
            for access in f["evidence"]["accesses"].as_array().unwrap() {
                let thread = access["thread"].as_str().unwrap();
                let line = access["site"]["line"].as_u64().unwrap();
                assert!(
                    trace.iter().any(|s| s["thread"].as_str() == Some(thread)
                        && s["line"].as_u64() == Some(line)),
                    "{thread} at line {line} not in the trace of {f:#}"
                );
            }
        }
        let replay = weft(["replay", file.to_str().unwrap(), "--schedule", schedule]);
        replay.assert_code(0);
        // The replay sees the same finding.
        let subject = f["subject"].as_str().unwrap();
        assert!(
            replay
                .stdout
                .lines()
                .any(|l| l.trim_start().starts_with("seen:") && l.contains(subject)),
            "{subject} not seen\n{}",
            replay.dump()
        );
    }
}

#[test]
fn switches_are_counted_on_the_threads_that_ran() {
    let dir = TempDir::new("sym-switches");
    let file = dir.write("racy-workers.yaml", RACY_WORKERS);
    for args in [&[][..], &["--no-symmetry"][..]] {
        let v = json_of(&file, args);
        for f in scenario(&v)["findings"].as_array().unwrap() {
            let trace = f["counterexample"]["steps"].as_array().unwrap();
            let tids: Vec<u64> = trace
                .iter()
                .map(|s| s["thread_id"].as_u64().unwrap())
                .collect();
            let switches = tids.windows(2).filter(|w| w[0] != w[1]).count() as u64;
            assert_eq!(
                f["counterexample"]["switches"].as_u64(),
                Some(switches),
                "{args:?}: {f:#}"
            );
        }
    }
}

fn program(name: &str, body: &str) -> String {
    let mut s = format!("name: {name}\nprogram: |\n");
    for l in body.lines() {
        s.push_str("  ");
        s.push_str(l);
        s.push('\n');
    }
    s
}

#[test]
fn a_program_that_reads_thread_names_is_explored_without_symmetry() {
    let dir = TempDir::new("sym-names");
    let file = dir.write(
        "names.yaml",
        program(
            "names",
            "import threading
seen = []
lock = threading.Lock()
def work():
    with lock:
        seen.append(threading.current_thread().name)
for _ in range(3):
    threading.Thread(target=work).start()
",
        ) + "final:\n  - seen[0] == 'Thread-1 (work)'\nexpect:\n  - assertion\n",
    );
    let v = json_of(&file, &[]);
    assert!(!symmetry(&v));
    assert_eq!(
        findings(&v),
        findings(&json_of(&file, &["--engine", "reference"]))
    );
}

#[test]
fn a_program_that_turns_a_thread_into_text_falls_back_to_no_symmetry() {
    // `str()` of a thread shows its name: caught while exploring, and the
    // program is explored again without symmetry.
    let dir = TempDir::new("sym-repr");
    let file = dir.write(
        "repr.yaml",
        program(
            "repr",
            "import threading
first = None
lock = threading.Lock()
def work():
    global first
    with lock:
        if first is None:
            first = str(threading.current_thread())
for _ in range(3):
    threading.Thread(target=work).start()
",
        ) + "final:\n  - \"'Thread-1 ' in first\"\nexpect:\n  - assertion\n",
    );
    let v = json_of(&file, &[]);
    assert!(!symmetry(&v));
    let reference = json_of(&file, &["--engine", "reference"]);
    assert_eq!(findings(&v), findings(&reference));
    assert_eq!(states(&v), states(&json_of(&file, &["--no-symmetry"])));
}

#[test]
fn nested_locks_in_identical_threads_fall_back_to_no_symmetry() {
    // Which identical thread takes which lock order is what a lock-order
    // cycle is about: the run is done again without symmetry.
    let dir = TempDir::new("sym-locks");
    let file = dir.write(
        "flip.yaml",
        program(
            "flip",
            "import threading
a = threading.Lock()
b = threading.Lock()
flag = threading.Event()
def work():
    if flag.is_set():
        with b:
            with a:
                pass
    else:
        flag.set()
        with a:
            with b:
                pass
for _ in range(2):
    threading.Thread(target=work).start()
",
        ) + "expect:\n  - lock-order-cycle: [a, b]\n  - deadlock\n",
    );
    let v = json_of(&file, &[]);
    assert!(!symmetry(&v));
    assert_eq!(
        findings(&v),
        findings(&json_of(&file, &["--engine", "reference"]))
    );
}
