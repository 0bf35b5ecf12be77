//! Runs a scenario end to end: load, compile, explore, turn what the
//! runtime saw into user-facing findings with counterexamples, find
//! lock-order cycles, and match the result against the scenario's `expect`.
//!
//! This is where the pipeline's stages meet; each stage stays ignorant of
//! the others. It owns the user vocabulary of results ([`Finding`],
//! [`Verdict`]) that every report format renders, and replay of schedules.
//! Must not know: how results are printed.

mod expect;
mod findings;
mod lockorder;
mod loom_engine;
pub mod schedule;
mod trace;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use weft_diag::Diagnostic;
pub use weft_explore::{LimitKind, Progress, Stats, Status, Visited};
pub use weft_scenario::{Expect, ExpectedFinding, FindingKind, Scenario, Subject};

pub use expect::{match_expect, Mismatch};
pub use loom_engine::loom_worker;
pub use trace::{replay, source_site, ReplayResult, Trace, TraceStep};

use weft_compile::{Literal, Options, ParamInput};
use weft_explore::{explore, explore_reference, Config, Outcome};
use weft_model::Program;
use weft_runtime::{Machine, ModelOptions, ThreadModel};
use weft_scenario::ParamValue;

/// Limits from the command line; they override the scenario's own.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub max_states: Option<u64>,
    pub time_limit: Option<Duration>,
    pub max_memory: Option<u64>,
    pub preemptions: Option<u32>,
    /// Keep every reachable end state (for oracles).
    pub keep_final_states: bool,
    pub engine: Engine,
    /// Turn every reduction off (the default engine only): partial-order
    /// reduction and symmetry.
    pub no_reduction: bool,
    /// Turn the partial-order reduction off.
    pub no_por: bool,
    /// Turn symmetry reduction off.
    pub no_symmetry: bool,
    /// Store every state, lone ones too (states with one successor, which
    /// the default engine passes through without storing).
    pub store_all: bool,
    /// Whole states or fingerprints in the visited set (the default engine only).
    pub visited: Visited,
    /// Threads expanding states (0: one per core). The results do not
    /// depend on it.
    pub workers: usize,
    /// Called about every 250 ms during exploration (a progress line).
    pub progress: Option<ProgressHook>,
}

/// A progress callback for [`CheckOptions::progress`]; shareable across scenarios.
#[derive(Clone)]
pub struct ProgressHook(pub std::sync::Arc<dyn Fn(&Progress) + Send + Sync>);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook")
    }
}

/// Which explorer runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Engine {
    /// The production explorer.
    #[default]
    Default,
    /// The simplest trustworthy explorer, for cross-checking.
    Reference,
    /// loom, as an independent oracle (in a subprocess; small scenarios only).
    Loom,
}

/// One finding, as users see it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: FindingKind,
    pub subject: Option<Subject>,
    /// One line: "data race on counter (lost update)".
    pub title: String,
    /// Evidence, one item per line.
    pub details: Vec<String>,
    /// Where in the scenario file it points (1-based line, column).
    pub line: u32,
    pub column: u32,
    /// The same evidence as `details`, structured for machine formats.
    pub evidence: Evidence,
    pub trace: Option<Trace>,
}

/// A place in the scenario file and what is written there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSite {
    /// `file:line`
    pub location: String,
    pub line: u32,
    pub column: u32,
    /// The source line, trimmed.
    pub source: String,
}

/// One side of a data race.
#[derive(Debug, Clone)]
pub struct RaceAccess {
    pub thread: String,
    /// `"read"` or `"write"`.
    pub access: &'static str,
    pub site: SourceSite,
}

/// A thread blocked in a deadlock.
#[derive(Debug, Clone)]
pub struct BlockedThread {
    pub thread: String,
    /// What it waits for, e.g. `fork1.acquire()`.
    pub waits_for: String,
    /// Threads holding what it waits for.
    pub held_by: Vec<String>,
    pub site: Option<SourceSite>,
}

/// One edge of a lock-order cycle: `thread` took `holds` at `held_at`, then
/// acquired `acquires` at `acquired_at`.
#[derive(Debug, Clone)]
pub struct LockEdge {
    pub thread: String,
    pub holds: String,
    pub acquires: String,
    pub held_at: SourceSite,
    pub acquired_at: SourceSite,
}

