//! The production explorer against the reference explorer, in process.
//!
//! Both run the same compiled program through `weft_check::check_program`
//! (findings as users see them, lock-order cycles included, and the end
//! states as `weft_loom::final_globals` pairs), and once more through the
//! explorers directly for the deadlocked end states, compared as whole
//! runtime states.

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use weft_check::{
    check_program, CheckOptions, Checked, Engine, Finding, Scenario, Subject, Visited,
};
use weft_explore::Status;
use weft_model::Program;
use weft_runtime::state::State;

/// A finding reduced to what `expect` compares: kind id and subject.
pub type FindingKey = (String, Option<String>);

/// An end state: (global, repr) pairs from `weft_loom::final_globals`.
pub type FinalState = Vec<(String, String)>;

/// What one engine found, in comparable form.
#[derive(Debug, Clone)]
pub struct EngineRun {
    pub findings: BTreeSet<FindingKey>,
    pub final_states: BTreeSet<FinalState>,
    /// Reachable states where nothing can move and the program has not ended.
    pub deadlock_states: HashSet<State>,
    /// Why the run is not exhaustive (a resource limit), if it is not.
    pub incomplete: Option<String>,
    pub states: u64,
    /// Counterexamples the symmetry-reduced run could not follow back to
    /// real threads ([`weft_runtime::ThreadModel::unmatched_witnesses`]).
    pub unmatched_witnesses: u32,
    /// Globals whose dicts the default engine stores in canonical order
    /// (`weft_runtime::dict_order`): end states show them sorted by key.
    pub unordered: Vec<String>,
}

impl EngineRun {
    pub fn has_deadlock(&self) -> bool {
        self.findings.iter().any(|(k, _)| k == "deadlock")
    }
}

/// The subject as written in `expect`.
pub fn subject_text(s: &Subject) -> String {
    match s {
        Subject::Name(n) => n.clone(),
        Subject::Set(v) => format!("[{}]", v.join(", ")),
    }
}

pub fn finding_key(f: &Finding) -> FindingKey {
    (
        f.kind.id().to_string(),
        f.subject.as_ref().map(subject_text),
    )
}

fn from_checked(c: &Checked) -> (BTreeSet<FindingKey>, BTreeSet<FinalState>) {
    (
        c.findings.iter().map(finding_key).collect(),
        c.final_states.iter().cloned().collect(),
    )
}

/// Limits for one engine run; `None` = the scenario's own.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    pub max_states: Option<u64>,
    pub time_limit: Option<Duration>,
}

/// Run one in-process engine (`Default` or `Reference`).
pub fn run_engine(
    scenario: &Scenario,
    program: &Program,
    engine: Engine,
    limits: Limits,
) -> EngineRun {
    run_engine_with(scenario, program, engine, limits, Visited::Exact)
}

/// [`run_engine`] with the given visited set (the default engine only;
/// with its partial-order reduction on, as users run it).
pub fn run_engine_with(
    scenario: &Scenario,
    program: &Program,
    engine: Engine,
    limits: Limits,
    visited: Visited,
) -> EngineRun {
    let options = CheckOptions {
        max_states: limits.max_states,
        time_limit: limits.time_limit,
        keep_final_states: true,
        engine,
        visited,
        ..CheckOptions::default()
    };
    let checked = check_program(scenario.clone(), program, &options);
    let (findings, final_states) = from_checked(&checked);
    let mut incomplete = checked.inconclusive.clone();

    let (model, outcome) = weft_check::explore_program(scenario, program, &options);
    let unmatched_witnesses = model.unmatched_witnesses();
    if let Status::Incomplete(kind) = outcome.status {
        incomplete.get_or_insert(format!("{kind:?} limit"));
    }
    // Compared without their race-tracking records, which the default
    // engine prunes (records no future access can race with) and the
    // reference engine keeps, and in canonical form under permutations of
    // identical threads, which the default engine stores.
    let unordered = weft_runtime::dict_order::unordered_globals(program);
    let deadlock_states = outcome
        .terminal_states
        .into_iter()
        .filter(|s| !s.ended())
        .map(|mut s| {
            s.race = Default::default();
            weft_runtime::symmetry::canonicalise(&mut s);
            weft_runtime::dict_order::canonicalise(&unordered, &mut s);
            s
        })
        .collect();
    EngineRun {
        findings,
        final_states,
        deadlock_states,
        incomplete,
        states: checked.stats.states,
        unmatched_witnesses,
        unordered: unordered
            .iter()
            .map(|&g| program.globals[g as usize].name.clone())
            .collect(),
    }
}

