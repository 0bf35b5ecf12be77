//! The parallel explorer's one concurrent structure, [`Claims`], under
//! loom's model checker: in every interleaving of the workers, every index
//! is handed out exactly once and every worker stops.

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use weft_explore::parallel::{Claims, Counter};

/// loom's atomic behind the explorer's counter trait.
struct LoomCounter(AtomicUsize);

impl Counter for LoomCounter {
    fn new(v: usize) -> Self {
        LoomCounter(AtomicUsize::new(v))
    }
    fn fetch_add(&self, n: usize) -> usize {
        self.0.fetch_add(n, Ordering::Relaxed)
    }
}

/// One worker's loop, as the explorer runs it (`Claims::drain`).
fn drain(claims: &Claims<LoomCounter>) -> Vec<usize> {
    claims.drain(|i| i).into_iter().map(|(i, _)| i).collect()
}

fn every_index_exactly_once(workers: usize, len: usize) {
    loom::model(move || {
        let claims = Arc::new(Claims::<LoomCounter>::new(len));
        let helpers: Vec<_> = (1..workers)
            .map(|_| {
                let c = claims.clone();
                loom::thread::spawn(move || drain(&c))
            })
            .collect();
        let mut all = drain(&claims);
        for h in helpers {
            all.extend(h.join().unwrap());
        }
        all.sort_unstable();
        assert_eq!(all, (0..len).collect::<Vec<_>>());
        // Exhausted for good: a late claim gets nothing.
        assert_eq!(claims.claim(), None);
    });
}

#[test]
fn two_workers_claim_every_index_once() {
    every_index_exactly_once(2, 3);
}

#[test]
fn three_workers_claim_every_index_once() {
    every_index_exactly_once(3, 2);
}

#[test]
fn more_workers_than_items() {
    every_index_exactly_once(2, 0);
    every_index_exactly_once(3, 1);
}
