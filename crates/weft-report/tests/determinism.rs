//! Same input, byte-identical JSON, SARIF and JUnit: exactly so without
//! timings, and apart from the timing fields with them.

mod common;

use serde_json::Value;
use weft_check::CheckOptions;
use weft_report::json::Options;
use weft_report::{json, junit, sarif};

/// Remove every timing field from a JSON document.
pub fn strip_timings(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("elapsed_ms");
            m.remove("states_per_second");
            // Measured memory varies like a timing and goes with them.
            m.remove("peak_resident_bytes");
            for x in m.values_mut() {
                strip_timings(x);
            }
            // A properties bag that held only timings goes too.
            if m.get("properties")
                .is_some_and(|p| p.as_object().is_some_and(|o| o.is_empty()))
            {
                m.remove("properties");
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_timings),
        _ => {}
    }
}

/// Remove `time="…"` attributes from JUnit XML.
pub fn strip_junit_times(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(" time=\"") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 7..];
        rest = &after[after.find('"').unwrap() + 1..];
    }
    out.push_str(rest);
    out
}

fn run(dir: &std::path::Path, threads_first: bool) -> Vec<weft_check::ScenarioResult> {
    let mut files = common::scenario_files();
    files.extend(common::extra_scenarios(dir));
    if threads_first {
        // Interleave other work between runs: results must not depend on it.
        let _ = common::check_one("philosophers-3.yaml");
    }
    common::check(&files, &CheckOptions::default())
}

#[test]
fn without_timings_outputs_are_byte_identical() {
    let dir = common::TempDir::new("det");
    let a = run(dir.path(), false);
    let b = run(dir.path(), true);
    let o = Options { timings: false };
    assert_eq!(json::render(&a, 2, o), json::render(&b, 2, o));
    assert_eq!(sarif::render(&a, o), sarif::render(&b, o));
    assert_eq!(junit::render(&a, o), junit::render(&b, o));
    assert!(!json::render(&a, 2, o).contains("elapsed_ms"));
    assert!(!sarif::render(&a, o).contains("elapsed_ms"));
}

#[test]
fn with_timings_only_timings_differ() {
    let dir = common::TempDir::new("det-t");
    let a = run(dir.path(), false);
    let b = run(dir.path(), true);
    let o = Options { timings: true };
    for render in [
        |r: &[weft_check::ScenarioResult], o| json::render(r, 2, o),
        |r: &[weft_check::ScenarioResult], o| sarif::render(r, o),
    ] {
        let mut x: Value = serde_json::from_str(&render(&a, o)).unwrap();
        let mut y: Value = serde_json::from_str(&render(&b, o)).unwrap();
        strip_timings(&mut x);
        strip_timings(&mut y);
        assert!(x == y, "outputs differ beyond timings");
        // And stripping the timings gives the --no-timings output.
        let z: Value = serde_json::from_str(&render(&a, Options { timings: false })).unwrap();
        assert!(x == z, "stripped output differs from --no-timings output");
    }
    // JUnit: the time attributes and the elapsed time in the text are all that differ.
    let strip = |s: String| strip_text_ms(&strip_junit_times(&s));
    assert_eq!(strip(junit::render(&a, o)), strip(junit::render(&b, o)));
    assert_eq!(
        strip(junit::render(&a, o)),
        junit::render(&b, Options { timings: false })
    );
}

/// Remove the text rendering's ` · 1.2 ms` from `(N states · 1.2 ms)`.
fn strip_text_ms(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(" · ") {
        let after = &rest[i + " · ".len()..];
        let num: String = after
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if !num.is_empty() && after[num.len()..].starts_with(" ms)") {
            out.push_str(&rest[..i]);
            rest = &after[num.len() + 3..];
        } else {
            out.push_str(&rest[..i + " · ".len()]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
