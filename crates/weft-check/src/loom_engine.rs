//! `--engine loom`: the scenario runs under loom in a subprocess
//! (`weft __loom-worker`), because loom reports an exceeded limit by
//! panicking. Its findings come back without witnesses; its limits come
//! back as an inconclusive result that names them.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use weft_explore::{Stats, Status};
use weft_loom::{LoomOptions, LoomReport, LoomStatus};
use weft_scenario::{FindingKind, Scenario, Subject};

use crate::lockorder::{find_cycles, EdgeKey};
use crate::{match_expect, Checked, Diagnostic, Evidence, Finding};

/// The subprocess side: run the scenario under loom and answer in JSON.
pub fn loom_worker(path: &Path, time_limit: Option<Duration>) -> Result<String, Diagnostic> {
    let (_scenario, program) = crate::load(path)?;
    // loom needs 'static data; the worker process ends right after.
    let program: &'static weft_model::Program = Box::leak(Box::new(program));
    let options = LoomOptions {
        time_limit: time_limit.or(LoomOptions::default().time_limit),
        ..LoomOptions::default()
    };
    let report = weft_loom::run(program, &options);
    Ok(serde_json::to_string(&report).unwrap_or_else(|_| "{}".into()))
}

/// The parent side: run the worker and turn its report into a result.
pub(crate) fn check(path: &Path, scenario: Scenario, time_limit: Option<Duration>) -> Checked {
    let report = run_worker(path, time_limit);
    from_report(scenario, report)
}

fn run_worker(path: &Path, time_limit: Option<Duration>) -> LoomReport {
    let beyond = |why: String| LoomReport {
        status: LoomStatus::Beyond(why),
        executions: 0,
        findings: vec![],
        final_states: vec![],
        lock_edges: vec![],
    };
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            return beyond(format!(
                "cannot find the weft executable to run loom in: {e}"
            ))
        }
    };
    let mut cmd = Command::new(exe);
    cmd.arg("__loom-worker").arg(path);
    if let Some(t) = time_limit {
        cmd.arg("--time-limit").arg(t.as_secs_f64().to_string());
    }
    match cmd.output() {
        Ok(out) if out.status.success() => serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| beyond(format!("unreadable answer from the loom worker: {e}"))),
        Ok(out) => {
            let err = String::from_utf8_lossy(&out.stderr);
            let why = if err.contains("maximum number of branches") {
                format!(
                    "one execution needs more than {} scheduling points (a loop that can spin without bound?)",
                    LoomOptions::default().max_branches
                )
            } else {
                let last = err
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("no message");
                format!("loom stopped: {last}")
            };
            beyond(why)
        }
        Err(e) => beyond(format!("cannot run the loom worker: {e}")),
    }
}

fn from_report(scenario: Scenario, report: LoomReport) -> Checked {
    let (line, column) = (1, 1);
    let mut findings: Vec<Finding> = report
        .findings
        .iter()
        .filter_map(|f| {
            let kind = FindingKind::from_id(&f.kind)?;
            Some(Finding {
                kind,
                subject: f.subject.clone().map(Subject::Name),
                title: f.message.clone(),
                details: vec![],
                line,
                column,
                evidence: Evidence::Summary {
                    engine: "loom",
                    message: f.message.clone(),
                },
                trace: None,
            })
        })
        .collect();
    let keys: Vec<EdgeKey> = report
        .lock_edges
        .iter()
        .map(|e| EdgeKey {
            from: &e.from,
            to: &e.to,
            thread: &e.thread,
            gates: &e.gates,
        })
        .collect();
    for c in find_cycles(&keys) {
        let message = format!(
            "lock-order cycle: {}",
            c.locks
                .iter()
                .chain(c.locks.first())
                .copied()
                .collect::<Vec<_>>()
                .join(" → ")
        );
        findings.push(Finding {
            kind: FindingKind::LockOrderCycle,
            subject: Some(Subject::Set(
                c.sorted.iter().map(|s| s.to_string()).collect(),
            )),
            title: message.clone(),
            details: vec![],
            line,
            column,
            evidence: Evidence::Summary {
                engine: "loom",
                message,
            },
            trace: None,
        });
    }
    findings.sort_by_key(|f| (f.kind, f.subject.clone(), f.title.clone()));
    let mismatch = match_expect(&scenario.expect, &findings);
    let inconclusive = match &report.status {
        LoomStatus::Complete => None,
        LoomStatus::Beyond(why) => Some(format!("beyond loom: {why}")),
        LoomStatus::Limit(why) => Some(format!("loom stopped at its {why}")),
    };
    let stats = Stats {
        states: report.executions,
        ..Stats::default()
    };
    Checked {
        scenario,
        findings,
        status: Status::Complete,
        stats,
        mismatch,
        inconclusive,
        final_states: report.final_states,
        lock_edges: vec![],
        symmetry: false,
    }
}
