//! What the model reports: findings, the keys the explorer keeps one
//! shortest witness per, and how a step's events and a stuck state become
//! findings.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use weft_model::{ExcType, FuncId, Instr, Pc};

use super::ThreadModel;
use crate::machine::{Ctx, Event};
use crate::ops;
use crate::primitives;
use crate::race::{Loc, Site};
use crate::state::State;
use crate::symmetry;
use crate::value::{Exception, ObjId, Tid};

#[derive(Clone, Debug)]
pub struct BlockedThread {
    pub tid: Tid,
    pub name: String,
    pub what: String,
    pub holders: Vec<String>,
    pub at: Option<(FuncId, Pc)>,
}

/// What the runtime reports; the checker turns these into user findings.
#[derive(Clone, Debug)]
pub enum Finding {
    Race {
        subject: String,
        loc: Loc,
        first: Site,
        second: Site,
        first_thread: String,
        second_thread: String,
    },
    /// An uncaught exception ended a thread (an `assert` is reported as an assertion).
    Exception {
        tid: Tid,
        thread: String,
        exc: Arc<Exception>,
        traceback: Vec<(FuncId, Pc)>,
    },
    /// An `invariants` (`final == false`) or `final` entry is false, or raised.
    CheckFailed {
        index: usize,
        is_final: bool,
        value: String,
        error: Option<String>,
        globals: Vec<(String, String)>,
    },
    /// A thread ran too long without a step: exploration past it is not faithful.
    Runaway { thread: String, site: (FuncId, Pc) },
    Deadlock {
        threads: Vec<BlockedThread>,
        self_deadlock: bool,
    },
    LockEdge {
        from: String,
        to: String,
        from_obj: ObjId,
        to_obj: ObjId,
        tid: Tid,
        thread: String,
        from_site: (FuncId, Pc),
        to_site: (FuncId, Pc),
        gates: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKey {
    Race(String),
    Exception {
        ty: ExcType,
        msg: String,
        site: Option<(FuncId, Pc)>,
        assert: bool,
    },
    Check {
        index: usize,
        is_final: bool,
    },
    Runaway,
    Deadlock {
        self_deadlock: bool,
    },
    LockEdge {
        from: String,
        to: String,
        thread: String,
        gates: Vec<String>,
    },
}

impl FindingKey {
    /// Findings with the same key are the same finding.
    pub fn of(f: &Finding) -> FindingKey {
        match f {
            Finding::Race { subject, .. } => FindingKey::Race(subject.clone()),
            Finding::Exception { exc, .. } => FindingKey::Exception {
                ty: exc.ty,
                msg: exc.msg.to_string(),
                site: exc.site,
                assert: exc.from_assert,
            },
            Finding::CheckFailed {
                index, is_final, ..
            } => FindingKey::Check {
                index: *index,
                is_final: *is_final,
            },
            Finding::Deadlock { self_deadlock, .. } => FindingKey::Deadlock {
                self_deadlock: *self_deadlock,
            },
            Finding::Runaway { .. } => FindingKey::Runaway,
            Finding::LockEdge {
                from,
                to,
                thread,
                gates,
                ..
            } => FindingKey::LockEdge {
                from: from.clone(),
                to: to.clone(),
                thread: thread.clone(),
                gates: gates.clone(),
            },
        }
    }
}

impl ThreadModel<'_> {
    /// Turn a step's events into findings.
    pub fn findings_of(&self, s: &State, events: Vec<Event>, out: &mut Vec<Finding>) {
        let m = &self.machine;
        for e in events {
            match e {
                Event::Race(hit) => {
                    let subject = self.location_subject(s, &hit.loc);
                    out.push(Finding::Race {
                        subject,
                        loc: hit.loc,
                        first_thread: m.thread_name(s, hit.first.tid),
                        second_thread: m.thread_name(s, hit.second.tid),
                        first: hit.first,
                        second: hit.second,
                    });
                }
                Event::Runaway { tid, site } => out.push(Finding::Runaway {
                    thread: m.thread_name(s, tid),
                    site,
                }),
                Event::Uncaught {
                    tid,
                    exc,
                    traceback,
                } => {
                    out.push(Finding::Exception {
                        tid,
                        thread: m.thread_name(s, tid),
                        exc,
                        traceback,
                    });
                }
                Event::LockEdge {
                    from,
                    to,
                    tid,
                    from_site,
                    to_site,
                    gates,
                } => {
                    if self.symmetry && symmetry::has_peer(s, tid) {
                        self.assumptions_broken.store(true, Ordering::Relaxed);
                    }
                    let mut gates: Vec<String> =
                        gates.iter().map(|g| m.object_name(s, *g)).collect();
                    gates.sort();
                    out.push(Finding::LockEdge {
                        from: m.object_name(s, from),
                        to: m.object_name(s, to),
                        from_obj: from,
                        to_obj: to,
                        tid,
                        thread: m.thread_name(s, tid),
                        from_site,
                        to_site,
                        gates,
                    });
                }
            }
        }
    }

    /// The subject of a race: the module global it happens on.
    fn location_subject(&self, s: &State, loc: &Loc) -> String {
        match Self::subject_global(&s.heap, loc) {
            Some(g) => self.machine.prog.globals[g as usize].name.clone(),
            None => match loc {
                Loc::Elem(obj, _) | Loc::Shape(obj) => self.machine.object_name(s, *obj),
                Loc::Global(_) => unreachable!("a global is its own subject"),
            },
        }
    }

    /// The `invariants` that are false in `s`.
    pub fn check_invariants(&self, s: &State, out: &mut Vec<Finding>) {
        for (i, c) in self.machine.prog.invariants.iter().enumerate() {
            self.check(s, i, false, c.func, out);
        }
    }

    pub(super) fn check(
        &self,
        s: &State,
        index: usize,
        is_final: bool,
        func: FuncId,
        out: &mut Vec<Finding>,
    ) {
        let m = &self.machine;
        let (ok, value, error) = match m.eval_check(s, func) {
            Ok(v) => (ops::truthy(s, &v), ops::repr(m.prog, s, &v), None),
            // An invariant over a global the program has not assigned yet holds vacuously.
            Err(e) if !is_final && e.ty == ExcType::NameError => return,
            Err(e) => (false, String::new(), Some(e.display())),
        };
        if !ok {
            out.push(Finding::CheckFailed {
                index,
                is_final,
                value,
                error,
                globals: self.globals_of(s, func),
            });
        }
    }

    /// The values of the globals a check reads.
    fn globals_of(&self, s: &State, func: FuncId) -> Vec<(String, String)> {
        let m = &self.machine;
        let mut seen = Vec::new();
        for i in &m.prog.function(func).code {
            if let Instr::LoadGlobal(g, _) = i {
                if !seen.contains(g) {
                    seen.push(*g);
                }
            }
        }
        seen.iter()
            .map(|&g| {
                (
                    m.prog.globals[g as usize].name.clone(),
                    ops::repr(m.prog, s, &s.globals[g as usize]),
                )
            })
            .collect()
    }

    /// Every blocked thread of a state where nothing can move.
    pub fn deadlock(&self, s: &State, cx: &mut Ctx) -> Finding {
        let m = &self.machine;
        let mut threads = Vec::new();
        let mut self_deadlock = false;
        for (tid, th) in s.threads.iter().enumerate() {
            let tid = tid as Tid;
            if th.done {
                continue;
            }
            let b = primitives::blocked_on(m, s, tid);
            self_deadlock |= b.self_deadlock;
            if let Some(l) = b.acquiring {
                primitives::blocked_lock_edges(m, s, tid, l, cx);
            }
            threads.push(BlockedThread {
                tid,
                name: m.thread_name(s, tid),
                what: b.what,
                holders: b.holders.iter().map(|&h| m.thread_name(s, h)).collect(),
                at: m.poised(s, tid).map(|(f, pc, _)| (f, pc)),
            });
        }
        Finding::Deadlock {
            threads,
            self_deadlock,
        }
    }
}
