//! `--format json` output validates against docs/schema/weft-result-v1.json
//! and carries what the schema promises.

mod common;

use serde_json::Value;
use weft_report::json::{self, Options};

fn schema() -> Value {
    common::load_json(&common::repo().join("docs/schema/weft-result-v1.json"))
}

fn assert_valid(instance: &Value) {
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn schema_is_a_valid_draft_7_schema() {
    let schema = schema();
    let meta = jsonschema::draft7::meta::validate(&schema);
    assert!(meta.is_ok(), "{meta:?}");
}

#[test]
fn real_output_validates_with_and_without_timings() {
    let dir = common::TempDir::new("json");
    let results = common::all_results(dir.path());
    for timings in [true, false] {
        let text = json::render(&results, 2, Options { timings });
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_valid(&v);
        assert_eq!(text.contains("elapsed_ms"), timings);
    }
}

#[test]
fn a_schema_violation_is_caught() {
    let dir = common::TempDir::new("json-bad");
    let results = common::all_results(dir.path());
    let mut v = json::value(&results, 2, Options::default());
    v["scenarios"][0]["verdict"] = Value::from("maybe");
    let validator = jsonschema::validator_for(&schema()).unwrap();
    assert!(!validator.is_valid(&v));
}

#[test]
fn carries_findings_evidence_counterexample_and_verdicts() {
    let dir = common::TempDir::new("json-content");
    let results = common::all_results(dir.path());
    let v = json::value(&results, 2, Options::default());
    assert_eq!(v["schema"], "weft-result");
    assert_eq!(v["version"], 1);
    let sc = |name: &str| -> Value {
        v["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no scenario {name}"))
            .clone()
    };
    // A data race: both accesses, the pattern, a replayable counterexample.
    let cu = sc("counter-unlocked");
    assert_eq!(cu["verdict"], "pass");
    let race = &cu["findings"][0];
    assert_eq!(race["kind"], "data-race");
    assert_eq!(race["subject"], "counter");
    assert_eq!(race["evidence"]["pattern"], "lost update");
    assert_eq!(race["evidence"]["accesses"][0]["access"], "write");
    assert_eq!(race["evidence"]["accesses"][0]["site"]["line"], 15);
    let ce = &race["counterexample"];
    assert_eq!(ce["schedule"], "0,0,0,1,1,2");
    assert_eq!(ce["threads"].as_array().unwrap().len(), 3);
    let steps = ce["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 6);
    assert_eq!(steps[3]["thread"], "Thread-1 (work)");
    assert_eq!(steps[3]["line"], 15);
    assert_eq!(steps[3]["notes"][0], "read counter → 0");
    assert_eq!(race["highlighted_steps"], serde_json::json!([5, 6]));
    assert_eq!(cu["exploration"]["status"], "complete");
    assert!(cu["exploration"]["stats"]["states"].as_u64().unwrap() > 0);
    // A lock-order cycle: its locks, edges and the lock-order graph.
    let lo = sc("lock-order-two-locks");
    let cyc = lo["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "lock-order-cycle")
        .unwrap();
    assert_eq!(cyc["subject"], serde_json::json!(["lock_a", "lock_b"]));
    assert_eq!(cyc["evidence"]["edges"].as_array().unwrap().len(), 2);
    assert_eq!(lo["lock_edges"].as_array().unwrap().len(), 2);
    // Verdicts other than pass.
    let fail = sc("fail-unexpected-race");
    assert_eq!(fail["verdict"], "fail");
    assert_eq!(fail["mismatch"]["unexpected"][0]["kind"], "data-race");
    let missing = sc("fail-missing");
    assert_eq!(missing["mismatch"]["missing"][0]["kind"], "deadlock");
    let bad = sc("invalid-syntax");
    assert_eq!(bad["verdict"], "invalid");
    assert_eq!(bad["exit_code"], 2);
    assert_eq!(bad["error"]["location"]["line"], 4);
    let inc = sc("inconclusive");
    assert_eq!(inc["verdict"], "inconclusive");
    assert_eq!(inc["exploration"]["limit"], "states");
    assert_eq!(v["summary"]["invalid"], 1);
}
