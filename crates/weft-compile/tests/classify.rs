//! Global classification over whole programs.
mod common;
use common::*;
use weft_model::{GlobalInfo, GlobalKind, Program};

fn global<'p>(p: &'p Program, name: &str) -> &'p GlobalInfo {
    p.globals
        .iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("no global {name}"))
}

/// `src` compiled with one `final` check.
fn compile_with_final(src: &str, check: &str) -> Program {
    let file = weft_diag::SourceFile::new("s.yaml", format!("final:\n  - {check}\n"));
    let mut options = weft_compile::Options::none(file.clone());
    options
        .finals
        .push(weft_diag::Embedded::new(file, check.to_string(), vec![11]));
    weft_compile::compile(&weft_diag::Embedded::detached("t.py", src), &options).expect("compiles")
}

fn kind(p: &Program, name: &str) -> GlobalKind {
    global(p, name).kind
}

const COUNTER: &str = "import threading
counter = 0
lock = threading.Lock()
def bump():
    global counter
    counter += 1
def work():
    for _ in range(2):
        with lock:
            bump()
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
";

#[test]
fn typical_counter_program() {
    let p = compile(COUNTER);
    assert_eq!(kind(&p, "counter"), GlobalKind::Shared);
    assert_eq!(kind(&p, "lock"), GlobalKind::Frozen);
    assert_eq!(kind(&p, "bump"), GlobalKind::Frozen);
    // Only the main thread names these.
    assert_eq!(kind(&p, "threads"), GlobalKind::MainOnly);
    assert_eq!(kind(&p, "t"), GlobalKind::MainOnly);
    assert_eq!(kind(&p, "work"), GlobalKind::MainOnly);
    let names: Vec<_> = p.globals.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["counter", "lock", "bump", "work", "threads", "t"]);
    assert!(p.globals.iter().all(|g| !g.atomic));
}

#[test]
fn assigned_after_the_first_start_is_shared() {
    let src = COUNTER.replace("lock = threading.Lock()\n", "") + "lock = threading.Lock()\n";
    let p = compile(&src);
    assert_eq!(kind(&p, "lock"), GlobalKind::Shared);
    let src = COUNTER
        .replace("def bump():", "x = 1\ndef bump():")
        .replace("for t in threads:\n    t.join()\n", "");
    let p = compile(&src);
    assert_eq!(kind(&p, "x"), GlobalKind::MainOnly);
}

#[test]
fn a_call_to_a_user_function_is_a_start_point() {
    let p = compile("def f():\n    return limit\ndef main():\n    pass\nmain()\nlimit = 3\n");
    assert_eq!(kind(&p, "limit"), GlobalKind::Shared);
    assert_eq!(kind(&p, "main"), GlobalKind::MainOnly);
    let p = compile("def f():\n    return limit\nlimit = 3\nprint(len([1]))\nif __name__ == '__main__':\n    f()\n");
    assert_eq!(kind(&p, "limit"), GlobalKind::Frozen);
}

#[test]
fn start_inside_a_block_counts() {
    let p = compile(
        "import threading\ndef w():\n    return n\nt = threading.Thread(target=w)\nif True:\n    with threading.Lock():\n        t.start()\nn = 1\n",
    );
    assert_eq!(kind(&p, "n"), GlobalKind::Shared);
}

#[test]
fn stores_in_loops_or_in_functions_are_not_frozen() {
    let p = compile("def f():\n    return a + b + c\nfor a in range(2):\n    pass\nwhile False:\n    b = 1\nc = 0\ndef g():\n    global c\n    c = 1\n");
    assert_eq!(kind(&p, "a"), GlobalKind::Shared);
    assert_eq!(kind(&p, "b"), GlobalKind::Shared);
    assert_eq!(kind(&p, "c"), GlobalKind::Shared);
}

