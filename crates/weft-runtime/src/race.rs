//! Data-race detection by happens-before, kept finite for state caching.
//!
//! A vector clock grows without bound in a loop, so states carrying clocks
//! would never repeat. Instead each recorded access carries the set of
//! *agents* (threads and synchronisation objects) whose clock has reached
//! it: "who knows about this access". A release from thread `t` into object
//! `o` adds `o` to every set holding `t`; an acquire from `o` by `u` adds
//! `u` to every set holding `o`. An access by `u` races with a recorded
//! conflicting access of another thread iff `u` is not in its set. This is
//! exactly the vector-clock check (FastTrack's last-write / per-thread
//! last-read bookkeeping), but over a bounded domain.
//!
//! Two method calls on the same container (`append`, `pop`, …) are atomic
//! operations under the GIL and never race with each other; either of them
//! races with a plain access of the same location.

use weft_model::{AccessHint, FuncId, GlobalId, Pc};

use crate::value::{ObjId, Tid, Value};

/// A shared location.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Loc {
    /// A module global's binding.
    Global(GlobalId),
    /// A container element, by index or key.
    Elem(ObjId, Key),
    /// A container's structure (length, set of keys).
    Shape(ObjId),
}

/// A container key, reduced to something ordered.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Key {
    Int(i64),
    Str(std::sync::Arc<str>),
    Other(u64),
}

impl Key {
    /// The key of a container element. Keys Python takes as equal are
    /// equal here too (`1`, `1.0` and `True` name one dict entry), so that
    /// accesses of one entry through different spellings are seen to race.
    pub fn of(v: &Value) -> Key {
        if let Some(i) = int_key(v) {
            return Key::Int(i);
        }
        match v {
            Value::Str(s) => Key::Str(s.clone()),
            other => {
                use std::hash::Hasher;
                let mut h = rustc_hash::FxHasher::default();
                hash_key(other, &mut h);
                Key::Other(h.finish())
            }
        }
    }
}

/// An int, a bool or an integral float as the int it equals.
fn int_key(v: &Value) -> Option<i64> {
    match v {
        Value::Float(f) => crate::ops::float_as_int(f.0),
        other => other.as_int(),
    }
}

/// Hash `v` so that values Python takes as equal keys hash alike (a tuple
/// of them included).
fn hash_key(v: &Value, h: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    if let Some(i) = int_key(v) {
        h.write_u8(0);
        h.write_i64(i);
        return;
    }
    match v {
        Value::Tuple(items) => {
            h.write_u8(1);
            h.write_usize(items.len());
            for x in items.iter() {
                hash_key(x, h);
            }
        }
        other => {
            h.write_u8(2);
            other.hash(h);
        }
    }
}

/// Where and how an access happened. Not part of state identity: two
/// states that differ only in which site last wrote a location have the
/// same future races (the knowledge sets decide them).
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub struct Site {
    pub tid: Tid,
    pub func: FuncId,
    pub pc: Pc,
    pub write: bool,
    pub hint: AccessHint,
}

#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub struct Access {
    pub tid: Tid,
    /// Agents whose clocks have reached this access.
    pub knowers: u64,
    /// A container method call (atomic under the GIL).
    pub atomic: bool,
    pub site: Site,
}

