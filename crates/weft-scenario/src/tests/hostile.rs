//! Hostile inputs are refused quickly, cleanly and with a location.

use super::*;
use crate::MAX_FILE_BYTES;

#[test]
fn billion_laughs_is_refused() {
    let mut yaml = String::from("name: t\nprogram: x\nparams:\n  a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        yaml.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    let d = err(&yaml);
    assert!(d.message.contains("alias"), "{}", d.message);
}

#[test]
fn many_aliases_are_refused() {
    let mut yaml = String::from("name: t\nprogram: x\nparams:\n  a: &a 1\n  l: [");
    yaml.push_str(&vec!["*a"; 5000].join(", "));
    yaml.push_str("]\n");
    let d = err(&yaml);
    assert!(d.message.contains("alias"), "{}", d.message);
}

#[test]
fn deep_nesting_is_refused() {
    let n = 10_000;
    let flow = format!(
        "name: t\nprogram: x\nparams:\n  a: {}{}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    let d = err(&flow);
    assert!(
        d.message.contains("too deep") || d.message.contains("invalid YAML"),
        "{}",
        d.message
    );
    assert!(d.location().starts_with("x.yaml:4:"), "{}", d.location());

    let mut block = String::from("name: t\nprogram: x\nparams:\n");
    for i in 0..2_000 {
        block.push_str(&" ".repeat(i + 1));
        block.push_str("a:\n");
    }
    let d = err(&block);
    assert!(d.message.contains("too deep"), "{}", d.message);

    let seqs = format!(
        "name: t\nprogram: x\nparams:\n  a:\n    {}x\n",
        "- ".repeat(n)
    );
    let d = err(&seqs);
    assert!(d.message.contains("too deep"), "{}", d.message);
}

#[test]
fn huge_scalar_is_refused_by_the_size_limit() {
    let mut yaml = String::from("name: t\nprogram: \"");
    yaml.push_str(&"x".repeat(50 * 1024 * 1024));
    yaml.push_str("\"\n");
    let d = err(&yaml);
    assert_eq!(
        d.message,
        "scenario file is too large (52428820 bytes; limit 8 MiB)"
    );
    assert_eq!(d.location(), "x.yaml:1:1");
    // Just under the limit still parses (and fails on content, not size).
    let mut yaml = String::from("name: t\nprogram: x\natomic: \"");
    yaml.push_str(&"y".repeat((MAX_FILE_BYTES - 64) as usize));
    yaml.push_str("\"\n");
    assert!(ok(&yaml).atomic[0].value.len() > 1000);
}

#[test]
fn huge_numbers_of_keys_are_refused() {
    let mut yaml = String::from("name: t\nprogram: x\nparams:\n");
    for i in 0..200_000 {
        yaml.push_str(&format!("  k{i}: {i}\n"));
    }
    let d = err(&yaml);
    assert!(d.message.contains("too many YAML nodes"), "{}", d.message);
    // A large but reasonable number is fine.
    let mut yaml = String::from("name: t\nprogram: x\nparams:\n");
    for i in 0..2_000 {
        yaml.push_str(&format!("  k{i}: {i}\n"));
    }
    assert_eq!(ok(&yaml).params.len(), 2_000);
}

#[test]
fn tabs_are_refused() {
    assert_err(
        "name: t\nprogram: x\nlimits:\n\tpreemptions: 1\n",
        "invalid YAML",
        "x.yaml:4:1",
    );
}

#[test]
fn tabs_inside_the_program_are_kept() {
    let s = ok("name: t\nprogram: |\n  if x:\n  \ty = 1\n");
    assert_eq!(s.program.text, "if x:\n\ty = 1\n");
}

#[test]
fn multiple_documents_are_refused() {
    assert_err(
        "name: t\nprogram: x\n---\nname: u\nprogram: y\n",
        "a scenario file holds one YAML document",
        "x.yaml:3:1",
    );
    let d = err("---\nname: t\nprogram: x\n---\nname: u\n");
    assert!(d.message.contains("one YAML document"), "{}", d.message);
    // One explicit document is fine.
    assert_eq!(ok("---\nname: t\nprogram: x\n...\n").name.value, "t");
}

#[test]
fn empty_files_are_refused() {
    for text in ["", "\n\n", "# only a comment\n", "\u{feff}", "~\n", "---\n"] {
        let d = err(text);
        assert!(
            d.message.contains("the scenario file is empty"),
            "{text:?}: {}",
            d.message
        );
        assert_eq!(d.location(), "x.yaml:1:1");
    }
}

#[test]
fn garbage_never_panics() {
    let samples = [
        "{",
        "}",
        "[",
        "]",
        ":",
        "- - - -",
        "&a",
        "*a",
        "!!binary AAAA",
        "name: !!binary AAAA",
        "? a\n: b",
        "a: b: c",
        "\"unterminated",
        "'x",
        "|",
        ">",
        "name: t\nprogram: |\n x\n  y\n",
        "name: t\nprogram: x\nexpect: *nope\n",
        "%YAML 1.2\n---\nname: t\n",
        "\0\0\0",
        "name: t\nprogram: x\n<<: {a: 1}\n",
        "name: t\nprogram: x\nparams: {a: .nan, b: -.inf}\n",
    ];
    for s in samples {
        let _ = load_str(Path::new("x.yaml"), s);
    }
}