/// Kind-specific evidence of a finding.
#[derive(Debug, Clone)]
pub enum Evidence {
    DataRace {
        /// The earlier access first.
        accesses: [RaceAccess; 2],
        /// `"lost update"`, `"check-then-act"`, or none.
        pattern: Option<&'static str>,
    },
    Exception {
        thread: String,
        /// The type as CPython prints it (`_queue.Empty`).
        type_name: String,
        message: String,
        /// Innermost frame last, as in a CPython traceback.
        traceback: Vec<(String, SourceSite)>,
    },
    Assertion {
        /// `assert`, `invariant` or `final`.
        source: &'static str,
        expression: String,
        message: Option<String>,
        /// Values of the globals the expression reads, when it is an invariant or final check.
        values: Vec<(String, String)>,
        /// The check raised instead of evaluating to false.
        error: Option<String>,
    },
    /// From an engine that finds a finding but keeps no witness (loom).
    Summary {
        engine: &'static str,
        message: String,
    },
    Deadlock {
        threads: Vec<BlockedThread>,
        self_deadlock: bool,
    },
    LockOrderCycle {
        /// Locks in cycle order.
        locks: Vec<String>,
        edges: Vec<LockEdge>,
        /// Some explored schedule deadlocked on these locks.
        deadlocked: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Matched `expect`, exploration complete (or complete for its declared bound).
    Pass,
    /// Did not match `expect`.
    Fail,
    /// A resource limit was hit before a mismatch was found.
    Inconclusive,
    /// The scenario could not be loaded or compiled.
    Invalid,
}

impl Verdict {
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
            Verdict::Invalid => 2,
            Verdict::Inconclusive => 3,
        }
    }
}

/// The result of checking one scenario file.
#[derive(Debug)]
pub struct ScenarioResult {
    pub path: PathBuf,
    pub name: String,
    pub verdict: Verdict,
    pub error: Option<Diagnostic>,
    pub checked: Option<Checked>,
    pub elapsed: Duration,
}

#[derive(Debug)]
pub struct Checked {
    pub scenario: Scenario,
    pub findings: Vec<Finding>,
    pub status: Status,
    pub stats: Stats,
    pub mismatch: Mismatch,
    /// Why the result is inconclusive: a resource limit, or a thread weft had to stop.
    pub inconclusive: Option<String>,
    /// Values of the module globals in every reachable end state, if asked for.
    pub final_states: Vec<Vec<(String, String)>>,
    /// Every distinct lock-order edge seen in the explored graph (the
    /// lock-order graph), in a deterministic order.
    pub lock_edges: Vec<LockEdge>,
    /// States were stored up to permutations of identical threads.
    pub symmetry: bool,
}

/// Load and compile a scenario.
pub fn load(path: &Path) -> Result<(Scenario, Program), Diagnostic> {
    let scenario = weft_scenario::load(path)?;
    let program = compile(&scenario)?;
    Ok((scenario, program))
}

pub fn compile(scenario: &Scenario) -> Result<Program, Diagnostic> {
    let options = Options {
        file: scenario.file.clone(),
        params: scenario
            .params
            .iter()
            .map(|p| ParamInput {
                name: p.name.value.clone(),
                name_span: p.name.span,
                value: literal(&p.value),
            })
            .collect(),
        atomic: scenario
            .atomic
            .iter()
            .map(|a| (a.value.clone(), a.span))
            .collect(),
        invariants: scenario.invariants.iter().map(|c| c.text.clone()).collect(),
        finals: scenario.finals.iter().map(|c| c.text.clone()).collect(),
    };
    weft_compile::compile(&scenario.program, &options)
}

fn literal(v: &ParamValue) -> Literal {
    match v {
        ParamValue::None => Literal::None,
        ParamValue::Bool(b) => Literal::Bool(*b),
        ParamValue::Int(i) => Literal::Int(*i),
        ParamValue::Float(f) => Literal::Float(*f),
        ParamValue::Str(s) => Literal::Str(s.clone()),
        ParamValue::List(l) => Literal::List(l.iter().map(literal).collect()),
    }
}

/// Check one scenario file.
pub fn check_file(path: &Path, options: &CheckOptions) -> ScenarioResult {
    let start = Instant::now();
    let fallback_name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (scenario, program) = match load(path) {
        Ok(x) => x,
        Err(d) => {
            return ScenarioResult {
                path: path.to_path_buf(),
                name: fallback_name,
                verdict: Verdict::Invalid,
                error: Some(d),
                checked: None,
                elapsed: start.elapsed(),
            }
        }
    };
    let checked = match options.engine {
        Engine::Loom => {
            let time_limit = options.time_limit.or(scenario.limits.time_limit);
            loom_engine::check(path, scenario, time_limit)
        }
        _ => check_program(scenario, &program, options),
    };
    let verdict = verdict_of(&checked);
    ScenarioResult {
        path: path.to_path_buf(),
        name: checked.scenario.name.value.clone(),
        verdict,
        error: None,
        checked: Some(checked),
        elapsed: start.elapsed(),
    }
}

fn verdict_of(c: &Checked) -> Verdict {
    let complete = c.inconclusive.is_none();
    if !c.mismatch.unexpected.is_empty() {
        Verdict::Fail
    } else if !complete {
        Verdict::Inconclusive
    } else if c.mismatch.is_match() {
        Verdict::Pass
    } else {
        Verdict::Fail
    }
}

