//! From what the runtime saw to findings a person can read: titles,
//! evidence, locations in the scenario file, and the replayed trace.

use weft_explore::Witness;
use weft_model::{AccessHint, Program};
use weft_runtime::model::{BlockedThread, Finding as RtFinding};
use weft_runtime::race::Site;
use weft_runtime::ThreadModel;
use weft_scenario::{FindingKind, Scenario, Subject};

use crate::trace::{site, source_site, trace_of};
use crate::{Evidence, Finding, RaceAccess};

pub(crate) fn from_witnesses(
    model: &ThreadModel,
    scenario: &Scenario,
    witnesses: &[Witness<ThreadModel>],
) -> Vec<Finding> {
    let prog = model.machine.prog;
    let mut out = Vec::new();
    for w in witnesses {
        let Some(mut f) = describe(prog, scenario, &w.finding) else {
            continue;
        };
        let (trace, _, _) = trace_of(model, &w.steps);
        f.trace = Some(trace);
        out.push(f);
    }
    out
}

fn access_line(prog: &Program, thread: &str, s: &Site) -> String {
    let (loc, _, _, src) = site(prog, s.func, s.pc);
    format!(
        "{thread} {} at {loc}: {src}",
        if s.write { "writes" } else { "reads" }
    )
}

fn pattern(first: &Site, second: &Site) -> Option<&'static str> {
    let hints = [first.hint, second.hint];
    if hints.contains(&AccessHint::Update) {
        Some("lost update")
    } else if hints.contains(&AccessHint::Check) {
        Some("check-then-act")
    } else {
        None
    }
}

/// A one-line description (replay output).
pub(crate) fn one_line(prog: &Program, f: &RtFinding) -> Option<String> {
    Some(match f {
        RtFinding::Race {
            subject,
            first,
            second,
            ..
        } => {
            let (a, _, _, _) = site(prog, first.func, first.pc);
            let (b, _, _, _) = site(prog, second.func, second.pc);
            format!("data race on {subject} ({a} and {b})")
        }
        RtFinding::Exception {
            tid, thread, exc, ..
        } => exception_title(*tid, thread, &exc.display()),
        RtFinding::CheckFailed {
            index, is_final, ..
        } => {
            let checks = if *is_final {
                &prog.finals
            } else {
                &prog.invariants
            };
            let text = checks.get(*index).map(|c| c.text.trim()).unwrap_or("?");
            format!(
                "{} `{text}` failed",
                if *is_final {
                    "final check"
                } else {
                    "invariant"
                }
            )
        }
        RtFinding::Deadlock { .. } => "deadlock".into(),
        RtFinding::Runaway { thread, .. } => {
            format!("{thread} was stopped: too many instructions without a step")
        }
        RtFinding::LockEdge { .. } => return None,
    })
}

fn blocked_line(prog: &Program, t: &BlockedThread) -> String {
    let at = t.at.map(|(f, pc)| {
        let (loc, _, _, src) = site(prog, f, pc);
        format!(" at {loc}: {src}")
    });
    let held = if t.holders.is_empty() {
        String::new()
    } else {
        format!(", held by {}", t.holders.join(", "))
    };
    format!(
        "{} waits in {}{}{}",
        t.name,
        t.what,
        held,
        at.unwrap_or_default()
    )
}

