//! Every key, accepted.

use std::time::Duration;

use super::*;
use crate::{Expect, ExpectedFinding, FindingKind, Limits, ParamValue, Subject};

const FULL: &str = r#"name: counter-unlocked
description: |
  Two threads add 1.
program: |
  import threading
  counter = 0
params:
  N: 3
  FLAG: true
  RATE: 0.5
  LABEL: hi
  NOTHING: ~
  SIZES: [1, [2, 3], "x", null, false]
invariants:
  - counter >= 0
final:
  - counter == 4
  - "len(items) == N"
atomic: [ready, obj.flag]
limits:
  max-states: 50000000
  preemptions: 2
  time-limit: 30s
  max-memory: 512MB
expect:
  - data-race: counter
  - assertion
  - exception: RuntimeError
  - lock-order-cycle: [fork1, fork0, fork1]
  - deadlock
  - assertion: counter == 4
"#;

#[test]
fn full_scenario_loads() {
    let s = ok(FULL);
    assert_eq!(s.name.value, "counter-unlocked");
    assert_eq!(s.file.line_col(s.name.span.start), (1, 7));
    assert_eq!(s.description.as_deref(), Some("Two threads add 1.\n"));
    assert_eq!(s.program.text, "import threading\ncounter = 0\n");
    assert_eq!(s.path, Path::new("x.yaml"));
    let names: Vec<_> = s.params.iter().map(|p| p.name.value.as_str()).collect();
    assert_eq!(names, ["N", "FLAG", "RATE", "LABEL", "NOTHING", "SIZES"]);
    assert_eq!(s.file.line_col(s.params[0].name.span.start), (8, 3));
    let values: Vec<_> = s.params.iter().map(|p| p.value.clone()).collect();
    assert_eq!(
        values,
        [
            ParamValue::Int(3),
            ParamValue::Bool(true),
            ParamValue::Float(0.5),
            ParamValue::Str("hi".into()),
            ParamValue::None,
            ParamValue::List(vec![
                ParamValue::Int(1),
                ParamValue::List(vec![ParamValue::Int(2), ParamValue::Int(3)]),
                ParamValue::Str("x".into()),
                ParamValue::None,
                ParamValue::Bool(false),
            ]),
        ]
    );
    assert_eq!(s.invariants.len(), 1);
    assert_eq!(s.invariants[0].text.text, "counter >= 0");
    assert_eq!(s.file.line_col(s.invariants[0].span.start), (15, 5));
    let finals: Vec<_> = s.finals.iter().map(|c| c.text.text.as_str()).collect();
    assert_eq!(finals, ["counter == 4", "len(items) == N"]);
    // A quoted expression maps past its quote.
    assert_eq!(s.finals[1].text.file_line_col(0), (18, 6));
    let atomic: Vec<_> = s.atomic.iter().map(|a| a.value.as_str()).collect();
    assert_eq!(atomic, ["ready", "obj.flag"]);
    assert_eq!(s.file.line_col(s.atomic[1].span.start), (19, 17));
    assert_eq!(
        s.limits,
        Limits {
            max_states: Some(50_000_000),
            preemptions: Some(2),
            time_limit: Some(Duration::from_secs(30)),
            max_memory: Some(512_000_000),
        }
    );
    let Expect::Findings(f) = &s.expect else {
        panic!("{:?}", s.expect)
    };
    let got: Vec<_> = f.iter().map(|e| (e.kind, e.subject.clone())).collect();
    assert_eq!(
        got,
        [
            (FindingKind::DataRace, Some(Subject::Name("counter".into()))),
            (FindingKind::Assertion, None),
            (
                FindingKind::Exception,
                Some(Subject::Name("RuntimeError".into()))
            ),
            (
                FindingKind::LockOrderCycle,
                Some(Subject::Set(vec!["fork0".into(), "fork1".into()]))
            ),
            (FindingKind::Deadlock, None),
            (
                FindingKind::Assertion,
                Some(Subject::Name("counter == 4".into()))
            ),
        ]
    );
    let ExpectedFinding { span, .. } = &f[0];
    assert_eq!(s.file.line_col(span.start), (26, 5));
    assert_eq!(s.file.line_col(f[1].span.start), (27, 5));
    assert_eq!(s.file.line_col(s.expect_span.unwrap().start), (26, 3));
}

