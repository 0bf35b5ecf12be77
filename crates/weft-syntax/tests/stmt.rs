//! Statements, and realistic threading programs.
mod common;
use common::*;
use weft_syntax::*;

#[test]
fn assignments() {
    assert_eq!(m("x = 1"), "(= x 1)");
    assert_eq!(m("a = b = c = 0"), "(= a b c 0)");
    assert_eq!(m("a, b = b, a"), "(= (tuple a b) (tuple b a))");
    assert_eq!(
        m("(a, b) = [c, d] = 1, 2"),
        "(= (tuple a b) [list c d] (tuple 1 2))"
    );
    assert_eq!(m("[a, (b, c)] = x"), "(= [list a (tuple b c)] x)");
    assert_eq!(m("a, = x"), "(= (tuple a) x)");
    assert_eq!(m("x = 1,"), "(= x (tuple 1))");
    assert_eq!(m("d[k] = v"), "(= ([] d k) v)");
    assert_eq!(m("self.x = 1"), "(= (. self x) 1)");
    assert_eq!(m("a[1:2] = []"), "(= ([] a (slice 1 2 _)) [list ])");
}

#[test]
fn augmented_assignments() {
    let ops = [
        "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "|", "^", "&", "@",
    ];
    for op in ops {
        assert_eq!(m(&format!("x {op}= 2")), format!("({op}= x 2)"));
    }
    assert_eq!(m("d['k'] += 1"), "(+= ([] d \"k\") 1)");
    assert_eq!(m("o.n -= a, b"), "(-= (. o n) (tuple a b))");
}

#[test]
fn annotated_assignments() {
    assert_eq!(m("x: int = 1"), "(: x int 1)");
    assert_eq!(m("x: list[int]"), "(: x ([] list int))");
    assert_eq!(m("self.x: int = 0"), "(: (. self x) int 0)");
}

#[test]
fn expression_statements_and_semicolons() {
    assert_eq!(m("f()\n'doc'\n"), "(call f)\n\"doc\"");
    assert_eq!(m("a = 1; b = 2; f()"), "(= a 1)\n(= b 2)\n(call f)");
    assert_eq!(m("a = 1;"), "(= a 1)");
    assert_eq!(
        m("\n\n# comment\n   # indented comment\n\nx = 1  # trailing\n\n"),
        "(= x 1)"
    );
    assert_eq!(m("x = 1 + \\\n    2"), "(= x (+ 1 2))");
    assert_eq!(
        m("x = [1,\n  2,\n     3]\ny = 2"),
        "(= x [list 1 2 3])\n(= y 2)"
    );
    assert_eq!(m("x = 1\r\ny = 2\r\n"), "(= x 1)\n(= y 2)");
    assert_eq!(m("x = 1"), m("\u{feff}x = 1"));
    assert_eq!(m(""), "");
}

#[test]
fn if_elif_else() {
    assert_eq!(
        m("if a:\n    x = 1\nelif b:\n    x = 2\nelif c:\n    pass\nelse:\n    x = 3\n"),
        "(if a [(= x 1)] [(if b [(= x 2)] [(if c [pass] [(= x 3)])])])"
    );
    assert_eq!(m("if x: pass"), "(if x [pass] [])");
    assert_eq!(
        m("if x: a = 1; b = 2\nelse: pass"),
        "(if x [(= a 1); (= b 2)] [pass])"
    );
    assert_eq!(
        m("if x:\n\n    # c\n    a\n\n    b\nc"),
        "(if x [a; b] [])\nc"
    );
    assert_eq!(
        m("if a:\n  if b:\n    x\n  y\nz"),
        "(if a [(if b [x] []); y] [])\nz"
    );
    assert_eq!(
        m("if a:\n\tif b:\n\t\tx\n\ty"),
        "(if a [(if b [x] []); y] [])"
    );
}

#[test]
fn loops() {
    assert_eq!(
        m("while x < 3:\n    x += 1\nelse:\n    done()"),
        "(while (cmp x < 3) [(+= x 1)] [(call done)])"
    );
    assert_eq!(m("while True:\n    break\n"), "(while True [break] [])");
    assert_eq!(
        m("for i, (a, b) in enumerate(pairs):\n    continue\nelse:\n    pass"),
        "(for (tuple i (tuple a b)) (call enumerate pairs) [continue] [pass])"
    );
    assert_eq!(
        m("for x in 1, 2:\n    pass"),
        "(for x (tuple 1 2) [pass] [])"
    );
    assert_eq!(
        m("for t in threads: t.start()"),
        "(for t threads [(call (. t start))] [])"
    );
    assert_eq!(m("for d[k] in x: pass"), "(for ([] d k) x [pass] [])");
}

