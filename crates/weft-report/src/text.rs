//! Human-readable output: one summary line per scenario, then the findings
//! with their evidence and a per-thread counterexample trace.

use std::fmt::Write;

use weft_check::{
    Checked, Finding, FindingKind, ReplayResult, ScenarioResult, Status, Subject, Trace, Verdict,
};

#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn red(&self, s: &str) -> String {
        self.paint("31;1", s)
    }
    fn green(&self, s: &str) -> String {
        self.paint("32;1", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.paint("33;1", s)
    }
}

/// How much to show for a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The summary line, and finding titles.
    Brief,
    /// Evidence and counterexample traces too.
    Full,
}

pub fn subject_text(s: &Subject) -> String {
    match s {
        Subject::Name(n) => n.clone(),
        Subject::Set(v) => format!("[{}]", v.join(", ")),
    }
}

fn kind_subject(kind: FindingKind, subject: &Option<Subject>) -> String {
    match subject {
        Some(s) => format!("{}: {}", kind.id(), subject_text(s)),
        None => kind.id().to_string(),
    }
}

/// `1234567` → `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn status_text(c: &Checked) -> String {
    let st = &c.stats;
    let mut parts = vec![format!("{} states", group_digits(st.states))];
    match c.status {
        Status::Complete => {}
        Status::Bounded { preemptions } => {
            parts.push(format!("complete for ≤ {preemptions} preemptions"))
        }
        Status::Incomplete(k) => parts.push(format!(
            "stopped: {} limit reached",
            format!("{k:?}").to_lowercase()
        )),
        Status::Stopped => parts.push("stopped at the first finding".into()),
    }
    if let Some(bound) = st.collision_bound() {
        // As TLC does: the chance that fingerprints merged two states.
        parts.push(format!("fingerprints, P(collision) ≤ {bound:.1e}"));
    }
    parts.join(" · ")
}

/// Render one scenario's result.
pub fn scenario(r: &ScenarioResult, detail: Detail, style: Style) -> String {
    scenario_with(r, detail, style, true)
}

/// Render one scenario's result; without `timings` the elapsed time is left
/// out, so the text depends on the input only.
pub fn scenario_with(r: &ScenarioResult, detail: Detail, style: Style, timings: bool) -> String {
    let mut out = String::new();
    let label = match r.verdict {
        Verdict::Pass => style.green("PASS"),
        Verdict::Fail => style.red("FAIL"),
        Verdict::Inconclusive => style.yellow("INCONCLUSIVE"),
        Verdict::Invalid => style.red("INVALID"),
    };
    let ms = r.elapsed.as_secs_f64() * 1000.0;
    let time = if !timings {
        String::new()
    } else if ms < 10.0 {
        format!(" · {ms:.1} ms")
    } else {
        format!(" · {ms:.0} ms")
    };
    match (&r.checked, &r.error) {
        (_, Some(d)) => {
            let _ = writeln!(
                out,
                "{label} {}  {}",
                style.bold(&r.name),
                style.dim(&r.path.display().to_string())
            );
            out.push_str(&indent(&d.render(style.color), "  "));
        }
        (Some(c), None) => {
            let found: Vec<String> = {
                let mut v: Vec<String> = c
                    .findings
                    .iter()
                    .map(|f| kind_subject(f.kind, &f.subject))
                    .collect();
                v.dedup();
                v
            };
            let summary = if found.is_empty() {
                "clean".to_string()
            } else {
                found.join(", ")
            };
            let _ = writeln!(
                out,
                "{label} {}  {}  {}",
                style.bold(&r.name),
                summary,
                style.dim(&format!("({}{time})", status_text(c)))
            );
            for (k, s) in &c.mismatch.unexpected {
                let _ = writeln!(
                    out,
                    "  {} {}",
                    style.red("unexpected:"),
                    kind_subject(*k, s)
                );
            }
            for (k, s) in &c.mismatch.missing {
                let _ = writeln!(
                    out,
                    "  {} {} (expected, not found{})",
                    style.red("missing:"),
                    kind_subject(*k, s),
                    if c.inconclusive.is_some() {
                        " before the run stopped"
                    } else {
                        ""
                    }
                );
            }
            if let Some(why) = &c.inconclusive {
                let hint = if matches!(c.status, Status::Incomplete(_)) {
                    "; raise --max-states/--time-limit/--max-memory or add `limits:`"
                } else {
                    ""
                };
                let _ = writeln!(out, "  {} {why}{hint}", style.yellow("inconclusive:"));
            }
            for f in &c.findings {
                out.push_str(&finding(f, &r.path.display().to_string(), detail, style));
            }
        }
        (None, None) => {}
    }
    out
}