#[test]
fn minimal_scenario_has_defaults() {
    let s = ok(HEAD);
    assert_eq!(s.description, None);
    assert!(s.params.is_empty() && s.invariants.is_empty() && s.finals.is_empty());
    assert!(s.atomic.is_empty());
    assert_eq!(s.limits, Limits::default());
    assert_eq!(s.expect, Expect::Clean);
    assert_eq!(s.expect_span, None);
}

#[test]
fn empty_collections_and_nulls_are_accepted() {
    let s = ok(&format!(
        "{HEAD}description:\nparams: {{}}\ninvariants: []\nfinal:\natomic: []\nlimits: {{}}\nexpect: []\n"
    ));
    assert_eq!(s.description, None);
    assert!(s.params.is_empty() && s.finals.is_empty());
    assert_eq!(s.expect, Expect::Clean);
    assert!(s.expect_span.is_some());
    let s = ok(&format!("{HEAD}limits:\n  max-states: ~\n  preemptions:\n"));
    assert_eq!(s.limits, Limits::default());
}

#[test]
fn expect_clean_and_kinds_alone() {
    assert_eq!(ok(&format!("{HEAD}expect: clean\n")).expect, Expect::Clean);
    let s = ok(&format!(
        "{HEAD}expect: [data-race, lock-order-cycle, exception, deadlock]\n"
    ));
    let Expect::Findings(f) = s.expect else {
        panic!()
    };
    assert!(f.iter().all(|e| e.subject.is_none()));
    assert_eq!(f.len(), 4);
    // `- data-race:` with no subject is the kind alone.
    let s = ok(&format!("{HEAD}expect:\n  - data-race:\n"));
    let Expect::Findings(f) = s.expect else {
        panic!()
    };
    assert_eq!(f[0].subject, None);
}

#[test]
fn single_string_checks_and_atomic() {
    let s = ok(&format!(
        "{HEAD}final: counter == 4\natomic: ready\ninvariants: x >= 0\n"
    ));
    assert_eq!(s.finals[0].text.text, "counter == 4");
    assert_eq!(s.invariants[0].text.text, "x >= 0");
    assert_eq!(s.atomic[0].value, "ready");
}

#[test]
fn time_limits_and_memory_sizes() {
    let lim = |v: &str| {
        ok(&format!("{HEAD}limits:\n  time-limit: {v}\n"))
            .limits
            .time_limit
    };
    assert_eq!(lim("30"), Some(Duration::from_secs(30)));
    assert_eq!(lim("1.5"), Some(Duration::from_millis(1500)));
    assert_eq!(lim("2m"), Some(Duration::from_secs(120)));
    assert_eq!(lim("1h"), Some(Duration::from_secs(3600)));
    assert_eq!(lim("500ms"), Some(Duration::from_millis(500)));
    assert_eq!(lim("\"45\""), Some(Duration::from_secs(45)));
    let mem = |v: &str| {
        ok(&format!("{HEAD}limits:\n  max-memory: {v}\n"))
            .limits
            .max_memory
    };
    assert_eq!(mem("1048576"), Some(1 << 20));
    assert_eq!(mem("2GiB"), Some(2 << 30));
    assert_eq!(mem("1.5 GB"), Some(1_500_000_000));
    assert_eq!(mem("64KiB"), Some(64 << 10));
    assert_eq!(mem("100b"), Some(100));
}

#[test]
fn finding_kind_ids_round_trip() {
    for k in FindingKind::ALL {
        assert_eq!(FindingKind::from_id(k.id()), Some(k));
        assert_eq!(k.to_string(), k.id());
    }
    assert_eq!(FindingKind::from_id("livelock"), None);
    let ids: Vec<_> = FindingKind::ALL.iter().map(|k| k.id()).collect();
    assert_eq!(
        ids,
        [
            "data-race",
            "deadlock",
            "lock-order-cycle",
            "assertion",
            "exception"
        ]
    );
}

#[test]
fn keys_in_any_order_and_crlf() {
    let s = ok("expect: clean\r\nprogram: |\r\n  a = 1\r\n  b = 2\r\nname: crlf\r\n");
    assert_eq!(s.name.value, "crlf");
    assert_eq!(s.program.text, "a = 1\nb = 2\n");
    assert_eq!(s.program.file_line_col(6), (4, 3));
}

#[test]
fn bom_is_skipped() {
    let s = ok("\u{feff}name: bom\nprogram: x = 1\n");
    assert_eq!(s.name.value, "bom");
    assert_eq!(s.file.line_col(s.name.span.start), (1, 7));
}