#[test]
fn simple_statements() {
    assert_eq!(m("pass"), "pass");
    assert_eq!(m("def f():\n    return"), "(def f () [(return)])");
    assert_eq!(
        m("def f():\n    return a, b"),
        "(def f () [(return (tuple a b))])"
    );
    assert_eq!(m("raise"), "(raise)");
    assert_eq!(
        m("raise ValueError('x')"),
        "(raise (call ValueError \"x\"))"
    );
    assert_eq!(
        m("raise RuntimeError from e"),
        "(raise RuntimeError from e)"
    );
    assert_eq!(m("global a, b"), "(global a b)");
    assert_eq!(
        m("def f():\n    def g():\n        nonlocal x\n"),
        "(def f () [(def g () [(nonlocal x)])])"
    );
    assert_eq!(m("assert x"), "(assert x)");
    assert_eq!(
        m("assert x == 1, f'bad {x}'"),
        "(assert (cmp x == 1) (f \"bad \" {x}))"
    );
    assert_eq!(m("del x, d[k], o.a"), "(del x ([] d k) (. o a))");
    assert_eq!(m("del (a, b), [c]"), "(del (tuple a b) [list c])");
}

#[test]
fn imports() {
    assert_eq!(m("import threading"), "(import threading)");
    assert_eq!(m("import a.b.c as d, e"), "(import a.b.c as d, e)");
    assert_eq!(
        m("from queue import Queue, Empty as E"),
        "(from queue import Queue, Empty as E)"
    );
    assert_eq!(
        m("from concurrent.futures import (\n  ThreadPoolExecutor,\n  as_completed,\n)"),
        "(from concurrent.futures import ThreadPoolExecutor, as_completed)"
    );
    assert_eq!(m("from . import x"), "(from . import x)");
    assert_eq!(m("from ..pkg import y"), "(from ..pkg import y)");
    assert_eq!(m("from ... import z"), "(from ... import z)");
}

#[test]
fn function_definitions() {
    assert_eq!(
        m("def f(a, b=1, c=None):\n    pass"),
        "(def f (a b=1 c=None) [pass])"
    );
    assert_eq!(m("def f(a,):\n    pass"), "(def f (a) [pass])");
    assert_eq!(m("def f(): return 1"), "(def f () [(return 1)])");
    assert_eq!(
        m("def f(a: int, b: str = 'x') -> bool:\n    pass"),
        "(def f (a b=\"x\") [pass])"
    );
    assert_eq!(
        m("@decorator\n@dec.attr(1)\ndef f():\n    pass"),
        "(def @decorator @(call (. dec attr) 1) f () [pass])"
    );
    let md = parse("def work(n):\n    pass\n");
    let StmtKind::FunctionDef(f) = &md.body[0].kind else {
        panic!()
    };
    assert_eq!(f.name.name, "work");
    assert_eq!((f.name.span.start, f.name.span.end), (4, 8));
    assert_eq!(md.body[0].span.start, 0);
}

#[test]
fn class_definitions() {
    assert_eq!(m("class A:\n    pass"), "(class A () [pass])");
    assert_eq!(m("class A(): pass"), "(class A () [pass])");
    assert_eq!(
        m("@dataclass\nclass W(threading.Thread, B):\n    x: int = 0\n    def run(self):\n        return self.x"),
        "(class @dataclass W ((. threading Thread) B) [(: x int 0); (def run (self) [(return (. self x))])])"
    );
}

#[test]
fn with_statements() {
    assert_eq!(m("with lock:\n    x += 1"), "(with [lock] [(+= x 1)])");
    assert_eq!(m("with a, b as c:\n    pass"), "(with [a, b as c] [pass])");
    assert_eq!(
        m("with open(p) as (x, y): pass"),
        "(with [(call open p) as (tuple x y)] [pass])"
    );
    assert_eq!(
        m("with (a as b, c as d,):\n    pass"),
        "(with [a as b, c as d] [pass])"
    );
    assert_eq!(m("with (lock):\n    pass"), "(with [lock] [pass])");
    assert_eq!(
        m("with (a if c else b) as x:\n    pass"),
        "(with [(if c a b) as x] [pass])"
    );
    assert_eq!(
        m("with self.cond: self.cond.wait()"),
        "(with [(. self cond)] [(call (. (. self cond) wait))])"
    );
}

