//! Every error: its message and its `file:line:col`.

use super::*;

#[test]
fn yaml_syntax_errors_are_located() {
    assert_err("name: t\nprogram: [1, 2\n", "invalid YAML", "x.yaml:2:10");
    let d = assert_err("name: t\n\tprogram: x\n", "invalid YAML", "x.yaml:2:1");
    assert!(
        d.message.contains("indentation must use spaces"),
        "{}",
        d.message
    );
    assert_err(
        "name: t\nname: u\nprogram: x\n",
        "duplicate key `name`",
        "x.yaml:2:1",
    );
    assert_err(
        &format!("{HEAD}params:\n  N: 1\n  N: 2\n"),
        "duplicate key `N`",
        "x.yaml:6:3",
    );
}

#[test]
fn not_a_mapping() {
    assert_err(
        "- a\n- b\n",
        "a scenario file is a YAML mapping",
        "x.yaml:1:1",
    );
    assert_err("\n\njust text\n", "found a string", "x.yaml:3:1");
}

#[test]
fn unknown_keys_suggest_the_closest() {
    let d = assert_err(
        &format!("{HEAD}finals:\n  - x\n"),
        "did you mean `final`?",
        "x.yaml:4:1",
    );
    assert!(d.message.contains("unknown key `finals`"));
    assert!(d
        .message
        .contains("allowed keys: name, description, program, file, params"));
    assert_err(
        &format!("{HEAD}invariant: []\n"),
        "did you mean `invariants`?",
        "x.yaml:4:1",
    );
    let d = assert_err(
        &format!("{HEAD}zzzzzz: 1\n"),
        "unknown key `zzzzzz`",
        "x.yaml:4:1",
    );
    assert!(!d.message.contains("did you mean"), "{}", d.message);
    assert!(d.message.contains("allowed keys"));
    assert_err(
        &format!("{HEAD}limits:\n  max_states: 5\n"),
        "unknown key `max_states` in `limits`: did you mean `max-states`?",
        "x.yaml:5:3",
    );
    assert_err(
        &format!("{HEAD}limits: {{timeout: 5}}\n"),
        "allowed keys: max-states",
        "x.yaml:4:10",
    );
    assert_err(
        &format!("{HEAD}1: x\n"),
        "expected a key name here, found an integer",
        "x.yaml:4:1",
    );
}

#[test]
fn name_errors() {
    assert_err(
        "program: x = 1\n",
        "missing required key `name`",
        "x.yaml:1:1",
    );
    assert_err(
        "name: Counter_1\nprogram: x\n",
        "name must match [a-z0-9-]+",
        "x.yaml:1:7",
    );
    assert_err(
        "name: ''\nprogram: x\n",
        "name must match [a-z0-9-]+",
        "x.yaml:1:7",
    );
    assert_err("name: [a]\nprogram: x\n", "found a list", "x.yaml:1:7");
    assert_err("name:\nprogram: x\n", "name must match", "x.yaml:1:5");
}

#[test]
fn program_and_file_errors() {
    assert_err("name: t\n", "missing the program", "x.yaml:1:1");
    assert_err(
        "name: t\nprogram: x = 1\nfile: a.py\n",
        "both `program` and `file` are given",
        "x.yaml:3:1",
    );
    assert_err(
        "name: t\nfile: a.py\nprogram: x = 1\n",
        "both `program` and `file` are given",
        "x.yaml:3:1",
    );
    assert_err("name: t\nprogram:\n", "`program` is empty", "x.yaml:2:8");
    assert_err(
        "name: t\nprogram: [a]\n",
        "`program` must be the Python program as text",
        "x.yaml:2:10",
    );
    assert_err(
        "name: t\nfile: 3\n",
        "`file` must be the path of a Python file",
        "x.yaml:2:7",
    );
    assert_err(
        "name: t\nfile: no-such-dir-xyz/missing.py\n",
        "program file `no-such-dir-xyz/missing.py` not found",
        "x.yaml:2:7",
    );
}