fn describe(prog: &Program, scenario: &Scenario, f: &RtFinding) -> Option<Finding> {
    let mk =
        |kind, subject, title: String, details, (line, column): (u32, u32), evidence| Finding {
            kind,
            subject,
            title,
            details,
            line,
            column,
            evidence,
            trace: None,
        };
    Some(match f {
        RtFinding::Race {
            subject,
            first,
            second,
            first_thread,
            second_thread,
            ..
        } => {
            let pat = pattern(first, second);
            let title = match pat {
                Some(p) => format!("data race on {subject} ({p})"),
                None => format!("data race on {subject}"),
            };
            let mut details = vec![
                access_line(prog, first_thread, first),
                access_line(prog, second_thread, second),
            ];
            details.push("no synchronisation orders these two accesses (no lock, join, event, queue or semaphore between them)".into());
            if let Some(p) = pat {
                details.push(match p {
                    "lost update" => "a read-modify-write (`+=`) whose read can be overtaken by another thread's write: an update is lost".into(),
                    _ => "a check whose result another thread can invalidate before the dependent action runs".into(),
                });
            }
            let (_, line, col, _) = site(prog, second.func, second.pc);
            let access = |thread: &str, s: &Site| RaceAccess {
                thread: thread.to_string(),
                access: if s.write { "write" } else { "read" },
                site: source_site(prog, s.func, s.pc),
            };
            let evidence = Evidence::DataRace {
                accesses: [access(first_thread, first), access(second_thread, second)],
                pattern: pat,
            };
            mk(
                FindingKind::DataRace,
                Some(Subject::Name(subject.clone())),
                title,
                details,
                (line, col),
                evidence,
            )
        }
        RtFinding::Exception {
            tid,
            thread,
            exc,
            traceback,
        } => {
            let mut details = vec!["Traceback (most recent call last):".to_string()];
            for &(func, pc) in traceback {
                let (loc, _, _, src) = site(prog, func, pc);
                details.push(format!("  File \"{loc}\", in {}", prog.function(func).name));
                details.push(format!("    {src}"));
            }
            details.push(exc.display());
            let frames: Vec<(String, crate::SourceSite)> = traceback
                .iter()
                .map(|&(func, pc)| {
                    (
                        prog.function(func).name.clone(),
                        source_site(prog, func, pc),
                    )
                })
                .collect();
            let (line, col) = exc
                .site
                .map(|(f, pc)| {
                    let (_, l, c, _) = site(prog, f, pc);
                    (l, c)
                })
                .unwrap_or((1, 1));
            if exc.from_assert {
                let text = exc
                    .site
                    .map(|(f, pc)| assert_text(&site(prog, f, pc).3))
                    .unwrap_or_default();
                let title = if exc.msg.is_empty() {
                    format!("assertion failed in thread {thread}: assert {text}")
                } else {
                    format!(
                        "assertion failed in thread {thread}: assert {text} ({})",
                        exc.msg
                    )
                };
                let evidence = Evidence::Assertion {
                    source: "assert",
                    expression: text.clone(),
                    message: (!exc.msg.is_empty()).then(|| exc.msg.to_string()),
                    values: vec![],
                    error: None,
                };
                mk(
                    FindingKind::Assertion,
                    Some(Subject::Name(text)),
                    title,
                    details,
                    (line, col),
                    evidence,
                )
            } else {
                let title = exception_title(*tid, thread, &exc.display());
                let evidence = Evidence::Exception {
                    thread: thread.clone(),
                    type_name: exc.ty.qualified_name().to_string(),
                    message: exc.msg.to_string(),
                    traceback: frames,
                };
                mk(
                    FindingKind::Exception,
                    Some(Subject::Name(exc.ty.name().to_string())),
                    title,
                    details,
                    (line, col),
                    evidence,
                )
            }
        }
        RtFinding::CheckFailed {
            index,
            is_final,
            value,
            error,
            globals,
        } => {
            let checks = if *is_final {
                &scenario.finals
            } else {
                &scenario.invariants
            };
            let c = checks.get(*index)?;
            let text = c.text.text.trim().to_string();
            let what = if *is_final {
                "final check"
            } else {
                "invariant"
            };
            let title = match error {
                Some(e) => format!("{what} `{text}` raised {e}"),
                None if *is_final => format!("{what} `{text}` is false at the end of the program"),
                None => format!("{what} `{text}` is violated"),
            };
            let mut details: Vec<String> =
                globals.iter().map(|(n, v)| format!("{n} = {v}")).collect();
            if error.is_none() && !value.is_empty() && value != "False" {
                details.push(format!("the expression evaluates to {value}"));
            }
            let (line, col) = scenario.file.line_col(c.span.start);
            let evidence = Evidence::Assertion {
                source: if *is_final { "final" } else { "invariant" },
                expression: text.clone(),
                message: None,
                values: globals.clone(),
                error: error.clone(),
            };
            mk(
                FindingKind::Assertion,
                Some(Subject::Name(text)),
                title,
                details,
                (line, col),
                evidence,
            )
        }
        RtFinding::Deadlock {
            threads,
            self_deadlock,
        } => {
            let title = if *self_deadlock {
                let t = threads
                    .iter()
                    .find(|t| t.holders.len() == 1 && t.holders[0] == t.name);
                match t {
                    Some(t) => format!("self-deadlock: {} re-acquires a Lock it already holds ({}); threading.Lock is not reentrant", t.name, t.what),
                    None => "self-deadlock: a thread re-acquires a Lock it already holds".into(),
                }
            } else {
                format!(
                    "no thread can move and the program has not ended ({} thread{} blocked)",
                    threads.len(),
                    if threads.len() == 1 { "" } else { "s" }
                )
            };
            let details = threads.iter().map(|t| blocked_line(prog, t)).collect();
            let (line, col) = threads
                .iter()
                .find_map(|t| t.at)
                .map(|(f, pc)| {
                    let (_, l, c, _) = site(prog, f, pc);
                    (l, c)
                })
                .unwrap_or((1, 1));
            let evidence = Evidence::Deadlock {
                threads: threads
                    .iter()
                    .map(|t| crate::BlockedThread {
                        thread: t.name.clone(),
                        waits_for: t.what.clone(),
                        held_by: t.holders.clone(),
                        site: t.at.map(|(f, pc)| source_site(prog, f, pc)),
                    })
                    .collect(),
                self_deadlock: *self_deadlock,
            };
            mk(
                FindingKind::Deadlock,
                None,
                title,
                details,
                (line, col),
                evidence,
            )
        }
        RtFinding::LockEdge { .. } | RtFinding::Runaway { .. } => return None,
    })
}

