//! `weft replay`: every printed counterexample replays to the same trace,
//! and bad schedules are refused.

mod common;

use common::{check, strip_timings, weft, TempDir, RACY_COUNTER};

// --------------------------------------------------------------------- replay

/// The schedule string of the first counterexample in `text`.
fn first_schedule(text: &str) -> Option<String> {
    let at = text.find("--schedule ")?;
    let rest = &text[at + "--schedule ".len()..];
    let s: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
    Some(s)
}

/// The trace of the first counterexample: the trimmed lines after the line
/// carrying `--schedule`, up to and including `state at the end`, or a blank line.
fn first_trace(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for l in text.lines() {
        if !inside {
            inside = l.contains("--schedule ");
            continue;
        }
        let t = l.trim();
        if t.is_empty() {
            break;
        }
        out.push(t.to_string());
        if t.starts_with("state at the end") {
            break;
        }
    }
    out
}

#[test]
fn replay_reproduces_the_counterexample() {
    let c = check(
        "replay-race",
        RACY_COUNTER,
        "expect:\n  - data-race: counter\n",
    );
    c.run.assert_code(0);
    let (trace, replay) = replay_finding(&c, "data-race");
    assert!(
        trace.len() >= 4,
        "expected a counterexample trace\n{}",
        c.dump()
    );
    replay.assert_contains("data race on counter");
}

#[test]
fn replay_is_deterministic() {
    let c = check(
        "replay-twice",
        RACY_COUNTER,
        "expect:\n  - data-race: counter\n",
    );
    let schedule = first_schedule(&c.run.text()).expect("a schedule");
    let args = [
        "replay".as_ref(),
        c.file.as_os_str(),
        "--schedule".as_ref(),
        std::ffi::OsStr::new(&schedule),
    ];
    let a = weft(args);
    let b = weft(args);
    assert_eq!(
        strip_timings(&a.text()),
        strip_timings(&b.text()),
        "two replays differ"
    );
}

#[test]
fn replay_bad_schedule_garbage() {
    let c = check(
        "replay-garbage",
        RACY_COUNTER,
        "expect:\n  - data-race: counter\n",
    );
    let run = weft([
        "replay".as_ref(),
        c.file.as_os_str(),
        "--schedule".as_ref(),
        "0,banana".as_ref(),
    ]);
    run.assert_code(2).assert_contains("banana");
}

#[test]
fn replay_bad_schedule_impossible_thread() {
    let c = check(
        "replay-impossible",
        RACY_COUNTER,
        "expect:\n  - data-race: counter\n",
    );
    let run = weft([
        "replay".as_ref(),
        c.file.as_os_str(),
        "--schedule".as_ref(),
        "0,7".as_ref(),
    ]);
    run.assert_code(2);
}

#[test]
fn replay_without_schedule_is_usage_error() {
    let c = check(
        "replay-noschedule",
        RACY_COUNTER,
        "expect:\n  - data-race: counter\n",
    );
    let run = weft(["replay".as_ref(), c.file.as_os_str()]);
    run.assert_code(2);
}

#[test]
fn replay_invalid_scenario() {
    let (run, _d) = {
        let dir = TempDir::new("replay-invalid");
        let file = dir.write("bad.yaml", "name: bad\nprogram: |\n  x = (\n");
        (
            weft([
                "replay".as_ref(),
                file.as_os_str(),
                "--schedule".as_ref(),
                "0".as_ref(),
            ]),
            dir,
        )
    };
    run.assert_code(2).assert_contains("bad.yaml:3:");
}

/// Every `--schedule S` printed in `text`, in order.
fn all_schedules(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("--schedule ") {
        rest = &rest[at + "--schedule ".len()..];
        out.push(rest.chars().take_while(|c| !c.is_whitespace()).collect());
    }
    out
}

