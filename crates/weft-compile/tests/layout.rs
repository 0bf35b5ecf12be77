//! Exact instruction sequences of the key constructs.
mod common;
use common::*;
use weft_model::{Handler, MODULE};

#[test]
fn augmented_assignment_of_a_global_carries_update_hints() {
    let p = compile("counter = 0\ndef work():\n    global counter\n    counter += 1\n");
    assert_code(
        &dis_fn(&p, "work"),
        "LoadGlobal counter Update
         Const 1
         Binary(Add)
         StoreGlobal counter Update
         Const None
         Return",
    );
}

#[test]
fn augmented_assignment_of_a_subscript() {
    let p = compile("d = {}\ndef work(k):\n    d[k] += 2\n");
    assert_code(
        &dis_fn(&p, "work"),
        "LoadGlobal d Plain
         LoadLocal k
         Dup2
         Subscript(Update)
         Const 2
         Binary(Add)
         Rot3
         StoreSubscript(Update)
         Const None
         Return",
    );
}

#[test]
fn augmented_assignment_of_a_local_has_no_hint() {
    let p = compile("def f():\n    n = 0\n    n *= 3\n    return n\n");
    assert_code(
        &dis_fn(&p, "f"),
        "Const 0
         StoreLocal n
         LoadLocal n
         Const 3
         Binary(Mult)
         StoreLocal n
         LoadLocal n
         Return",
    );
}

#[test]
fn chained_comparison_evaluates_the_middle_once() {
    let p = compile("a = b = c = 1\nx = a < b <= c\n");
    let code = dis(&p, MODULE);
    assert_code(
        &code[6..],
        "LoadGlobal a Plain
         LoadGlobal b Plain
         Dup
         Rot3
         Compare(Lt)
         JumpIfFalseOrPop(15)
         LoadGlobal c Plain
         Compare(LtE)
         Jump(17)
         Rot2
         Pop
         StoreGlobal x Plain
         Const None
         Return",
    );
}

#[test]
fn tests_of_if_while_ifexp_and_assert_are_check_reads() {
    let p = compile(
        "items = []\nflag = True\ndef f():\n    if len(items) > 0 and flag:\n        pass\n    while items[0]:\n        pass\n    x = 1 if flag else items[0]\n    assert flag, items\n",
    );
    assert_code(
        &dis_fn(&p, "f"),
        "Const Fn(Len)
         LoadGlobal items Check
         Call 1
         Const 0
         Compare(Gt)
         JumpIfFalseOrPop(7)
         LoadGlobal flag Check
         JumpIfFalse(8)
         LoadGlobal items Check
         Const 0
         Subscript(Check)
         JumpIfFalse(13)
         Jump(8)
         LoadGlobal flag Check
         JumpIfFalse(17)
         Const 1
         Jump(20)
         LoadGlobal items Plain
         Const 0
         Subscript(Plain)
         StoreLocal x
         LoadGlobal flag Check
         JumpIfTrue(25)
         LoadGlobal items Plain
         AssertFail { has_msg: true }
         Const None
         Return",
    );
}

#[test]
fn try_finally_with_return_copies_the_finally_outside_its_handler() {
    let p = compile("def f():\n    try:\n        return 1\n    finally:\n        print(2)\n");
    let f = func_id(&p, "f");
    assert_code(
        &dis(&p, f),
        "Const 1
         StoreLocal .return
         Const Fn(Print)
         Const 2
         Call 1
         Pop
         LoadLocal .return
         Return
         Const Fn(Print)
         Const 2
         Call 1
         Pop
         Jump(18)
         Const Fn(Print)
         Const 2
         Call 1
         Pop
         ReRaise
         Const None
         Return",
    );
    // Only the evaluation of the return value is protected.
    assert_eq!(
        p.function(f).handlers,
        vec![Handler {
            start: 0,
            end: 2,
            target: 13,
            depth: 0
        }]
    );
}

