//! The exploration options of `weft check`: the partial-order reduction
//! (`--no-reduction`), lone states (`--store-all`) and the visited set
//! (`--visited`). Each changes how
//! much work a run does, never its verdict or findings.

mod common;

use common::{scenarios_dir, weft};
use serde_json::Value;

fn run_json(scenario: &str, extra: &[&str]) -> Value {
    let path = scenarios_dir().join(scenario);
    let mut args = vec![
        "check".to_string(),
        path.display().to_string(),
        "--format".into(),
        "json".into(),
        "--no-progress".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let run = weft(&args);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{}", run.dump()))
}

fn findings(v: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v["scenarios"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].to_string(), f["subject"].to_string()))
        .collect();
    out.sort();
    out
}

fn stats(v: &Value) -> &Value {
    &v["scenarios"][0]["exploration"]["stats"]
}

#[test]
fn the_reduction_stores_fewer_states_and_finds_the_same() {
    // Findings of every kind the reduction must keep: deadlock and lock
    // order, a race and an assertion, a lost wake-up.
    for scenario in [
        "philosophers-3.yaml",
        "counter-unlocked.yaml",
        "condition-lost-wakeup.yaml",
    ] {
        let reduced = run_json(scenario, &[]);
        let full = run_json(scenario, &["--no-reduction"]);
        assert_eq!(findings(&reduced), findings(&full), "{scenario}");
        assert_eq!(reduced["exit_code"], full["exit_code"], "{scenario}");
        let (r, f) = (stats(&reduced), stats(&full));
        assert_eq!(f["reduced"], 0, "{scenario}: --no-reduction reduced");
        assert!(
            r["states"].as_u64() <= f["states"].as_u64(),
            "{scenario}: {r} vs {f}"
        );
    }
    let r = run_json("philosophers-3.yaml", &[]);
    let f = run_json("philosophers-3.yaml", &["--no-reduction"]);
    assert!(stats(&r)["reduced"].as_u64().unwrap() > 0);
    assert!(stats(&r)["states"].as_u64() < stats(&f)["states"].as_u64());
}

/// Lone states (one successor) are passed, not stored: the same findings,
/// with counterexamples of the same length, from fewer stored states; every
/// step is still taken (`transitions` does not shrink).
#[test]
fn lone_states_are_passed_unless_every_state_is_stored() {
    let lengths = |v: &Value| -> Vec<usize> {
        let mut l: Vec<usize> = v["scenarios"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["counterexample"]["steps"].as_array().unwrap().len())
            .collect();
        l.sort();
        l
    };
    for scenario in [
        "counter-locked.yaml",
        "philosophers-3.yaml",
        "condition-lost-wakeup.yaml",
    ] {
        let passed = run_json(scenario, &[]);
        let all = run_json(scenario, &["--store-all"]);
        assert_eq!(findings(&passed), findings(&all), "{scenario}");
        assert_eq!(lengths(&passed), lengths(&all), "{scenario}");
        assert_eq!(passed["exit_code"], all["exit_code"], "{scenario}");
        let (p, a) = (stats(&passed), stats(&all));
        assert!(p["passed"].as_u64().unwrap() > 0, "{scenario}: {p}");
        assert_eq!(a["passed"], 0, "{scenario}");
        assert!(p["states"].as_u64() < a["states"].as_u64(), "{scenario}");
        assert!(p["transitions"].as_u64() >= a["transitions"].as_u64());
    }
    let none = run_json("counter-locked.yaml", &["--no-reduction"]);
    assert_eq!(stats(&none)["passed"], 0);
}

#[test]
fn fingerprints_report_their_mode_and_collision_bound() {
    let exact = run_json("philosophers-3.yaml", &[]);
    let prints = run_json("philosophers-3.yaml", &["--visited", "fingerprint"]);
    assert_eq!(findings(&exact), findings(&prints));
    let (e, p) = (stats(&exact), stats(&prints));
    assert_eq!(e["visited"], "exact");
    assert!(e["collision_bound"].is_null());
    assert_eq!(p["visited"], "fingerprint");
    let bound = p["collision_bound"].as_f64().unwrap();
    assert!(bound > 0.0 && bound < 1e-20, "{bound}");
    assert_eq!(e["states"], p["states"]);
    assert!(p["bytes_per_state"].as_u64() < e["bytes_per_state"].as_u64());

    let text = weft([
        "check",
        &scenarios_dir()
            .join("philosophers-3.yaml")
            .display()
            .to_string(),
        "--visited",
        "fingerprint",
        "--no-progress",
    ]);
    text.assert_contains("fingerprints, P(collision) ≤ ");
}

#[test]
fn an_unknown_visited_mode_is_a_usage_error() {
    weft(["check", "x.yaml", "--visited", "approximate"]).assert_code(2);
}

/// The whole report (findings, counterexamples, counts) is the same for
/// any number of workers; only the `workers` count itself differs.
#[test]
fn workers_do_not_change_the_report() {
    let dir = scenarios_dir().display().to_string();
    let report = |workers: &str| {
        let run = weft([
            "check",
            &dir,
            "--format",
            "json",
            "--no-timings",
            "--no-progress",
            "--workers",
            workers,
        ]);
        let mut v: Value = serde_json::from_str(&run.stdout).unwrap();
        for s in v["scenarios"].as_array_mut().unwrap() {
            let stats = &mut s["exploration"]["stats"];
            assert_eq!(stats["workers"].to_string(), workers);
            stats["workers"] = Value::Null;
        }
        v
    };
    let one = report("1");
    assert!(one["scenarios"].as_array().unwrap().len() > 20);
    assert_eq!(one, report("3"));
}
