//! Random small threading programs: the default engine must agree with the
//! reference engine on each (finding kinds and subjects, end states as
//! `weft_loom::final_globals`, deadlock states).
//!
//! Programs are generated as Python source, so they also go through the
//! parser and the compiler. They are valid by construction: 2–3 workers over
//! two int globals, a list, a dict (its insertion order looked at in some
//! programs, unseen in the others), two Locks and an RLock (taken in a fixed order or
//! not), a Condition waited in a `while` loop, an Event, a (Bounded)Semaphore
//! and a Queue, with bounded `for` loops, `if`, `with`, `try/finally` and
//! `assert`. Waiting on the Event or the Condition, or getting from the
//! Queue, gets a matching set/notify/put in another thread, so most
//! programs end; some deadlock or raise, which is the point.
//!
//! A case whose exploration hits the state guard is discarded, not failed.
//! A failure shrinks to a minimal program, which is written to
//! `$CARGO_TARGET_DIR/weft-oracle-generated-failure.py` (copy it into tests/regressions/);
//! proptest reads and saves its seeds in `tests/generated.proptest-regressions`
//! (it finds no lib.rs beside an integration test, so not in `proptest-regressions/`).

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use weft_oracle::engines::{default_vs_reference, Agreement, Limits};

#[derive(Debug, Clone, Copy)]
enum G {
    X,
    Y,
}

