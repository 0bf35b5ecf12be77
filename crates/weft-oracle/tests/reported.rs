//! Race records of a reported race are forgotten: once the explorer says a
//! race on a global is reported, successors no longer carry that global's
//! race-tracking records, and nothing else about them changes (the steps,
//! the other globals' records, the program's state). End to end, the same
//! findings with the same shortest witnesses as the unreduced reference.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use weft_check::{check_program, CheckOptions, Engine};
use weft_explore::{explore, Config, Expansion, Model, Successor};
use weft_runtime::race::Loc;
use weft_runtime::state::State;
use weft_runtime::{Finding, FindingKey, Machine, ModelOptions, Step, ThreadModel};

/// Two racy globals, each with a race the first few steps can show.
const TWO_RACES: &str = "name: two-races
program: |
  import threading
  counter = 0
  other = 0
  def work():
      global counter, other
      counter += 1
      other += 1
      counter += 1
  for _ in range(2):
      threading.Thread(target=work).start()
final:
  - counter == 4
";

fn load(src: &str) -> (weft_check::Scenario, weft_model::Program) {
    let scenario = weft_scenario::load_str(Path::new("reported.yaml"), src).expect("loads");
    let program = weft_check::compile(&scenario).expect("compiles");
    (scenario, program)
}

fn global_of(program: &weft_model::Program, name: &str) -> u32 {
    program
        .globals
        .iter()
        .position(|g| g.name == name)
        .expect("a global") as u32
}

fn expand<'p>(
    m: &ThreadModel<'p>,
    s: &State,
    reported: &[FindingKey],
) -> Expansion<ThreadModel<'p>> {
    let mut exp: Expansion<ThreadModel> = Expansion::default();
    exp.reported = Arc::from(reported.to_vec());
    m.expand(s, &mut exp);
    exp
}

fn records_of(s: &State, g: u32) -> Vec<String> {
    s.race
        .records
        .iter()
        .filter(|(loc, _)| *loc == Loc::Global(g))
        .map(|r| format!("{r:?}"))
        .collect()
}

#[test]
fn successors_forget_only_the_reported_globals_records() {
    let (_, program) = load(TWO_RACES);
    let (counter, other) = (global_of(&program, "counter"), global_of(&program, "other"));
    let options = ModelOptions {
        forget_known_accesses: true,
        ..ModelOptions::default()
    };
    let m = ThreadModel::new(Machine::new(&program), options);
    let reported = [FindingKey::Race("counter".to_string())];
    let mut seen = HashSet::new();
    let mut todo = vec![m.initial(&mut Vec::new())];
    let (mut forgotten, mut kept) = (0, 0);
    while let Some(s) = todo.pop() {
        if !seen.insert(s.clone()) {
            continue;
        }
        let plain = expand(&m, &s, &[]);
        let told = expand(&m, &s, &reported);
        assert_eq!(plain.successors.len(), told.successors.len());
        for (a, b) in plain.successors.iter().zip(&told.successors) {
            assert_eq!(a.step, b.step);
            assert_eq!(format!("{:?}", a.findings), format!("{:?}", b.findings));
            assert_eq!(b.state.globals, a.state.globals);
            assert_eq!(b.state.threads, a.state.threads);
            assert!(records_of(&b.state, counter).is_empty());
            assert_eq!(records_of(&b.state, other), records_of(&a.state, other));
            forgotten += !records_of(&a.state, counter).is_empty() as usize;
            kept += !records_of(&a.state, other).is_empty() as usize;
        }
        todo.extend(plain.successors.into_iter().map(|x| x.state));
    }
    assert!(
        forgotten > 10 && kept > 10,
        "{forgotten} forgotten, {kept} kept"
    );
}

/// The reference engine keeps every record; the default engine stops
/// tracking `counter` once its race is reported. Same findings, same
/// witness lengths, and the assertion's counterexample (found after the
/// race) still follows real threads.
#[test]
fn the_default_engine_finds_what_the_reference_finds() {
    let (scenario, program) = load(TWO_RACES);
    let run = |engine| {
        let options = CheckOptions {
            engine,
            ..CheckOptions::default()
        };
        let checked = check_program(scenario.clone(), &program, &options);
        let mut found: Vec<(String, String, usize)> = checked
            .findings
            .iter()
            .map(|f| {
                let trace = f.trace.as_ref().expect("a counterexample");
                if f.title.contains("counter == 4") {
                    // The witness really ends with the check false.
                    assert!(
                        trace
                            .end_state
                            .iter()
                            .any(|(g, v)| g == "counter" && v != "4"),
                        "{:?}",
                        trace.end_state
                    );
                }
                (
                    format!("{:?}", f.kind),
                    format!("{:?}", f.subject),
                    trace.steps.len(),
                )
            })
            .collect();
        found.sort();
        found
    };
    let default = run(Engine::Default);
    let reference = run(Engine::Reference);
    assert_eq!(default, reference);
    assert_eq!(default.len(), 3, "{default:?}");
}

/// The model with nothing reported to it: the same exploration without
/// the forgetting of reported races.
struct Untold<'m, 'p>(&'m ThreadModel<'p>);

impl Untold<'_, '_> {
    fn pass_on(&self, from: Expansion<ThreadModel<'_>>, out: &mut Expansion<Self>) {
        out.findings = from.findings;
        out.terminal = from.terminal;
        out.successors = from
            .successors
            .into_iter()
            .map(|s| Successor {
                step: s.step,
                thread: s.thread,
                thread_after: s.thread_after,
                yielded: s.yielded,
                stopped: s.stopped,
                state: s.state,
                findings: s.findings,
            })
            .collect();
    }
}

impl Model for Untold<'_, '_> {
    type State = State;
    type Step = Step;
    type Finding = Finding;
    type FindingKey = FindingKey;

    fn finding_key(&self, f: &Finding) -> FindingKey {
        self.0.finding_key(f)
    }
    fn initial(&self, findings: &mut Vec<Finding>) -> State {
        self.0.initial(findings)
    }
    fn expand(&self, s: &State, out: &mut Expansion<Self>) {
        let mut exp: Expansion<ThreadModel> = Expansion::default();
        self.0.expand(s, &mut exp);
        self.pass_on(exp, out);
    }
    fn expand_reduced(&self, s: &State, out: &mut Expansion<Self>) -> bool {
        let mut exp: Expansion<ThreadModel> = Expansion::default();
        let reduced = self.0.expand_reduced(s, &mut exp);
        self.pass_on(exp, out);
        reduced
    }
}

/// With everything else the same (partial-order reduction, forgetting of
/// dead records), being told of reported races merges states and finds
/// the same findings with witnesses as short.
#[test]
fn being_told_of_reported_races_merges_states() {
    let (_, program) = load(TWO_RACES);
    let options = ModelOptions {
        forget_known_accesses: true,
        ..ModelOptions::default()
    };
    let m = ThreadModel::new(Machine::new(&program), options);
    let config = || Config {
        reduce: true,
        ..Config::default()
    };
    let told = explore(&m, config());
    let untold = explore(&Untold(&m), config());
    fn keys<M: Model>(w: &[weft_explore::Witness<M>]) -> Vec<String> {
        let mut k: Vec<String> = w
            .iter()
            .map(|w| format!("{:?} {}", w.key, w.steps.len()))
            .collect();
        k.sort();
        k
    }
    assert_eq!(keys(&told.witnesses), keys(&untold.witnesses));
    assert!(
        told.stats.states < untold.stats.states,
        "{} states told, {} untold",
        told.stats.states,
        untold.stats.states
    );
}