impl PartialEq for Access {
    fn eq(&self, o: &Access) -> bool {
        self.tid == o.tid && self.knowers == o.knowers && self.atomic == o.atomic
    }
}
impl Eq for Access {}
impl std::hash::Hash for Access {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.tid.hash(h);
        self.knowers.hash(h);
        self.atomic.hash(h);
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Record {
    pub write: Option<Access>,
    /// Last read per thread since the last write.
    pub reads: Vec<Access>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct RaceState {
    /// Sorted by location.
    pub records: Vec<(Loc, Record)>,
}

/// A race seen: the earlier access and the one that completes it.
#[derive(Clone, Debug)]
pub struct RaceHit {
    pub loc: Loc,
    pub first: Site,
    pub second: Site,
}

impl RaceState {
    /// Record an access by `tid` (agent `agent`) and report the races it completes.
    pub fn access(
        &mut self,
        loc: Loc,
        agent: u8,
        atomic: bool,
        site: Site,
        hits: &mut Vec<RaceHit>,
    ) {
        let bit = 1u64 << agent;
        let idx = match self.records.binary_search_by(|(l, _)| l.cmp(&loc)) {
            Ok(i) => i,
            Err(i) => {
                self.records.insert(i, (loc.clone(), Record::default()));
                i
            }
        };
        let rec = &mut self.records[idx].1;
        let races = |prev: &Access| {
            prev.tid != site.tid && prev.knowers & bit == 0 && !(prev.atomic && atomic)
        };
        if let Some(w) = &rec.write {
            if races(w) {
                hits.push(RaceHit {
                    loc: loc.clone(),
                    first: w.site,
                    second: site,
                });
            }
        }
        let me = Access {
            tid: site.tid,
            knowers: bit,
            atomic,
            site,
        };
        if site.write {
            for r in &rec.reads {
                if races(r) {
                    hits.push(RaceHit {
                        loc: loc.clone(),
                        first: r.site,
                        second: site,
                    });
                }
            }
            rec.reads.clear();
            rec.write = Some(me);
        } else {
            match rec.reads.iter_mut().find(|r| r.tid == site.tid) {
                Some(r) => *r = me,
                None => {
                    rec.reads.push(me);
                    rec.reads.sort_by_key(|r| r.tid);
                }
            }
        }
    }

    /// Forget the recorded accesses that satisfy `dead` (ones no future
    /// access can race with), and records left empty. Forgetting such an
    /// access changes no future verdict, and lets states that differ only
    /// in it be merged.
    pub fn forget(&mut self, mut dead: impl FnMut(&Loc, &Access) -> bool) {
        self.records.retain_mut(|(l, r)| {
            if r.write.as_ref().is_some_and(|w| dead(l, w)) {
                r.write = None;
            }
            r.reads.retain(|a| !dead(l, a));
            r.write.is_some() || !r.reads.is_empty()
        });
    }

    fn for_each(&mut self, mut f: impl FnMut(&mut u64)) {
        for (_, rec) in &mut self.records {
            if let Some(w) = &mut rec.write {
                f(&mut w.knowers);
            }
            for r in &mut rec.reads {
                f(&mut r.knowers);
            }
        }
    }

    fn knowers(&self) -> impl Iterator<Item = u64> + '_ {
        self.records
            .iter()
            .flat_map(|(_, r)| r.write.iter().chain(r.reads.iter()).map(|a| a.knowers))
    }

    /// Would [`propagate`](Self::propagate) change anything? (Lets states
    /// share an unchanged race state.)
    pub fn propagate_changes(&self, from: u8, to: u8) -> bool {
        let (f, t) = (1u64 << from, 1u64 << to);
        from != to && self.knowers().any(|k| k & f != 0 && k & t == 0)
    }

    /// Would [`overwrite`](Self::overwrite) change anything?
    pub fn overwrite_changes(&self, from: u8, to: u8) -> bool {
        let (f, t) = (1u64 << from, 1u64 << to);
        from != to && self.knowers().any(|k| (k & f != 0) != (k & t != 0))
    }

    /// Everything `from` knows, `to` now knows too (a release into an
    /// object, an acquire from one, a start, a join).
    pub fn propagate(&mut self, from: u8, to: u8) {
        if from == to {
            return;
        }
        let (f, t) = (1u64 << from, 1u64 << to);
        self.for_each(|k| {
            if *k & f != 0 {
                *k |= t
            }
        });
    }

    /// `to` knows exactly what `from` knows (a write to an `atomic` global:
    /// its readers synchronise with the write they read).
    pub fn overwrite(&mut self, from: u8, to: u8) {
        if from == to {
            return;
        }
        let (f, t) = (1u64 << from, 1u64 << to);
        self.for_each(|k| if *k & f != 0 { *k |= t } else { *k &= !t });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(tid: Tid, write: bool) -> Site {
        Site {
            tid,
            func: 0,
            pc: 0,
            write,
            hint: AccessHint::Plain,
        }
    }

    #[test]
    fn unordered_write_write_races_and_lock_orders_them() {
        let mut r = RaceState::default();
        let mut hits = vec![];
        r.access(Loc::Global(0), 0, false, site(0, true), &mut hits);
        r.access(Loc::Global(0), 1, false, site(1, true), &mut hits);
        assert_eq!(hits.len(), 1);

        let mut r = RaceState::default();
        hits.clear();
        r.access(Loc::Global(0), 0, false, site(0, true), &mut hits);
        r.propagate(0, 5); // release into lock agent 5
        r.propagate(5, 1); // acquire by thread 1
        r.access(Loc::Global(0), 1, false, site(1, false), &mut hits);
        assert!(hits.is_empty());
    }

    #[test]
    fn atomic_operations_do_not_race_with_each_other() {
        let mut r = RaceState::default();
        let mut hits = vec![];
        r.access(Loc::Shape(3), 0, true, site(0, true), &mut hits);
        r.access(Loc::Shape(3), 1, true, site(1, true), &mut hits);
        assert!(hits.is_empty());
        r.access(Loc::Shape(3), 2, false, site(2, false), &mut hits);
        assert_eq!(hits.len(), 1);
    }

    #[test]
    fn overwrite_forgets_older_knowledge() {
        let mut r = RaceState::default();
        let mut hits = vec![];
        r.access(Loc::Global(0), 0, false, site(0, true), &mut hits);
        r.propagate(0, 7);
        r.access(Loc::Global(1), 1, false, site(1, true), &mut hits);
        r.overwrite(1, 7); // agent 7 now knows only what thread 1 knows
        r.propagate(7, 2);
        r.access(Loc::Global(0), 2, false, site(2, false), &mut hits);
        assert_eq!(hits.len(), 1, "thread 2 did not learn of thread 0's write");
    }
}