/// How CPython announces an uncaught exception: `threading.excepthook`
/// prints "Exception in thread NAME:" for other threads; the main thread's
/// traceback has no such header.
fn exception_title(tid: u32, thread: &str, exc: &str) -> String {
    if tid == 0 {
        format!("uncaught in the main thread: {exc}")
    } else {
        format!("Exception in thread {thread}: {exc}")
    }
}

/// Why the exploration cannot be trusted to be complete, if a thread ran away.
pub(crate) fn runaway(prog: &Program, witnesses: &[Witness<ThreadModel>]) -> Option<String> {
    witnesses.iter().find_map(|w| match &w.finding {
        RtFinding::Runaway { thread, site: at } => {
            let (loc, _, _, src) = site(prog, at.0, at.1);
            Some(format!(
                "{thread} ran {} instructions without touching shared state, at {loc}: {src} — weft stopped it there; shrink the loop (e.g. with `params:`)",
                weft_runtime::machine::LOCAL_BUDGET
            ))
        }
        _ => None,
    })
}

/// The test of an `assert` statement from its source line.
fn assert_text(line: &str) -> String {
    let t = line.trim().strip_prefix("assert").unwrap_or(line).trim();
    // Drop a `, message` part (outside brackets and quotes).
    let (mut depth, mut quote) = (0i32, None::<char>);
    for (i, c) in t.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => return t[..i].trim().to_string(),
            _ => {}
        }
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn assert_text_drops_the_message() {
        assert_eq!(super::assert_text("assert x == 1, f\"bad {x}\""), "x == 1");
        assert_eq!(super::assert_text("assert f(a, b)"), "f(a, b)");
    }
}
