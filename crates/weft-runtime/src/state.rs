//! The state of the machine: everything that can differ between two points
//! of two executions, and nothing else. Two equal states have the same
//! future, so the explorer may merge them.

use std::collections::VecDeque;
use std::sync::Arc;

use weft_model::{FuncId, GlobalId, Pc};

use crate::part::Part;
use crate::race::RaceState;
use crate::value::{ObjId, Tid, Value};

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct State {
    pub globals: Part<Vec<Value>>,
    /// Objects and threads are shared between states copy-on-write: a step
    /// copies only what it changes.
    pub heap: Part<Vec<Part<HeapObj>>>,
    pub threads: Part<Vec<Part<ThreadState>>>,
    /// Happens-before knowledge for race detection.
    pub race: Part<RaceState>,
    /// CPython's counter behind default thread names (`Thread-N`).
    pub thread_counter: u32,
    /// Synchronisation agents allocated so far (threads and objects), for race tracking.
    pub agents: u32,
}

/// Where an object was first stored: names locks in reports and lock-order cycles.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Label {
    Global(GlobalId),
    Elem(GlobalId, u32),
    /// Inside a container global, by path: `locks['a']`, `accounts['alice']['lock']`.
    Key(GlobalId, Arc<str>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct HeapObj {
    pub obj: Object,
    /// Reachable by more than one thread: its accesses are steps.
    pub shared: bool,
    pub label: Option<Label>,
    /// Race-tracking agent of a synchronisation object.
    pub agent: Option<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Object {
    List(Vec<Value>),
    /// Insertion-ordered.
    Dict(Vec<(Value, Value)>),
    Lock(LockState),
    RLock(RLockState),
    Condition(CondState),
    Semaphore(SemState),
    Event(EventState),
    Queue(QueueState),
    Thread(ThreadObj),
    Barrier(BarrierState),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct BarrierState {
    pub parties: u32,
    /// Threads inside `wait()` (arrived, not yet returned).
    pub count: u32,
    pub phase: BarrierPhase,
    /// Incremented each time the barrier trips: a waiter of an older
    /// generation has been released.
    pub generation: u32,
}

/// CPython's `_state`: 0 filling, 1 draining, -1 resetting, -2 broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum BarrierPhase {
    Filling,
    Draining,
    Resetting,
    Broken,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct LockState {
    pub locked: bool,
    /// The thread that last acquired it (a Lock has no owner; this is for reports).
    pub holder: Option<Tid>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct RLockState {
    pub owner: Option<Tid>,
    pub count: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct CondState {
    pub lock: ObjId,
    /// FIFO of waiting threads (CPython's `_waiters`).
    pub waiters: Vec<Tid>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SemState {
    pub value: u32,
    /// `BoundedSemaphore`'s initial value.
    pub bound: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct EventState {
    pub flag: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct QueueState {
    pub items: VecDeque<Value>,
    /// `<= 0`: unbounded.
    pub maxsize: i64,
    pub unfinished: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ThreadObj {
    pub target: Value,
    pub args: Vec<Value>,
    pub kwargs: Vec<(Arc<str>, Value)>,
    pub name: Arc<str>,
    pub daemon: bool,
    /// The runtime thread once started.
    pub tid: Option<Tid>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ThreadState {
    pub frames: Vec<Frame>,
    pub done: bool,
    /// The `threading.Thread` object (main has one too).
    pub obj: ObjId,
    pub daemon: bool,
    /// A blocking call in progress (the thread's pc still points at the call).
    pub pending: Option<Pending>,
    pub agent: u8,
    /// Where each lock it holds was acquired, for lock-order reports.
    pub held_sites: Meta<Vec<(ObjId, FuncId, Pc)>>,
}

/// Data carried along with a state that does not change its identity
/// (report-only details): always equal, never hashed.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Meta<T>(pub T);
impl<T> PartialEq for Meta<T> {
    fn eq(&self, _: &Meta<T>) -> bool {
        true
    }
}
impl<T> Eq for Meta<T> {}
impl<T> std::hash::Hash for Meta<T> {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Frame {
    pub func: FuncId,
    pub pc: Pc,
    pub locals: Vec<Value>,
    pub stack: Vec<Value>,
    /// Exceptions being handled (innermost last), for bare `raise`.
    pub handling: Vec<Value>,
}

/// The later phases of a call that blocks part-way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Pending {
    /// `Condition.wait`: the lock was released (`depth` saved), the thread is
    /// queued on the condition.
    CondWait {
        cond: ObjId,
        depth: u32,
        phase: WaitPhase,
        timed: bool,
    },
    /// `Event.wait` that found the flag clear.
    EventWait {
        event: ObjId,
        phase: WaitPhase,
        timed: bool,
    },
    /// `Barrier.wait` by the `index`-th arrival of `generation`.
    BarrierWait {
        barrier: ObjId,
        generation: u32,
        index: u32,
        timed: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum WaitPhase {
    Waiting,
    Notified,
    TimedOut,
}

impl State {
    pub fn obj(&self, id: ObjId) -> &Object {
        &self.heap[id as usize].obj
    }
    pub fn obj_mut(&mut self, id: ObjId) -> &mut Object {
        &mut self.heap.make_mut()[id as usize].make_mut().obj
    }
    pub fn heap_mut(&mut self, id: impl Into<usize>) -> &mut HeapObj {
        self.heap.make_mut()[id.into()].make_mut()
    }
    pub fn th_mut(&mut self, tid: impl TryInto<usize>) -> &mut ThreadState {
        let i = tid.try_into().ok().expect("thread index");
        self.threads.make_mut()[i].make_mut()
    }
    pub fn race_mut(&mut self) -> &mut RaceState {
        self.race.make_mut()
    }
    /// Happens-before edge from agent `from` to agent `to`.
    pub fn propagate(&mut self, from: u8, to: u8) {
        if self.race.propagate_changes(from, to) {
            self.race_mut().propagate(from, to);
        }
    }
    /// `to` knows exactly what `from` knows.
    pub fn overwrite(&mut self, from: u8, to: u8) {
        if self.race.overwrite_changes(from, to) {
            self.race_mut().overwrite(from, to);
        }
    }
    pub fn alloc(&mut self, obj: Object) -> ObjId {
        let agent = match obj {
            Object::Lock(_)
            | Object::RLock(_)
            | Object::Condition(_)
            | Object::Semaphore(_)
            | Object::Event(_)
            | Object::Queue(_)
            | Object::Barrier(_)
            | Object::Thread(_) => Some(self.new_agent()),
            _ => None,
        };
        self.heap.make_mut().push(Part::new(HeapObj {
            obj,
            shared: false,
            label: None,
            agent,
        }));
        (self.heap.len() - 1) as ObjId
    }
    /// A fresh race-tracking agent; past 64, agents are shared (tracking
    /// stays sound for what it reports but may miss races).
    pub fn new_agent(&mut self) -> u8 {
        let a = self.agents.min(63) as u8;
        self.agents += 1;
        a
    }
    pub fn frame(&self, tid: Tid) -> &Frame {
        self.threads[tid as usize]
            .frames
            .last()
            .expect("live thread has a frame")
    }
    pub fn frame_mut(&mut self, tid: Tid) -> &mut Frame {
        self.threads.make_mut()[tid as usize]
            .make_mut()
            .frames
            .last_mut()
            .expect("live thread has a frame")
    }
    /// The program has ended: main is done and so is every started non-daemon thread.
    pub fn ended(&self) -> bool {
        self.threads.iter().all(|t| t.done || t.daemon) && self.threads[0].done
    }
    /// Locks (Lock and RLock) currently held by `tid`, in object order.
    pub fn held_locks(&self, tid: Tid) -> Vec<ObjId> {
        let mut out = Vec::new();
        for (i, h) in self.heap.iter().enumerate() {
            let held = match &h.obj {
                Object::Lock(l) => l.locked && l.holder == Some(tid),
                Object::RLock(r) => r.owner == Some(tid),
                _ => false,
            };
            if held {
                out.push(i as ObjId);
            }
        }
        out
    }
}