#[test]
fn module_stores_of_a_read_only_global_in_branches_and_try_are_frozen() {
    let p = compile("def f():\n    return a, b\nif True:\n    a = 1\nelse:\n    a = 2\ntry:\n    b = 1\nexcept ValueError:\n    b = 2\nf()\n");
    assert_eq!(kind(&p, "a"), GlobalKind::Frozen);
    assert_eq!(kind(&p, "b"), GlobalKind::Frozen);
}

#[test]
fn a_global_stored_by_the_start_statement_itself_is_shared() {
    let p = compile("def f():\n    return r\ndef main():\n    return 1\nr = main()\n");
    assert_eq!(kind(&p, "r"), GlobalKind::Shared);
}

#[test]
fn a_comprehension_inside_a_function_names_globals() {
    let p = compile(
        "xs = [1]\ndef f():\n    return [x for x in xs]\nys = []\ndef g():\n    ys.append(1)\n",
    );
    assert_eq!(kind(&p, "xs"), GlobalKind::Frozen);
    // Mutating a container is a read of the binding.
    assert_eq!(kind(&p, "ys"), GlobalKind::Frozen);
}

#[test]
fn del_in_a_function_is_a_store() {
    let p = compile("x = 1\ndef f():\n    global x\n    del x\n");
    assert_eq!(kind(&p, "x"), GlobalKind::Shared);
}

#[test]
fn globals_created_only_by_functions() {
    let p = compile("def f():\n    global made\n    made = 1\ndef g():\n    return made\n");
    assert_eq!(kind(&p, "made"), GlobalKind::Shared);
    let f = dis_fn(&p, "f");
    assert_eq!(f[1], "StoreGlobal made Plain");
}

fn confined(p: &Program, name: &str) -> bool {
    global(p, name).confined
}

/// A global whose value threads use only as the container of an operation
/// that does not keep it is confined; any other use of its value lets the
/// container escape (into a variable, an argument, another container, an
/// iterator), and `final` checks do not count.
#[test]
fn confined_globals_are_used_only_as_container_operands() {
    let uses = [
        "items.append(1)",
        "items[0] = 1",
        "items[0] += 1",
        "del items[0]",
        "x = items[0]",
        "x = len(items)",
        "x = 1 in items",
        "x = items == []",
        "x = not items",
        "if items:\n        pass",
        "while not items:\n        break",
        "assert items",
    ];
    for u in uses {
        let src = format!("items = [0]\ndef work():\n    {u}\n");
        let p = compile(&src);
        assert!(confined(&p, "items"), "{u}");
    }
    let escapes = [
        "x = items",
        "print(items)",
        "x = [items]",
        "x = (items, 1)",
        "for x in items:\n        pass",
        "x = items or []",
        "x = items + [1]",
        "x = list(items)",
        "return items",
    ];
    for u in escapes {
        let src = format!("items = [0]\ndef work():\n    {u}\n");
        let p = compile(&src);
        assert!(!confined(&p, "items"), "{u}");
    }
    // Module code is a thread's code too; checks are not.
    let p = compile(
        "import threading\nitems = []\nthreading.Thread(target=print, args=(items,)).start()\n",
    );
    assert!(!confined(&p, "items"));
    let check = "items == [0, 1] and list(items)";
    let p = compile_with_final("items = [0]\ndef work():\n    items.append(1)\n", check);
    assert!(confined(&p, "items"));
}

/// A global rebound to a container something else may hold is not confined;
/// one rebound to a container just built still is.
#[test]
fn confined_globals_are_bound_only_to_new_containers() {
    let fresh = [
        "items = []",
        "items = {}",
        "items = [x for x in range(2)]",
        "items = list(range(2))",
    ];
    for st in fresh {
        let p = compile(&format!(
            "items = [0]\ndef work():\n    global items\n    {st}\n    items.append(1)\n"
        ));
        assert!(confined(&p, "items"), "{st}");
    }
    let aliased = [
        "mine = []\n    items = mine",
        "items = other = []",
        "for items in [[1]]:\n        pass",
        "mine = []\n    items, = [mine]",
        "mine = []\n    [items] = [mine]",
        "mine = []\n    items, other = [mine, 0]",
    ];
    for st in aliased {
        let p = compile(&format!(
            "items = [0]\ndef work():\n    global items\n    {st}\n"
        ));
        assert!(!confined(&p, "items"), "{st}");
    }
}