/// The outcome of comparing two engines.
#[derive(Debug, Clone)]
pub enum Agreement {
    Agree,
    /// At least one run hit a resource limit: nothing was compared.
    Incomplete(String),
    /// Each line names one difference.
    Disagree(Vec<String>),
}

impl Agreement {
    pub fn is_disagreement(&self) -> bool {
        matches!(self, Agreement::Disagree(_))
    }
}

fn show_key(k: &FindingKey) -> String {
    match &k.1 {
        Some(s) => format!("{}: {s}", k.0),
        None => k.0.clone(),
    }
}

pub fn show_state(s: &FinalState) -> String {
    let parts: Vec<String> = s.iter().map(|(n, v)| format!("{n}={v}")).collect();
    format!("{{{}}}", parts.join(", "))
}

/// Differences between `a` (named `an`) and `b` (named `bn`).
pub fn compare(an: &str, a: &EngineRun, bn: &str, b: &EngineRun) -> Agreement {
    if let Some(why) = a.incomplete.as_ref().or(b.incomplete.as_ref()) {
        return Agreement::Incomplete(why.clone());
    }
    let mut diffs = Vec::new();
    for (name, run) in [(an, a), (bn, b)] {
        if run.unmatched_witnesses > 0 {
            diffs.push(format!(
                "{} counterexamples of {name} not followed back to real threads",
                run.unmatched_witnesses
            ));
        }
    }
    for k in a.findings.difference(&b.findings) {
        diffs.push(format!("finding `{}` only in {an}", show_key(k)));
    }
    for k in b.findings.difference(&a.findings) {
        diffs.push(format!("finding `{}` only in {bn}", show_key(k)));
    }
    for s in a.final_states.difference(&b.final_states) {
        diffs.push(format!("end state {} only in {an}", show_state(s)));
    }
    for s in b.final_states.difference(&a.final_states) {
        diffs.push(format!("end state {} only in {bn}", show_state(s)));
    }
    let only_a = a.deadlock_states.difference(&b.deadlock_states).count();
    let only_b = b.deadlock_states.difference(&a.deadlock_states).count();
    if only_a + only_b > 0 {
        diffs.push(format!(
            "deadlock states differ: {} in {an}, {} in {bn} ({only_a} only in {an}, {only_b} only in {bn})",
            a.deadlock_states.len(),
            b.deadlock_states.len()
        ));
    }
    if diffs.is_empty() {
        Agreement::Agree
    } else {
        Agreement::Disagree(diffs)
    }
}

/// Default against reference on one compiled scenario.
pub fn default_vs_reference(
    scenario: &Scenario,
    program: &Program,
    limits: Limits,
) -> (EngineRun, EngineRun, Agreement) {
    let d = run_engine(scenario, program, Engine::Default, limits);
    let r = run_engine(scenario, program, Engine::Reference, limits);
    let mut agreement = compare("default", &d, "reference", &r);
    // Fingerprints merge no two of these small state spaces' states (the
    // bound is far below 2^-64): the verdicts must be the same.
    let f = run_engine_with(
        scenario,
        program,
        Engine::Default,
        limits,
        Visited::Fingerprint,
    );
    match (
        &mut agreement,
        compare("default --visited fingerprint", &f, "reference", &r),
    ) {
        (_, Agreement::Agree) => {}
        (Agreement::Disagree(diffs), Agreement::Disagree(more)) => diffs.extend(more),
        (a, b) if !matches!(a, Agreement::Incomplete(_)) => *a = b,
        _ => {}
    }
    (d, r, agreement)
}