fn indent(s: &str, pad: &str) -> String {
    s.lines().map(|l| format!("{pad}{l}\n")).collect()
}

pub fn finding(f: &Finding, file: &str, detail: Detail, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  {} {}",
        style.bold(&format!("{}:", f.kind.id())),
        f.title
    );
    if detail == Detail::Brief {
        return out;
    }
    let _ = writeln!(
        out,
        "    {}",
        style.dim(&format!("at {file}:{}:{}", f.line, f.column))
    );
    for d in &f.details {
        let _ = writeln!(out, "    {d}");
    }
    if let Some(t) = &f.trace {
        out.push_str(
            &trace(t, style).replace("weft replay <scenario>", &format!("weft replay {file}")),
        );
    }
    out.push('\n');
    out
}

/// A counterexample: one row per step, the thread's column shifted so each
/// thread reads as its own lane.
pub fn trace(t: &Trace, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "    {} {} step{}, {} context switch{}; replay: weft replay <scenario> --schedule {}",
        style.bold("counterexample:"),
        t.steps.len(),
        if t.steps.len() == 1 { "" } else { "s" },
        t.switches,
        if t.switches == 1 { "" } else { "es" },
        t.schedule
    );
    let name_w = t
        .steps
        .iter()
        .map(|s| s.thread.chars().count())
        .max()
        .unwrap_or(6)
        .min(28);
    let loc_w = t
        .steps
        .iter()
        .map(|s| s.location.rsplit('/').next().unwrap_or("").chars().count())
        .max()
        .unwrap_or(4)
        .min(40);
    for s in &t.steps {
        let loc = s.location.rsplit('/').next().unwrap_or("").to_string();
        let marker = if s.switch { "▸" } else { " " };
        let name: String = s.thread.chars().take(name_w).collect();
        let _ = writeln!(
            out,
            "    {:>3} {marker} {:<name_w$}  {:<loc_w$}  {}",
            s.index,
            name,
            style.dim(&loc),
            s.source,
        );
        for n in &s.notes {
            let _ = writeln!(
                out,
                "    {:>3}   {:<name_w$}  {:<loc_w$}    {}",
                "",
                "",
                "",
                style.dim(&format!("→ {n}"))
            );
        }
    }
    if !t.end_state.is_empty() {
        let vals: Vec<String> = t
            .end_state
            .iter()
            .map(|(n, v)| format!("{n} = {v}"))
            .collect();
        let _ = writeln!(
            out,
            "    {} {}",
            style.bold("state at the end:"),
            vals.join(", ")
        );
    }
    out
}

/// The closing line of a run over several scenarios.
pub fn summary(results: &[ScenarioResult], style: Style) -> String {
    summary_with(results, style, true)
}

/// The closing line; without `timings` the total time is left out.
pub fn summary_with(results: &[ScenarioResult], style: Style, timings: bool) -> String {
    let count = |v| results.iter().filter(|r| r.verdict == v).count();
    let (p, f, i, n) = (
        count(Verdict::Pass),
        count(Verdict::Fail),
        count(Verdict::Inconclusive),
        count(Verdict::Invalid),
    );
    let total: u64 = results
        .iter()
        .filter_map(|r| r.checked.as_ref())
        .map(|c| c.stats.states)
        .sum();
    let ms: f64 = results
        .iter()
        .map(|r| r.elapsed.as_secs_f64() * 1000.0)
        .sum();
    let mut parts = vec![style.green(&format!("{p} passed")), format!("{f} failed")];
    if i > 0 {
        parts.push(style.yellow(&format!("{i} inconclusive")));
    }
    if n > 0 {
        parts.push(style.red(&format!("{n} invalid")));
    }
    format!(
        "{}  {}\n",
        parts.join(", "),
        style.dim(&format!(
            "({} scenarios, {} states{})",
            results.len(),
            group_digits(total),
            if timings {
                format!(", {ms:.0} ms")
            } else {
                String::new()
            }
        ))
    )
}

pub fn replay(r: &ReplayResult, style: Style) -> String {
    let mut out = trace(&r.trace, style);
    for e in &r.events {
        let _ = writeln!(out, "    {} {e}", style.bold("seen:"));
    }
    if let Some(e) = &r.error {
        let _ = writeln!(out, "{} {e}", style.red("error:"));
    }
    out
}
