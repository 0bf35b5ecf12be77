//! `load` from disk, `file:` programs, `.py` scenarios, encodings.

use super::*;
use crate::{load, Expect, Limits, MAX_FILE_BYTES};

#[test]
fn file_key_loads_the_program_relative_to_the_yaml() {
    let dir = TempDir::new("file-key");
    dir.write("progs/counter.py", "counter = 0\ncounter += 1\n");
    let yaml = dir.write(
        "s.yaml",
        "name: t\nfile: progs/counter.py\nfinal: [counter == 1]\n",
    );
    let s = load(&yaml).unwrap();
    assert_eq!(s.program.text, "counter = 0\ncounter += 1\n");
    let py_name = dir.0.join("progs/counter.py").display().to_string();
    assert_eq!(s.program.file.name, py_name);
    assert_eq!(s.file.name, yaml.display().to_string());
    // Errors in the program point into the .py file.
    let d = s.program.error(weft_diag::Span::new(12, 19), "boom");
    assert_eq!(d.location(), format!("{py_name}:2:1"));
    // load_str resolves `file:` relative to the given path too.
    let s = load_str(&yaml, "name: t\nfile: progs/counter.py\n").unwrap();
    assert_eq!(s.program.text, "counter = 0\ncounter += 1\n");
}

#[test]
fn file_key_errors_are_located_at_the_value() {
    let dir = TempDir::new("file-errors");
    let yaml = dir.0.join("s.yaml");
    let d = load_str(&yaml, "name: t\nfile:   missing.py\n").unwrap_err();
    assert!(
        d.message.contains("program file `missing.py` not found"),
        "{}",
        d.message
    );
    assert!(d.message.contains("looked for"), "{}", d.message);
    assert_eq!(d.file.line_col(d.span.start), (2, 9));

    dir.write("bad.py", b"x = 1\ny = '\xff'\n");
    let d = load_str(&yaml, "name: t\nfile: bad.py\n").unwrap_err();
    assert!(
        d.message
            .contains("is not valid UTF-8 (first invalid byte at line 2, column 6)"),
        "{}",
        d.message
    );
    assert_eq!(d.file.line_col(d.span.start), (2, 7));

    std::fs::create_dir_all(dir.0.join("adir.py")).unwrap();
    let d = load_str(&yaml, "name: t\nfile: adir.py\n").unwrap_err();
    assert!(d.message.contains("cannot be read"), "{}", d.message);

    let big = std::fs::File::create(dir.0.join("big.py")).unwrap();
    big.set_len(MAX_FILE_BYTES + 1).unwrap();
    let d = load_str(&yaml, "name: t\nfile: big.py\n").unwrap_err();
    assert!(
        d.message
            .contains("is too large (8388609 bytes; limit 8 MiB)"),
        "{}",
        d.message
    );
    assert_eq!(d.file.line_col(d.span.start), (2, 7));
}

#[test]
fn py_files_are_plain_program_scenarios() {
    let dir = TempDir::new("py");
    let py = dir.write("Dining_Philosophers 2.py", "\u{feff}import threading\n");
    let s = load(&py).unwrap();
    assert_eq!(s.name.value, "dining-philosophers-2");
    assert_eq!(s.program.text, "import threading\n");
    assert_eq!(s.program.file.name, py.display().to_string());
    assert!(s.finals.is_empty() && s.invariants.is_empty() && s.params.is_empty());
    assert_eq!(s.expect, Expect::Clean);
    assert_eq!(s.limits, Limits::default());
    let s = load_str(Path::new("dir/race.py"), "x = 1\n").unwrap();
    assert_eq!(s.name.value, "race");
    assert_eq!(s.program.file_line_col(4), (1, 5));
}

#[test]
fn load_reads_yaml_and_yml() {
    let dir = TempDir::new("yml");
    let a = dir.write("a.yml", "name: a\nprogram: x = 1\n");
    assert_eq!(load(&a).unwrap().name.value, "a");
    let b = dir.write("b.YAML", "name: b\nprogram: x = 1\n");
    assert_eq!(load(&b).unwrap().name.value, "b");
}

#[test]
fn load_errors() {
    let dir = TempDir::new("load-errors");
    let missing = dir.0.join("nope.yaml");
    let d = load(&missing).unwrap_err();
    assert!(
        d.message.starts_with("cannot read scenario file"),
        "{}",
        d.message
    );
    assert_eq!(d.location(), format!("{}:1:1", missing.display()));

    let bad = dir.write("bad.yaml", b"name: t\nprogram: \"\xfe\"\n");
    let d = load(&bad).unwrap_err();
    assert!(d.message.contains("not valid UTF-8"), "{}", d.message);
    assert_eq!(d.location(), format!("{}:2:11", bad.display()));

    let txt = dir.write("s.txt", "name: t\n");
    let d = load(&txt).unwrap_err();
    assert!(
        d.message.contains("expected a .yaml, .yml or .py file"),
        "{}",
        d.message
    );

    let big = std::fs::File::create(dir.0.join("big.yaml")).unwrap();
    big.set_len(50 * 1024 * 1024).unwrap();
    let d = load(&dir.0.join("big.yaml")).unwrap_err();
    assert_eq!(
        d.message,
        "scenario file is too large (52428800 bytes; limit 8 MiB)"
    );
    assert!(d.location().ends_with("big.yaml:1:1"), "{}", d.location());
}
