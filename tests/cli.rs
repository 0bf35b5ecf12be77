//! The command line contract (SPEC §1, §5): exit codes, `.py` scenarios,
//! the `file:` key and deterministic output. Bad input is in
//! cli_invalid.rs, `weft replay` in cli_replay.rs.

mod common;

use common::{
    assert_diagnostic, check, check_source, strip_timings, weft, yaml, TempDir, LOCKED_COUNTER,
    RACY_COUNTER,
};

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
