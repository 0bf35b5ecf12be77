//! `weft`: the command line. Parses arguments, walks paths, hands each
//! scenario to `weft-check` and prints with `weft-report`. Nothing else.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use weft_check::{CheckOptions, ScenarioResult, Verdict};
use weft_report::graph::GraphFormat;
use weft_report::json::Options as JsonOptions;
use weft_report::progress::{self, ProgressLine};
use weft_report::text::{self, Detail, Style};

// States are cloned and dropped by the million: a faster allocator pays.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (v2 and v3 alike).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keep freed memory instead of handing it back to the system: a search
/// frees and allocates states all the time, and memory handed back is
/// faulted in and zeroed again by the kernel (a tenth of the run time on
/// one worker, more on two, where each worker frees what the other
/// allocated). The process keeps what its peak needed until it exits.
/// A `MIMALLOC_PURGE_DELAY` in the environment still wins.
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: setting an option is sound at any time; -1 is "never purge".
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

#[derive(Parser)]
#[command(
    name = "weft",
    version,
    about = "A concurrency model checker and race detector for Python threading programs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Explore every interleaving of each scenario and compare with its `expect`.
    Check {
        /// Scenario files (.yaml, .yml, .py) or directories of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
        /// Output format (to stdout, or to --output).
        #[arg(long, default_value = "text", value_parser = ["text", "json", "sarif", "junit"])]
        format: String,
        /// Write the --format output to FILE instead of stdout.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Also write the JSON result (docs/reports.md) to FILE.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Also write a SARIF 2.1.0 log to FILE.
        #[arg(long, value_name = "FILE")]
        sarif: Option<PathBuf>,
        /// Also write a JUnit XML report to FILE.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Leave wall-clock timings out of every output, so that the same input gives byte-identical files.
        #[arg(long)]
        no_timings: bool,
        /// Never draw the progress line (it is drawn only on a terminal, never under CI).
        #[arg(long)]
        no_progress: bool,
        /// Show evidence and counterexamples for every scenario, not only failing ones.
        #[arg(long)]
        traces: bool,
    },
    /// Internal: run one scenario under loom and print the result as JSON
    /// (`--engine loom` runs this in a subprocess, since loom panics at its limits).
    #[command(name = "__loom-worker", hide = true)]
    LoomWorker {
        scenario: PathBuf,
        #[arg(long, value_name = "SECS")]
        time_limit: Option<f64>,
    },
    /// Replay a schedule (from a counterexample) step by step.
    Replay {
        scenario: PathBuf,
        /// Comma-separated thread numbers, as printed with a counterexample.
        #[arg(long)]
        schedule: String,
    },
    /// Draw the lock-order graph or a counterexample (Graphviz dot or Mermaid).
    Graph {
        #[command(subcommand)]
        what: GraphCommand,
    },
    /// Write a self-contained HTML report of one scenario (exit code as `check`).
    Report {
        scenario: PathBuf,
        /// Write to FILE instead of stdout.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
        /// Leave the run's timings out of the page.
        #[arg(long)]
        no_timings: bool,
    },
}

#[derive(Subcommand)]
enum GraphCommand {
    /// Nodes are locks; an edge A → B means a thread held A while acquiring B.
    LockOrder {
        scenario: PathBuf,
        #[command(flatten)]
        graph: GraphArgs,
    },
    /// A counterexample as a sequence diagram of its threads.
    Trace {
        scenario: PathBuf,
        /// Which finding (1-based, in report order); default: the first.
        #[arg(long, value_name = "N")]
        finding: Option<usize>,
        #[command(flatten)]
        graph: GraphArgs,
    },
}

#[derive(Args, Clone)]
struct GraphArgs {
    #[arg(long, default_value = "dot", value_parser = ["dot", "mermaid"])]
    format: String,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Args, Clone)]
struct LimitArgs {
    /// Stop (inconclusive, exit 3) after storing this many states.
    #[arg(long)]
    max_states: Option<u64>,
    /// Stop (inconclusive, exit 3) after this many seconds per scenario.
    #[arg(long, value_name = "SECS")]
    time_limit: Option<f64>,
    /// Stop (inconclusive, exit 3) once the search's memory passes this many
    /// bytes (the larger of weft's estimate and the measured growth of
    /// resident memory).
    #[arg(long, value_name = "BYTES")]
    max_memory: Option<u64>,
    /// Explore only executions with at most N preemptions.
    #[arg(long, value_name = "N")]
    preemptions: Option<u32>,
    /// Which explorer runs: the production one, the unreduced reference, or
    /// loom (an independent oracle for small scenarios; see docs/testing.md).
    #[arg(long, default_value = "default", value_parser = ["default", "reference", "loom"])]
    engine: String,
    /// Turn off every reduction: partial-order, symmetry and the canonical
    /// order of dicts whose order no code sees (see docs/semantics.md). The
    /// verdict is the same, only slower.
    #[arg(long)]
    no_reduction: bool,
    /// Turn off the partial-order reduction and the forgetting of race records that goes with it (symmetry stays on).
    #[arg(long)]
    no_por: bool,
    /// Turn off symmetry reduction only (identical threads stored up to
    /// permutation).
    #[arg(long)]
    no_symmetry: bool,
    /// Store every state, even one with a single successor (one thread can
    /// move, in one way), which is otherwise passed through unstored.
    #[arg(long)]
    store_all: bool,
    /// How visited states are remembered: whole (`exact`), or as 128-bit
    /// fingerprints (a few bytes each, with a reported collision bound).
    #[arg(long, default_value = "exact", value_parser = ["exact", "fingerprint"])]
    visited: String,
    /// Threads that expand states (default: one per core). The result is
    /// the same for any number.
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    workers: usize,
}

