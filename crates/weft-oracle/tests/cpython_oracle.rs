//! CPython as an oracle over every shipped scenario: each scenario's program
//! runs under `python3` (tests/cpython/oracle.py: 20 runs, tiny switch
//! interval, random injected yields, 3 s per run), and everything CPython
//! did (end states, uncaught exception types, hangs) must be among what the
//! default engine predicts. Scenarios weft says can deadlock get fewer,
//! shorter runs: a hang there is expected and costs a whole timeout.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use weft_check::Engine;
use weft_oracle::cpython::{self, CpyOptions};
use weft_oracle::engines::{run_engine, Limits};

/// Known, reported discrepancies (see tests/regressions/): reported by this
/// test, not failed, until the engine is fixed.
/// Entries: (scenario name, regression file). None open at present.
const KNOWN_OPEN: &[(&str, &str)] = &[];

fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    weft_oracle::scenario_files(&[dir])
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect()
}

/// The differences for one scenario, if any.
fn check(path: &Path) -> Result<String, Vec<String>> {
    let (scenario, program) =
        weft_check::load(path).map_err(|d| vec![format!("does not load: {}", d.message)])?;
    let limits = Limits {
        max_states: Some(2_000_000),
        time_limit: None,
    };
    let weft = run_engine(&scenario, &program, Engine::Default, limits);
    if let Some(why) = &weft.incomplete {
        return Err(vec![format!("weft did not finish: {why}")]);
    }
    let mut options = CpyOptions {
        seed: Some(0x5eed),
        ..CpyOptions::default()
    };
    if weft.has_deadlock() {
        options.runs = 8;
        options.timeout_secs = 1.5;
    }
    let runs = cpython::run(path, &options, &weft.unordered).map_err(|e| vec![e])?;
    let v = cpython::compare(&weft, &runs);
    if v.agrees() {
        Ok(v.summary())
    } else {
        Err(v.missed)
    }
}

#[test]
fn cpython_outcomes_are_all_predicted_by_weft() {
    if !cpython::python_available() {
        eprintln!("python3 not found: CPython oracle skipped");
        return;
    }
    let files = scenarios();
    assert!(files.len() >= 20, "scenarios/ not found: {files:?}");
    let results: Mutex<Vec<(String, Result<String, Vec<String>>)>> = Mutex::new(vec![]);
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(f) = files.get(i) else { break };
                let name = f.file_stem().unwrap().to_string_lossy().into_owned();
                let r = check(f);
                results.lock().unwrap().push((name, r));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut failures = Vec::new();
    for (name, r) in &results {
        match r {
            Ok(summary) => eprintln!("{name:<34} agree ({summary})"),
            Err(missed) => {
                let known = KNOWN_OPEN.iter().find(|(n, _)| n == name);
                for m in missed {
                    eprintln!("{name:<34} MISSED {m}");
                }
                match known {
                    Some((_, regression)) => {
                        eprintln!("{name:<34} (known open discrepancy: {regression})")
                    }
                    None => failures.push(format!("{name}: {}", missed.join("; "))),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "CPython did what weft did not predict:\n  {}",
        failures.join("\n  ")
    );
}
