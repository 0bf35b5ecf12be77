//! `sorted()` and `list.sort()` as CPython runs them. Only `<` is asked
//! (CPython's `ISLT`), and the first comparison that fails raises its
//! TypeError. Lists shorter than 64 items are sorted exactly the way
//! CPython's timsort sorts them (the run the list starts with, then binary
//! insertion), so that items with no order between them (a NaN) end up
//! where CPython puts them and a mixed list fails on the same pair. Longer
//! lists are merge-sorted, stably: the same result wherever `<` is a
//! consistent order.

use std::cmp::Ordering;

use crate::machine::Args;
use crate::ops::{self, PyResult};
use crate::state::State;
use crate::value::Value;

/// Below this length CPython's timsort does one run and binary insertion.
const MIN_MERGE: usize = 64;

/// Sort `items` in place, stably, by Python's `<`. With `reverse`, as
/// CPython does it: reversed before and after, so that equal items keep
/// their order.
pub(crate) fn sort_values(s: &State, items: &mut [Value], reverse: bool) -> PyResult<()> {
    if reverse {
        items.reverse();
    }
    sort_forward(s, items)?;
    if reverse {
        items.reverse();
    }
    Ok(())
}

/// `reverse=` among the keyword arguments, true.
pub(crate) fn reverse_kw(s: &State, args: &Args) -> bool {
    args.kw
        .iter()
        .any(|(k, v)| &**k == "reverse" && ops::truthy(s, v))
}

fn sort_forward(s: &State, items: &mut [Value]) -> PyResult<()> {
    if items.len() < 2 {
        return Ok(());
    }
    if items.len() < MIN_MERGE {
        let (run, descending) = count_run(s, items)?;
        if descending {
            items[..run].reverse();
        }
        return binary_insertion(s, items, run);
    }
    let mut scratch = items.to_vec();
    merge_sort(s, items, &mut scratch)
}

/// `a < b` in Python; false where no order holds (a NaN).
fn lt(s: &State, a: &Value, b: &Value) -> PyResult<bool> {
    Ok(ops::py_cmp(s, a, b, "<")? == Some(Ordering::Less))
}

/// The length of the run `items` starts with, and whether it is strictly
/// descending (CPython's `count_run`).
fn count_run(s: &State, items: &[Value]) -> PyResult<(usize, bool)> {
    let descending = lt(s, &items[1], &items[0])?;
    let mut k = 2;
    while k < items.len() && lt(s, &items[k], &items[k - 1])? == descending {
        k += 1;
    }
    Ok((k, descending))
}

/// Insert `items[start..]` one by one into the sorted prefix, each after
/// every item it is not less than (CPython's `binarysort`).
fn binary_insertion(s: &State, items: &mut [Value], start: usize) -> PyResult<()> {
    for i in start..items.len() {
        let (mut l, mut r) = (0, i);
        while l < r {
            let p = l + (r - l) / 2;
            if lt(s, &items[i], &items[p])? {
                r = p;
            } else {
                l = p + 1;
            }
        }
        items[l..=i].rotate_right(1);
    }
    Ok(())
}

/// Stable top-down merge sort; `scratch` holds a copy of `items`.
fn merge_sort(s: &State, items: &mut [Value], scratch: &mut [Value]) -> PyResult<()> {
    let n = items.len();
    if n < MIN_MERGE {
        return binary_insertion(s, items, 1);
    }
    let mid = n / 2;
    merge_sort(s, &mut items[..mid], &mut scratch[..mid])?;
    merge_sort(s, &mut items[mid..], &mut scratch[mid..])?;
    scratch.clone_from_slice(items);
    let (left, right) = scratch.split_at(mid);
    let (mut i, mut j) = (0, 0);
    for slot in items.iter_mut() {
        // Take from the right only if strictly less: equal items keep
        // their order.
        let right_first = j < right.len() && (i == left.len() || lt(s, &right[j], &left[i])?);
        if right_first {
            *slot = right[j].clone();
            j += 1;
        } else {
            *slot = left[i].clone();
            i += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::part::Part;

    fn empty_state() -> State {
        State {
            globals: Part::new(Vec::new()),
            heap: Part::new(Vec::new()),
            threads: Part::new(Vec::new()),
            race: Part::new(Default::default()),
            thread_counter: 0,
            agents: 0,
        }
    }

    /// Numbers with many equal values, half of them spelt as floats
    /// (`3` and `3.0` are equal but tell apart), so that a test sees
    /// whether equal items keep their order.
    fn numbers(n: usize) -> Vec<Value> {
        (0..n as i64)
            .map(|i| match (i * 7919) % 13 {
                k if i % 2 == 0 => Value::Int(k),
                k => Value::Float(crate::value::F64(k as f64)),
            })
            .collect()
    }

    fn key(v: &Value) -> i64 {
        match v {
            Value::Float(f) => f.0 as i64,
            other => other.as_int().expect("a number"),
        }
    }

    #[test]
    fn sorts_short_and_long_lists_stably() {
        let s = empty_state();
        for n in [0usize, 1, 2, 5, 63, 64, 65, 200] {
            for reverse in [false, true] {
                let mut v = numbers(n);
                // Rust's sort_by_key is stable; reversed with `Reverse` keeps
                // equal items in order too, as CPython's reverse=True does.
                let mut want = v.clone();
                match reverse {
                    false => want.sort_by_key(key),
                    true => want.sort_by_key(|x| std::cmp::Reverse(key(x))),
                }
                sort_values(&s, &mut v, reverse).unwrap();
                assert_eq!(v, want, "n = {n}, reverse = {reverse}");
            }
        }
    }
}