impl LimitArgs {
    fn options(&self) -> Result<CheckOptions, String> {
        let time_limit = match self.time_limit {
            Some(t) if !(t.is_finite() && t > 0.0) => {
                return Err("--time-limit must be a positive number of seconds".into())
            }
            t => t.map(Duration::from_secs_f64),
        };
        Ok(CheckOptions {
            max_states: self.max_states,
            time_limit,
            max_memory: self.max_memory,
            preemptions: self.preemptions,
            keep_final_states: false,
            engine: match self.engine.as_str() {
                "reference" => weft_check::Engine::Reference,
                "loom" => weft_check::Engine::Loom,
                _ => weft_check::Engine::Default,
            },
            no_reduction: self.no_reduction,
            no_por: self.no_por,
            no_symmetry: self.no_symmetry,
            store_all: self.store_all,
            workers: self.workers,
            visited: match self.visited.as_str() {
                "fingerprint" => weft_check::Visited::Fingerprint,
                _ => weft_check::Visited::Exact,
            },
            progress: None,
        })
    }
}

fn style() -> Style {
    let color = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    Style { color }
}

/// Scenario files under `paths`, directories walked in name order.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out).map_err(|e| format!("{}: {e}", p.display()))?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "py")
        ) {
            out.push(p);
        }
    }
    Ok(())
}

/// Worst verdict wins: invalid, then mismatch, then inconclusive.
fn exit_code(results: &[ScenarioResult]) -> u8 {
    let has = |v| results.iter().any(|r: &ScenarioResult| r.verdict == v);
    if has(Verdict::Invalid) {
        2
    } else if has(Verdict::Fail) {
        1
    } else if has(Verdict::Inconclusive) {
        3
    } else {
        0
    }
}

/// Write `text` to `path`, or to stdout.
fn emit(path: Option<&Path>, text: &str) -> Result<(), String> {
    match path {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        _ => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| format!("cannot write to stdout: {e}"))
        }
    }
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

fn progress_line(enabled: bool) -> Option<ProgressLine> {
    (enabled && progress::wanted()).then(|| ProgressLine::new(stderr_color()))
}

fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Check one scenario, with a progress line if wanted.
fn check_one(path: &Path, options: &CheckOptions, line: Option<&ProgressLine>) -> ScenarioResult {
    let mut options = options.clone();
    if let Some(l) = line {
        l.start(&path.file_stem().unwrap_or_default().to_string_lossy());
        options.progress = Some(l.hook());
    }
    let r = weft_check::check_file(path, &options);
    if let Some(l) = line {
        l.finish();
    }
    r
}

/// Check one scenario for `graph`/`report`; an invalid one is printed and ends the run.
fn check_single(path: &Path, limits: &LimitArgs) -> Result<ScenarioResult, ExitCode> {
    let options = limits.options().map_err(fail)?;
    if !path.is_file() {
        return Err(fail(format!("{}: no such file", path.display())));
    }
    Ok(check_one(path, &options, progress_line(true).as_ref()))
}