fn dynamic(p: &Program, func: &str) -> bool {
    p.functions[func_id(p, func) as usize].dynamic_calls
}

/// A function that may run code it got from data, or hand a thread over,
/// is marked: the reduction cannot read what its thread will touch off
/// what the thread reaches now.
#[test]
fn functions_that_may_run_code_from_data_are_marked() {
    let header = "import threading\nq = []\ndef helper():\n    pass\n";
    let dynamic_bodies = [
        "f = q[0]\n    f()",
        "q[0]()",
        "c = threading.Condition()\n    with c:\n        c.wait_for(q[0])",
        "c = threading.Condition()\n    with c:\n        c.wait_for(predicate=q[0])",
        "threading.Thread(target=helper).start()",
        "t = threading.Thread(target=helper)",
    ];
    for body in dynamic_bodies {
        let p = compile(&format!("{header}def work():\n    {body}\n"));
        assert!(dynamic(&p, "work"), "{body}");
    }
    let static_bodies = [
        "helper()",
        "print(len(q))",
        "q.append(1)",
        "x = threading.Lock()",
        "c = threading.Condition()\n    with c:\n        c.wait_for(helper)",
    ];
    for body in static_bodies {
        let p = compile(&format!("{header}def work():\n    {body}\n"));
        assert!(!dynamic(&p, "work"), "{body}");
    }
    // Main starting threads it created is not; calling a rebindable global is.
    let p = compile(&format!(
        "{header}threading.Thread(target=helper).start()\n"
    ));
    assert!(!p.functions.iter().any(|f| f.dynamic_calls));
    let p = compile(&format!("{header}threading.Thread(target=q[0]).start()\n"));
    assert!(p.functions.iter().any(|f| f.dynamic_calls));
    let p = compile(&format!("{header}helper = q\nhelper()\n"));
    assert!(p.functions.iter().any(|f| f.dynamic_calls));
}

fn unordered(p: &Program, name: &str) -> bool {
    global(p, name).unordered
}

/// A dict's insertion order is unseen when its global is confined and no
/// code, `final` checks included, calls a method on it that shows the order
/// or uses its value any other way.
#[test]
fn unordered_globals_never_show_their_order() {
    let unseen = [
        "table[1] = 2",
        "x = table.get(1)",
        "table.setdefault(1, 2)",
        "table.pop(1)",
        "table.update({1: 2})",
        "del table[1]",
        "x = len(table)",
        "x = 1 in table",
        "x = table == {}",
        "table.clear()",
    ];
    for u in unseen {
        let p = compile(&format!("table = {{}}\ndef work():\n    {u}\n"));
        assert!(unordered(&p, "table"), "{u}");
    }
    let seen = [
        "x = table.keys()",
        "x = table.values()",
        "x = table.items()",
        "x = table.copy()",
        "x = list(table)",
        "for k in table:\n        pass",
        "print(table)",
        "x = str(table)",
        "x = table",
    ];
    for u in seen {
        let p = compile(&format!("table = {{}}\ndef work():\n    {u}\n"));
        assert!(!unordered(&p, "table"), "{u}");
    }
    // A check that shows the order counts too (it does not for confinement).
    for (check, shows) in [
        ("len(table) == 2", false),
        ("list(table) == [1, 2]", true),
        ("table.items()", true),
    ] {
        let p = compile_with_final("table = {}\ndef work():\n    table[1] = 2\n", check);
        assert!(confined(&p, "table"), "{check}");
        assert_eq!(unordered(&p, "table"), !shows, "{check}");
    }
}
