//! The command line contract (SPEC §1, §5): exit codes, diagnostics for bad
//! input, hostile YAML, `.py` scenarios, `weft replay` and determinism.

mod common;

use common::{assert_diagnostic, check, check_source, strip_timings, weft, yaml, TempDir};
use std::time::Duration;

/// A bad input must be refused well within this (debug build included).
const QUICK: Duration = Duration::from_secs(5);

const RACY_COUNTER: &str = r#"
    import threading
    counter = 0
    def work():
        global counter
        counter += 1
    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"#;

const LOCKED_COUNTER: &str = r#"
    import threading
    lock = threading.Lock()
    counter = 0
    def work():
        global counter
        with lock:
            counter += 1
    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"#;

// ------------------------------------------------------------------ exit codes

#[test]
fn exit_0_when_expect_matches() {
    let c = check(
        "exit-0",
        RACY_COUNTER,
        "final:\n  - counter == 2\nexpect:\n  - data-race: counter\n  - assertion\n",
    );
    c.run.assert_code(0).assert_line_starting("PASS ");
}

#[test]
fn exit_0_clean_default_expect() {
    let c = check("exit-0-clean", LOCKED_COUNTER, "final:\n  - counter == 2\n");
    c.run.assert_code(0).assert_line_starting("PASS ");
}

#[test]
fn exit_1_wrong_expect_reports_unexpected_and_missing() {
    // The program races; the scenario claims a deadlock instead.
    let c = check("exit-1", RACY_COUNTER, "expect:\n  - deadlock\n");
    c.run.assert_code(1).assert_line_starting("FAIL ");
    c.run.assert_line_starting("unexpected: data-race: counter");
    c.run.assert_line_starting("missing: deadlock");
}

#[test]
fn exit_1_expected_finding_not_found() {
    let c = check(
        "exit-1-missing",
        LOCKED_COUNTER,
        "expect:\n  - data-race: counter\n",
    );
    c.run.assert_code(1);
    c.run.assert_line_starting("missing: data-race: counter");
    c.run.assert_not_contains("unexpected:");
}

#[test]
fn exit_1_wrong_subject() {
    // Subjects must match exactly: the race is on `counter`, not on `total`.
    let c = check(
        "exit-1-subject",
        RACY_COUNTER,
        "expect:\n  - data-race: total\n",
    );
    c.run.assert_code(1);
    c.run.assert_line_starting("unexpected: data-race: counter");
    c.run.assert_line_starting("missing: data-race: total");
}

#[test]
fn exit_1_when_one_of_several_files_fails() {
    let dir = TempDir::new("mixed");
    dir.write("good.yaml", yaml("good", LOCKED_COUNTER, ""));
    dir.write("bad.yaml", yaml("bad", RACY_COUNTER, ""));
    let run = weft(["check".as_ref(), dir.path().as_os_str()]);
    run.assert_code(1);
    run.assert_line_starting("PASS good");
    run.assert_line_starting("FAIL bad");
    run.assert_line_starting("1 passed, 1 failed");
}

