//! Shared by the report tests: checking the shipped scenarios, scenarios
//! that are invalid or inconclusive, and finding the `weft` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use weft_check::{CheckOptions, ScenarioResult};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// `../shared` beside the repository, where CI keeps the SARIF schema.
pub fn shared() -> PathBuf {
    repo().join("../shared")
}

/// The shipped scenarios, in name order.
pub fn scenario_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

/// Check files with relative paths, as a user running from the repository would.
pub fn check(paths: &[PathBuf], options: &CheckOptions) -> Vec<ScenarioResult> {
    paths
        .iter()
        .map(|p| weft_check::check_file(p, options))
        .collect()
}

pub fn check_one(name: &str) -> ScenarioResult {
    weft_check::check_file(
        &repo().join("scenarios").join(name),
        &CheckOptions::default(),
    )
}

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!(
            "weft-report-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Scenarios covering the verdicts the shipped ones do not: a mismatch
/// (fail), an invalid file, an inconclusive run, and a plain `.py`.
pub fn extra_scenarios(dir: &Path) -> Vec<PathBuf> {
    let files = [
        (
            "fail-unexpected-race.yaml",
            "name: fail-unexpected-race\nprogram: |\n  import threading\n  n = 0\n  def work():\n      global n\n      n += 1\n  ts = [threading.Thread(target=work) for _ in range(2)]\n  for t in ts:\n      t.start()\n  for t in ts:\n      t.join()\nexpect: clean\n",
        ),
        (
            "fail-missing.yaml",
            "name: fail-missing\nprogram: |\n  import threading\n  x = 1\nexpect:\n  - deadlock\n",
        ),
        (
            "invalid-syntax.yaml",
            "name: invalid-syntax\nprogram: |\n  import threading\n  def f(:\n      pass\n",
        ),
        (
            "inconclusive.yaml",
            "name: inconclusive\nprogram: |\n  import threading\n  n = 0\n  def work():\n      global n\n      for _ in range(3):\n          n = n\n  ts = [threading.Thread(target=work) for _ in range(3)]\n  for t in ts:\n      t.start()\n  for t in ts:\n      t.join()\natomic: [n]\nlimits:\n  max-states: 20\n",
        ),
        (
            "plain <&> \"quoted\".py",
            "import threading\nitems = []\ndef work():\n    if items:\n        items.pop()\n    items.append(1)\nts = [threading.Thread(target=work) for _ in range(2)]\nfor t in ts:\n    t.start()\nfor t in ts:\n    t.join()\n",
        ),
    ];
    files
        .iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect()
}

/// Every shipped scenario plus the extra ones (all four verdicts).
pub fn all_results(dir: &Path) -> Vec<ScenarioResult> {
    let mut files = scenario_files();
    files.extend(extra_scenarios(dir));
    check(&files, &CheckOptions::default())
}

/// The `weft` binary built beside this test (by `cargo test --workspace`,
/// which builds it for the `weft` crate's integration tests).
pub fn weft_bin() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.parent()?;
    let bin = dir.join(format!("weft{}", std::env::consts::EXE_SUFFIX));
    bin.is_file().then_some(bin)
}

pub fn load_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
