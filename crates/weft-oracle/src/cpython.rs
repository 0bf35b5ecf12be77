//! CPython as an oracle: everything CPython did, weft must have predicted.
//!
//! `tests/cpython/oracle.py` runs a scenario's program under `python3` many
//! times with injected yields and dumps, per run, the module globals at the
//! end, the uncaught exceptions' type names, or that it hung. Each
//! observation is checked against weft's exhaustive result:
//! - an end state, restricted to the globals weft reports
//!   (`weft_loom::final_globals`), is one of weft's reachable end states;
//! - an exception type is one of weft's `exception` findings (`assertion`
//!   for `AssertionError`);
//! - a hang implies weft reports a deadlock.
//!
//! "Never seen" proves nothing, so the check only goes this one way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::engines::{show_state, EngineRun};

/// One CPython run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CpyRun {
    Ended {
        globals: BTreeMap<String, String>,
        exceptions: Vec<String>,
    },
    Hang,
    /// The harness itself failed (not the program): stderr's tail.
    Crash(String),
}

#[derive(Debug, Clone)]
pub struct CpyOptions {
    pub runs: u32,
    pub timeout_secs: f64,
    pub jobs: u32,
    pub seed: Option<u64>,
}

impl Default for CpyOptions {
    fn default() -> Self {
        CpyOptions {
            runs: 20,
            timeout_secs: 3.0,
            jobs: 8,
            seed: None,
        }
    }
}

/// `tests/cpython/oracle.py`: `WEFT_CPYTHON_ORACLE`, else the repository's copy.
pub fn script() -> PathBuf {
    if let Some(p) = std::env::var_os("WEFT_CPYTHON_ORACLE") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cpython/oracle.py")
}

/// Is `python3` there to run?
pub fn python_available() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Run the scenario's program under CPython `options.runs` times. The
/// dicts bound to the `unordered` globals (whose order weft does not keep,
/// [`EngineRun::unordered`]) are dumped in weft's order for end states.
pub fn run(path: &Path, options: &CpyOptions, unordered: &[String]) -> Result<Vec<CpyRun>, String> {
    let mut cmd = Command::new("python3");
    cmd.arg(script()).arg(path);
    for name in unordered {
        cmd.arg("--unordered").arg(name);
    }
    cmd.arg("--runs")
        .arg(options.runs.to_string())
        .arg("--timeout")
        .arg(options.timeout_secs.to_string())
        .arg("--jobs")
        .arg(options.jobs.to_string());
    if let Some(s) = options.seed {
        cmd.arg("--seed").arg(s.to_string());
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "oracle.py failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let doc: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("unreadable answer from oracle.py: {e}"))?;
    let runs = doc["runs"]
        .as_array()
        .ok_or("no `runs` in oracle.py output")?;
    Ok(runs.iter().map(parse_run).collect())
}

fn parse_run(r: &Value) -> CpyRun {
    if r["hang"].as_bool() == Some(true) {
        return CpyRun::Hang;
    }
    let Some(globals) = r["globals"].as_object() else {
        return CpyRun::Crash(r["stderr"].as_str().unwrap_or("?").to_string());
    };
    CpyRun::Ended {
        globals: globals
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
            .collect(),
        exceptions: r["exceptions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The result of holding CPython's runs against weft's.
#[derive(Debug, Clone)]
pub struct CpyVerdict {
    /// Each line: something CPython did that weft did not predict.
    pub missed: Vec<String>,
    pub ended: usize,
    pub hangs: usize,
    pub crashes: usize,
    /// Distinct end states CPython showed (restricted to weft's globals).
    pub distinct_states: usize,
}

impl CpyVerdict {
    pub fn agrees(&self) -> bool {
        self.missed.is_empty() && self.crashes == 0
    }

    pub fn summary(&self) -> String {
        format!(
            "{} runs: {} ended ({} distinct end states), {} hung{}",
            self.ended + self.hangs + self.crashes,
            self.ended,
            self.distinct_states,
            self.hangs,
            if self.crashes > 0 {
                format!(", {} harness crashes", self.crashes)
            } else {
                String::new()
            }
        )
    }
}

/// Does one of weft's end states agree with the observed globals on every
/// global both name?
fn predicted(weft: &EngineRun, seen: &BTreeMap<String, String>) -> bool {
    weft.final_states.iter().any(|s| {
        s.iter()
            .all(|(n, v)| seen.get(n).is_none_or(|seen_v| seen_v == v))
    })
}

/// Check every CPython observation against weft's (complete) result.
pub fn compare(weft: &EngineRun, runs: &[CpyRun]) -> CpyVerdict {
    let names: BTreeSet<&str> = weft
        .final_states
        .iter()
        .flatten()
        .map(|(n, _)| n.as_str())
        .collect();
    let exception_subjects: BTreeSet<&str> = weft
        .findings
        .iter()
        .filter(|(k, _)| k == "exception")
        .filter_map(|(_, s)| s.as_deref())
        .collect();
    let has_assertion = weft.findings.iter().any(|(k, _)| k == "assertion");
    let mut v = CpyVerdict {
        missed: vec![],
        ended: 0,
        hangs: 0,
        crashes: 0,
        distinct_states: 0,
    };
    let mut states: BTreeSet<Vec<(String, String)>> = BTreeSet::new();
    let mut missed: BTreeSet<String> = BTreeSet::new();
    for r in runs {
        match r {
            CpyRun::Hang => {
                v.hangs += 1;
                if !weft.has_deadlock() {
                    missed.insert("CPython hung, weft reports no deadlock".into());
                }
            }
            CpyRun::Crash(err) => {
                v.crashes += 1;
                missed.insert(format!(
                    "the CPython harness crashed: {}",
                    err.lines().last().unwrap_or("")
                ));
            }
            CpyRun::Ended {
                globals,
                exceptions,
            } => {
                v.ended += 1;
                let seen: BTreeMap<String, String> = globals
                    .iter()
                    .filter(|(n, _)| names.contains(n.as_str()))
                    .map(|(n, v)| (n.clone(), v.clone()))
                    .collect();
                states.insert(seen.clone().into_iter().collect());
                if !predicted(weft, &seen) {
                    let state: Vec<(String, String)> = seen.into_iter().collect();
                    missed.insert(format!(
                        "CPython ended in {}, not among weft's {} end states",
                        show_state(&state),
                        weft.final_states.len()
                    ));
                }
                for e in exceptions {
                    let ok = if e == "AssertionError" {
                        has_assertion
                    } else {
                        exception_subjects
                            .iter()
                            .any(|s| s == e || s.rsplit('.').next() == Some(e.as_str()))
                    };
                    if !ok {
                        missed.insert(format!(
                            "CPython raised {e}, weft reports no such {}",
                            if e == "AssertionError" {
                                "assertion"
                            } else {
                                "exception"
                            }
                        ));
                    }
                }
            }
        }
    }
    v.distinct_states = states.len();
    v.missed = missed.into_iter().collect();
    v
}