#[test]
fn description_errors() {
    assert_err(
        &format!("{HEAD}description: [1]\n"),
        "`description` must be text",
        "x.yaml:4:14",
    );
}

#[test]
fn params_errors() {
    assert_err(
        &format!("{HEAD}params: [1]\n"),
        "`params` must be a mapping",
        "x.yaml:4:9",
    );
    assert_err(
        &format!("{HEAD}params:\n  2x: 1\n"),
        "parameter name `2x` is not a Python identifier",
        "x.yaml:5:3",
    );
    assert_err(
        &format!("{HEAD}params:\n  if: 1\n"),
        "`if` is not a Python identifier",
        "x.yaml:5:3",
    );
    assert_err(
        &format!("{HEAD}params:\n  D: {{a: 1}}\n"),
        "mappings are not supported",
        "x.yaml:5:6",
    );
    assert_err(
        &format!("{HEAD}params:\n  N: 99999999999999999999\n"),
        "out of range",
        "x.yaml:5:6",
    );
}

#[test]
fn check_errors() {
    assert_err(
        &format!("{HEAD}final: {{a: 1}}\n"),
        "`final` must be a list of Python expressions",
        "x.yaml:4:8",
    );
    assert_err(
        &format!("{HEAD}invariants:\n  - 3\n"),
        "each `invariants` entry must be a Python expression",
        "x.yaml:5:5",
    );
    let d = assert_err(
        &format!("{HEAD}final:\n  - True\n"),
        "found a boolean",
        "x.yaml:5:5",
    );
    assert!(d.message.contains("quote it"));
    let d = assert_err(
        &format!("{HEAD}final:\n  - x: 1\n"),
        "found a mapping",
        "x.yaml:5:5",
    );
    assert!(d.message.contains("quote the expression"));
}

#[test]
fn atomic_errors() {
    assert_err(
        &format!("{HEAD}atomic: {{a: 1}}\n"),
        "`atomic` must be a list of global names",
        "x.yaml:4:9",
    );
    assert_err(
        &format!("{HEAD}atomic: [ok, 2bad]\n"),
        "each `atomic` entry must be a global name",
        "x.yaml:4:14",
    );
    assert_err(
        &format!("{HEAD}atomic:\n  - 5\n"),
        "found an integer",
        "x.yaml:5:5",
    );
}

#[test]
fn limits_errors() {
    assert_err(
        &format!("{HEAD}limits:\n  preemptions: -1\n"),
        "`preemptions` must be a whole number from 0 to 4294967295; found an integer (`-1`)",
        "x.yaml:5:16",
    );
    assert_err(
        &format!("{HEAD}limits:\n  max-states: \"lots\"\n"),
        "`max-states` must be a positive whole number of states; found a string (\"lots\")",
        "x.yaml:5:15",
    );
    assert_err(
        &format!("{HEAD}limits:\n  max-states: 0\n"),
        "positive whole number",
        "x.yaml:5:15",
    );
    assert_err(
        &format!("{HEAD}limits:\n  max-states: 1.5\n"),
        "found a number",
        "x.yaml:5:15",
    );
    assert_err(
        &format!("{HEAD}limits:\n  time-limit: soon\n"),
        "`time-limit` must be a positive duration",
        "x.yaml:5:15",
    );
    assert_err(
        &format!("{HEAD}limits:\n  time-limit: -3\n"),
        "`time-limit` must be",
        "x.yaml:5:15",
    );
    assert_err(
        &format!("{HEAD}limits:\n  time-limit: 5y\n"),
        "\"30s\", \"2m\"",
        "x.yaml:5:15",
    );
    assert_err(
        &format!("{HEAD}limits:\n  max-memory: lots\n"),
        "`max-memory` must be a positive number of bytes",
        "x.yaml:5:15",
    );
    assert_err(
        &format!("{HEAD}limits:\n  max-memory: 0\n"),
        "`max-memory` must be",
        "x.yaml:5:15",
    );
    assert_err(
        &format!("{HEAD}limits: 5\n"),
        "`limits` must be a mapping",
        "x.yaml:4:9",
    );
}

