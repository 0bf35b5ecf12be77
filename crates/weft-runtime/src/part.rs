//! [`Part`]: a piece of a state shared copy-on-write between states, with
//! its hash cached.
//!
//! A step changes one thread and an object or two; every other part of the
//! successor is the parent's, shared by pointer. Hashing a state then costs
//! one cached hash per unchanged part, and comparing two states compares
//! unchanged parts by pointer first.
//!
//! The cached hash is 128 bits (xxh3): the explorer's fingerprint mode
//! identifies a state by a 128-bit hash of its parts' hashes, so each part
//! must carry 128 bits of its own or the fingerprint's collision bound
//! would not hold.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use xxhash_rust::xxh3::Xxh3Default;

pub struct Part<T>(Arc<Hashed<T>>);

struct Hashed<T> {
    /// Low half of the value's 128-bit hash, with the lowest bit set; 0
    /// while unknown. Written after `hi`, with release ordering.
    lo: AtomicU64,
    hi: AtomicU64,
    value: T,
}

impl<T: Clone> Clone for Hashed<T> {
    fn clone(&self) -> Self {
        Hashed {
            lo: AtomicU64::new(self.lo.load(Ordering::Acquire)),
            hi: AtomicU64::new(self.hi.load(Ordering::Relaxed)),
            value: self.value.clone(),
        }
    }
}

impl<T> Part<T> {
    pub fn new(value: T) -> Part<T> {
        Part(Arc::new(Hashed {
            lo: AtomicU64::new(0),
            hi: AtomicU64::new(0),
            value,
        }))
    }
    /// Both are the same allocation.
    pub fn ptr_eq(a: &Part<T>, b: &Part<T>) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl<T: Clone> Part<T> {
    /// A mutable view, copying the value first if another state shares it.
    pub fn make_mut(&mut self) -> &mut T {
        let h = Arc::make_mut(&mut self.0);
        *h.lo.get_mut() = 0;
        &mut h.value
    }
}

impl<T> Clone for Part<T> {
    fn clone(&self) -> Self {
        Part(self.0.clone())
    }
}

impl<T> Deref for Part<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0.value
    }
}

impl<T: Hash> Part<T> {
    /// The value's 128-bit hash, computed once.
    pub fn hash128(&self) -> u128 {
        let lo = self.0.lo.load(Ordering::Acquire);
        if lo != 0 {
            return (u128::from(self.0.hi.load(Ordering::Relaxed)) << 64) | u128::from(lo);
        }
        let mut h = Xxh3Default::new();
        self.0.value.hash(&mut h);
        let full = h.digest128() | 1;
        self.0.hi.store((full >> 64) as u64, Ordering::Relaxed);
        self.0.lo.store(full as u64, Ordering::Release);
        full
    }
}

impl<T: Hash> Hash for Part<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u128(self.hash128());
    }
}

/// A part is encoded as its value: a decoded state shares nothing, and
/// its hashes are computed again when asked for.
impl<T: serde::Serialize> serde::Serialize for Part<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.value.serialize(s)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Part<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Part::new)
    }
}

impl<T: PartialEq> PartialEq for Part<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.value == other.0.value
    }
}

impl<T: Eq> Eq for Part<T> {}

impl<T: fmt::Debug> fmt::Debug for Part<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.value.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h<T: Hash>(v: &T) -> u64 {
        let mut f = rustc_hash::FxHasher::default();
        v.hash(&mut f);
        f.finish()
    }

    #[test]
    fn mutation_forgets_the_cached_hash_and_does_not_touch_the_sharer() {
        let a = Part::new(vec![1, 2, 3]);
        let mut b = a.clone();
        assert_eq!(h(&a), h(&b));
        b.make_mut().push(4);
        assert_ne!(h(&a), h(&b));
        assert_eq!(*a, vec![1, 2, 3]);
        assert_eq!(h(&b), h(&Part::new(vec![1, 2, 3, 4])));
        assert_eq!(b, Part::new(vec![1, 2, 3, 4]));
    }
}

impl<T: Default> Default for Part<T> {
    fn default() -> Self {
        Part::new(T::default())
    }
}
