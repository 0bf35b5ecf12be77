//! Every compile error: its message and where it points.
mod common;
use common::error;

#[track_caller]
fn check(src: &str, loc: &str, msg: &str) {
    let (l, m) = error(src);
    assert_eq!((l.as_str(), m.as_str()), (loc, msg), "source:\n{src}");
}

#[test]
fn unknown_names() {
    check("x = y\n", "t.py:1:5", "name 'y' is not defined");
    check(
        "def f():\n    return z + 1\n",
        "t.py:2:12",
        "name 'z' is not defined",
    );
    check(
        "def f():\n    global g\n    return g\n",
        "t.py:3:12",
        "name 'g' is not defined",
    );
    check("s = set()\n", "t.py:1:5", "builtin 'set' is not supported");
    check("x = Empty\n", "t.py:1:5", "name 'Empty' is not defined");
}

#[test]
fn scope_statements() {
    check(
        "def f():\n    nonlocal x\n",
        "t.py:2:5",
        "`nonlocal` is not supported",
    );
    check(
        "def f():\n    def g():\n        pass\n",
        "t.py:2:9",
        "nested functions are not supported yet",
    );
    check("return 1\n", "t.py:1:1", "'return' outside function");
    check("break\n", "t.py:1:1", "'break' outside loop");
    check(
        "def f():\n    continue\n",
        "t.py:2:5",
        "'continue' not properly in loop",
    );
    check(
        "for i in []:\n    pass\nelse:\n    break\n",
        "t.py:4:5",
        "'break' outside loop",
    );
    check(
        "def f(a):\n    global a\n",
        "t.py:2:12",
        "name 'a' is parameter and global",
    );
    check(
        "def f():\n    x = 1\n    global x\n",
        "t.py:3:12",
        "name 'x' is assigned to before global declaration",
    );
    check(
        "def f(a, a):\n    pass\n",
        "t.py:1:10",
        "duplicate argument 'a' in function definition",
    );
    check(
        "def f():\n    import threading\n",
        "t.py:2:5",
        "`import` inside a function is not supported; import at module level",
    );
}

#[test]
fn unsupported_definitions() {
    check(
        "class C:\n    pass\n",
        "t.py:1:7",
        "classes are not supported yet",
    );
    check(
        "def f():\n    class C:\n        pass\n",
        "t.py:2:11",
        "classes are not supported yet",
    );
    check(
        "@d\ndef f():\n    pass\n",
        "t.py:1:2",
        "decorators are not supported yet",
    );
    check(
        "f = lambda: 1\n",
        "t.py:1:5",
        "`lambda` is not supported yet",
    );
    check(
        "def f(x=[]):\n    pass\n",
        "t.py:1:9",
        "non-constant default values are not supported",
    );
    check(
        "N = 1\ndef f(x=N):\n    pass\n",
        "t.py:2:9",
        "non-constant default values are not supported",
    );
}

#[test]
fn imports() {
    check(
        "import random\n",
        "t.py:1:8",
        "module 'random' is not supported",
    );
    check(
        "from os import path\n",
        "t.py:1:1",
        "module 'os' is not supported",
    );
    check(
        "import concurrent.futures\n",
        "t.py:1:8",
        "concurrent.futures is not supported yet",
    );
    check(
        "from concurrent.futures import ThreadPoolExecutor\n",
        "t.py:1:1",
        "concurrent.futures is not supported yet",
    );
    check(
        "import threading\nb = threading.Timer(1, f)\n",
        "t.py:2:5",
        "threading.Timer is not supported yet",
    );
    check(
        "import threading\nb = threading.local()\n",
        "t.py:2:5",
        "threading.local is not supported yet",
    );
    check(
        "from threading import Timer\n",
        "t.py:1:23",
        "threading.Timer is not supported yet",
    );
    check(
        "import queue\nq = queue.LifoQueue()\n",
        "t.py:2:5",
        "queue.LifoQueue is not supported yet",
    );
    check(
        "import threading\nx = threading.foo\n",
        "t.py:2:5",
        "threading.foo is not supported",
    );
    check(
        "import time\nx = time.time()\n",
        "t.py:2:5",
        "time.time() is not supported: weft has no clock",
    );
    check(
        "import time as tm\nx = tm.monotonic()\n",
        "t.py:2:5",
        "time.monotonic() is not supported: weft has no clock",
    );
    check(
        "import threading\nx = threading\n",
        "t.py:2:5",
        "module 'threading' can only be used as threading.NAME",
    );
    check(
        "import threading as th\nprint(th)\n",
        "t.py:2:7",
        "module 'threading' can only be used as th.NAME",
    );
    check(
        "import threading\nthreading = 1\n",
        "t.py:2:1",
        "rebinding the imported name 'threading' is not supported",
    );
    check(
        "from threading import Lock\nLock = 1\n",
        "t.py:2:1",
        "rebinding the imported name 'Lock' is not supported",
    );
    check(
        "import threading\nthreading.x = 1\n",
        "t.py:2:11",
        "assigning to threading.x is not supported",
    );
}

#[test]
fn expressions() {
    check("x = {1, 2}\n", "t.py:1:5", "set literals are not supported");
    check(
        "x = [1]\ny = x @ x\n",
        "t.py:2:5",
        "the `@` operator is not supported",
    );
    check(
        "x = [1]\ny = x[::2]\n",
        "t.py:2:9",
        "slice steps are not supported",
    );
    check(
        "x = [1]\nx.frobnicate()\n",
        "t.py:2:3",
        "method 'frobnicate' is not supported",
    );
    check(
        "x = [1]\ny = x.size\n",
        "t.py:2:7",
        "attribute 'size' is not supported",
    );
    check(
        "print(1, end='', end='')\n",
        "t.py:1:18",
        "keyword argument repeated: end",
    );
    check("x = ...\n", "t.py:1:5", "`...` is not supported");
}

#[test]
fn assignment_targets() {
    check(
        "import threading\nt = threading.Thread()\nt.name = 'x'\n",
        "t.py:3:3",
        "assigning to attribute 'name' is not supported yet",
    );
    check(
        "x = [1]\nx[0:1] = [2]\n",
        "t.py:2:3",
        "slice assignment is not supported",
    );
    check(
        "x = [1]\ndel x[0:1]\n",
        "t.py:2:7",
        "deleting slices is not supported",
    );
    check(
        "import threading\nt = threading.Thread()\ndel t.daemon\n",
        "t.py:3:5",
        "deleting attributes is not supported",
    );
}

#[test]
fn errors_in_an_embedded_program_point_into_the_yaml() {
    let yaml = "name: x\nprogram: |\n  a = 1\n  b = c\n";
    let file = weft_diag::SourceFile::new("s.yaml", yaml);
    let text = "a = 1\nb = c\n".to_string();
    let map = vec![
        yaml.find("a =").unwrap() as u32,
        yaml.find("b =").unwrap() as u32,
    ];
    let e = weft_diag::Embedded::new(file, text, map);
    let d = weft_compile::compile_source(&e).unwrap_err();
    assert_eq!(d.location(), "s.yaml:4:7");
    assert_eq!(d.message, "name 'c' is not defined");
}
