//! Canonical insertion order for dicts whose order no code can see.
//!
//! A Python dict remembers insertion order, so two threads that insert
//! different keys into a shared dict reach different states in the two
//! orders, although nothing else differs. Where the compiler proved that no
//! code can see the order of a dict bound to a global
//! ([`weft_model::GlobalInfo::unordered`]: the dict is reached only through
//! the global, as the container of operations that do not reveal order),
//! the two states have the same future: every operation the program can
//! apply gives the same result in both, and leaves them again differing
//! only in order. So each successor stores such a dict with its entries
//! sorted by key, and the orders merge (the `indexer` benchmark's hash
//! table is the textbook case).
//!
//! Only dicts whose keys are plain data (None, bools, numbers, strings and
//! tuples of these) are sorted; a key that is an object is left where it
//! is, which is merely less reduction.

use std::cmp::Ordering;

use weft_model::{GlobalId, Program};

use crate::state::{Object, State};
use crate::value::Value;

/// The globals whose dicts may be stored in canonical order.
pub fn unordered_globals(prog: &Program) -> Vec<GlobalId> {
    (0..prog.globals.len() as GlobalId)
        .filter(|&g| prog.globals[g as usize].unordered)
        .collect()
}

/// Sort the entries of the dict bound to each of `globals` by key, where
/// its keys are plain data. Copies the dict only if it is out of order.
pub fn canonicalise(globals: &[GlobalId], s: &mut State) {
    for &g in globals {
        let Some(Value::Obj(id)) = s.globals.get(g as usize) else {
            continue;
        };
        let id = *id;
        let Object::Dict(entries) = s.obj(id) else {
            continue;
        };
        if entries.iter().any(|(k, _)| !plain(k)) {
            continue;
        }
        let sorted = entries
            .windows(2)
            .all(|w| key_order(&w[0].0, &w[1].0) != Ordering::Greater);
        if sorted {
            continue;
        }
        if let Object::Dict(entries) = s.obj_mut(id) {
            entries.sort_by(|a, b| key_order(&a.0, &b.0));
        }
    }
}

/// Plain data: equal keys are equal values, whatever the state.
fn plain(v: &Value) -> bool {
    match v {
        Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => true,
        Value::Tuple(items) => items.iter().all(plain),
        _ => false,
    }
}

/// A total order on plain values (any total order serves: the keys of one
/// dict are distinct, so it sorts them the same way whatever their
/// insertion order). Values of different kinds order by kind.
fn key_order(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::None => 0,
            Value::Bool(_) => 1,
            Value::Int(_) => 2,
            Value::Float(_) => 3,
            Value::Str(_) => 4,
            Value::Tuple(_) => 5,
            _ => 6,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Float(x), Value::Float(y)) => x.0.total_cmp(&y.0),
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        (Value::Tuple(x), Value::Tuple(y)) => {
            for (p, q) in x.iter().zip(y.iter()) {
                match key_order(p, q) {
                    Ordering::Equal => continue,
                    other => return other,
                }
            }
            x.len().cmp(&y.len())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn plain_keys_sort_in_one_order_whatever_the_insertion_order() {
        let keys = [
            Value::Str("b".into()),
            Value::Int(3),
            Value::Tuple(Arc::from(vec![Value::Int(1), Value::Str("x".into())])),
            Value::None,
            Value::Int(-2),
            Value::Tuple(Arc::from(vec![Value::Int(1)])),
            Value::Bool(false),
        ];
        let mut forward: Vec<Value> = keys.to_vec();
        let mut backward: Vec<Value> = keys.iter().rev().cloned().collect();
        forward.sort_by(key_order);
        backward.sort_by(key_order);
        assert_eq!(forward, backward);
        assert_eq!(forward[0], Value::None);
        assert!(keys.iter().all(plain));
        assert!(!plain(&Value::Obj(0)));
    }
}