#[test]
fn try_except_else_layout() {
    let p = compile(
        "def f():\n    try:\n        g()\n    except (KeyError, IndexError) as e:\n        print(e)\n    except:\n        pass\n    else:\n        print(0)\ndef g():\n    pass\n",
    );
    let f = func_id(&p, "f");
    assert_code(
        &dis(&p, f),
        "LoadGlobal g Plain
         Call 0
         Pop
         Const Fn(Print)
         Const 0
         Call 1
         Pop
         Jump(29)
         Dup
         PushExcInfo
         Const Exc(KeyError)
         Const Exc(IndexError)
         BuildTuple(2)
         CheckExcMatch
         JumpIfFalse(22)
         StoreLocal e
         Const Fn(Print)
         LoadLocal e
         Call 1
         Pop
         PopExcInfo
         Jump(29)
         Pop
         PopExcInfo
         Jump(29)
         PopExcInfo
         ReRaise
         PopExcInfo
         ReRaise
         Const None
         Return",
    );
    assert_eq!(
        p.function(f).handlers,
        vec![
            Handler {
                start: 0,
                end: 3,
                target: 8,
                depth: 0
            },
            Handler {
                start: 10,
                end: 25,
                target: 27,
                depth: 0
            },
        ]
    );
}

#[test]
fn with_statement_keeps_the_context_on_the_stack() {
    let p = compile(
        "import threading\nlock = threading.Lock()\ncond = threading.Condition()\ndef f():\n    with lock, cond as c:\n        c.notify()\n",
    );
    let f = func_id(&p, "f");
    assert_code(
        &dis(&p, f),
        "LoadGlobal lock Plain
         WithEnter
         LoadGlobal cond Plain
         WithEnter
         Dup
         StoreLocal c
         LoadLocal c
         CallMethod notify 0
         Pop
         WithExit
         Jump(14)
         Rot2
         WithExit
         ReRaise
         WithExit
         Jump(19)
         Rot2
         WithExit
         ReRaise
         Const None
         Return",
    );
    assert_eq!(
        p.function(f).handlers,
        vec![
            Handler {
                start: 4,
                end: 9,
                target: 11,
                depth: 2
            },
            Handler {
                start: 2,
                end: 14,
                target: 16,
                depth: 1
            },
        ]
    );
}

#[test]
fn return_inside_with_inside_for_exits_and_pops() {
    let p = compile("import threading\nl = threading.Lock()\ndef f(xs):\n    for x in xs:\n        with l:\n            if x:\n                continue\n            return x\n");
    let f = func_id(&p, "f");
    assert_code(
        &dis(&p, f),
        "LoadLocal xs
         GetIter
         ForIter(22)
         StoreLocal x
         LoadGlobal l Plain
         WithEnter
         LoadLocal x
         JumpIfFalse(10)
         WithExit
         Jump(2)
         LoadLocal x
         StoreLocal .return
         WithExit
         Pop
         LoadLocal .return
         Return
         WithExit
         Jump(21)
         Rot2
         WithExit
         ReRaise
         Jump(2)
         Const None
         Return",
    );
    assert_eq!(
        p.function(f).handlers,
        vec![
            Handler {
                start: 6,
                end: 8,
                target: 18,
                depth: 2
            },
            Handler {
                start: 10,
                end: 12,
                target: 18,
                depth: 2
            },
        ]
    );
}

#[test]
fn break_in_try_finally_runs_the_finally_then_pops_the_iterator() {
    let p = compile("def f():\n    for i in range(3):\n        try:\n            break\n        finally:\n            print(i)\n    else:\n        print(9)\n");
    let f = func_id(&p, "f");
    assert_code(
        &dis(&p, f),
        "Const Fn(Range)
         Const 3
         Call 1
         GetIter
         ForIter(23)
         StoreLocal i
         Const Fn(Print)
         LoadLocal i
         Call 1
         Pop
         Pop
         Jump(27)
         Const Fn(Print)
         LoadLocal i
         Call 1
         Pop
         Jump(22)
         Const Fn(Print)
         LoadLocal i
         Call 1
         Pop
         ReRaise
         Jump(4)
         Const Fn(Print)
         Const 9
         Call 1
         Pop
         Const None
         Return",
    );
    // The body (`break` only) is entirely unwinding code: nothing is protected.
    assert!(p.function(f).handlers.is_empty());
}

