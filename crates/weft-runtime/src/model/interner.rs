//! Sharing equal parts between states: every distinct thread, object,
//! globals vector and part vector is kept once, so that states share one
//! allocation per equal part (memory) and compare by pointer first.

use std::sync::Mutex;

use rustc_hash::FxHashSet;

use crate::part::Part;
use crate::state::{HeapObj, State, ThreadState};
use crate::value::{Tid, Value};

/// The parts seen so far, in shards chosen by a part's hash so that the
/// explorer's workers seldom wait for each other.
pub(super) struct Interner {
    shards: Vec<Mutex<Shard>>,
    /// Bytes held by the interned parts (allocations included).
    pub(super) bytes: std::sync::atomic::AtomicU64,
}

#[derive(Default)]
struct Shard {
    threads: FxHashSet<Part<ThreadState>>,
    objects: FxHashSet<Part<HeapObj>>,
    globals: FxHashSet<Part<Vec<Value>>>,
    thread_sets: FxHashSet<Part<Vec<Part<ThreadState>>>>,
    heaps: FxHashSet<Part<Vec<Part<HeapObj>>>>,
}

const SHARDS: usize = 64;

impl Default for Interner {
    fn default() -> Self {
        Interner {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            bytes: Default::default(),
        }
    }
}

impl Interner {
    /// Replace `part` by the equal part already known, or remember it.
    fn one<T: Eq + std::hash::Hash + PartBytes>(
        &self,
        set: fn(&mut Shard) -> &mut FxHashSet<Part<T>>,
        part: &mut Part<T>,
    ) {
        let shard = (part.hash128() >> 64) as usize % SHARDS;
        let mut shard = self.shards[shard].lock().unwrap_or_else(|e| e.into_inner());
        let set = set(&mut shard);
        match set.get(part) {
            Some(known) => *part = known.clone(),
            None => {
                set.insert(part.clone());
                // The part, its hash-set slot, and its allocation header.
                let bytes = part.bytes() + 8 + 48;
                self.bytes
                    .fetch_add(bytes as u64, std::sync::atomic::Ordering::Relaxed);
            }
        }
    }

    /// Replace the parts of `s` that changed from `parent` by their interned copies.
    pub(super) fn intern(&self, parent: &State, s: &mut State) {
        if !Part::ptr_eq(&parent.globals, &s.globals) {
            self.one(|sh| &mut sh.globals, &mut s.globals);
        }
        if !Part::ptr_eq(&parent.threads, &s.threads) {
            let threads = s.threads.make_mut();
            for (i, t) in threads.iter_mut().enumerate() {
                if !parent.threads.get(i).is_some_and(|p| Part::ptr_eq(p, t)) {
                    self.one(|sh| &mut sh.threads, t);
                }
            }
            self.one(|sh| &mut sh.thread_sets, &mut s.threads);
        }
        if !Part::ptr_eq(&parent.heap, &s.heap) {
            let heap = s.heap.make_mut();
            for (i, o) in heap.iter_mut().enumerate() {
                if !parent.heap.get(i).is_some_and(|p| Part::ptr_eq(p, o)) {
                    self.one(|sh| &mut sh.objects, o);
                }
            }
            self.one(|sh| &mut sh.heaps, &mut s.heap);
        }
    }
}

/// Bytes a part's value occupies, its heap allocations included.
trait PartBytes {
    fn bytes(&self) -> usize;
}

const VALUE: usize = std::mem::size_of::<Value>();

impl PartBytes for ThreadState {
    fn bytes(&self) -> usize {
        std::mem::size_of::<ThreadState>()
            + self
                .frames
                .iter()
                .map(|f| {
                    std::mem::size_of_val(f)
                        + (f.locals.len() + f.stack.len() + f.handling.len()) * VALUE
                })
                .sum::<usize>()
    }
}

impl PartBytes for HeapObj {
    fn bytes(&self) -> usize {
        use crate::state::Object;
        std::mem::size_of::<HeapObj>()
            + match &self.obj {
                Object::List(v) => v.len() * VALUE,
                Object::Dict(v) => v.len() * 2 * VALUE,
                Object::Queue(q) => q.items.len() * VALUE,
                Object::Condition(c) => c.waiters.len() * std::mem::size_of::<Tid>(),
                Object::Thread(t) => (t.args.len() + t.kwargs.len() * 2) * VALUE,
                _ => 0,
            }
    }
}

impl<T> PartBytes for Vec<T> {
    fn bytes(&self) -> usize {
        std::mem::size_of::<Vec<T>>() + self.len() * std::mem::size_of::<T>()
    }
}
