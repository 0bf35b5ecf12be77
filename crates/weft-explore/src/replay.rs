//! Following a recorded schedule again.

use crate::{Expansion, Model};

/// Follow `steps` from the initial state, taking at each state the successor
/// whose step equals the given one. Returns every state along the path (the
/// initial state first, so `steps.len() + 1` states), or `Err(i)` when
/// `steps[i]` is not a successor step of the state reached before it.
pub fn replay<M: Model>(model: &M, steps: &[M::Step]) -> Result<Vec<M::State>, usize> {
    let mut findings = Vec::new();
    let mut states = Vec::with_capacity(steps.len() + 1);
    states.push(model.initial(&mut findings));
    let mut exp: Expansion<M> = Expansion::default();
    for (i, step) in steps.iter().enumerate() {
        exp.successors.clear();
        exp.findings.clear();
        exp.terminal = false;
        model.expand(&states[i], &mut exp);
        let pos = exp
            .successors
            .iter()
            .position(|s| s.step == *step)
            .ok_or(i)?;
        states.push(exp.successors.swap_remove(pos).state);
    }
    Ok(states)
}
