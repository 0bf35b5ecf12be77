//! Counterexample traces: a witness replayed step by step with the
//! runtime's notes switched on, and `weft replay`.

use std::path::Path;

use weft_explore::Model;
use weft_model::{FuncId, Pc, Program};
use weft_runtime::{Choice, Ctx, Finding as RtFinding, Step, ThreadModel};

use crate::schedule;

#[derive(Debug, Clone)]
pub struct TraceStep {
    /// 1-based.
    pub index: usize,
    pub tid: u32,
    pub thread: String,
    /// `file:line` in the scenario file.
    pub location: String,
    pub line: u32,
    /// The source line, trimmed.
    pub source: String,
    /// What happened: values read and written, calls and their results, blocking, wake-ups.
    pub notes: Vec<String>,
    pub choice: Choice,
    /// A different thread than the step before.
    pub switch: bool,
}

#[derive(Debug, Clone)]
pub struct Trace {
    pub steps: Vec<TraceStep>,
    pub schedule: String,
    pub switches: u32,
    /// Shared module globals after the last step.
    pub end_state: Vec<(String, String)>,
}

/// Where an instruction is: (`file:line`, line, column, trimmed source line).
pub fn site(program: &Program, func: FuncId, pc: Pc) -> (String, u32, u32, String) {
    let f = program.function(func);
    let span = f.spans.get(pc as usize).copied().unwrap_or_default();
    let (line, col) = program.source.file_line_col(span.start);
    let file = &program.source.file;
    (
        format!("{}:{}", file.name, line),
        line,
        col,
        file.line_text(line).trim().to_string(),
    )
}

/// An instruction's place in the scenario file.
pub fn source_site(program: &Program, func: FuncId, pc: Pc) -> crate::SourceSite {
    let (location, line, column, source) = site(program, func, pc);
    crate::SourceSite {
        location,
        line,
        column,
        source,
    }
}

/// Replay `steps` with notes on. Stops early at a step that is not possible.
pub fn trace_of(model: &ThreadModel, steps: &[Step]) -> (Trace, Vec<RtFinding>, Option<usize>) {
    let m = &model.machine;
    let prog = m.prog;
    let mut findings = Vec::new();
    let mut state = model.initial(&mut findings);
    let mut out = Vec::new();
    let mut failed_at = None;
    let mut last: Option<u32> = None;
    let mut switches = 0;
    for (i, st) in steps.iter().enumerate() {
        let tid = st.thread;
        let possible = (tid as usize) < state.threads.len() && {
            let ch = m.choices(&state, tid);
            match st.choice {
                Choice::Go => ch.go,
                Choice::Timeout => ch.timeout,
            }
        };
        if !possible {
            failed_at = Some(i);
            break;
        }
        let (location, line, _, source) = match m.poised(&state, tid) {
            Some((f, pc, _)) => site(prog, f, pc),
            None => (String::new(), 0, 0, String::new()),
        };
        let thread = m.thread_name(&state, tid);
        let mut cx = Ctx {
            tracing: true,
            ..Ctx::default()
        };
        if st.choice == Choice::Timeout {
            cx.notes.push("times out".into());
        }
        m.step(&mut state, tid, st.choice, &mut cx);
        let mut notes = std::mem::take(&mut cx.notes);
        model.findings_of(&state, std::mem::take(&mut cx.events), &mut findings);
        let th = &state.threads[tid as usize];
        if th.done {
            notes.push("thread ends".into());
        } else {
            let ch = m.choices(&state, tid);
            if !ch.go && !ch.timeout {
                let b = weft_runtime::blocked_on(m, &state, tid);
                let who = if b.holders.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (held by {})",
                        b.holders
                            .iter()
                            .map(|&h| m.thread_name(&state, h))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                notes.push(format!("blocks: {}{}", b.what, who));
            }
        }
        let switch = last.is_some_and(|l| l != tid);
        if switch {
            switches += 1;
        }
        last = Some(tid);
        out.push(TraceStep {
            index: i + 1,
            tid,
            thread,
            location,
            line,
            source,
            notes,
            choice: st.choice,
            switch,
        });
    }
    if failed_at.is_none() {
        // Where the schedule ends: the program's end (final checks) or a deadlock.
        let mut out: weft_explore::Expansion<ThreadModel> = weft_explore::Expansion::default();
        let stuck = !state.ended()
            && (0..state.threads.len() as u32).all(|t| {
                let ch = m.choices(&state, t);
                !ch.go && !ch.timeout
            });
        if state.ended() || stuck {
            model.expand(&state, &mut out);
            findings.extend(out.findings);
        }
    }
    let end_state = prog
        .globals
        .iter()
        .enumerate()
        .filter(|(_, g)| g.kind == weft_model::GlobalKind::Shared)
        .filter(|(i, _)| state.globals[*i] != weft_runtime::value::Value::Unbound)
        .map(|(i, g)| {
            (
                g.name.clone(),
                weft_runtime::ops::repr(prog, &state, &state.globals[i]),
            )
        })
        .collect();
    let trace = Trace {
        steps: out,
        schedule: schedule::format(steps),
        switches,
        end_state,
    };
    (trace, findings, failed_at)
}

#[derive(Debug)]
pub struct ReplayResult {
    pub trace: Trace,
    /// Runtime findings seen along the way, described in one line each.
    pub events: Vec<String>,
    /// The schedule asked for a step that is not possible there: (1-based index, why).
    pub error: Option<String>,
    /// The state after the last step is a deadlock / the program's end.
    pub ended: bool,
}

/// `weft replay`: follow a schedule through a scenario.
pub fn replay(path: &Path, schedule_text: &str) -> Result<ReplayResult, crate::Diagnostic> {
    let (_scenario, program) = crate::load(path)?;
    let steps = schedule::parse(schedule_text).map_err(|msg| {
        crate::Diagnostic::error(
            weft_diag::SourceFile::new("<schedule>", schedule_text),
            Default::default(),
            msg,
        )
    })?;
    let model = ThreadModel::new(weft_runtime::Machine::new(&program), Default::default());
    let (trace, findings, failed) = trace_of(&model, &steps);
    let error = failed.map(|i| {
        format!(
            "schedule step {}: thread {} cannot move there (blocked, finished, or not started)",
            i + 1,
            steps[i].thread
        )
    });
    let mut events: Vec<String> = Vec::new();
    for line in findings
        .iter()
        .filter_map(|f| crate::findings::one_line(&program, f))
    {
        if !events.contains(&line) {
            events.push(line);
        }
    }
    Ok(ReplayResult {
        trace,
        events,
        error,
        ended: false,
    })
}