#[test]
fn while_loop_with_else_and_continue() {
    let p = compile(
        "n = 0\nwhile n < 3:\n    n += 1\n    if n == 2:\n        continue\nelse:\n    n = 10\n",
    );
    assert_code(
        &dis(&p, MODULE),
        "Const 0
         StoreGlobal n Plain
         LoadGlobal n Check
         Const 3
         Compare(Lt)
         JumpIfFalse(16)
         LoadGlobal n Update
         Const 1
         Binary(Add)
         StoreGlobal n Update
         LoadGlobal n Check
         Const 2
         Compare(Eq)
         JumpIfFalse(15)
         Jump(2)
         Jump(2)
         Const 10
         StoreGlobal n Plain
         Const None
         Return",
    );
}

#[test]
fn module_comprehension_uses_hidden_locals_not_globals() {
    let p = compile("xs = [1, 2]\nys = [x * 2 for x in xs if x > 1]\n");
    assert_code(
        &dis(&p, MODULE),
        "Const 1
         Const 2
         BuildList(2)
         StoreGlobal xs Plain
         BuildList(0)
         StoreLocal .comp0
         LoadGlobal xs Plain
         GetIter
         ForIter(21)
         StoreLocal .comp0.x
         LoadLocal .comp0.x
         Const 1
         Compare(Gt)
         JumpIfFalse(8)
         LoadLocal .comp0
         LoadLocal .comp0.x
         Const 2
         Binary(Mult)
         ListAppend
         Pop
         Jump(8)
         LoadLocal .comp0
         StoreGlobal ys Plain
         Const None
         Return",
    );
    let names: Vec<_> = p.globals.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["xs", "ys"]);
}

#[test]
fn nested_comprehension_iterates_in_order() {
    let p = compile("def f(m):\n    return [(i, j) for i in m for j in i]\n");
    assert_code(
        &dis_fn(&p, "f"),
        "BuildList(0)
         StoreLocal .comp0
         LoadLocal m
         GetIter
         ForIter(18)
         StoreLocal .comp0.i
         LoadLocal .comp0.i
         GetIter
         ForIter(17)
         StoreLocal .comp0.j
         LoadLocal .comp0
         LoadLocal .comp0.i
         LoadLocal .comp0.j
         BuildTuple(2)
         ListAppend
         Pop
         Jump(8)
         Jump(4)
         LoadLocal .comp0
         Return",
    );
}

