//! What the code a thread can still run may do, per program counter:
//! backward fixpoints over each function's control flow (fall-through,
//! jumps, exception handlers), computed once per program.

use weft_model::{Function, GlobalId, Instr, Program};

/// The pcs control can go to after `pc` (an over-approximation: every
/// instruction may fall through or raise).
fn successors(f: &Function, pc: usize) -> Vec<usize> {
    let mut out = vec![pc + 1];
    match f.code[pc] {
        Instr::Jump(t)
        | Instr::JumpIfFalse(t)
        | Instr::JumpIfTrue(t)
        | Instr::JumpIfFalseOrPop(t)
        | Instr::JumpIfTrueOrPop(t)
        | Instr::ForIter(t) => out.push(t as usize),
        _ => {}
    }
    for h in &f.handlers {
        if (h.start as usize) <= pc && pc < h.end as usize {
            out.push(h.target as usize);
        }
    }
    out
}

fn set_bit(set: &mut Vec<u64>, i: usize) {
    if set.len() <= i / 64 {
        set.resize(i / 64 + 1, 0);
    }
    set[i / 64] |= 1 << (i % 64);
}

/// Globals named by the code reachable from each pc of `f` (`pc ==
/// code.len()` is the end, with nothing); with `writes`, only the globals
/// assigned or deleted.
pub(super) fn names_from(f: &Function, writes: bool) -> Vec<Vec<u64>> {
    let n = f.code.len();
    let mut from: Vec<Vec<u64>> = vec![Vec::new(); n + 1];
    let own = |pc: usize| match f.code[pc] {
        Instr::StoreGlobal(g, _) | Instr::DeleteGlobal(g) => Some(g),
        Instr::LoadGlobal(g, _) if !writes => Some(g),
        _ => None,
    };
    let mut changed = true;
    while changed {
        changed = false;
        for pc in (0..n).rev() {
            let mut set = from[pc].clone();
            if let Some(g) = own(pc) {
                set_bit(&mut set, g as usize);
            }
            for t in successors(f, pc) {
                let t = t.min(n);
                if set.len() < from[t].len() {
                    set.resize(from[t].len(), 0);
                }
                for (w, x) in set.iter_mut().zip(&from[t]) {
                    *w |= x;
                }
            }
            if set != from[pc] {
                from[pc] = set;
                changed = true;
            }
        }
    }
    from
}

/// The globals a program enters with `with G:` (a `LoadGlobal` right
/// before a `WithEnter`), at most 64: the candidate guards.
pub(super) fn with_globals(prog: &Program) -> Vec<GlobalId> {
    let mut out = Vec::new();
    for f in &prog.functions {
        for w in 1..f.code.len() {
            if let (Instr::LoadGlobal(g, _), Instr::WithEnter) = (f.code[w - 1], f.code[w]) {
                if !out.contains(&g) && out.len() < 64 {
                    out.push(g);
                }
            }
        }
    }
    out
}

/// Bits of `guards` (indices into [`with_globals`]) entered by a `with`
/// block that covers each pc of `f`. A `with` block's body is the region
/// of the handler that starts right after its `WithEnter` and whose target
/// is the block's cleanup (`Rot2 WithExit ReRaise`), with the other regions
/// of the same handler (a `return` or `break` inside suspends the region
/// around its own cleanup).
fn held_at(f: &Function, guards: &[GlobalId]) -> Vec<u64> {
    let mut held = vec![0u64; f.code.len()];
    let cleanup = |t: usize| {
        matches!(
            f.code.get(t..t + 3),
            Some([Instr::Rot2, Instr::WithExit, Instr::ReRaise])
        )
    };
    for w in 1..f.code.len() {
        let (Instr::LoadGlobal(g, _), Instr::WithEnter) = (f.code[w - 1], f.code[w]) else {
            continue;
        };
        let Some(bit) = guards.iter().position(|&x| x == g) else {
            continue;
        };
        let Some(first) = f
            .handlers
            .iter()
            .find(|h| h.start as usize == w + 1 && cleanup(h.target as usize))
        else {
            continue;
        };
        for h in f.handlers.iter().filter(|h| h.target == first.target) {
            for pc in h.start as usize..(h.end as usize).min(f.code.len()) {
                held[pc] |= 1 << bit;
            }
        }
    }
    held
}

/// For each pc of `f`, the globals the code from there may access, each
/// with the guards entered around *every* such access (a bit set over
/// `guards`), sorted by global.
pub(super) fn guards_from(f: &Function, guards: &[GlobalId]) -> Vec<Vec<(GlobalId, u64)>> {
    let n = f.code.len();
    let held = held_at(f, guards);
    let mut from: Vec<Vec<(GlobalId, u64)>> = vec![Vec::new(); n + 1];
    let mut changed = true;
    while changed {
        changed = false;
        for pc in (0..n).rev() {
            let mut acc = match f.code[pc] {
                Instr::LoadGlobal(g, _) | Instr::StoreGlobal(g, _) | Instr::DeleteGlobal(g) => {
                    vec![(g, held[pc])]
                }
                _ => Vec::new(),
            };
            for t in successors(f, pc) {
                acc = meet(&acc, &from[t.min(n)]);
            }
            if acc != from[pc] {
                from[pc] = acc;
                changed = true;
            }
        }
    }
    from
}

/// Both maps' globals, each with the guards common to both (a global in
/// one map only keeps its guards: the other never accesses it).
pub(super) fn meet(a: &[(GlobalId, u64)], b: &[(GlobalId, u64)]) -> Vec<(GlobalId, u64)> {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    loop {
        match (a.get(i), b.get(j)) {
            (Some(&(g, x)), Some(&(h, y))) if g == h => {
                out.push((g, x & y));
                i += 1;
                j += 1;
            }
            (Some(&(g, x)), Some(&(h, _))) if g < h => {
                out.push((g, x));
                i += 1;
            }
            (_, Some(&(h, y))) => {
                out.push((h, y));
                j += 1;
            }
            (Some(&(g, x)), None) => {
                out.push((g, x));
                i += 1;
            }
            (None, None) => return out,
        }
    }
}