#[test]
fn replay_reproduces_a_deadlock() {
    let c = check(
        "replay-ab-ba",
        r#"
        import threading
        a = threading.Lock()
        b = threading.Lock()
        def ab():
            with a:
                with b:
                    pass
        def ba():
            with b:
                with a:
                    pass
        t1 = threading.Thread(target=ab)
        t2 = threading.Thread(target=ba)
        t1.start()
        t2.start()
        t1.join()
        t2.join()
        "#,
        "expect:\n  - deadlock\n  - lock-order-cycle: [a, b]\n",
    );
    c.run.assert_code(0);
    let (_, replay) = replay_finding(&c, "deadlock");
    // The replay must say what it reproduces, as it does for a race ("seen: …");
    // the word appears nowhere in the program or its path.
    replay.assert_contains("deadlock");
}

#[test]
fn every_canonical_counterexample_replays() {
    // Each schedule printed by `check --traces` for each canonical scenario
    // is accepted by `weft replay` (exit 0).
    let dir = common::scenarios_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "py")))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut replayed = 0;
    for file in &files {
        let run = weft(["check".as_ref(), "--traces".as_ref(), file.as_os_str()]);
        for s in all_schedules(&run.text()) {
            let r = weft([
                "replay".as_ref(),
                file.as_os_str(),
                "--schedule".as_ref(),
                s.as_ref(),
            ]);
            replayed += 1;
            if r.code != Some(0) {
                failures.push(r.dump());
            }
        }
    }
    assert!(replayed > 0, "no counterexample found to replay");
    assert!(
        failures.is_empty(),
        "{} of {replayed} replays failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Replays the counterexample printed in the block of the first finding line
/// starting with `kind:`; asserts that the replay shows every step of its
/// trace, in order, and returns the trace and the replay.
fn replay_finding(c: &common::Checked, kind: &str) -> (Vec<String>, common::Run) {
    let text = c.run.text();
    let block_start = text
        .lines()
        .scan(0usize, |off, l| {
            let here = *off;
            *off += l.len() + 1;
            Some((here, l))
        })
        .find(|(_, l)| l.trim_start().starts_with(&format!("{kind}:")))
        .map(|(at, _)| at)
        .unwrap_or_else(|| panic!("no {kind} finding\n{}", c.dump()));
    let block = &text[block_start..];
    let schedule = first_schedule(block)
        .unwrap_or_else(|| panic!("no `--schedule` in the {kind} finding\n{}", c.dump()));
    assert!(!schedule.is_empty(), "empty schedule\n{}", c.dump());
    let trace = first_trace(block);
    let replay = weft([
        "replay".as_ref(),
        c.file.as_os_str(),
        "--schedule".as_ref(),
        schedule.as_ref(),
    ]);
    replay.assert_code(0);
    let replay_lines: Vec<String> = replay
        .text()
        .lines()
        .map(|l| l.trim().to_string())
        .collect();
    let mut pos = 0;
    for want in &trace {
        match replay_lines[pos..].iter().position(|l| l == want) {
            Some(i) => pos += i + 1,
            None => panic!(
                "replay does not show the step {want:?} (in order)\ncheck trace:\n{}\n{}\n",
                trace.join("\n"),
                replay.dump()
            ),
        }
    }
    (trace, replay)
}

#[test]
fn replay_reproduces_a_final_assertion() {
    let c = check(
        "replay-final",
        RACY_COUNTER,
        "final:\n  - counter == 2\nexpect:\n  - data-race: counter\n  - assertion\n",
    );
    c.run.assert_code(0);
    let (_, replay) = replay_finding(&c, "assertion");
    // The replayed end state violates the final check; the replay says so
    // (the expression appears nowhere else: not in the program, not in the path).
    replay.assert_contains("counter == 2");
}

#[test]
fn replay_lists_each_finding_once() {
    let c = check(
        "replay-once",
        RACY_COUNTER,
        "final:\n  - counter == 2\nexpect:\n  - data-race: counter\n  - assertion\n",
    );
    let (_, replay) = replay_finding(&c, "assertion");
    let text = replay.text();
    let seen: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("seen:"))
        .collect();
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        seen.len(),
        unique.len(),
        "the same `seen:` line is printed several times\n{}",
        replay.dump()
    );
}
