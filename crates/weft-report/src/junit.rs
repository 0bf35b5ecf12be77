//! `--format junit`: one `<testcase>` per scenario, in one `<testsuite>`.
//!
//! | verdict | element | message |
//! | --- | --- | --- |
//! | pass | (none) | findings listed in `<system-out>` |
//! | fail | `<failure type="mismatch">` | the mismatch; the body has the findings and counterexamples |
//! | invalid | `<error type="invalid-scenario">` | the diagnostic, `file:line:col` |
//! | inconclusive | `<skipped>` | which resource limit stopped the run |
//!
//! Inconclusive is *skipped*, not failed: nothing wrong was found, the
//! scenario simply was not verified to the end. The run's exit code (3)
//! still fails a CI job; the test report does not claim a bug.

use std::fmt::Write;

use weft_check::{ScenarioResult, Verdict};

use crate::common::{self, xml_escape as esc};
use crate::json::Options;
use crate::text::{self, Detail, Style};

fn secs(d: std::time::Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// `weft.<directory>`: the scenario's directory name (`weft.scenarios`).
fn classname(r: &ScenarioResult) -> String {
    let dir = r
        .path
        .parent()
        .and_then(|p| p.file_name())
        .map(|d| d.to_string_lossy().replace('.', "_"))
        .unwrap_or_default();
    if dir.is_empty() {
        "weft".to_string()
    } else {
        format!("weft.{dir}")
    }
}

fn body(r: &ScenarioResult, opts: Options) -> String {
    text::scenario_with(r, Detail::Full, Style { color: false }, opts.timings)
}

pub fn render(results: &[ScenarioResult], opts: Options) -> String {
    let count = |v| results.iter().filter(|r| r.verdict == v).count();
    let time = |d| {
        if opts.timings {
            format!(" time=\"{}\"", secs(d))
        } else {
            String::new()
        }
    };
    let total: std::time::Duration = results.iter().map(|r| r.elapsed).sum();
    let (failures, errors, skipped) = (
        count(Verdict::Fail),
        count(Verdict::Invalid),
        count(Verdict::Inconclusive),
    );
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"weft\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\"{}>",
        results.len(),
        time(total)
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"weft check\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\"{}>",
        results.len(),
        time(total)
    );
    for r in results {
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"{}",
            esc(&r.name),
            esc(&classname(r)),
            esc(&r.path.to_string_lossy().replace('\\', "/")),
            time(r.elapsed)
        );
        let text = body(r, opts);
        match r.verdict {
            Verdict::Pass => {
                let _ = writeln!(out, ">");
                let _ = writeln!(out, "      <system-out>{}</system-out>", esc(&text));
            }
            Verdict::Fail => {
                let mut msg = Vec::new();
                if let Some(c) = &r.checked {
                    for (k, s) in &c.mismatch.unexpected {
                        msg.push(format!("unexpected {}", common::kind_subject(*k, s)));
                    }
                    for (k, s) in &c.mismatch.missing {
                        msg.push(format!(
                            "expected {} not found",
                            common::kind_subject(*k, s)
                        ));
                    }
                }
                let _ = writeln!(out, ">");
                let _ = writeln!(
                    out,
                    "      <failure type=\"mismatch\" message=\"{}\">{}</failure>",
                    esc(&msg.join("; ")),
                    esc(&text)
                );
            }
            Verdict::Invalid => {
                let (msg, loc) = match &r.error {
                    Some(d) => (d.message.clone(), d.location()),
                    None => ("invalid scenario".into(), String::new()),
                };
                let _ = writeln!(out, ">");
                let _ = writeln!(
                    out,
                    "      <error type=\"invalid-scenario\" message=\"{}: {}\">{}</error>",
                    esc(&loc),
                    esc(&msg),
                    esc(&text)
                );
            }
            Verdict::Inconclusive => {
                let why = r
                    .checked
                    .as_ref()
                    .and_then(|c| c.inconclusive.clone())
                    .unwrap_or_else(|| "a resource limit was reached".into());
                let _ = writeln!(out, ">");
                let _ = writeln!(
                    out,
                    "      <skipped message=\"inconclusive: {} (before a mismatch was found)\"/>",
                    esc(&why)
                );
                let _ = writeln!(out, "      <system-out>{}</system-out>", esc(&text));
            }
        }
        let _ = writeln!(out, "    </testcase>");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
