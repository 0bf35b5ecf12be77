//! loom as an oracle, through the `weft` binary (`--engine loom --format json`).
//!
//! loom keeps no witnesses and its JSON carries no end states, so what is
//! compared is the set of findings (kind and subject). An `assertion`
//! from an `assert` statement has no subject under loom, so assertions are
//! compared by kind alone. A run loom could not finish is not an agreement:
//! it is "beyond" (something loom cannot model) or "limit" (its time or
//! branch budget), and even then every finding loom did report must be one
//! the default engine reports.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::engines::FindingKey;

/// `WEFT_BIN`, else `weft` next to this executable (or its parent
/// directory, for test executables in `target/*/deps`).
pub fn weft_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("WEFT_BIN") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let exe = std::env::current_exe().ok()?;
    let name = format!("weft{}", std::env::consts::EXE_SUFFIX);
    exe.ancestors()
        .skip(1)
        .take(2)
        .map(|d| d.join(&name))
        .find(|p| p.is_file())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoomResult {
    /// loom explored everything and found the same findings.
    Agree,
    /// Each line names one difference.
    Disagree(Vec<String>),
    /// loom cannot model the scenario.
    Beyond(String),
    /// loom ran out of budget; its partial findings are all in default.
    Limit(String),
    /// loom did not run (no binary, or the binary failed).
    NotRun(String),
}

impl LoomResult {
    pub fn is_disagreement(&self) -> bool {
        matches!(self, LoomResult::Disagree(_))
    }

    pub fn cell(&self) -> String {
        match self {
            LoomResult::Agree => "agree".into(),
            LoomResult::Disagree(d) => format!("DISAGREE ({})", d.join("; ")),
            LoomResult::Beyond(why) => format!("beyond: {why}"),
            LoomResult::Limit(why) => format!("limit: {why}"),
            LoomResult::NotRun(why) => format!("not run ({why})"),
        }
    }
}

fn key_for_loom(k: &FindingKey) -> FindingKey {
    if k.0 == "assertion" {
        (k.0.clone(), None)
    } else {
        k.clone()
    }
}

fn subject(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => {
            let mut items: Vec<String> = a
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| x.to_string())
                })
                .collect();
            items.sort();
            Some(format!("[{}]", items.join(", ")))
        }
        _ => None,
    }
}

/// Run loom on one scenario and compare with the default engine's findings.
pub fn check(
    weft: &Path,
    scenario: &Path,
    time_limit: Duration,
    default_findings: &BTreeSet<FindingKey>,
) -> LoomResult {
    let out = Command::new(weft)
        .arg("check")
        .arg(scenario)
        .args(["--engine", "loom", "--format", "json", "--no-progress"])
        .arg("--time-limit")
        .arg(time_limit.as_secs_f64().to_string())
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => return LoomResult::NotRun(format!("cannot run {}: {e}", weft.display())),
    };
    let doc: Value = match serde_json::from_slice(&out.stdout) {
        Ok(d) => d,
        Err(_) => {
            let err = String::from_utf8_lossy(&out.stderr);
            return LoomResult::NotRun(format!(
                "weft exited {:?}: {}",
                out.status.code(),
                err.lines().next().unwrap_or("").trim()
            ));
        }
    };
    let s = &doc["scenarios"][0];
    let loom: BTreeSet<FindingKey> = s["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    key_for_loom(&(
                        f["kind"].as_str().unwrap_or("?").to_string(),
                        subject(&f["subject"]),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let default: BTreeSet<FindingKey> = default_findings.iter().map(key_for_loom).collect();
    let show = |k: &FindingKey| match &k.1 {
        Some(s) => format!("{}: {s}", k.0),
        None => k.0.clone(),
    };
    let only_loom: Vec<String> = loom
        .difference(&default)
        .map(|k| format!("`{}` only in loom", show(k)))
        .collect();
    let inconclusive = s["exploration"]["inconclusive"].as_str();
    match inconclusive {
        None => {
            let mut diffs = only_loom;
            diffs.extend(
                default
                    .difference(&loom)
                    .map(|k| format!("`{}` only in default", show(k))),
            );
            if diffs.is_empty() {
                LoomResult::Agree
            } else {
                LoomResult::Disagree(diffs)
            }
        }
        Some(_) if !only_loom.is_empty() => LoomResult::Disagree(only_loom),
        Some(why) => match why.strip_prefix("beyond loom: ") {
            Some(b) => LoomResult::Beyond(b.to_string()),
            None => LoomResult::Limit(
                why.strip_prefix("loom stopped at its ")
                    .unwrap_or(why)
                    .to_string(),
            ),
        },
    }
}
