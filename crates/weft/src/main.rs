//! `weft`: the command line. Parses arguments, walks paths, hands each
//! scenario to `weft-check` and prints with `weft-report`. Nothing else.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use weft_check::{CheckOptions, ScenarioResult, Verdict};
use weft_report::text::{self, Detail, Style};

// States are cloned and dropped by the million: a faster allocator pays.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Stop (inconclusive, exit 3) after storing this many states.
        #[arg(long)]
        max_states: Option<u64>,
        /// Stop (inconclusive, exit 3) after this many seconds per scenario.
        #[arg(long, value_name = "SECS")]
        time_limit: Option<f64>,
        /// Stop (inconclusive, exit 3) past this estimated memory, in bytes.
        #[arg(long, value_name = "BYTES")]
        max_memory: Option<u64>,
        /// Explore only executions with at most N preemptions.
        #[arg(long, value_name = "N")]
        preemptions: Option<u32>,
        /// Which explorer runs: the production one, or the unreduced reference.
        #[arg(long, default_value = "default", value_parser = ["default", "reference"])]
        engine: String,
        /// Output format.
        #[arg(long, default_value = "text", value_parser = ["text"])]
        format: String,
        /// Show evidence and counterexamples for every scenario, not only failing ones.
        #[arg(long)]
        traces: bool,
    },
    /// Replay a schedule (from a counterexample) step by step.
    Replay {
        scenario: PathBuf,
        /// Comma-separated thread numbers, as printed with a counterexample.
        #[arg(long)]
        schedule: String,
    },
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

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let style = style();
    let mut stdout = std::io::stdout().lock();
    match cli.command {
        Command::Check {
            paths,
            max_states,
            time_limit,
            max_memory,
            preemptions,
            engine,
            format: _,
            traces,
        } => {
            let files = match collect(&paths) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            if files.is_empty() {
                eprintln!("error: no scenario files (*.yaml, *.yml, *.py) found");
                return ExitCode::from(2);
            }
            let time_limit = match time_limit {
                Some(t) if !(t.is_finite() && t > 0.0) => {
                    eprintln!("error: --time-limit must be a positive number of seconds");
                    return ExitCode::from(2);
                }
                t => t.map(Duration::from_secs_f64),
            };
            let options = CheckOptions {
                max_states,
                time_limit,
                max_memory,
                preemptions,
                keep_final_states: false,
                engine: if engine == "reference" {
                    weft_check::Engine::Reference
                } else {
                    weft_check::Engine::Default
                },
            };
            let single = files.len() == 1;
            let mut results = Vec::new();
            for f in &files {
                let r = weft_check::check_file(f, &options);
                let detail = if traces || single || r.verdict != Verdict::Pass {
                    Detail::Full
                } else {
                    Detail::Brief
                };
                let _ = write!(stdout, "{}", text::scenario(&r, detail, style));
                let _ = stdout.flush();
                results.push(r);
            }
            if !single {
                let _ = write!(stdout, "\n{}", text::summary(&results, style));
            }
            ExitCode::from(exit_code(&results))
        }
        Command::Replay { scenario, schedule } => match weft_check::replay(&scenario, &schedule) {
            Ok(r) => {
                let _ = write!(stdout, "{}", text::replay(&r, style));
                ExitCode::from(if r.error.is_some() { 2 } else { 0 })
            }
            Err(d) => {
                eprint!("{}", d.render(std::io::stderr().is_terminal()));
                ExitCode::from(2)
            }
        },
    }
}
