//! Every canonical scenario in `scenarios/` must match its `expect`.
//!
//! The files are discovered at run time, so a scenario added to the directory
//! is checked without touching this file.

mod common;

use common::{scenarios_dir, weft};
use std::path::PathBuf;

/// The scenario files of `scenarios/` (`*.yaml`, `*.yml`, `*.py`), sorted.
fn scenario_files() -> Vec<PathBuf> {
    let dir = scenarios_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("read_dir entry").path())
        .filter(|p| {
            p.is_file()
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "py")
                )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn scenarios_directory_is_not_empty() {
    let files = scenario_files();
    assert!(
        files.len() >= 20,
        "expected the canonical scenarios in {}, found {} files",
        scenarios_dir().display(),
        files.len()
    );
}

/// `weft check FILE` on each scenario, one at a time: exit 0 and a `PASS` line.
/// All files are checked before failing, and every failure prints the binary's
/// full output.
#[test]
fn every_scenario_passes_on_its_own() {
    let files = scenario_files();
    let mut failures = Vec::new();
    for file in &files {
        let run = weft(["check".as_ref(), file.as_os_str()]);
        let pass_lines = run
            .stdout
            .lines()
            .chain(run.stderr.lines())
            .filter(|l| l.starts_with("PASS "))
            .count();
        if run.code != Some(0) || pass_lines != 1 {
            failures.push(format!(
                "{}: expected exit 0 and exactly one `PASS` line (found {pass_lines})\n{}",
                file.display(),
                run.dump()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// `weft check scenarios/`: exit 0, one `PASS` line per file and the summary
/// line `N passed, 0 failed`.
#[test]
fn whole_directory_passes_with_summary() {
    let files = scenario_files();
    let n = files.len();
    let dir = scenarios_dir();
    let run = weft(["check".as_ref(), dir.as_os_str()]);
    run.assert_code(0);
    let pass_lines = run
        .text()
        .lines()
        .filter(|l| l.starts_with("PASS "))
        .count();
    assert_eq!(
        pass_lines,
        n,
        "expected one PASS line per scenario file ({n})\n{}",
        run.dump()
    );
    let summary = format!("{n} passed, 0 failed");
    run.assert_line_starting(&summary);
    run.assert_contains(&format!("({n} scenarios"));
    for word in ["FAIL ", "INVALID ", "INCONCLUSIVE "] {
        assert!(
            !run.text().lines().any(|l| l.starts_with(word)),
            "no scenario may be reported {word:?}\n{}",
            run.dump()
        );
    }
}