impl G {
    fn name(self) -> &'static str {
        match self {
            G::X => "x",
            G::Y => "y",
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Lk {
    A,
    B,
    R,
}

impl Lk {
    fn name(self) -> &'static str {
        match self {
            Lk::A => "lock_a",
            Lk::B => "lock_b",
            Lk::R => "rl",
        }
    }
}

#[derive(Debug, Clone)]
enum Stmt {
    Incr(G),
    Copy(G, G),
    Append(u8),
    PopIfAny,
    PopTry,
    Assert(G, u8),
    Sleep,
    EventSet,
    EventWait,
    CondWait,
    CondNotify(bool),
    Put(u8),
    Get,
    GetNowait,
    SemRelease,
    With(Lk, Vec<Stmt>),
    WithTwo(Lk, Lk, Vec<Stmt>),
    AcquireFinally(Lk, Vec<Stmt>),
    Loop(u8, Vec<Stmt>),
    If(G, u8, Vec<Stmt>, Vec<Stmt>),
    TryFinally(Vec<Stmt>, Vec<Stmt>),
    SemWith(Vec<Stmt>),
    /// `table[k] = g`, on a dict whose insertion order is unseen unless
    /// some thread runs [`Stmt::DictOrder`].
    DictPut(u8, G),
    DictSetDefault(u8),
    DictPop(u8),
    DictGet(G, u8),
    /// Looks at the insertion order: `table` keeps it.
    DictOrder,
}

#[derive(Debug, Clone)]
struct Prog {
    workers: Vec<Vec<Stmt>>,
    /// How many threads run the first worker. With more than one, every
    /// thread is started without keeping its handle, so that the copies
    /// are interchangeable (symmetry reduction applies).
    copies: usize,
    queue_max: u8,
    sem_count: u8,
    bounded_sem: bool,
    main_incr: bool,
}

fn g() -> impl Strategy<Value = G> {
    prop_oneof![Just(G::X), Just(G::Y)]
}

fn lk() -> impl Strategy<Value = Lk> {
    prop_oneof![Just(Lk::A), Just(Lk::B), Just(Lk::R)]
}

fn leaf() -> BoxedStrategy<Stmt> {
    prop_oneof![
        4 => g().prop_map(Stmt::Incr),
        2 => (g(), g()).prop_map(|(a, b)| Stmt::Copy(a, b)),
        2 => (0u8..3).prop_map(Stmt::Append),
        1 => Just(Stmt::PopIfAny),
        1 => Just(Stmt::PopTry),
        1 => (g(), 1u8..4).prop_map(|(a, k)| Stmt::Assert(a, k)),
        1 => Just(Stmt::Sleep),
        1 => Just(Stmt::EventSet),
        1 => Just(Stmt::EventWait),
        1 => Just(Stmt::CondWait),
        1 => any::<bool>().prop_map(Stmt::CondNotify),
        1 => (0u8..3).prop_map(Stmt::Put),
        1 => Just(Stmt::Get),
        1 => Just(Stmt::GetNowait),
        1 => Just(Stmt::SemRelease),
        1 => (0u8..3, g()).prop_map(|(k, v)| Stmt::DictPut(k, v)),
        1 => (0u8..3).prop_map(Stmt::DictSetDefault),
        1 => (0u8..3).prop_map(Stmt::DictPop),
        1 => (g(), 0u8..3).prop_map(|(v, k)| Stmt::DictGet(v, k)),
    ]
    .boxed()
}

fn stmt(depth: u32) -> BoxedStrategy<Stmt> {
    if depth == 0 {
        return leaf();
    }
    let body = || prop::collection::vec(stmt(depth - 1), 1..3);
    prop_oneof![
        4 => leaf(),
        2 => (lk(), body()).prop_map(|(l, b)| Stmt::With(l, b)),
        // Both orders: a fixed global order sometimes, a cycle sometimes.
        1 => (lk(), lk(), body()).prop_map(|(a, b, s)| Stmt::WithTwo(a, b, s)),
        1 => (lk(), body()).prop_map(|(l, b)| Stmt::AcquireFinally(l, b)),
        1 => (1u8..3, body()).prop_map(|(n, b)| Stmt::Loop(n, b)),
        1 => (g(), 0u8..3, body(), body()).prop_map(|(v, k, a, b)| Stmt::If(v, k, a, b)),
        1 => (body(), body()).prop_map(|(a, b)| Stmt::TryFinally(a, b)),
        1 => body().prop_map(Stmt::SemWith),
        1 => Just(Stmt::DictOrder),
    ]
    .boxed()
}

fn prog() -> impl Strategy<Value = Prog> {
    (
        prop::collection::vec(prop::collection::vec(stmt(2), 1..4), 2..4),
        0u8..3,
        1u8..3,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(workers, queue_max, sem_count, bounded_sem, main_incr)| Prog {
                workers,
                copies: 1,
                queue_max,
                sem_count,
                bounded_sem,
                main_incr,
            },
        )
}

/// Programs where the first worker runs in 2 or 3 interchangeable threads.
fn symmetric_prog() -> impl Strategy<Value = Prog> {
    (prog(), 2usize..4, 1usize..3).prop_map(|(mut p, copies, workers)| {
        p.workers.truncate(workers);
        p.copies = copies;
        p
    })
}

/// How often each statement kind runs, loops multiplied out (an upper bound).
#[derive(Default)]
struct Counts {
    event_waits: u32,
    cond_waits: u32,
    gets: u32,
    puts: u32,
}

fn count(stmts: &[Stmt], times: u32, c: &mut Counts) {
    for s in stmts {
        match s {
            Stmt::EventWait => c.event_waits += times,
            Stmt::CondWait => c.cond_waits += times,
            Stmt::Get => c.gets += times,
            Stmt::Put(_) => c.puts += times,
            Stmt::Loop(n, b) => count(b, times * *n as u32, c),
            Stmt::If(_, _, a, b) | Stmt::TryFinally(a, b) => {
                count(a, times, c);
                count(b, times, c);
            }
            Stmt::With(_, b)
            | Stmt::WithTwo(_, _, b)
            | Stmt::AcquireFinally(_, b)
            | Stmt::SemWith(b) => count(b, times, c),
            _ => {}
        }
    }
}

fn line(out: &mut String, indent: usize, text: &str) {
    out.push_str(&"    ".repeat(indent));
    out.push_str(text);
    out.push('\n');
}

fn render(stmts: &[Stmt], ind: usize, out: &mut String) {
    for s in stmts {
        match s {
            Stmt::Incr(v) => line(out, ind, &format!("{} += 1", v.name())),
            Stmt::Copy(a, b) => line(out, ind, &format!("{} = {} + 1", a.name(), b.name())),
            Stmt::Append(k) => line(out, ind, &format!("items.append({k})")),
            Stmt::PopIfAny => {
                line(out, ind, "if items:");
                line(out, ind + 1, "items.pop()");
            }
            Stmt::PopTry => {
                line(out, ind, "try:");
                line(out, ind + 1, "items.pop()");
                line(out, ind, "except IndexError:");
                line(out, ind + 1, "pass");
            }
            Stmt::Assert(v, k) => line(
                out,
                ind,
                &format!("assert {} < {k}, \"{} too big\"", v.name(), v.name()),
            ),
            Stmt::Sleep => line(out, ind, "time.sleep(0)"),
            Stmt::EventSet => line(out, ind, "ev.set()"),
            Stmt::EventWait => line(out, ind, "ev.wait()"),
            Stmt::CondWait => {
                line(out, ind, "with cond:");
                line(out, ind + 1, "while not ready:");
                line(out, ind + 2, "cond.wait()");
            }
            Stmt::CondNotify(all) => {
                line(out, ind, "with cond:");
                line(out, ind + 1, "ready = True");
                line(
                    out,
                    ind + 1,
                    if *all {
                        "cond.notify_all()"
                    } else {
                        "cond.notify()"
                    },
                );
            }
            Stmt::Put(k) => line(out, ind, &format!("q.put({k})")),
            Stmt::Get => line(out, ind, "items.append(q.get())"),
            Stmt::GetNowait => {
                line(out, ind, "try:");
                line(out, ind + 1, "items.append(q.get_nowait())");
                line(out, ind, "except queue.Empty:");
                line(out, ind + 1, "pass");
            }
            Stmt::SemRelease => line(out, ind, "sem.release()"),
            Stmt::With(l, b) => {
                line(out, ind, &format!("with {}:", l.name()));
                render(b, ind + 1, out);
            }
            Stmt::WithTwo(a, b, body) => {
                line(out, ind, &format!("with {}:", a.name()));
                line(out, ind + 1, &format!("with {}:", b.name()));
                render(body, ind + 2, out);
            }
            Stmt::AcquireFinally(l, b) => {
                line(out, ind, &format!("{}.acquire()", l.name()));
                line(out, ind, "try:");
                render(b, ind + 1, out);
                line(out, ind, "finally:");
                line(out, ind + 1, &format!("{}.release()", l.name()));
            }
            Stmt::Loop(n, b) => {
                line(out, ind, &format!("for _ in range({n}):"));
                render(b, ind + 1, out);
            }
            Stmt::If(v, k, a, b) => {
                line(out, ind, &format!("if {} > {k}:", v.name()));
                render(a, ind + 1, out);
                line(out, ind, "else:");
                render(b, ind + 1, out);
            }
            Stmt::TryFinally(a, b) => {
                line(out, ind, "try:");
                render(a, ind + 1, out);
                line(out, ind, "finally:");
                render(b, ind + 1, out);
            }
            Stmt::SemWith(b) => {
                line(out, ind, "with sem:");
                render(b, ind + 1, out);
            }
            Stmt::DictPut(k, v) => line(out, ind, &format!("table[{k}] = {}", v.name())),
            Stmt::DictSetDefault(k) => line(out, ind, &format!("table.setdefault({k}, x)")),
            Stmt::DictPop(k) => line(out, ind, &format!("table.pop({k}, None)")),
            Stmt::DictGet(v, k) => line(out, ind, &format!("{} = table.get({k}, 0)", v.name())),
            Stmt::DictOrder => line(
                out,
                ind,
                "assert list(table) == sorted(table), \"inserted out of order\"",
            ),
        }
    }
}

/// The program as Python source, with the notify paths added.
fn source(p: &Prog) -> String {
    let mut workers = p.workers.clone();
    let n = workers.len();
    for i in 0..n {
        let mut c = Counts::default();
        count(&p.workers[i], 1, &mut c);
        let other = (i + 1) % n;
        if c.event_waits > 0 {
            workers[other].push(Stmt::EventSet);
        }
        if c.cond_waits > 0 {
            workers[other].push(Stmt::CondNotify(true));
        }
    }
    let mut total = Counts::default();
    for (i, w) in workers.iter().enumerate() {
        count(w, if i == 0 { p.copies as u32 } else { 1 }, &mut total);
    }
    let missing_puts = total.gets.saturating_sub(total.puts);
    let mut s = String::from("import threading\nimport time\nimport queue\n\n");
    s.push_str("x = 0\ny = 0\nready = False\nitems = []\ntable = {}\n");
    s.push_str("lock_a = threading.Lock()\nlock_b = threading.Lock()\nrl = threading.RLock()\n");
    s.push_str("cond = threading.Condition()\nev = threading.Event()\n");
    s.push_str(&format!(
        "sem = threading.{}({})\nq = queue.Queue({})\n",
        if p.bounded_sem {
            "BoundedSemaphore"
        } else {
            "Semaphore"
        },
        p.sem_count,
        p.queue_max
    ));
    for (i, w) in workers.iter().enumerate() {
        s.push_str(&format!("\n\ndef w{i}():\n    global x, y, ready\n"));
        render(w, 1, &mut s);
    }
    if p.copies > 1 {
        s.push_str(&format!(
            "\n\nfor _ in range({}):\n    threading.Thread(target=w0).start()\n",
            p.copies
        ));
        for i in 1..n {
            s.push_str(&format!("threading.Thread(target=w{i}).start()\n"));
        }
    } else {
        let targets: Vec<String> = (0..n)
            .map(|i| format!("threading.Thread(target=w{i})"))
            .collect();
        s.push_str(&format!("\n\nthreads = [{}]\n", targets.join(", ")));
        s.push_str("for t in threads:\n    t.start()\n");
    }
    if p.main_incr {
        s.push_str("with lock_a:\n    x += 1\n");
    }
    if missing_puts > 0 {
        s.push_str(&format!("for _ in range({missing_puts}):\n    q.put(9)\n"));
    }
    if p.copies == 1 {
        s.push_str("for t in threads:\n    t.join()\n");
    }
    s
}

fn failure_file() -> std::path::PathBuf {
    let target = option_env!("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("weft-oracle-generated-failure.py")
}

proptest! {
    #![proptest_config(Config {
        // PROPTEST_CASES=1000 for a longer hunt.
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        max_global_rejects: 4096,
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel("proptest-regressions"))),
        ..Config::default()
    })]

    #[test]
    fn default_agrees_with_reference_on_generated_programs(p in prog()) {
        agrees(&source(&p))?;
    }

    #[test]
    fn default_agrees_with_reference_on_symmetric_programs(p in symmetric_prog()) {
        agrees(&source(&p))?;
    }
}

