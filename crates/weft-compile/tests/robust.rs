//! Hostile or odd programs: errors, never panics or blow-ups.
mod common;
use weft_diag::Embedded;

fn try_compile(src: &str) -> Result<weft_model::Program, String> {
    weft_compile::compile_source(&Embedded::detached("t.py", src)).map_err(|d| d.to_string())
}

#[test]
fn exponential_finally_copies_are_cut_off() {
    // Each level's finally holds a try/finally with a return: copies multiply.
    let mut src = String::from("def f():\n");
    let mut body = String::from("return 1\n");
    for _ in 0..18 {
        let ind: String = body.lines().map(|l| format!("    {l}\n")).collect();
        body = format!("try:\n    return 0\nfinally:\n{ind}");
    }
    for l in body.lines() {
        src.push_str(&format!("    {l}\n"));
    }
    match try_compile(&src) {
        Ok(p) => assert!(p.functions[1].code.len() <= (1 << 21)),
        Err(e) => assert!(e.contains("too large"), "{e}"),
    }
}

#[test]
fn odd_but_valid_programs_compile() {
    let programs = [
        "x = 1\nx: int\ny: int = 2\n",
        "def f():\n    x: int\n    x = 1\n    return x\n",
        "for i, (j, k) in []:\n    pass\n",
        "while True:\n    break\nelse:\n    pass\n",
        "def f():\n    while True:\n        try:\n            continue\n        finally:\n            break\n",
        "def f():\n    try:\n        pass\n    finally:\n        return 1\n",
        "def f():\n    try:\n        return 1\n    except ValueError:\n        return 2\n    else:\n        return 3\n    finally:\n        pass\n",
        "try:\n    pass\nexcept ValueError as e:\n    print(e)\n",
        "import threading\nl = threading.RLock()\nwith l:\n    with l:\n        pass\n",
        "from threading import Lock as L, Thread\nfrom queue import Queue, Empty, Full\nfrom time import sleep\nl = L()\n",
        "x = [1, 2, 3]\ny = x[1:] + x[:1] + x[:]\n",
        "d = {'a': 1}\nfor k in d:\n    d[k] -= 1\n",
        "s = f''\nt = f'{1}'\n",
        "x = not 1\ny = -2 ** 2\nz = ~3\n",
        "x = (1, [2])\n",
        "assert True\n",
        "if __name__ == '__main__':\n    pass\n",
        "def f(a, b=None, c='x', d=(1, (2, -3.5))):\n    return a\n",
        "def f():\n    return [[y for y in x] for x in [[1]]]\n",
        "x = [i for i in range(3)]\ni = 5\n",
        "def f():\n    global g\n    g = 1\n    del g\n",
        "def f():\n    pass\ndef f():\n    return 1\n",
        "def f():\n    return f()\n",
        PRODUCER_CONSUMER,
        PHILOSOPHERS,
    ];
    for src in programs {
        if let Err(e) = try_compile(src) {
            panic!("{src}\n{e}");
        }
    }
}

#[test]
fn jump_targets_and_handlers_are_in_range() {
    let src = "import threading\nl = threading.Lock()\ndef f(xs):\n    for x in xs:\n        try:\n            with l:\n                if x:\n                    return 1\n                elif x > 2:\n                    break\n        except (ValueError, KeyError) as e:\n            continue\n        finally:\n            print(x)\n    else:\n        return [y for y in xs if y]\n";
    let p = try_compile(src).unwrap();
    for f in &p.functions {
        let n = f.code.len() as u32;
        for i in &f.code {
            use weft_model::Instr::*;
            if let Jump(t) | JumpIfFalse(t) | JumpIfTrue(t) | JumpIfFalseOrPop(t)
            | JumpIfTrueOrPop(t) | ForIter(t) = *i
            {
                assert!(t < n, "{} jumps to {t} of {n}", f.name);
            }
        }
        for h in &f.handlers {
            assert!(h.start < h.end && h.end <= n && h.target < n, "{h:?}");
        }
    }
}

#[test]
fn very_deep_expressions_are_rejected_not_crashing() {
    for n in [300usize, 5_000, 100_000] {
        let src = format!("x = 1{}\n", " + 1".repeat(n));
        let _ = try_compile(&src);
        let src = format!(
            "x = {}1{}\n",
            "-(".repeat(n.min(5000)),
            ")".repeat(n.min(5000))
        );
        let _ = try_compile(&src);
        let src = format!(
            "x = {}1{}\n",
            "[".repeat(n.min(5000)),
            "]".repeat(n.min(5000))
        );
        let _ = try_compile(&src);
    }
}

const PRODUCER_CONSUMER: &str = "import threading
import queue
from queue import Empty

q = queue.Queue(maxsize=2)
cond = threading.Condition()
items = []
done = threading.Event()

def producer(n):
    for i in range(n):
        q.put(i, timeout=1)
        with cond:
            items.append(i)
            cond.notify_all()
    done.set()

def consumer():
    while not done.is_set() or not q.empty():
        try:
            x = q.get(timeout=0.1)
        except Empty:
            continue
        else:
            q.task_done()
        with cond:
            while len(items) == 0:
                cond.wait()
            items.pop(0)

threads = [threading.Thread(target=producer, args=(3,)), threading.Thread(target=consumer, daemon=True)]
for t in threads:
    t.start()
threads[0].join()
q.join()
print(f'{len(items)=}')
";

const PHILOSOPHERS: &str = "import threading
N = 3
forks = [threading.Lock() for _ in range(N)]
meals = {} if N else {0: 1}

def philosopher(i):
    left, right = forks[i], forks[(i + 1) % N]
    with left:
        with right:
            meals[i] = meals.get(i, 0) + 1

ts = []
for i in range(N):
    t = threading.Thread(target=philosopher, args=(i,), name=f'p{i}')
    ts.append(t)
    t.start()
for t in ts:
    t.join()
assert sum(meals.values()) == N, meals
";