#[test]
fn try_statements() {
    assert_eq!(
        m("try:\n    a()\nexcept ValueError:\n    b()\nexcept (KeyError, IndexError) as e:\n    c(e)\nexcept:\n    raise\nelse:\n    d()\nfinally:\n    e()"),
        "(try [(call a)] (except ValueError [(call b)]) (except (tuple KeyError IndexError) as e [(call c e)]) (except _ [(raise)]) [(call d)] [(call e)])"
    );
    assert_eq!(
        m("try:\n    pass\nfinally:\n    pass"),
        "(try [pass]  [] [pass])"
    );
    assert_eq!(
        m("try: x()\nexcept queue.Empty: pass"),
        "(try [(call x)] (except (. queue Empty) [pass]) [] [])"
    );
}

#[test]
fn break_and_continue_inside_nested_blocks() {
    assert_eq!(
        m("for x in y:\n    if x:\n        break\n    try:\n        continue\n    finally:\n        pass"),
        "(for x y [(if x [break] []); (try [continue]  [] [pass])] [])"
    );
}

#[test]
fn statement_spans() {
    let src = "x = 1\nif a:\n    y = 2\n    z = 3\nw = 4\n";
    let md = parse(src);
    let s = &md.body[1];
    assert_eq!(
        &src[s.span.start as usize..s.span.end as usize],
        "if a:\n    y = 2\n    z = 3"
    );
    let s = &md.body[0];
    assert_eq!(&src[s.span.start as usize..s.span.end as usize], "x = 1");
}

const PRODUCER_CONSUMER: &str = r#"
import threading
from collections import deque

BUFFER_SIZE = 2
buffer = []
cond = threading.Condition()
produced = 0
consumed = 0


def producer(n):
    global produced
    for i in range(n):
        with cond:
            while len(buffer) >= BUFFER_SIZE:
                cond.wait()
            buffer.append(i)
            produced += 1
            cond.notify_all()


def consumer(n):
    global consumed
    for _ in range(n):
        with cond:
            while not buffer:
                cond.wait()
            item = buffer.pop(0)
            consumed += 1
            cond.notify_all()
    assert consumed <= produced, f"consumed {consumed} > produced {produced}"


if __name__ == "__main__":
    threads = [
        threading.Thread(target=producer, args=(3,)),
        threading.Thread(target=consumer, args=(3,), name="consumer"),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert buffer == []
"#;

const PHILOSOPHERS: &str = r#"
import threading

N = 3
forks = [threading.Lock() for _ in range(N)]

def philosopher(i):
    left, right = forks[i], forks[(i + 1) % N]
    if i == N - 1:  # break the symmetry
        left, right = right, left
    left.acquire()
    try:
        with right:
            eat(i)
    finally:
        left.release()

def eat(i):
    """Eat for a while."""
    pass

threads = [threading.Thread(target=philosopher, args=(i,)) for i in range(N)]
for t in threads: t.start()
for t in threads: t.join()
"#;

const QUEUE_WORKERS: &str = r#"
import queue, threading, time

q = queue.Queue(maxsize=2)
results = {}
lock = threading.RLock()
done = threading.Event()

def worker(wid):
    while not done.is_set():
        try:
            item = q.get(timeout=0.1)
        except queue.Empty:
            continue
        else:
            with lock:
                results[item] = results.get(item, 0) + wid
        finally:
            pass
        q.task_done()

def main():
    ws = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(2)]
    for w in ws:
        w.start()
    for i in range(4):
        q.put(i)
    q.join()
    done.set()
    total = sum(results.values()) if results else -1
    print(f"total={total:>4} keys={sorted(results.keys())!r}")
    return total

if __name__ == '__main__':
    main()
"#;

#[test]
fn realistic_programs_parse() {
    let md = parse(PRODUCER_CONSUMER);
    assert_eq!(md.body.len(), 10);
    assert!(matches!(md.body[9].kind, StmtKind::If { .. }));
    let md = parse(PHILOSOPHERS);
    assert_eq!(md.body.len(), 8);
    let md = parse(QUEUE_WORKERS);
    assert_eq!(md.body.len(), 8);
    let StmtKind::FunctionDef(w) = &md.body[5].kind else {
        panic!()
    };
    let StmtKind::While { body, .. } = &w.body[0].kind else {
        panic!()
    };
    let StmtKind::Try {
        handlers,
        orelse,
        finalbody,
        ..
    } = &body[0].kind
    else {
        panic!()
    };
    assert_eq!((handlers.len(), orelse.len(), finalbody.len()), (1, 1, 1));
}

#[test]
fn main_guard_shape() {
    assert_eq!(
        m("if __name__ == \"__main__\":\n    main()\n"),
        "(if (cmp __name__ == \"__main__\") [(call main)] [])"
    );
}
