//! What the code a thread can still run may do, per program counter:
//! backward fixpoints over each function's control flow (fall-through,
//! jumps, exception handlers), computed once per program.

use weft_model::{Function, Instr};

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