#[test]
fn expect_errors() {
    let d = assert_err(
        &format!("{HEAD}expect:\n  - data_race: counter\n"),
        "unknown finding kind `data_race`: did you mean `data-race`?",
        "x.yaml:5:5",
    );
    assert!(d
        .message
        .contains("valid kinds: data-race, deadlock, lock-order-cycle, assertion, exception"));
    assert_err(
        &format!("{HEAD}expect: [livelock]\n"),
        "unknown finding kind `livelock`",
        "x.yaml:4:10",
    );
    assert_err(
        &format!("{HEAD}expect: dirty\n"),
        "`expect` must be `clean` or a list",
        "x.yaml:4:9",
    );
    assert_err(
        &format!("{HEAD}expect: deadlock\n"),
        "write `expect: [deadlock]`",
        "x.yaml:4:9",
    );
    assert_err(
        &format!("{HEAD}expect: {{deadlock: 1}}\n"),
        "`expect` must be `clean` or a list",
        "x.yaml:4:9",
    );
    assert_err(
        &format!("{HEAD}expect: [clean]\n"),
        "`clean` cannot be listed with findings",
        "x.yaml:4:10",
    );
    assert_err(
        &format!("{HEAD}expect:\n  - data-race: counter\n    deadlock:\n"),
        "this entry has 2 keys",
        "x.yaml:6:5",
    );
    assert_err(
        &format!("{HEAD}expect:\n  - 3\n"),
        "each `expect` entry is a finding kind",
        "x.yaml:5:5",
    );
    assert_err(
        &format!("{HEAD}expect:\n  - [a]\n"),
        "found a list",
        "x.yaml:5:5",
    );
    assert_err(
        &format!("{HEAD}expect:\n  - deadlock: x\n"),
        "`deadlock` takes no subject",
        "x.yaml:5:15",
    );
    assert_err(
        &format!("{HEAD}expect:\n  - data-race: [a, b]\n"),
        "`data-race` takes one name",
        "x.yaml:5:16",
    );
    assert_err(
        &format!("{HEAD}expect:\n  - exception: 3\n"),
        "`exception` takes one name",
        "x.yaml:5:16",
    );
    assert_err(
        &format!("{HEAD}expect:\n  - lock-order-cycle: a\n"),
        "`lock-order-cycle` takes a list of lock names",
        "x.yaml:5:23",
    );
    assert_err(
        &format!("{HEAD}expect:\n  - lock-order-cycle: []\n"),
        "found 0 distinct name(s)",
        "x.yaml:5:23",
    );
    assert_err(
        &format!("{HEAD}expect:\n  - lock-order-cycle: [\"forks[\"]\n"),
        "a lock name must be a global name",
        "x.yaml:5:24",
    );
    assert_err(
        &format!("{HEAD}expect:\n  - lock-order-cycle: [a, 1]\n"),
        "a lock name must be a global name",
        "x.yaml:5:27",
    );
    assert_err(
        &format!("{HEAD}expect:\n  - assertion: [x]\n"),
        "`assertion` takes an optional expression",
        "x.yaml:5:16",
    );
    assert_err(
        &format!("{HEAD}expect:\n  - 1: x\n"),
        "expected a key name here",
        "x.yaml:5:5",
    );
}

#[test]
fn diagnostics_render_with_caret() {
    let d = err(&format!("{HEAD}limits:\n  preemptions: -1\n"));
    let r = d.render(false);
    assert!(r.contains("x.yaml:5:16"), "{r}");
    assert!(r.contains("preemptions: -1"), "{r}");
    assert!(r.contains('^'), "{r}");
}
