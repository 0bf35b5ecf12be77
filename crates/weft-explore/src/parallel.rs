//! Parallel expansion: the one concurrent piece of the explorer.
//!
//! The explorer takes the next batch of frontier nodes, has every worker
//! thread claim nodes of the batch one at a time and expand them (the
//! model's work: running a step, hashing the successors), and then merges
//! the expansions into the visited set itself, one node after another in
//! frontier order, exactly as the sequential loop would. Only the
//! expansions run in parallel, and an expansion depends on nothing but its
//! state, so the results (states, witnesses, counts) are the same whatever
//! the number of workers.
//!
//! The concurrent part is [`Claims`]: an atomic counter that hands each
//! index of the batch to exactly one worker. Each worker keeps its results
//! to itself until it is joined, so nothing else is shared. `Claims` is
//! generic over its counter so that the test suite runs the very same code
//! on loom's atomic under loom's model checker (`tests/loom_claims.rs`:
//! every interleaving of two and three workers), as part of the ordinary
//! `cargo test`, with no separate `--cfg loom` build to forget.

use std::sync::atomic::Ordering;

/// An atomic counter: `fetch_add` is all [`Claims`] needs.
pub trait Counter: Sync {
    fn new(v: usize) -> Self;
    fn fetch_add(&self, n: usize) -> usize;
}

impl Counter for std::sync::atomic::AtomicUsize {
    fn new(v: usize) -> Self {
        std::sync::atomic::AtomicUsize::new(v)
    }
    fn fetch_add(&self, n: usize) -> usize {
        std::sync::atomic::AtomicUsize::fetch_add(self, n, Ordering::Relaxed)
    }
}

/// Hands out the indexes `0..len`, each exactly once, to whichever worker
/// asks first. Relaxed ordering suffices: a claimed index only selects
/// input that was written before the workers started, and results travel
/// back through the threads' join.
pub struct Claims<C: Counter = std::sync::atomic::AtomicUsize> {
    next: C,
    len: usize,
}

impl<C: Counter> Claims<C> {
    pub fn new(len: usize) -> Self {
        Claims {
            next: C::new(0),
            len,
        }
    }

    /// The next unclaimed index, or `None` when all are taken.
    pub fn claim(&self) -> Option<usize> {
        let i = self.next.fetch_add(1);
        (i < self.len).then_some(i)
    }

    /// Claim indexes until none is left, applying `f` to each: one
    /// worker's share of the work, with the indexes it took.
    pub fn drain<R>(&self, f: impl Fn(usize) -> R) -> Vec<(usize, R)> {
        let mut done = Vec::new();
        while let Some(i) = self.claim() {
            done.push((i, f(i)));
        }
        done
    }
}

/// The workers' results, claimed in any order, back in index order.
pub(crate) fn in_order<R>(len: usize, done: impl IntoIterator<Item = (usize, R)>) -> Vec<R> {
    let mut slots: Vec<Option<R>> = (0..len).map(|_| None).collect();
    for (i, r) in done {
        slots[i] = Some(r);
    }
    slots
        .into_iter()
        .map(|r| r.expect("every index claimed"))
        .collect()
}

/// `f` applied to every item, on `workers` threads (the caller's included);
/// the results in item order.
pub(crate) fn map<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if workers <= 1 || items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    let claims: Claims = Claims::new(items.len());
    let work = || claims.drain(|i| f(&items[i]));
    let all = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..workers.min(items.len()))
            .map(|_| scope.spawn(work))
            .collect();
        let mut all = work();
        for h in helpers {
            all.extend(h.join().expect("an expansion worker panicked"));
        }
        all
    });
    in_order(items.len(), all)
}