fn graph(what: GraphCommand) -> ExitCode {
    let (scenario, finding, args) = match what {
        GraphCommand::LockOrder { scenario, graph } => (scenario, None, graph),
        GraphCommand::Trace {
            scenario,
            finding,
            graph,
        } => (scenario, Some(finding), graph),
    };
    let format = if args.format == "mermaid" {
        GraphFormat::Mermaid
    } else {
        GraphFormat::Dot
    };
    let r = match check_single(&scenario, &args.limits) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let Some(c) = &r.checked else {
        if let Some(d) = &r.error {
            eprint!("{}", d.render(stderr_color()));
        }
        return ExitCode::from(2);
    };
    let text = match finding {
        None => weft_report::graph::lock_order(c, format),
        Some(n) => {
            let with_trace: Vec<(usize, &weft_check::Finding)> = c
                .findings
                .iter()
                .enumerate()
                .filter(|(_, f)| f.trace.is_some())
                .collect();
            let chosen = match n {
                None => with_trace.first().copied(),
                Some(n) => c.findings.get(n.wrapping_sub(1)).map(|f| (n - 1, f)),
            };
            let Some((_, f)) = chosen else {
                return fail(match n {
                    None => format!("{}: no finding, so no counterexample to draw", r.name),
                    Some(n) => format!(
                        "{}: no finding {n} (there are {})",
                        r.name,
                        c.findings.len()
                    ),
                });
            };
            let Some(t) = &f.trace else {
                return fail("that finding has no counterexample");
            };
            weft_report::graph::trace(f, t, format)
        }
    };
    match emit(args.output.as_deref(), &text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let style = style();
    match cli.command {
        Command::Check {
            paths,
            limits,
            format,
            output,
            json,
            sarif,
            junit,
            no_timings,
            no_progress,
            traces,
        } => {
            let files = match collect(&paths) {
                Ok(f) => f,
                Err(e) => return fail(e),
            };
            if files.is_empty() {
                return fail("no scenario files (*.yaml, *.yml, *.py) found");
            }
            let options = match limits.options() {
                Ok(o) => o,
                Err(e) => return fail(e),
            };
            let timings = !no_timings;
            let opts = JsonOptions { timings };
            // Text on stdout streams scenario by scenario; everything else is written at the end.
            let stream = format == "text" && output.is_none();
            let text_style = if stream {
                style
            } else {
                Style { color: false }
            };
            let line = progress_line(!no_progress);
            let single = files.len() == 1;
            let mut results = Vec::new();
            let mut text_out = String::new();
            for f in &files {
                let r = check_one(f, &options, line.as_ref());
                let detail = if traces || single || r.verdict != Verdict::Pass {
                    Detail::Full
                } else {
                    Detail::Brief
                };
                let t = text::scenario_with(&r, detail, text_style, timings);
                if stream {
                    let mut stdout = std::io::stdout().lock();
                    let _ = write!(stdout, "{t}");
                    let _ = stdout.flush();
                } else {
                    text_out.push_str(&t);
                }
                results.push(r);
            }
            if !single {
                let s = format!("\n{}", text::summary_with(&results, text_style, timings));
                if stream {
                    let _ = write!(std::io::stdout().lock(), "{s}");
                } else {
                    text_out.push_str(&s);
                }
            }
            let code = exit_code(&results);
            let render = |fmt: &str| match fmt {
                "json" => weft_report::json::render(&results, code, opts),
                "sarif" => weft_report::sarif::render(&results, opts),
                "junit" => weft_report::junit::render(&results, opts),
                _ => text_out.clone(),
            };
            let mut outputs: Vec<(Option<&Path>, &str)> = Vec::new();
            if !stream {
                outputs.push((output.as_deref(), format.as_str()));
            }
            for (p, fmt) in [(&json, "json"), (&sarif, "sarif"), (&junit, "junit")] {
                if let Some(p) = p {
                    outputs.push((Some(p.as_path()), fmt));
                }
            }
            for (path, fmt) in outputs {
                if let Err(e) = emit(path, &render(fmt)) {
                    return fail(e);
                }
            }
            ExitCode::from(code)
        }
        Command::LoomWorker {
            scenario,
            time_limit,
        } => {
            let limit = time_limit
                .filter(|t| t.is_finite() && *t > 0.0)
                .map(Duration::from_secs_f64);
            match weft_check::loom_worker(&scenario, limit) {
                Ok(json) => {
                    println!("{json}");
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    eprint!("{}", d.render(false));
                    ExitCode::from(2)
                }
            }
        }
        Command::Replay { scenario, schedule } => match weft_check::replay(&scenario, &schedule) {
            Ok(r) => {
                let _ = write!(std::io::stdout().lock(), "{}", text::replay(&r, style));
                ExitCode::from(if r.error.is_some() { 2 } else { 0 })
            }
            Err(d) => {
                eprint!("{}", d.render(std::io::stderr().is_terminal()));
                ExitCode::from(2)
            }
        },
        Command::Graph { what } => graph(what),
        Command::Report {
            scenario,
            output,
            limits,
            no_timings,
        } => {
            let r = match check_single(&scenario, &limits) {
                Ok(r) => r,
                Err(code) => return code,
            };
            if let Err(e) = emit(
                output.as_deref(),
                &weft_report::html::render(&r, !no_timings),
            ) {
                return fail(e);
            }
            if let Some(p) = &output {
                eprintln!(
                    "{}: {} → {}",
                    r.name,
                    weft_report::common::verdict_id(r.verdict),
                    p.display()
                );
            }
            ExitCode::from(r.verdict.exit_code() as u8)
        }
    }
}
