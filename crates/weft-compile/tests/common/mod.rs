//! Test helpers: compile a snippet and render code as readable lines.
#![allow(dead_code)]

use weft_diag::Embedded;
use weft_model::{Const, FuncId, Instr, Program};

pub fn compile(src: &str) -> Program {
    match weft_compile::compile_source(&Embedded::detached("t.py", src)) {
        Ok(p) => p,
        Err(d) => panic!("compile error: {d}\n{src}"),
    }
}

/// `(location, message)` of the compile error of a snippet.
pub fn error(src: &str) -> (String, String) {
    match weft_compile::compile_source(&Embedded::detached("t.py", src)) {
        Ok(_) => panic!("expected a compile error:\n{src}"),
        Err(d) => (d.location(), d.message),
    }
}

pub fn func_id(p: &Program, name: &str) -> FuncId {
    p.functions
        .iter()
        .position(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name}")) as FuncId
}

fn konst(c: &Const) -> String {
    match c {
        Const::None => "None".into(),
        Const::Bool(b) => {
            if *b {
                "True".into()
            } else {
                "False".into()
            }
        }
        Const::Int(i) => i.to_string(),
        Const::Float(f) => format!("{f:?}"),
        Const::Str(s) => format!("{:?}", &**s),
        Const::Tuple(items) => format!(
            "({})",
            items.iter().map(konst).collect::<Vec<_>>().join(", ")
        ),
        Const::Func(f) => format!("func#{f}"),
        Const::Builtin(b) => format!("{b:?}"),
    }
}

/// One line per instruction, names and constants spelled out.
pub fn dis(p: &Program, f: FuncId) -> Vec<String> {
    let func = p.function(f);
    let g = |i: u32| p.globals[i as usize].name.clone();
    let l = |i: u32| func.local_names[i as usize].clone();
    func.code
        .iter()
        .map(|i| match *i {
            Instr::Const(c) => format!("Const {}", konst(&p.consts[c as usize])),
            Instr::LoadGlobal(x, h) => format!("LoadGlobal {} {h:?}", g(x)),
            Instr::StoreGlobal(x, h) => format!("StoreGlobal {} {h:?}", g(x)),
            Instr::DeleteGlobal(x) => format!("DeleteGlobal {}", g(x)),
            Instr::LoadLocal(x) => format!("LoadLocal {}", l(x)),
            Instr::StoreLocal(x) => format!("StoreLocal {}", l(x)),
            Instr::DeleteLocal(x) => format!("DeleteLocal {}", l(x)),
            Instr::Call {
                argc,
                kwnames: Some(k),
            } => {
                format!("Call {argc} {:?}", p.kwnames[k as usize])
            }
            Instr::Call {
                argc,
                kwnames: None,
            } => format!("Call {argc}"),
            Instr::CallMethod {
                method,
                argc,
                kwnames: Some(k),
            } => {
                format!(
                    "CallMethod {} {argc} {:?}",
                    method.name(),
                    p.kwnames[k as usize]
                )
            }
            Instr::CallMethod {
                method,
                argc,
                kwnames: None,
            } => {
                format!("CallMethod {} {argc}", method.name())
            }
            other => format!("{other:?}"),
        })
        .collect()
}

pub fn dis_fn(p: &Program, name: &str) -> Vec<String> {
    dis(p, func_id(p, name))
}

/// Assert the code equals the expected lines (one per line, trimmed).
pub fn assert_code(actual: &[String], expected: &str) {
    let exp: Vec<&str> = expected
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let act: Vec<&str> = actual.iter().map(String::as_str).collect();
    if exp != act {
        let numbered: Vec<String> = act
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{i:3} {l}"))
            .collect();
        panic!(
            "code mismatch\nexpected:\n{}\nactual:\n{}",
            exp.join("\n"),
            numbered.join("\n")
        );
    }
}
