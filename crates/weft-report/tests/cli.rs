//! The `weft` binary's report flags and subcommands: `--format`,
//! `--output`, several formats in one run, `--no-timings`, `weft graph`,
//! `weft report`, and no progress line when stderr is not a terminal.
//!
//! Runs the binary `cargo test --workspace` builds beside this test; when it
//! is not there (`cargo test -p weft-report` alone), says so and skips.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn weft() -> Option<PathBuf> {
    let b = common::weft_bin();
    if b.is_none() {
        eprintln!(
            "SKIPPED: the weft binary is not built beside this test (run `cargo test --workspace`)"
        );
    }
    b
}

fn run(bin: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(common::repo())
        .env_remove("NO_COLOR")
        .env("CI", "true")
        .output()
        .expect("weft runs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn several_formats_in_one_run_are_deterministic() {
    let Some(bin) = weft() else { return };
    let dir = common::TempDir::new("cli-multi");
    let mut outputs = Vec::new();
    for round in 0..2 {
        let (j, sa, ju) = (
            dir.path().join(format!("{round}.json")),
            dir.path().join(format!("{round}.sarif")),
            dir.path().join(format!("{round}.xml")),
        );
        let out = run(
            &bin,
            &[
                "check",
                "scenarios/",
                "--format",
                "text",
                "--json",
                s(&j),
                "--sarif",
                s(&sa),
                "--junit",
                s(&ju),
                "--no-timings",
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("passed, 0 failed"), "{text}");
        assert!(
            !text.contains("\x1b["),
            "no colour when stdout is not a terminal"
        );
        assert!(
            out.stderr.is_empty(),
            "no progress line when not a terminal"
        );
        outputs.push([
            text,
            std::fs::read_to_string(&j).unwrap(),
            std::fs::read_to_string(&sa).unwrap(),
            std::fs::read_to_string(&ju).unwrap(),
        ]);
    }
    assert_eq!(
        outputs[0], outputs[1],
        "byte-identical text, JSON, SARIF and JUnit"
    );
    let json: serde_json::Value = serde_json::from_str(&outputs[0][1]).unwrap();
    assert_eq!(json["exit_code"], 0);
    assert_eq!(json["summary"]["passed"], json["summary"]["scenarios"]);
    let sarif: serde_json::Value = serde_json::from_str(&outputs[0][2]).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"]
            .as_str()
            .unwrap()
            .split('/')
            .next(),
        Some("scenarios"),
        "relative paths stay relative"
    );
    junit_parser::from_reader(outputs[0][3].as_bytes()).unwrap();
}

#[test]
fn format_and_output() {
    let Some(bin) = weft() else { return };
    let dir = common::TempDir::new("cli-out");
    let file = dir.path().join("r.json");
    let out = run(
        &bin,
        &[
            "check",
            "scenarios/counter-unlocked.yaml",
            "--format",
            "json",
            "-o",
            s(&file),
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.is_empty(),
        "the format goes to the file, not stdout"
    );
    let v = common::load_json(&file);
    assert!(
        v["scenarios"][0]["elapsed_ms"].is_number(),
        "timings by default"
    );
    // To stdout.
    for format in ["json", "sarif", "junit"] {
        let out = run(
            &bin,
            &["check", "scenarios/counter-locked.yaml", "--format", format],
        );
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        match format {
            "junit" => assert!(text.starts_with("<?xml")),
            _ => {
                serde_json::from_str::<serde_json::Value>(&text).unwrap();
            }
        }
    }
    // Text to a file has no colour; exit codes are check's.
    let txt = dir.path().join("r.txt");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "name: bad\nprogram: |\n  x = (\n").unwrap();
    let out = run(&bin, &["check", s(&bad), "-o", s(&txt)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(std::fs::read_to_string(&txt)
        .unwrap()
        .contains("INVALID bad"));
    let out = run(
        &bin,
        &["check", "scenarios/counter-locked.yaml", "--format", "xml"],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "unknown format is a usage error"
    );
}

#[test]
fn graph_subcommands() {
    let Some(bin) = weft() else { return };
    let out = run(
        &bin,
        &[
            "graph",
            "lock-order",
            "scenarios/philosophers-3.yaml",
            "--format",
            "dot",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let dot = String::from_utf8(out.stdout).unwrap();
    assert!(dot.starts_with("digraph") && dot.contains("penwidth"));
    let out = run(
        &bin,
        &[
            "graph",
            "lock-order",
            "scenarios/philosophers-3.yaml",
            "--format",
            "mermaid",
        ],
    );
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("flowchart LR"));
    let out = run(
        &bin,
        &[
            "graph",
            "trace",
            "scenarios/lock-order-two-locks.yaml",
            "--finding",
            "2",
            "--format",
            "mermaid",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let mm = String::from_utf8(out.stdout).unwrap();
    assert!(
        mm.contains("title: lock-order cycle: lock_a → lock_b → lock_a"),
        "{mm}"
    );
    let out = run(&bin, &["graph", "trace", "scenarios/counter-unlocked.yaml"]);
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("data race on counter"));
    let out = run(
        &bin,
        &[
            "graph",
            "trace",
            "scenarios/counter-unlocked.yaml",
            "--finding",
            "9",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no finding 9 (there are 2)"));
    let out = run(&bin, &["graph", "trace", "scenarios/counter-locked.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a clean scenario has no counterexample"
    );
}

#[test]
fn report_writes_one_html_file() {
    let Some(bin) = weft() else { return };
    let dir = common::TempDir::new("cli-report");
    let file = dir.path().join("report.html");
    let out = run(
        &bin,
        &["report", "scenarios/philosophers-3.yaml", "-o", s(&file)],
    );
    assert_eq!(out.status.code(), Some(0));
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.contains("class=\"swimlanes\"") && html.contains("fork0 → fork1 → fork2"));
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "name: bad\nprogram: |\n  x = (\n").unwrap();
    let out = run(&bin, &["report", s(&bad), "-o", s(&file)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("Invalid scenario"));
}
