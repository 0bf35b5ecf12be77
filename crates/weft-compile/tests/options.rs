//! `params:`, `atomic:`, `invariants:` and `final:`.
mod common;
use common::*;
use weft_compile::{compile, Literal, Options, ParamInput};
use weft_diag::{Embedded, SourceFile, Span};
use weft_model::{Builtin, BuiltinFn, Const, Instr};

/// A scenario file holding some check texts and names, so spans can point into it.
fn scenario(checks: &[&str]) -> (std::sync::Arc<SourceFile>, Vec<Embedded>) {
    let mut yaml = String::from("name: t\nfinal:\n");
    let mut starts = Vec::new();
    for c in checks {
        yaml.push_str("  - ");
        starts.push(yaml.len() as u32);
        yaml.push_str(c);
        yaml.push('\n');
    }
    yaml.push_str("params:\n  N: 5\n  M: 1\natomic: [flag, nope]\n");
    let file = SourceFile::new("s.yaml", yaml);
    let embs = checks
        .iter()
        .zip(starts)
        .map(|(c, s)| Embedded::new(file.clone(), c.to_string(), vec![s]))
        .collect();
    (file, embs)
}

fn span_of(file: &SourceFile, needle: &str) -> Span {
    let s = file.text.find(needle).unwrap();
    Span::new(s, s + needle.len())
}

const PROGRAM: &str = "N = 2\nflag = False\ndef f():\n    return [x for x in range(N)]\nif __name__ == '__main__':\n    M = 3\n    f()\n";

#[test]
fn params_replace_the_first_module_level_assignment() {
    let (file, _) = scenario(&[]);
    let mut o = Options::none(file.clone());
    o.params.push(ParamInput {
        name: "N".into(),
        name_span: span_of(&file, "N: 5"),
        value: Literal::Int(5),
    });
    o.params.push(ParamInput {
        name: "M".into(),
        name_span: span_of(&file, "M: 1"),
        value: Literal::List(vec![Literal::Int(1), Literal::Str("a".into())]),
    });
    let p = compile(&Embedded::detached("t.py", PROGRAM), &o).unwrap();
    let code = dis(&p, 0);
    assert_eq!(code[0], "Const 5");
    assert_eq!(code[1], "StoreGlobal N Plain");
    let m = code
        .iter()
        .position(|l| l == "StoreGlobal M Plain")
        .unwrap();
    assert_eq!(code[m - 3..m], ["Const 1", "Const \"a\"", "BuildList(2)"]);
}

#[test]
fn unknown_param_is_an_error_in_the_scenario_file() {
    let (file, _) = scenario(&[]);
    let mut o = Options::none(file.clone());
    o.params.push(ParamInput {
        name: "K".into(),
        name_span: span_of(&file, "M: 1"),
        value: Literal::Int(5),
    });
    let d = compile(&Embedded::detached("t.py", PROGRAM), &o).unwrap_err();
    assert_eq!(d.location(), "s.yaml:5:3");
    assert_eq!(
        d.message,
        "params: 'K' is not a module-level constant of the program"
    );
    // A nested assignment is not a module-level constant.
    let mut o = Options::none(file.clone());
    o.params.push(ParamInput {
        name: "y".into(),
        name_span: span_of(&file, "N: 5"),
        value: Literal::Int(5),
    });
    let d = compile(&Embedded::detached("t.py", "def f():\n    y = 1\n"), &o).unwrap_err();
    assert_eq!(d.location(), "s.yaml:4:3");
}

#[test]
fn atomic_marks_globals_and_rejects_unknown_names() {
    let (file, _) = scenario(&[]);
    let mut o = Options::none(file.clone());
    o.atomic.push(("flag".into(), span_of(&file, "flag")));
    let p = compile(&Embedded::detached("t.py", PROGRAM), &o).unwrap();
    let g: Vec<_> = p
        .globals
        .iter()
        .filter(|g| g.atomic)
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(g, ["flag"]);
    o.atomic.push(("nope".into(), span_of(&file, "nope")));
    let d = compile(&Embedded::detached("t.py", PROGRAM), &o).unwrap_err();
    assert_eq!(d.location(), "s.yaml:6:16");
    assert_eq!(
        d.message,
        "atomic: 'nope' is not a module global of the program"
    );
}

#[test]
fn checks_compile_to_parameterless_functions() {
    let (file, embs) = scenario(&["flag == False", "len([x for x in range(N)]) == N"]);
    let mut o = Options::none(file.clone());
    o.invariants.push(embs[0].clone());
    o.finals.push(embs[1].clone());
    let p = compile(&Embedded::detached("t.py", PROGRAM), &o).unwrap();
    assert_eq!(p.invariants.len(), 1);
    assert_eq!(p.finals.len(), 1);
    let inv = &p.invariants[0];
    assert_eq!(inv.text, "flag == False");
    assert_eq!(p.function(inv.func).name, "<invariant 1>");
    assert_code(
        &dis(&p, inv.func),
        "LoadGlobal flag Plain\nConst False\nCompare(Eq)\nReturn",
    );
    assert_eq!(file.line_col(inv.span.start), (3, 5));
    let fin = &p.finals[0];
    assert_eq!(p.function(fin.func).name, "<final 1>");
    assert!(p.function(fin.func).params.is_empty());
    let code = &p.function(fin.func).code;
    assert_eq!(code.last(), Some(&Instr::Return));
    assert!(p
        .consts
        .contains(&Const::Builtin(Builtin::Fn(BuiltinFn::Len))));
    // The checks do not change the classification of what they read.
    assert_eq!(
        p.globals.iter().find(|g| g.name == "flag").unwrap().kind,
        weft_model::GlobalKind::MainOnly
    );
}

#[test]
fn unknown_name_in_a_check_points_into_the_yaml() {
    let (file, embs) = scenario(&["counter == 4"]);
    let mut o = Options::none(file);
    o.finals.push(embs[0].clone());
    let d = compile(&Embedded::detached("t.py", PROGRAM), &o).unwrap_err();
    assert_eq!(d.location(), "s.yaml:3:5");
    assert_eq!(d.message, "name 'counter' is not defined");
}

#[test]
fn locals_of_functions_are_not_visible_to_checks() {
    let (file, embs) = scenario(&["x == 1"]);
    let mut o = Options::none(file);
    o.finals.push(embs[0].clone());
    let d = compile(&Embedded::detached("t.py", "def f():\n    x = 1\n"), &o).unwrap_err();
    assert_eq!(d.message, "name 'x' is not defined");
}
