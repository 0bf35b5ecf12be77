//! `--format junit` is read back by real consumers: the `junit-parser`
//! crate (the JUnit model) and `quick-xml` (strict well-formedness).

mod common;

use junit_parser::TestStatus;
use quick_xml::events::Event;
use weft_report::json::Options;
use weft_report::junit;

fn well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => {
                t.decode().expect("text decodes");
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML at {}: {e}", reader.buffer_position()),
        }
    }
    assert_eq!(depth, 0, "unbalanced elements");
}

#[test]
fn one_test_case_per_scenario_with_the_right_status() {
    let dir = common::TempDir::new("junit");
    let results = common::all_results(dir.path());
    let xml = junit::render(&results, Options::default());
    well_formed(&xml);
    let suites = junit_parser::from_reader(xml.as_bytes()).expect("junit-parser reads it");
    assert_eq!(suites.tests as usize, results.len());
    assert_eq!(suites.suites.len(), 1);
    let suite = &suites.suites[0];
    assert_eq!(suite.cases.len(), results.len());
    assert_eq!(suite.failures, 3, "two mismatches and the racy .py");
    assert_eq!(suite.errors, 1);
    assert_eq!(suite.skipped, 1);
    let case = |name: &str| {
        suite
            .cases
            .iter()
            .find(|c| c.original_name == name)
            .unwrap_or_else(|| panic!("no test case {name}"))
    };
    // A pass, with its findings in system-out.
    let pass = case("counter-unlocked");
    assert!(pass.status.is_success());
    assert!(pass
        .system_out
        .as_deref()
        .unwrap()
        .contains("data race on counter"));
    assert_eq!(pass.classname.as_deref(), Some("weft.scenarios"));
    // A mismatch: a failure whose message names it and whose text is the counterexample.
    match &case("fail-unexpected-race").status {
        TestStatus::Failure(f) => {
            assert_eq!(f.failure_type, "mismatch");
            assert_eq!(f.message, "unexpected data-race: n");
            assert!(f.text.contains("counterexample:"), "{}", f.text);
            assert!(f.text.contains("weft replay"));
        }
        s => panic!("expected a failure, got {s:?}"),
    }
    match &case("fail-missing").status {
        TestStatus::Failure(f) => assert_eq!(f.message, "expected deadlock not found"),
        s => panic!("expected a failure, got {s:?}"),
    }
    // An invalid scenario: an error located at file:line:col.
    match &case("invalid-syntax").status {
        TestStatus::Error(e) => {
            assert_eq!(e.error_type, "invalid-scenario");
            assert!(
                e.message.contains("invalid-syntax.yaml:4:"),
                "{}",
                e.message
            );
        }
        s => panic!("expected an error, got {s:?}"),
    }
    // Inconclusive: skipped, saying which limit.
    match &case("inconclusive").status {
        TestStatus::Skipped(s) => assert!(s.message.contains("state limit"), "{}", s.message),
        s => panic!("expected skipped, got {s:?}"),
    }
    // Names with XML metacharacters survive.
    assert!(suite.cases.iter().any(|c| c
        .file
        .as_deref()
        .is_some_and(|f| f.ends_with("plain <&> \"quoted\".py"))));
}

#[test]
fn timings_are_optional() {
    let results = vec![common::check_one("counter-locked.yaml")];
    let with = junit::render(&results, Options { timings: true });
    let without = junit::render(&results, Options { timings: false });
    assert!(with.contains(" time=\""));
    assert!(!without.contains(" time=\""));
    assert!(!without.contains(" ms)"));
    let parsed = junit_parser::from_reader(without.as_bytes()).unwrap();
    assert_eq!(parsed.suites[0].cases[0].time, 0.0);
}
