//! loom as an independent oracle for weft's explorer.
//!
//! The compiled program runs on real loom threads, one per scenario thread,
//! the way CPython runs it: a global interpreter lock (a loom `Mutex`
//! around the machine state) is held for each step and released between
//! steps, and a thread whose next call would block waits on a loom
//! `Condvar` until another step changes the state. loom then enumerates
//! every order in which the threads take the lock, which is every
//! interleaving of steps: a search that shares nothing with weft's own
//! explorer (no visited set, no breadth-first order, no witnesses), only the
//! step semantics.
//!
//! loom has limits weft does not, and this crate says so rather than guess:
//! at most [`MAX_THREADS`] scenario threads including main (loom allows five, the harness uses one), no nondeterministic
//! choice (so a call that may time out cannot be modelled), and no state
//! caching (so a loop that can spin forever, or a very long execution,
//! exceeds its branch limit). Blocking is detected here, in the
//! interpreter, not by loom's own deadlock panic (which would also call
//! blocked daemon threads a deadlock).
//!
//! loom reports a failed check by panicking, so callers run [`run`] in a
//! subprocess (`weft-check` does: `weft __loom-worker`).

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex as StdMutex;
use std::time::{Duration, Instant};

use loom::sync::{Condvar, Mutex};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use weft_explore::{Expansion, Model};
use weft_model::{GlobalKind, Program};
use weft_runtime::model::Finding;
use weft_runtime::state::State;
use weft_runtime::value::Value;
use weft_runtime::{Choice, Ctx, Machine, ThreadModel};

/// loom's thread limit, main included.
pub const MAX_THREADS: usize = 4;

