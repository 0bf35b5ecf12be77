//! `weft-oracle [OPTIONS] PATH...`: every cross-check over scenario files,
//! as a table (scenario | default vs reference | loom | cpython | time).
//! Exits 1 on any disagreement (not on loom "beyond"/"limit"), 2 on a usage
//! error. See docs/testing.md.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use weft_oracle::{check_scenario, scenario_files, table, OracleOptions, Row};

const USAGE: &str = "\
usage: weft-oracle [OPTIONS] PATH...

Checks each scenario (files or directories of *.yaml/*.yml/*.py) four ways:
the default engine against the reference engine (findings, end states,
deadlock states), loom (via the weft binary), and CPython (python3).

options:
  --loom-time-limit SECS   loom's time limit per scenario (default 10)
  --no-loom                do not run loom
  --no-cpython             do not run CPython
  --runs N                 CPython runs per scenario (default 20)
  --timeout SECS           CPython per-run timeout, a hang past it (default 3)
  --seed N                 CPython yield seed (default: random)
  --jobs N                 scenarios checked at once (default 2)
  --max-states N           state limit of the engine runs (default 2000000)
environment: WEFT_BIN (the weft binary for loom), WEFT_CPYTHON_ORACLE (oracle.py)";

fn main() -> ExitCode {
    let mut options = OracleOptions::default();
    let mut jobs = 2usize;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    let usage = |msg: &str| {
        eprintln!("weft-oracle: {msg}\n\n{USAGE}");
        ExitCode::from(2)
    };
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        let r: Result<(), String> = (|| {
            match a.as_str() {
                "-h" | "--help" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                "--no-loom" => options.loom_time_limit = None,
                "--no-cpython" => options.cpython = None,
                "--loom-time-limit" => {
                    let v: f64 = value(&a)?.parse().map_err(|e| format!("{a}: {e}"))?;
                    options.loom_time_limit = Some(Duration::from_secs_f64(v));
                }
                "--runs" | "--timeout" | "--seed" => {
                    let v = value(&a)?;
                    let c = options.cpython.get_or_insert_with(Default::default);
                    match a.as_str() {
                        "--runs" => c.runs = v.parse().map_err(|e| format!("{a}: {e}"))?,
                        "--timeout" => {
                            c.timeout_secs = v.parse().map_err(|e| format!("{a}: {e}"))?
                        }
                        _ => c.seed = Some(v.parse().map_err(|e| format!("{a}: {e}"))?),
                    }
                }
                "--jobs" => jobs = value(&a)?.parse().map_err(|e| format!("{a}: {e}"))?,
                "--max-states" => {
                    options.limits.max_states =
                        Some(value(&a)?.parse().map_err(|e| format!("{a}: {e}"))?)
                }
                s if s.starts_with('-') => return Err(format!("unknown option {s}")),
                _ => paths.push(PathBuf::from(&a)),
            }
            Ok(())
        })();
        if let Err(e) = r {
            return usage(&e);
        }
    }
    if paths.is_empty() {
        return usage("no scenario paths given");
    }
    let files = scenario_files(&paths);
    if files.is_empty() {
        return usage("no scenario files found");
    }
    if options.loom_time_limit.is_some() && options.weft_bin.is_none() {
        eprintln!("loom: not run (weft binary not found; build it with `cargo build --release -p weft` or set WEFT_BIN)");
    }
    let start = Instant::now();
    let next = AtomicUsize::new(0);
    let rows: Mutex<Vec<Option<Row>>> = Mutex::new(vec![None; files.len()]);
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(f) = files.get(i) else { break };
                let row = check_scenario(f, &options);
                eprintln!(
                    "{:<36} {:.1} s{}",
                    row.scenario,
                    row.elapsed.as_secs_f64(),
                    if row.disagreement {
                        "  DISAGREEMENT"
                    } else {
                        ""
                    }
                );
                rows.lock().unwrap()[i] = Some(row);
            });
        }
    });
    let rows: Vec<Row> = rows.into_inner().unwrap().into_iter().flatten().collect();
    print!("{}", table(&rows));
    let bad: Vec<&Row> = rows.iter().filter(|r| r.disagreement).collect();
    println!(
        "\n{} scenarios, {} with a disagreement, {:.1} s",
        rows.len(),
        bad.len(),
        start.elapsed().as_secs_f64()
    );
    for r in &bad {
        println!("\n{}:", r.scenario);
        for d in &r.details {
            println!("  {d}");
        }
    }
    if bad.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