/// Without `max-memory`, a run stops (inconclusive) past this estimate, so
/// an unbounded program cannot take the machine down.
pub const DEFAULT_MAX_MEMORY: u64 = 12 << 30;

/// Explore a compiled scenario as [`check_program`] does: the model it
/// explored (symmetry off if the program turned out to tell identical
/// threads apart) and the outcome, its witnesses as the program runs them.
pub fn explore_program<'p>(
    scenario: &Scenario,
    program: &'p Program,
    options: &CheckOptions,
) -> (ThreadModel<'p>, Outcome<ThreadModel<'p>>) {
    let default_engine = options.engine != Engine::Reference;
    let por = default_engine && !options.no_reduction && !options.no_por;
    let limits = &scenario.limits;
    let preemption_bound = options.preemptions.or(limits.preemptions);
    // Symmetry renames threads, which a preemption bound counts.
    let symmetry = default_engine
        && !options.no_reduction
        && !options.no_symmetry
        && preemption_bound.is_none();
    // `strict`: no symmetry, and thread ends visible to whoever holds the
    // thread (see `ModelOptions`).
    let model_with = |strict: bool| {
        ThreadModel::new(
            Machine::new(program),
            ModelOptions {
                no_part_sharing: options.visited == Visited::Fingerprint,
                forget_known_accesses: por,
                symmetry: symmetry && !strict,
                // Without the partial-order reduction it changes nothing.
                ends_visible: strict || !por,
                canonical_dict_order: default_engine && !options.no_reduction,
            },
        )
    };
    let config = || Config {
        max_states: options.max_states.or(limits.max_states),
        time_limit: options.time_limit.or(limits.time_limit),
        max_memory: options
            .max_memory
            .or(limits.max_memory)
            .or(Some(DEFAULT_MAX_MEMORY)),
        preemption_bound,
        keep_terminal_states: options.keep_final_states,
        progress: options
            .progress
            .clone()
            .map(|h| Box::new(move |p: &Progress| (h.0)(p)) as weft_explore::ProgressFn),
        reduce: por,
        pass_lone: default_engine && !options.no_reduction && !options.store_all,
        visited: options.visited,
        workers: match options.workers {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        },
        ..Config::default()
    };
    let run = |model: &ThreadModel<'p>| match options.engine {
        Engine::Default | Engine::Loom => explore(model, config()),
        Engine::Reference => explore_reference(model, config()),
    };
    let mut model = model_with(false);
    let mut outcome = run(&model);
    if model.assumptions_broken() {
        // The program turned a thread into text (its name, whether it is
        // alive) or took nested locks in identical threads: permuting them,
        // or taking a thread's end as unseen by those that only join it,
        // was not harmless, so the run says nothing.
        model = model_with(true);
        outcome = run(&model);
    }
    if model.uses_symmetry() {
        let witnesses = std::mem::take(&mut outcome.witnesses);
        let reported: Vec<_> = witnesses
            .iter()
            .map(|w| (w.key.clone(), w.steps.len()))
            .collect();
        outcome.witnesses = witnesses
            .into_iter()
            .map(|w| model.concrete_witness(w, &reported))
            .collect();
    }
    (model, outcome)
}

/// Explore a compiled scenario and match the result against `expect`.
pub fn check_program(scenario: Scenario, program: &Program, options: &CheckOptions) -> Checked {
    let (model, outcome) = explore_program(&scenario, program, options);
    let symmetry = model.uses_symmetry();
    let mut findings = findings::from_witnesses(&model, &scenario, &outcome.witnesses);
    findings.extend(lockorder::cycles(
        &model,
        &scenario,
        &outcome.witnesses,
        &findings,
    ));
    findings.sort_by_key(|f| (f.kind, f.subject.clone(), f.line));
    let lock_edges = lockorder::edges(&model, &outcome.witnesses);
    let mismatch = match_expect(&scenario.expect, &findings);
    let inconclusive = match outcome.status {
        Status::Incomplete(kind) => Some(match kind {
            LimitKind::States => "the state limit was reached".to_string(),
            LimitKind::Time => "the time limit was reached".to_string(),
            LimitKind::Memory => "the memory limit was reached".to_string(),
        }),
        _ => findings::runaway(program, &outcome.witnesses),
    };
    // The same comparison as every other engine and oracle: `weft_loom::final_globals`.
    let mut final_states: Vec<Vec<(String, String)>> = outcome
        .terminal_states
        .iter()
        .filter(|s| s.ended())
        .map(|s| weft_loom::final_globals(program, s))
        .collect();
    final_states.sort();
    final_states.dedup();
    Checked {
        scenario,
        findings,
        status: outcome.status,
        stats: outcome.stats,
        mismatch,
        inconclusive,
        final_states,
        lock_edges,
        symmetry,
    }
}