#[test]
fn calls_keywords_methods_and_module_attributes() {
    let p = compile(
        "import threading, queue as q\nfrom time import sleep\ndef w(a, b=-1, c=(1, 'x')):\n    pass\nt = threading.Thread(target=w, args=(1,), daemon=True)\nt.daemon = False\nx = q.Queue(maxsize=2)\nx.put(1, timeout=0.5)\nsleep(0)\nn = threading.current_thread().name\n",
    );
    assert_code(
        &dis(&p, MODULE),
        "Const func#1
         StoreGlobal w Plain
         Const Threading(Thread)
         LoadGlobal w Plain
         Const (1)
         Const True
         Call 3 [\"target\", \"args\", \"daemon\"]
         StoreGlobal t Plain
         Const False
         LoadGlobal t Plain
         StoreAttr(Daemon)
         Const Queue(Queue)
         Const 2
         Call 1 [\"maxsize\"]
         StoreGlobal x Plain
         LoadGlobal x Plain
         Const 1
         Const 0.5
         CallMethod put 2 [\"timeout\"]
         Pop
         Const Time(Sleep)
         Const 0
         Call 1
         Pop
         Const Threading(CurrentThread)
         Call 0
         LoadAttr(Name)
         StoreGlobal n Plain
         Const None
         Return",
    );
    let w = p.function(func_id(&p, "w"));
    let defaults: Vec<_> = w
        .params
        .iter()
        .map(|p| p.default.map(|c| p_const(&p.name, c)))
        .collect();
    let _ = defaults;
    assert_eq!(w.params[0].default, None);
    assert_eq!(
        p.consts[w.params[1].default.unwrap() as usize],
        weft_model::Const::Int(-1)
    );
    assert_eq!(
        p.consts[w.params[2].default.unwrap() as usize],
        weft_model::Const::Tuple(vec![
            weft_model::Const::Int(1),
            weft_model::Const::Str("x".into())
        ])
    );
}

fn p_const(_n: &str, c: u32) -> u32 {
    c
}

#[test]
fn unpacking_chains_subscripts_and_del() {
    let p = compile(
        "def f(d):\n    a, (b, c) = x = d\n    d[a] = b\n    del d[c], x\n    return d[1:]\n",
    );
    assert_code(
        &dis_fn(&p, "f"),
        "LoadLocal d
         Dup
         UnpackSequence(2)
         StoreLocal a
         UnpackSequence(2)
         StoreLocal b
         StoreLocal c
         StoreLocal x
         LoadLocal b
         LoadLocal d
         LoadLocal a
         StoreSubscript(Plain)
         LoadLocal d
         LoadLocal c
         DeleteSubscript
         DeleteLocal x
         LoadLocal d
         Const 1
         Const None
         Slice
         Return",
    );
}

#[test]
fn fstrings_with_conversions_specs_and_debug() {
    let p = compile("x = 1\ns = f\"a{x!r}b{x:>3}{x=}{x=:d}\"\n");
    assert_code(
        &dis(&p, MODULE)[2..],
        "Const \"a\"
         LoadGlobal x Plain
         FormatValue { conversion: Repr, has_spec: false }
         Const \"b\"
         LoadGlobal x Plain
         Const \">3\"
         FormatValue { conversion: None, has_spec: true }
         Const \"x=\"
         LoadGlobal x Plain
         FormatValue { conversion: Repr, has_spec: false }
         Const \"x=\"
         LoadGlobal x Plain
         Const \"d\"
         FormatValue { conversion: None, has_spec: true }
         BuildString(8)
         StoreGlobal s Plain
         Const None
         Return",
    );
}

#[test]
fn boolean_operators_not_and_raise_forms() {
    let p = compile("def f(a, b):\n    if not (a or b):\n        raise ValueError('m') from None\n    try:\n        pass\n    except ValueError:\n        raise\n    raise KeyError\n");
    assert_code(
        &dis_fn(&p, "f")[..11],
        "LoadLocal a
         JumpIfTrueOrPop(3)
         LoadLocal b
         Not
         JumpIfFalse(10)
         Const Exc(ValueError)
         Const \"m\"
         Call 1
         Const None
         RaiseFrom
         Jump(24)",
    );
    let code = dis_fn(&p, "f");
    assert!(code.contains(&"ReRaiseCurrent".to_string()));
    assert_eq!(
        code[code.len() - 2..],
        ["Const Exc(KeyError)".to_string(), "Raise".to_string()]
    );
}

#[test]
fn docstrings_compile_to_nothing_and_name_main_is_a_constant() {
    let p = compile(
        "\"\"\"Doc.\"\"\"\ndef f():\n    \"\"\"Doc.\"\"\"\nif __name__ == \"__main__\":\n    f()\n",
    );
    assert_code(&dis_fn(&p, "f"), "Const None\nReturn");
    assert_code(
        &dis(&p, MODULE),
        "Const func#1
         StoreGlobal f Plain
         Const \"__main__\"
         Const \"__main__\"
         Compare(Eq)
         JumpIfFalse(9)
         LoadGlobal f Plain
         Call 0
         Pop
         Const None
         Return",
    );
}

#[test]
fn every_instruction_has_a_span_on_its_line() {
    let src = "import threading\ncounter = 0\ndef work():\n    global counter\n    counter += 1\n";
    let p = compile(src);
    for f in &p.functions {
        assert_eq!(f.code.len(), f.spans.len());
    }
    let w = func_id(&p, "work");
    assert_eq!(p.line_of(w, 0), 5);
    let s = p.function(w).spans[3];
    assert_eq!(&src[s.start as usize..s.end as usize], "counter += 1");
}
