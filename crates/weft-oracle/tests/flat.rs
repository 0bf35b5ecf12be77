//! The flat encoding the explorer keeps waiting states in (fingerprint
//! mode, `weft_explore::flat`) gives back exactly the state it was made
//! from: over every reachable state of the corpus and the canonical
//! scenarios, decoding is `==` to the original, and so is everything `==`
//! does not compare (where each lock was taken, the sites of recorded
//! accesses), which reports are built from.

use std::collections::HashSet;
use std::path::Path;

use weft_explore::{flat, Expansion, Model};
use weft_runtime::state::State;
use weft_runtime::{Machine, ModelOptions, ThreadModel};

/// States visited per program: enough to reach every primitive's
/// interesting states in these small programs.
const CAP: usize = 3_000;

fn round_trips(path: &Path) -> usize {
    let Ok((_, program)) = weft_check::load(path) else {
        return 0;
    };
    let m = ThreadModel::new(Machine::new(&program), ModelOptions::default());
    let mut seen = HashSet::new();
    let mut todo = vec![m.initial(&mut Vec::new())];
    while let Some(s) = todo.pop() {
        if seen.len() >= CAP || !seen.insert(s.clone()) {
            continue;
        }
        let bytes = flat::encode(&s);
        let back: State = flat::decode(&bytes);
        assert!(back == s, "{}: decoded state differs", path.display());
        // Debug shows what `==` ignores: held-lock sites, access sites.
        assert_eq!(
            format!("{back:?}"),
            format!("{s:?}"),
            "{}: decoded state differs in report-only data",
            path.display()
        );
        let mut exp: Expansion<ThreadModel> = Expansion::default();
        m.expand(&s, &mut exp);
        todo.extend(exp.successors.into_iter().map(|x| x.state));
    }
    seen.len()
}

#[test]
fn flat_states_decode_to_the_same_state() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files = weft_oracle::scenario_files(&[root.join("scenarios"), root.join("tests/corpus")]);
    assert!(files.len() > 100, "scenarios and corpus not found");
    let states: usize = files.iter().map(|f| round_trips(f)).sum();
    assert!(states > 10_000, "only {states} states checked");
}
