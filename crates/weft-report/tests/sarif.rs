//! `--format sarif` validates against the official SARIF 2.1.0 schema and
//! places results on the scenario file's lines.

mod common;

use serde_json::Value;
use weft_report::json::Options;
use weft_report::sarif;

#[test]
fn validates_against_the_official_sarif_schema() {
    let path = common::shared().join("schemas/sarif-schema-2.1.0.json");
    if !path.is_file() {
        eprintln!(
            "SKIPPED: SARIF schema not found at {} (CI keeps it in ../shared)",
            path.display()
        );
        return;
    }
    let schema = common::load_json(&path);
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let dir = common::TempDir::new("sarif");
    let results = common::all_results(dir.path());
    for timings in [true, false] {
        let log: Value =
            serde_json::from_str(&sarif::render(&results, Options { timings })).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "SARIF violations:\n{}",
            errors.join("\n")
        );
    }
    // The check is real: a broken log is rejected.
    let mut bad = sarif::value(&results, Options::default());
    bad["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&bad));
}

#[test]
fn one_rule_per_kind_and_results_on_the_scenario_lines() {
    let dir = common::TempDir::new("sarif-lines");
    let results = common::all_results(dir.path());
    let log = sarif::value(&results, Options::default());
    let run = &log["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "data-race",
            "deadlock",
            "lock-order-cycle",
            "assertion",
            "exception"
        ]
    );
    let res = run["results"].as_array().unwrap();
    assert!(res.len() > 10, "{}", res.len());
    for r in res {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx], r["ruleId"].as_str().unwrap());
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        let line = loc["region"]["startLine"].as_u64().unwrap() as usize;
        // The URI names a file that exists, relative to where the check ran.
        let file = if uri.starts_with("file://") {
            std::path::PathBuf::from(uri.trim_start_matches("file://").replace("%20", " "))
        } else {
            std::path::PathBuf::from(uri)
        };
        if let Ok(text) = std::fs::read_to_string(&file) {
            assert!(line >= 1 && line <= text.lines().count(), "{uri}:{line}");
        }
    }
    // The data race of counter-unlocked sits on `counter += 1`, line 15 of the YAML.
    let race = res
        .iter()
        .find(|r| r["properties"]["scenario"] == "counter-unlocked" && r["ruleId"] == "data-race")
        .unwrap();
    let loc = &race["locations"][0]["physicalLocation"];
    assert!(loc["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("scenarios/counter-unlocked.yaml"));
    assert_eq!(loc["region"]["startLine"], 15);
    assert_eq!(race["level"], "note", "an expected finding is a note");
    assert_eq!(race["relatedLocations"].as_array().unwrap().len(), 2);
    let flows = race["codeFlows"][0]["threadFlows"].as_array().unwrap();
    assert_eq!(flows.len(), 3, "one thread flow per thread");
    // An unexpected finding is an error; an invalid scenario is a notification.
    let unexpected = res
        .iter()
        .find(|r| r["properties"]["scenario"] == "fail-unexpected-race")
        .unwrap();
    assert_eq!(unexpected["level"], "error");
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| n["message"]["text"]
        .as_str()
        .unwrap()
        .contains("invalid-syntax")));
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn uris_are_escaped() {
    assert_eq!(sarif::uri("./a b/c<d>.yaml"), "a%20b/c%3Cd%3E.yaml");
    assert_eq!(sarif::uri("/abs/x.py"), "file:///abs/x.py");
    assert_eq!(sarif::uri("dir\\x.yaml"), "dir/x.yaml");
}
