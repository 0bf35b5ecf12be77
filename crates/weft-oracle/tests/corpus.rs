//! The bug-hunt corpus (tests/corpus/) and the canonical scenarios: on
//! every program, the production engine (partial-order reduction on, exact
//! and fingerprint visited sets) must agree with the unreduced reference
//! engine on findings, end states and deadlocked states, and the corpus
//! programs must match their `expect`. This is the differential oracle for
//! every reduction: a reduction that changes a verdict fails here.

use std::path::{Path, PathBuf};

use weft_check::{check_file, CheckOptions, Verdict};
use weft_oracle::engines::{default_vs_reference, Agreement, Limits};

/// Corpus programs that are inconclusive by design: a thread runs past
/// weft's local-instruction budget (the report says so and exits 3).
const RUNAWAY: &[&str] = &["gil-countdown-cpu-bound"];

fn is_runaway(path: &Path) -> bool {
    RUNAWAY
        .iter()
        .any(|r| path.file_stem().is_some_and(|s| s == *r))
}

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(dir);
    let files = weft_oracle::scenario_files(&[dir.clone()]);
    assert!(files.len() > 10, "{}: too few scenarios", dir.display());
    files
}

fn engines_agree(dir: &str) {
    let mut disagreements = Vec::new();
    for path in files(dir) {
        let (scenario, program) =
            weft_check::load(&path).unwrap_or_else(|d| panic!("{}: {}", path.display(), d.message));
        let (d, _, a) = default_vs_reference(&scenario, &program, Limits::default());
        if is_runaway(&path) {
            continue;
        }
        assert!(d.incomplete.is_none(), "{}: not exhaustive", path.display());
        if !matches!(a, Agreement::Agree) {
            disagreements.push(format!("{}: {a:?}", path.display()));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn engines_agree_on_the_corpus() {
    engines_agree("tests/corpus");
}

#[test]
fn engines_agree_on_the_canonical_scenarios() {
    engines_agree("scenarios");
}

#[test]
fn corpus_matches_expect() {
    for path in files("tests/corpus") {
        let r = check_file(&path, &CheckOptions::default());
        let want = if is_runaway(&path) {
            Verdict::Inconclusive
        } else {
            Verdict::Pass
        };
        assert_eq!(r.verdict, want, "{}", path.display());
    }
}