fn agrees(src: &str) -> Result<(), TestCaseError> {
    let scenario = weft_scenario::load_str(Path::new("generated.py"), src)
        .unwrap_or_else(|d| panic!("generated program does not load: {}\n{src}", d.message));
    let program = weft_check::compile(&scenario)
        .unwrap_or_else(|d| panic!("generated program does not compile: {}\n{src}", d.message));
    let limits = Limits {
        max_states: Some(20_000),
        time_limit: None,
    };
    let (_, _, agreement) = default_vs_reference(&scenario, &program, limits);
    // A case that hits the state guard is discarded, not failed.
    prop_assume!(!matches!(agreement, Agreement::Incomplete(_)));
    if let Agreement::Disagree(diffs) = &agreement {
        let _ = std::fs::create_dir_all(failure_file().parent().unwrap());
        let _ = std::fs::write(failure_file(), src);
        prop_assert!(
            false,
            "default and reference disagree:\n  {}\n--- program ---\n{src}",
            diffs.join("\n  ")
        );
    }
    Ok(())
}

#[test]
fn generated_programs_run_under_cpython() {
    // The generator's output is real Python: run one fixed program.
    if !weft_oracle::cpython::python_available() {
        return;
    }
    // With one copy, handles kept and joined; with three, started and dropped.
    for copies in [1, 3] {
        let p = Prog {
            copies,
            workers: vec![
                vec![
                    Stmt::CondWait,
                    Stmt::With(Lk::A, vec![Stmt::Incr(G::X)]),
                    Stmt::DictPut(1, G::X),
                    Stmt::DictGet(G::Y, 2),
                ],
                vec![
                    Stmt::Get,
                    Stmt::SemWith(vec![Stmt::Append(1)]),
                    Stmt::DictSetDefault(2),
                    Stmt::DictPop(0),
                    Stmt::DictOrder,
                ],
            ],
            queue_max: 1,
            sem_count: 1,
            bounded_sem: true,
            main_incr: true,
        };
        let src = source(&p);
        let out = std::process::Command::new("python3")
            .arg("-c")
            .arg(&src)
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "{}\n{src}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