const PHILOSOPHERS: &str = r#"
    import threading
    fork0 = threading.Lock()
    fork1 = threading.Lock()
    fork2 = threading.Lock()
    def philosopher(left, right):
        for _ in range(2):
            with left:
                with right:
                    pass
    ts = [threading.Thread(target=philosopher, args=(fork0, fork1)),
          threading.Thread(target=philosopher, args=(fork1, fork2)),
          threading.Thread(target=philosopher, args=(fork2, fork0))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
"#;

const PHILOSOPHERS_EXPECT: &str =
    "expect:\n  - deadlock\n  - lock-order-cycle: [fork0, fork1, fork2]\n";

#[test]
fn philosophers_control_passes_without_limit() {
    // The same scenario as the inconclusive tests below, run to completion.
    let c = check("philosophers", PHILOSOPHERS, PHILOSOPHERS_EXPECT);
    c.run.assert_code(0);
}

#[test]
fn exit_3_max_states_flag() {
    let dir = TempDir::new("inconclusive");
    let file = dir.write(
        "philosophers.yaml",
        yaml("philosophers", PHILOSOPHERS, PHILOSOPHERS_EXPECT),
    );
    let run = weft([
        "check".as_ref(),
        "--max-states".as_ref(),
        "5".as_ref(),
        file.as_os_str(),
    ]);
    run.assert_code(3).assert_line_starting("INCONCLUSIVE ");
}

#[test]
fn exit_3_max_states_in_limits() {
    let c = check(
        "philosophers-limited",
        PHILOSOPHERS,
        &format!("limits:\n  max-states: 5\n{PHILOSOPHERS_EXPECT}"),
    );
    c.run.assert_code(3).assert_line_starting("INCONCLUSIVE ");
}

#[test]
fn exit_1_beats_inconclusive_when_mismatch_found_first() {
    // A mismatch found before the limit is a failure, not "inconclusive".
    // The race is found in the first few states; the expectation is `clean`.
    let dir = TempDir::new("mismatch-before-limit");
    let file = dir.write("racy.yaml", yaml("racy", RACY_COUNTER, ""));
    let run = weft([
        "check".as_ref(),
        "--max-states".as_ref(),
        "20".as_ref(),
        file.as_os_str(),
    ]);
    run.assert_code(1).assert_line_starting("FAIL ");
}

#[test]
fn exit_2_nonexistent_path() {
    let dir = TempDir::new("nonexistent");
    let missing = dir.path().join("no-such-scenario.yaml");
    let run = weft(["check".as_ref(), missing.as_os_str()]);
    run.assert_code(2).assert_contains("no-such-scenario.yaml");
}

#[test]
fn exit_2_no_arguments() {
    let run = weft(Vec::<&str>::new());
    run.assert_code(2);
}

#[test]
fn exit_2_check_without_paths() {
    let run = weft(["check"]);
    run.assert_code(2);
}

#[test]
fn exit_2_unknown_subcommand() {
    let run = weft(["frobnicate"]);
    run.assert_code(2);
}

#[test]
fn exit_2_bad_flag_value() {
    let run = weft(["check", "--max-states", "lots", "x.yaml"]);
    run.assert_code(2);
}

// ----------------------------------------------------- invalid scenario files

/// Writes `source` as `file_name` and checks it; must be refused quickly.
fn check_invalid(file_name: &str, source: &str) -> (common::Run, TempDir) {
    let dir = TempDir::new("invalid");
    let file = dir.write(file_name, source);
    let run = weft(["check".as_ref(), file.as_os_str()]);
    assert!(
        run.elapsed < QUICK,
        "an invalid file must be refused quickly; took {:?}\n{}",
        run.elapsed,
        run.dump()
    );
    (run, dir)
}

#[test]
fn python_syntax_error() {
    let src = "name: syntax\nprogram: |\n  import threading\n  x = (1 +\n  def f():\n      pass\n";
    let (run, _d) = check_invalid("syntax.yaml", src);
    assert_diagnostic(&run, "syntax.yaml", 4, 7, "  x = (1 +");
}

#[test]
fn python_syntax_error_in_py_file() {
    let (run, _d) = check_invalid("broken.py", "import threading\nx = 1 +* 2\n");
    run.assert_code(2);
    assert!(run.text().contains("broken.py:2:"), "{}", run.dump());
    assert!(run.text().contains("x = 1 +* 2"), "{}", run.dump());
    assert!(run.text().contains('^'), "{}", run.dump());
}

#[test]
fn unsupported_lambda_is_named() {
    let src = "name: pool\nprogram: |\n  import threading\n  def work(n):\n      pass\n  t = threading.Thread(target=lambda: work(1))\n  t.start()\n  t.join()\n";
    let (run, _d) = check_invalid("pool.yaml", src);
    assert_diagnostic(
        &run,
        "pool.yaml",
        6,
        31,
        "  t = threading.Thread(target=lambda: work(1))",
    );
    run.assert_contains("lambda")
        .assert_contains("not supported");
}

#[test]
fn unsupported_import_is_named() {
    let src = "name: imports\nprogram: |\n  import threading\n  import os\n";
    let (run, _d) = check_invalid("imports.yaml", src);
    run.assert_code(2)
        .assert_contains("os")
        .assert_contains("not supported");
    assert!(run.text().contains("imports.yaml:4:"), "{}", run.dump());
    run.assert_contains("  import os").assert_contains("^");
}

#[test]
fn unsupported_class_is_named() {
    let src = "name: classes\nprogram: |\n  class Account:\n      pass\n";
    let (run, _d) = check_invalid("classes.yaml", src);
    run.assert_code(2).assert_contains("not supported");
    assert!(run.text().contains("classes.yaml:3:"), "{}", run.dump());
    run.assert_contains("class Account:").assert_contains("^");
}

#[test]
fn unknown_name() {
    let src = "name: unknown-name\nprogram: |\n  import threading\n  def work():\n      y = undefined_name + 1\n  t = threading.Thread(target=work)\n  t.start()\n  t.join()\n";
    let (run, _d) = check_invalid("unknown-name.yaml", src);
    assert_diagnostic(
        &run,
        "unknown-name.yaml",
        5,
        11,
        "      y = undefined_name + 1",
    );
    run.assert_contains("undefined_name");
}

#[test]
fn wrong_keyword_to_thread_is_invalid() {
    // SPEC §1: "wrong argument" is a scenario error: file:line:col, exit 2.
    let src = "name: wrong-arg\nprogram: |\n  import threading\n  def work():\n      pass\n  t = threading.Thread(targt=work)\n  t.start()\n  t.join()\n";
    let (run, _d) = check_invalid("wrong-arg.yaml", src);
    run.assert_code(2);
    assert!(run.text().contains("wrong-arg.yaml:6:"), "{}", run.dump());
    run.assert_contains("targt")
        .assert_contains("  t = threading.Thread(targt=work)")
        .assert_contains("^");
}

#[test]
fn wrong_argument_count_to_lock_is_invalid() {
    let src = "name: lock-arg\nprogram: |\n  import threading\n  lock = threading.Lock(1)\n";
    let (run, _d) = check_invalid("lock-arg.yaml", src);
    run.assert_code(2);
    assert!(run.text().contains("lock-arg.yaml:4:"), "{}", run.dump());
    run.assert_contains("  lock = threading.Lock(1)")
        .assert_contains("^");
}

#[test]
fn yaml_syntax_error() {
    let src = "name: yaml-syntax\nprogram: \"import threading\nexpect: [clean\n";
    let (run, _d) = check_invalid("yaml-syntax.yaml", src);
    run.assert_code(2);
    assert_diagnostic(
        &run,
        "yaml-syntax.yaml",
        2,
        10,
        "program: \"import threading",
    );
}

#[test]
fn yaml_bad_indentation() {
    let src = "name: yaml-indent\nprogram: |\n  x = 1\n expect:\n   - deadlock\n";
    let (run, _d) = check_invalid("yaml-indent.yaml", src);
    run.assert_code(2);
    assert!(run.text().contains("yaml-indent.yaml:"), "{}", run.dump());
    run.assert_contains("^");
}

#[test]
fn unknown_key_with_did_you_mean() {
    let src = "name: key\nprogram: |\n  x = 1\ninvariant:\n  - x == 1\n";
    let (run, _d) = check_invalid("key.yaml", src);
    assert_diagnostic(&run, "key.yaml", 4, 1, "invariant:");
    run.assert_contains("did you mean")
        .assert_contains("`invariants`");
}

#[test]
fn unknown_key_expects() {
    let src = "name: key2\nprogram: |\n  x = 1\nexpects:\n  - deadlock\n";
    let (run, _d) = check_invalid("key2.yaml", src);
    assert_diagnostic(&run, "key2.yaml", 4, 1, "expects:");
    run.assert_contains("did you mean")
        .assert_contains("`expect`");
}

#[test]
fn unknown_finding_kind() {
    let src = "name: kind\nprogram: |\n  x = 1\nexpect:\n  - data-rac: x\n";
    let (run, _d) = check_invalid("kind.yaml", src);
    assert_diagnostic(&run, "kind.yaml", 5, 5, "  - data-rac: x");
    run.assert_contains("data-rac")
        .assert_contains("did you mean");
}

#[test]
fn unknown_finding_kind_alone() {
    let src = "name: kind2\nprogram: |\n  x = 1\nexpect:\n  - livelocks\n";
    let (run, _d) = check_invalid("kind2.yaml", src);
    assert_diagnostic(&run, "kind2.yaml", 5, 5, "  - livelocks");
    run.assert_contains("livelocks");
}

#[test]
fn missing_program() {
    let (run, _d) = check_invalid("noprog.yaml", "name: noprog\ndescription: x\n");
    assert_diagnostic(&run, "noprog.yaml", 1, 1, "name: noprog");
}

#[test]
fn invalid_scenario_name() {
    let src = "name: Bad_Name\nprogram: |\n  x = 1\n";
    let (run, _d) = check_invalid("badname.yaml", src);
    assert_diagnostic(&run, "badname.yaml", 1, 7, "name: Bad_Name");
}

#[test]
fn invalid_limits_value() {
    let src = "name: lim\nprogram: |\n  x = 1\nlimits:\n  max-states: lots\n";
    let (run, _d) = check_invalid("lim.yaml", src);
    assert_diagnostic(&run, "lim.yaml", 5, 15, "  max-states: lots");
}

#[test]
fn unknown_param() {
    let src = "name: par\nprogram: |\n  x = 1\nparams:\n  y: 2\n";
    let (run, _d) = check_invalid("par.yaml", src);
    assert_diagnostic(&run, "par.yaml", 5, 3, "  y: 2");
}

#[test]
fn missing_program_file() {
    let src = "name: fil\nfile: nothere.py\n";
    let (run, _d) = check_invalid("fil.yaml", src);
    assert_diagnostic(&run, "fil.yaml", 2, 7, "file: nothere.py");
}

#[test]
fn bad_final_expression() {
    let src = "name: fin\nprogram: |\n  x = 1\nfinal:\n  - x ==\n";
    let (run, _d) = check_invalid("fin.yaml", src);
    run.assert_code(2);
    assert!(run.text().contains("fin.yaml:5:"), "{}", run.dump());
    run.assert_contains("  - x ==").assert_contains("^");
}

#[test]
fn invalid_file_does_not_stop_the_others() {
    // One invalid file among valid ones: exit 2, the valid one still checked.
    let dir = TempDir::new("one-invalid");
    dir.write("good.yaml", yaml("good", LOCKED_COUNTER, ""));
    dir.write("bad.yaml", "name: bad\nprogram: |\n  x = (\n");
    let run = weft(["check".as_ref(), dir.path().as_os_str()]);
    run.assert_code(2);
    run.assert_line_starting("PASS good");
    run.assert_contains("bad.yaml:3:");
}

// --------------------------------------------------------------- hostile YAML

#[test]
fn hostile_billion_laughs() {
    let src = r#"name: bomb
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
program: |
  x = 1
"#;
    let (run, _d) = check_invalid("bomb.yaml", src);
    run.assert_code(2);
    assert!(run.text().contains("bomb.yaml:"), "{}", run.dump());
    run.assert_contains("^");
}

#[test]
fn hostile_billion_laughs_inside_a_known_key() {
    let src = r#"name: bomb2
program: |
  x = 1
a0: &a ["x","x","x","x","x","x","x","x","x","x"]
params: &p
  x: [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
final: [*p,*p,*p,*p,*p,*p,*p,*p,*p,*p,*p,*p,*p,*p,*p,*p]
"#;
    let (run, _d) = check_invalid("bomb2.yaml", src);
    run.assert_code(2);
    assert!(run.text().contains("bomb2.yaml:"), "{}", run.dump());
}

#[test]
fn hostile_deep_flow_nesting() {
    let deep = format!(
        "name: deep\nprogram: |\n  x = 1\nexpect: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (run, _d) = check_invalid("deep.yaml", &deep);
    run.assert_code(2);
    assert!(run.text().contains("deep.yaml:4:"), "{}", run.dump());
    run.assert_contains("^");
}

#[test]
fn hostile_deep_block_nesting() {
    // 10,000 nested block sequences ("- - - - …" on one line).
    let deep = format!(
        "name: deep-block\nprogram: |\n  x = 1\nfinal:\n  {}x\n",
        "- ".repeat(10_000)
    );
    let (run, _d) = check_invalid("deep-block.yaml", &deep);
    run.assert_code(2);
    assert!(run.text().contains("deep-block.yaml:"), "{}", run.dump());
}

#[test]
fn hostile_deep_python_nesting() {
    // 10,000 nested parentheses in the program itself.
    let deep = format!(
        "name: deep-py\nprogram: |\n  x = {}1{}\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let (run, _d) = check_invalid("deep-py.yaml", &deep);
    run.assert_code(2);
    assert!(run.text().contains("deep-py.yaml:3:"), "{}", run.dump());
}

#[test]
fn hostile_huge_file() {
    // A little over 8 MiB of comments after a valid head.
    let mut src = String::from("name: big\nprogram: |\n  x = 1\n");
    let filler = format!("  # {}\n", "a".repeat(100));
    while src.len() <= 8 * 1024 * 1024 + 4096 {
        src.push_str(&filler);
    }
    let (run, _d) = check_invalid("big.yaml", &src);
    assert_diagnostic(&run, "big.yaml", 1, 1, "name: big");
}

#[test]
fn binary_garbage_is_refused() {
    let dir = TempDir::new("garbage");
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let file = dir.write("garbage.yaml", &bytes);
    let run = weft(["check".as_ref(), file.as_os_str()]);
    assert!(run.elapsed < QUICK, "{}", run.dump());
    run.assert_code(2);
}

// --------------------------------------------------------- .py as a scenario

#[test]
fn py_file_clean_passes() {
    let c = check_source("clean-program", "py", &common::dedent(LOCKED_COUNTER));
    c.run
        .assert_code(0)
        .assert_line_starting("PASS clean-program");
}

#[test]
fn py_file_with_race_fails() {
    // A .py file expects `clean`: its race is an unexpected finding.
    let c = check_source("racy-program", "py", &common::dedent(RACY_COUNTER));
    c.run
        .assert_code(1)
        .assert_line_starting("FAIL racy-program");
    c.run.assert_line_starting("unexpected: data-race: counter");
}

#[test]
fn py_file_failing_assert_is_an_assertion() {
    let c = check_source(
        "assert-program",
        "py",
        &common::dedent(
            r#"
            import threading
            done = []
            def work():
                done.append(1)
            t = threading.Thread(target=work)
            t.start()
            assert len(done) == 1, "worker not finished"
            t.join()
            "#,
        ),
    );
    c.run.assert_code(1);
    c.run.assert_line_starting("unexpected: assertion");
}

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
    let text = c.run.text();
    let schedule = first_schedule(&text)
        .unwrap_or_else(|| panic!("no `--schedule` in the check output\n{}", c.dump()));
    assert!(!schedule.is_empty(), "empty schedule\n{}", c.dump());
    let trace = first_trace(&text);
    assert!(
        trace.len() >= 4,
        "expected a counterexample trace\n{}",
        c.dump()
    );

    let replay = weft([
        "replay".as_ref(),
        c.file.as_os_str(),
        "--schedule".as_ref(),
        schedule.as_ref(),
    ]);
    replay.assert_code(0);
    // Every line of the counterexample appears in the replay, in order.
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

// ---------------------------------------------------------------- determinism

#[test]
fn check_output_is_deterministic() {
    let c = check("determinism", PHILOSOPHERS, PHILOSOPHERS_EXPECT);
    c.run.assert_code(0);
    let again = weft(["check".as_ref(), c.file.as_os_str()]);
    again.assert_code(0);
    assert_eq!(
        strip_timings(&c.run.text()),
        strip_timings(&again.text()),
        "two runs of the same check differ (timings stripped)"
    );
    let third = weft(["check".as_ref(), "--traces".as_ref(), c.file.as_os_str()]);
    let fourth = weft(["check".as_ref(), "--traces".as_ref(), c.file.as_os_str()]);
    assert_eq!(
        strip_timings(&third.text()),
        strip_timings(&fourth.text()),
        "two runs of the same check --traces differ (timings stripped)"
    );
}

#[test]
fn check_output_of_failing_scenario_is_deterministic() {
    let c = check(
        "determinism-fail",
        RACY_COUNTER,
        "final:\n  - counter == 2\n",
    );
    c.run.assert_code(1);
    let again = weft(["check".as_ref(), c.file.as_os_str()]);
    assert_eq!(
        strip_timings(&c.run.text()),
        strip_timings(&again.text()),
        "two runs of the same failing check differ (timings stripped)"
    );
}

#[test]
fn directory_output_is_deterministic() {
    let dir = common::scenarios_dir();
    let a = weft(["check".as_ref(), "--traces".as_ref(), dir.as_os_str()]);
    let b = weft(["check".as_ref(), "--traces".as_ref(), dir.as_os_str()]);
    assert_eq!(a.code, b.code);
    assert_eq!(
        strip_timings(&a.text()),
        strip_timings(&b.text()),
        "two runs over scenarios/ differ (timings stripped)"
    );
}

#[test]
fn strip_timings_only_touches_timings() {
    assert_eq!(
        strip_timings("PASS x  clean  (125 states · 5.3 ms)"),
        "PASS x  clean  (125 states · <t>)"
    );
    assert_eq!(
        strip_timings("27 passed, 0 failed  (27 scenarios, 2,867 states, 66 ms)"),
        "27 passed, 0 failed  (27 scenarios, 2,867 states, <t>)"
    );
    assert_eq!(
        strip_timings("6 steps, 2 context switches"),
        "6 steps, 2 context switches"
    );
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
    let text = c.run.text();
    // The schedule printed in the deadlock finding's block.
    let block_start = text
        .find("deadlock:")
        .unwrap_or_else(|| panic!("no deadlock finding\n{}", c.dump()));
    let schedule = first_schedule(&text[block_start..]).expect("a schedule for the deadlock");
    let trace = first_trace(&text[block_start..]);
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
                "replay does not show the step {want:?} (in order)\n{}",
                replay.dump()
            ),
        }
    }
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

// -------------------------------------------------------------- `file:` key

#[test]
fn file_key_runs_the_python_file() {
    let dir = TempDir::new("file-key");
    dir.write("prog.py", common::dedent(RACY_COUNTER));
    let yaml_path = dir.write(
        "uses-file.yaml",
        "name: uses-file\nfile: prog.py\nfinal:\n  - counter == 2\nexpect:\n  - data-race: counter\n  - assertion\n",
    );
    let run = weft(["check".as_ref(), yaml_path.as_os_str()]);
    run.assert_code(0).assert_line_starting("PASS uses-file");
}

#[test]
fn file_key_errors_point_into_the_python_file() {
    let dir = TempDir::new("file-key-error");
    dir.write("prog.py", "import threading\n\nx = (1 +\n");
    let yaml_path = dir.write("uses-bad-file.yaml", "name: uses-bad-file\nfile: prog.py\n");
    let run = weft(["check".as_ref(), yaml_path.as_os_str()]);
    assert_diagnostic(&run, "prog.py", 3, 5, "x = (1 +");
}

#[test]
fn yml_extension_is_a_scenario() {
    let dir = TempDir::new("yml");
    let f = dir.write("short.yml", yaml("short", LOCKED_COUNTER, ""));
    let run = weft(["check".as_ref(), f.as_os_str()]);
    run.assert_code(0).assert_line_starting("PASS short");
}

/// Replays the counterexample printed in the block of the first finding line
/// starting with `kind:`; asserts the trace is shown and returns the replay.
fn replay_finding(c: &common::Checked, kind: &str) -> common::Run {
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
    let schedule = first_schedule(block).expect("a schedule");
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
                "replay does not show the step {want:?} (in order)\n{}",
                replay.dump()
            ),
        }
    }
    replay
}

#[test]
fn replay_reproduces_a_final_assertion() {
    let c = check(
        "replay-final",
        RACY_COUNTER,
        "final:\n  - counter == 2\nexpect:\n  - data-race: counter\n  - assertion\n",
    );
    c.run.assert_code(0);
    let replay = replay_finding(&c, "assertion");
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
    let replay = replay_finding(&c, "assertion");
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
