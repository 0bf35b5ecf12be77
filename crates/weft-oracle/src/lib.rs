//! Cross-checks of weft's answers, reusable by the `weft-oracle` binary and
//! by the tests:
//! - [`engines`]: the production explorer against the reference explorer,
//!   in process (findings, end states, deadlock states);
//! - [`loom`]: the loom engine, through the `weft` binary;
//! - [`cpython`]: real runs under `python3`, every outcome of which weft
//!   must have predicted.
//!
//! [`check_scenario`] runs all three on one scenario file and gives a
//! [`Row`] of the table `weft-oracle` prints. A cell never says "agree"
//! for a comparison that was not made.

pub mod cpython;
pub mod engines;
pub mod loom;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use engines::{Agreement, Limits};

#[derive(Debug, Clone)]
pub struct OracleOptions {
    /// Limits of the in-process engine runs.
    pub limits: Limits,
    /// `None`: do not run loom.
    pub loom_time_limit: Option<Duration>,
    /// The `weft` binary for loom; `None` = not found.
    pub weft_bin: Option<PathBuf>,
    /// `None`: do not run CPython.
    pub cpython: Option<cpython::CpyOptions>,
}

impl Default for OracleOptions {
    fn default() -> Self {
        OracleOptions {
            limits: Limits {
                max_states: Some(2_000_000),
                time_limit: Some(Duration::from_secs(60)),
            },
            loom_time_limit: Some(Duration::from_secs(10)),
            weft_bin: loom::weft_binary(),
            cpython: Some(cpython::CpyOptions::default()),
        }
    }
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub scenario: String,
    pub engines: String,
    pub loom: String,
    pub cpython: String,
    pub elapsed: Duration,
    /// Some comparison disagreed (not: could not be made).
    pub disagreement: bool,
    /// Every difference, one per line, for the report under the table.
    pub details: Vec<String>,
}

/// Run every comparison on one scenario file.
pub fn check_scenario(path: &Path, options: &OracleOptions) -> Row {
    let start = Instant::now();
    let mut row = Row {
        scenario: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        engines: String::new(),
        loom: String::new(),
        cpython: String::new(),
        elapsed: Duration::ZERO,
        disagreement: false,
        details: vec![],
    };
    let (scenario, program) = match weft_check::load(path) {
        Ok(x) => x,
        Err(d) => {
            row.engines = format!("invalid: {}", d.message);
            row.loom = "not run (invalid scenario)".into();
            row.cpython = "not run (invalid scenario)".into();
            row.disagreement = true;
            row.elapsed = start.elapsed();
            return row;
        }
    };
    row.scenario = scenario.name.value.clone();
    let (default, _reference, agreement) =
        engines::default_vs_reference(&scenario, &program, options.limits);
    match &agreement {
        Agreement::Agree => {
            row.engines = format!(
                "agree ({} states, {} end, {} deadlocked)",
                default.states,
                default.final_states.len(),
                default.deadlock_states.len()
            );
        }
        Agreement::Incomplete(why) => row.engines = format!("limit: {why}"),
        Agreement::Disagree(diffs) => {
            row.engines = format!("DISAGREE ({} differences)", diffs.len());
            row.disagreement = true;
            row.details
                .extend(diffs.iter().map(|d| format!("default vs reference: {d}")));
        }
    }
    let complete = default.incomplete.is_none();

    // loom and CPython are independent subprocesses: run them side by side.
    std::thread::scope(|scope| {
        let loom_job = scope.spawn(|| match (&options.weft_bin, options.loom_time_limit) {
            (_, None) => loom::LoomResult::NotRun("disabled".into()),
            (None, _) => loom::LoomResult::NotRun("weft binary not found".into()),
            (Some(_), _) if !complete => {
                loom::LoomResult::NotRun("default engine incomplete".into())
            }
            (Some(bin), Some(t)) => loom::check(bin, path, t, &default.findings),
        });
        row.cpython = match &options.cpython {
            None => "not run (disabled)".into(),
            Some(_) if !complete => "not run (default engine incomplete)".into(),
            Some(_) if !cpython::python_available() => "not run (python3 not found)".into(),
            Some(o) => {
                let mut o = o.clone();
                if default.has_deadlock() {
                    // Hangs are expected and each costs a full timeout.
                    o.runs = o.runs.min(8);
                    o.timeout_secs = o.timeout_secs.min(1.5);
                }
                match cpython::run(path, &o, &default.unordered) {
                    Err(e) => format!("not run ({e})"),
                    Ok(runs) => {
                        let v = cpython::compare(&default, &runs);
                        if v.agrees() {
                            format!("agree ({})", v.summary())
                        } else {
                            row.disagreement = true;
                            row.details
                                .extend(v.missed.iter().map(|m| format!("cpython: {m}")));
                            format!("MISSED ({} things; {})", v.missed.len(), v.summary())
                        }
                    }
                }
            }
        };
        let l = loom_job
            .join()
            .unwrap_or(loom::LoomResult::NotRun("panicked".into()));
        if let loom::LoomResult::Disagree(d) = &l {
            row.disagreement = true;
            row.details.extend(d.iter().map(|x| format!("loom: {x}")));
        }
        row.loom = l.cell();
    });
    row.elapsed = start.elapsed();
    row
}

/// Render rows as an aligned table (cells longer than `max` are cut).
pub fn table(rows: &[Row]) -> String {
    let header = [
        "scenario",
        "default vs reference",
        "loom",
        "cpython",
        "time",
    ];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            [
                r.scenario.clone(),
                r.engines.clone(),
                cut(&r.loom, 60),
                r.cpython.clone(),
                format!("{:.1} s", r.elapsed.as_secs_f64()),
            ]
        })
        .collect();
    let mut width = header.map(|h| h.chars().count());
    for c in &cells {
        for (w, x) in width.iter_mut().zip(c.iter()) {
            *w = (*w).max(x.chars().count());
        }
    }
    let line = |c: [&str; 5]| {
        let mut s = String::new();
        for (i, (x, w)) in c.iter().zip(width).enumerate() {
            if i > 0 {
                s.push_str(" | ");
            }
            if i == 4 {
                s.push_str(&format!("{x:>w$}"));
            } else {
                s.push_str(&format!("{x:<w$}"));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header);
    out.push_str(&line(
        width.map(|w| "-".repeat(w)).each_ref().map(|s| s.as_str()),
    ));
    for c in &cells {
        out.push_str(&line(c.each_ref().map(|s| s.as_str())));
    }
    out
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max - 1).collect::<String>() + "…"
    }
}

/// Scenario files under the given paths (`*.yaml`, `*.yml`, `*.py`), sorted.
pub fn scenario_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|f| {
                    f.is_file()
                        && matches!(
                            f.extension().and_then(|e| e.to_str()),
                            Some("yaml" | "yml" | "py")
                        )
                })
                .collect();
            v.sort();
            out.extend(v);
        } else {
            out.push(p.clone());
        }
    }
    out
}