/// Why a run did not cover every interleaving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoomStatus {
    /// Every interleaving was explored.
    Complete,
    /// The scenario uses something loom cannot model; the reason names it.
    Beyond(String),
    /// A time or execution budget ran out.
    Limit(String),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LoomFinding {
    /// A finding kind id (`deadlock`, `exception`, …).
    pub kind: String,
    pub subject: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LoomLockEdge {
    pub from: String,
    pub to: String,
    pub thread: String,
    pub gates: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoomReport {
    pub status: LoomStatus,
    /// Executions loom ran.
    pub executions: u64,
    pub findings: Vec<LoomFinding>,
    /// Module globals at every end of the program, sorted.
    pub final_states: Vec<Vec<(String, String)>>,
    pub lock_edges: Vec<LoomLockEdge>,
}

#[derive(Debug, Clone)]
pub struct LoomOptions {
    /// Scheduling decisions allowed in one execution (loom's `max_branches`).
    pub max_branches: usize,
    pub time_limit: Option<Duration>,
}

impl Default for LoomOptions {
    fn default() -> Self {
        LoomOptions {
            max_branches: 20_000,
            time_limit: Some(Duration::from_secs(60)),
        }
    }
}

#[derive(Default)]
struct Collected {
    findings: BTreeSet<LoomFinding>,
    finals: BTreeSet<Vec<(String, String)>>,
    edges: BTreeSet<LoomLockEdge>,
    beyond: Option<String>,
}

/// The machine state behind the interpreter lock.
struct Shared {
    state: State,
    /// The program ended, or deadlocked: every thread leaves.
    over: bool,
    /// Scenario threads waiting on their condition variable.
    waiting: Vec<bool>,
}

/// The interpreter lock, and one condition variable per scenario thread.
struct Gil {
    lock: Mutex<Shared>,
    cvs: Vec<Condvar>,
}

type Handles = std::sync::Arc<StdMutex<Vec<loom::thread::JoinHandle<()>>>>;

struct Run {
    model: ThreadModel<'static>,
    collected: std::sync::Arc<StdMutex<Collected>>,
}

impl Run {
    fn record(&self, findings: Vec<Finding>) {
        let prog = self.model.machine.prog;
        let mut c = self.collected.lock().unwrap_or_else(|e| e.into_inner());
        for f in findings {
            let lf = match f {
                Finding::Race { subject, .. } => LoomFinding {
                    kind: "data-race".into(),
                    message: format!("data race on {subject}"),
                    subject: Some(subject),
                },
                Finding::Exception { exc, thread, .. } if exc.from_assert => LoomFinding {
                    kind: "assertion".into(),
                    subject: None,
                    message: format!("assertion failed in thread {thread}: {}", exc.display()),
                },
                Finding::Exception { exc, thread, .. } => LoomFinding {
                    kind: "exception".into(),
                    subject: Some(exc.ty.name().to_string()),
                    message: format!("Exception in thread {thread}: {}", exc.display()),
                },
                Finding::CheckFailed {
                    index, is_final, ..
                } => {
                    let checks = if is_final {
                        &prog.finals
                    } else {
                        &prog.invariants
                    };
                    let text = checks
                        .get(index)
                        .map(|c| c.text.trim().to_string())
                        .unwrap_or_default();
                    LoomFinding {
                        kind: "assertion".into(),
                        message: format!(
                            "{} `{text}` failed",
                            if is_final { "final" } else { "invariant" }
                        ),
                        subject: Some(text),
                    }
                }
                Finding::Deadlock { self_deadlock, .. } => LoomFinding {
                    kind: "deadlock".into(),
                    subject: None,
                    message: if self_deadlock {
                        "self-deadlock".into()
                    } else {
                        "deadlock".into()
                    },
                },
                Finding::Runaway { thread, .. } => {
                    c.beyond
                        .get_or_insert(format!("{thread} ran too long without a step"));
                    continue;
                }
                Finding::LockEdge {
                    from,
                    to,
                    thread,
                    gates,
                    ..
                } => {
                    c.edges.insert(LoomLockEdge {
                        from,
                        to,
                        thread,
                        gates,
                    });
                    continue;
                }
            };
            c.findings.insert(lf);
        }
    }

    fn beyond(&self, why: String) {
        let mut c = self.collected.lock().unwrap_or_else(|e| e.into_inner());
        c.beyond.get_or_insert(why);
    }

    /// The program has ended: check `final`, keep the end state.
    fn finish(&self, s: &State) {
        let mut out: Expansion<ThreadModel> = Expansion::default();
        self.model.expand(s, &mut out);
        self.record(out.findings);
        let prog = self.model.machine.prog;
        let values = final_globals(prog, s);
        self.collected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .finals
            .insert(values);
    }

    fn nothing_moves(&self, s: &State) -> bool {
        let m = &self.model.machine;
        (0..s.threads.len() as u32).all(|t| {
            let ch = m.choices(s, t);
            !ch.go && !ch.timeout
        })
    }

    /// Nothing can move and the program has not ended.
    fn stuck(&self, s: &State) -> bool {
        let m = &self.model.machine;
        !s.ended()
            && (0..s.threads.len() as u32).all(|t| {
                let ch = m.choices(s, t);
                !ch.go && !ch.timeout
            })
    }
}

/// Module globals that hold data (not functions or builtins), for comparing end states.
pub fn final_globals(prog: &Program, s: &State) -> Vec<(String, String)> {
    prog.globals
        .iter()
        .enumerate()
        .filter(|(i, g)| {
            g.kind != GlobalKind::MainOnly
                || !matches!(s.globals[*i], Value::Func(_) | Value::Builtin(_))
        })
        .filter(|(i, _)| {
            !matches!(
                s.globals[*i],
                Value::Func(_) | Value::Builtin(_) | Value::Unbound
            )
        })
        .filter(|(i, _)| !is_object_identity(&s.globals[*i], s))
        .map(|(i, g)| {
            let value = &s.globals[i];
            let text = match (g.unordered, value) {
                (true, Value::Obj(id)) => sorted_dict_repr(prog, s, *id),
                _ => None,
            };
            let text = text.unwrap_or_else(|| weft_runtime::ops::repr(prog, s, value));
            (g.name.clone(), text)
        })
        // Containers of threads or locks print identities, not data.
        .filter(|(_, v)| !v.contains("<"))
        .collect()
}

/// A dict whose insertion order no code can see (`GlobalInfo::unordered`),
/// as text with its entries sorted by the key's text: the default engine
/// stores such dicts in a canonical order, the reference engine and
/// CPython in insertion order, and all three must compare equal.
fn sorted_dict_repr(prog: &Program, s: &State, id: weft_runtime::value::ObjId) -> Option<String> {
    let weft_runtime::state::Object::Dict(entries) = s.obj(id) else {
        return None;
    };
    let repr = |v: &Value| weft_runtime::ops::repr(prog, s, v);
    let mut texts: Vec<(String, String)> =
        entries.iter().map(|(k, v)| (repr(k), repr(v))).collect();
    texts.sort();
    let items: Vec<String> = texts
        .into_iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    Some(format!("{{{}}}", items.join(", ")))
}

/// Values whose repr is an identity rather than data (threads, locks):
/// equal programs may differ in them only by allocation order.
fn is_object_identity(v: &Value, s: &State) -> bool {
    use weft_runtime::state::Object;
    match v {
        Value::Obj(id) => !matches!(s.obj(*id), Object::List(_) | Object::Dict(_)),
        Value::SeqIter(..) | Value::RangeIter { .. } => true,
        _ => false,
    }
}

/// The interpreter needs more stack than loom's default for its threads.
const STACK_SIZE: usize = 8 << 20;

fn spawn(f: impl FnOnce() + Send + 'static) -> loom::thread::JoinHandle<()> {
    loom::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(f)
        .expect("loom spawns a thread")
}

/// The waiting threads that can now move (or must leave). Waking only
/// those matters: a wake-up that leads to waiting again is still an
/// interleaving loom has to explore.
fn to_wake(run: &Run, g: &Shared) -> Vec<usize> {
    let m = &run.model.machine;
    (0..g.waiting.len())
        .filter(|&t| {
            g.waiting[t] && (g.over || g.state.threads[t].done || m.choices(&g.state, t as u32).go)
        })
        .collect()
}

/// What a critical section leaves to do once the lock is released: loom
/// operations inside it would only multiply equivalent executions.
struct After {
    wake: Vec<usize>,
    spawn: Vec<u32>,
    leave: bool,
}

/// One scenario thread on one loom thread.
fn run_thread(run: std::sync::Arc<Run>, gil: Arc<Gil>, handles: Handles, tid: u32) {
    loop {
        let mut g = gil.lock.lock().unwrap();
        let after = loop {
            if let Some(a) = critical_section(&run, &mut g, tid) {
                break a;
            }
            // Blocked: wait until a step lets this thread move.
            g.waiting[tid as usize] = true;
            g = gil.cvs[tid as usize].wait(g).unwrap();
            g.waiting[tid as usize] = false;
        };
        drop(g);
        for new in after.spawn {
            let (r, gl, h) = (run.clone(), gil.clone(), handles.clone());
            let handle = spawn(move || run_thread(r, gl, h, new));
            handles
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(handle);
        }
        for t in after.wake {
            gil.cvs[t].notify_one();
        }
        if after.leave {
            return;
        }
    }
}

/// One step of `tid` under the interpreter lock, or `None` if it must wait.
fn critical_section(run: &Run, g: &mut Shared, tid: u32) -> Option<After> {
    let m = &run.model.machine;
    let leave = |g: &mut Shared| {
        Some(After {
            wake: to_wake(run, g),
            spawn: vec![],
            leave: true,
        })
    };
    if g.over || g.state.threads[tid as usize].done {
        return leave(g);
    }
    let ch = m.choices(&g.state, tid);
    if !ch.go {
        if ch.timeout {
            run.beyond("a call with a timeout may time out here: loom has no nondeterministic choice to model it".into());
            g.over = true;
            return leave(g);
        }
        if g.state.ended() && run.nothing_moves(&g.state) {
            // Only blocked daemon threads are left: the process exits.
            g.over = true;
            return leave(g);
        }
        if run.stuck(&g.state) {
            let mut cx = Ctx::default();
            let d = run.model.deadlock(&g.state, &mut cx);
            let mut fs = Vec::new();
            run.model.findings_of(&g.state, cx.events, &mut fs);
            fs.push(d);
            run.record(fs);
            g.over = true;
            return leave(g);
        }
        return None;
    }
    let before = g.state.threads.len();
    let mut cx = Ctx::default();
    m.step(&mut g.state, tid, Choice::Go, &mut cx);
    let mut fs = Vec::new();
    run.model
        .findings_of(&g.state, std::mem::take(&mut cx.events), &mut fs);
    run.model.check_invariants(&g.state, &mut fs);
    run.record(fs);
    let after = g.state.threads.len();
    if after > MAX_THREADS {
        run.beyond(format!(
            "the program starts {after} threads including main; loom allows 5 and weft's harness takes one, so {MAX_THREADS} at most"
        ));
        g.over = true;
        return leave(g);
    }
    if g.state.ended() {
        // An end state; abandoned daemon threads may still move before the
        // process exits, and each state they reach is an end state too.
        run.finish(&g.state);
        if run.nothing_moves(&g.state) {
            g.over = true;
        }
    }
    Some(After {
        wake: to_wake(run, g),
        spawn: (before as u32..after as u32).collect(),
        leave: false,
    })
}

/// Run every interleaving of `program` under loom. Panics (loom's way of
/// reporting an exceeded branch limit) propagate: run it in a subprocess.
pub fn run(program: &'static Program, options: &LoomOptions) -> LoomReport {
    let collected = std::sync::Arc::new(StdMutex::new(Collected::default()));
    let executions = std::sync::Arc::new(AtomicU64::new(0));
    let mut builder = loom::model::Builder::new();
    builder.max_threads = MAX_THREADS + 1; // the harness thread too
    builder.max_branches = options.max_branches;
    builder.max_duration = options.time_limit;
    builder.preemption_bound = None;
    // loom looks at the clock only every `checkpoint_interval` executions.
    builder.checkpoint_interval = 64;
    let start = Instant::now();
    {
        let collected = collected.clone();
        let executions = executions.clone();
        builder.check(move || {
            executions.fetch_add(1, Ordering::Relaxed);
            let run = std::sync::Arc::new(Run {
                model: ThreadModel::new(Machine::new(program), Default::default()),
                collected: collected.clone(),
            });
            let mut init = Vec::new();
            let state = run.model.initial(&mut init);
            run.record(init);
            if state.ended() {
                run.finish(&state);
                return;
            }
            let gil = Arc::new(Gil {
                lock: Mutex::new(Shared {
                    state,
                    over: false,
                    waiting: vec![false; MAX_THREADS + 1],
                }),
                cvs: (0..=MAX_THREADS).map(|_| Condvar::new()).collect(),
            });
            let handles: Handles = Default::default();
            let main = {
                let (r, gl, h) = (run.clone(), gil.clone(), handles.clone());
                spawn(move || run_thread(r, gl, h, 0))
            };
            main.join().expect("the main scenario thread panicked");
            loop {
                let next = handles.lock().unwrap_or_else(|e| e.into_inner()).pop();
                match next {
                    Some(h) => h.join().expect("a scenario thread panicked"),
                    None => break,
                }
            }
        });
    }
    let c = collected.lock().unwrap_or_else(|e| e.into_inner());
    let status = match (&c.beyond, options.time_limit) {
        (Some(why), _) => LoomStatus::Beyond(why.clone()),
        (None, Some(t)) if start.elapsed() >= t => {
            LoomStatus::Limit(format!("time limit of {} s", t.as_secs_f64()))
        }
        _ => LoomStatus::Complete,
    };
    LoomReport {
        status,
        executions: executions.load(Ordering::Relaxed),
        findings: c.findings.iter().cloned().collect(),
        final_states: c.finals.iter().cloned().collect(),
        lock_edges: c.edges.iter().cloned().collect(),
    }
}
