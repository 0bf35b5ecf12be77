//! Bad input (SPEC §5): invalid scenario files and hostile YAML get a
//! `file:line:col` diagnostic and exit 2, quickly, never a panic or a hang.

mod common;

use common::{assert_diagnostic, weft, yaml, TempDir, LOCKED_COUNTER};
use std::time::Duration;

/// A bad input must be refused well within this (debug build included).
const QUICK: Duration = Duration::from_secs(5);

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
