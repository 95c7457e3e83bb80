//! Work done once at compile time instead of in every evaluation (docs/PERFORMANCE.md,
//! issue 15), without changing a single bit of any result.
//!
//! - *Constant steps.* An expression, product, copy or check whose inputs no action and
//!   no sampled parameter can change gives the same row in every evaluation: it runs once
//!   here, its row goes into the base arena, and the step is dropped. A step that would
//!   fail (a value out of its bound) stays, so that the error still comes from the run.
//! - *Resets.* Before an evaluation only the slots that steps write are reset from the base
//!   arena, and of those only the ones that some step reads (or changes in place) before a
//!   step assigns them in full: a slot first written by an expression, a product or a copy
//!   is overwritten before anything can see its old value.
//! - *Zero entries.* A (leaf, fuel) entry whose activity, intensity or share is 0 in every
//!   evaluation adds nothing to final energy, so the demand loop leaves it out.

use crate::eval::Workspace;
use crate::plan::{Compiled, Step};

/// The slots a step reads.
pub(crate) fn read(step: &Step) -> Vec<usize> {
    match step {
        Step::Expr { program, .. } => program.slots(),
        Step::Mul { a, b, .. } => vec![*a, *b],
        Step::Copy { src, .. } => vec![*src],
        Step::Check { slot, .. } => vec![*slot],
        Step::Generation { slot, gj, .. } => vec![*slot, *gj],
        Step::Param { slots, .. } => slots.clone(),
        Step::Series {
            slots,
            param,
            group,
            ..
        } => slots
            .iter()
            .chain(group)
            .chain(std::iter::once(param))
            .copied()
            .collect(),
        Step::Shift { items, .. } | Step::SetMap { items, .. } => items.clone(),
        Step::Divert {
            generation,
            mass,
            maps,
            ..
        } => {
            let mut v = vec![*generation, *mass];
            for m in maps {
                v.extend(&m.items);
                v.extend(m.composition);
            }
            v
        }
    }
}

/// Whether a step assigns its written slot in full from other slots (an expression, a
/// product or a copy), so that the slot's old value is never read.
fn assigns(step: &Step) -> bool {
    match step {
        Step::Expr { slot, program, .. } => !program.slots().contains(slot),
        Step::Mul { slot, a, b, .. } => slot != a && slot != b,
        Step::Copy { slot, src, .. } => slot != src,
        _ => false,
    }
}

/// Runs every constant step into the base arena and drops it, then fixes the arena ranges
/// reset before each evaluation.
pub(crate) fn fold_constants(c: &mut Compiled) {
    let n_slots = c.slot_names.len();
    // A slot is dynamic once a measure or a sampled parameter writes it, or a kept step
    // computes it from a dynamic slot.
    let mut dynamic = vec![false; n_slots];
    let mut touched = vec![false; n_slots];
    let mut ws = Workspace::new(c);
    let mut keep = Vec::with_capacity(c.steps.len());
    let mut folded: Vec<(usize, usize)> = Vec::new();
    for (i, step) in c.steps.iter().enumerate() {
        let reads = read(step);
        let written = step.written();
        let constant_kind = matches!(
            step,
            Step::Expr { .. } | Step::Mul { .. } | Step::Copy { .. } | Step::Check { .. }
        );
        let constant = constant_kind
            && reads.iter().all(|&r| !dynamic[r])
            && written.iter().all(|&w| !touched[w]);
        let mut fold = false;
        if constant {
            // Mask and parameters play no part in these steps.
            fold = crate::measures::run_step(c, &mut ws, step, &[], &[]).is_ok();
        }
        if fold {
            folded.extend(written.iter().map(|&w| (i, w)));
        } else {
            // Measures, sampled parameters, steps over dynamic slots, and constant steps
            // that fail their check (they run, and fail, in every evaluation).
            keep.push(i);
            for &w in &written {
                dynamic[w] = true;
            }
        }
        for &x in reads.iter().chain(&written) {
            touched[x] = true;
        }
    }
    let n = c.n_years;
    for (_, w) in folded {
        c.arena[w * n..w * n + n].copy_from_slice(&ws.arena[w * n..w * n + n]);
    }
    let mut steps = std::mem::take(&mut c.steps);
    let mut i = 0;
    // The dropped steps are recorded (never run) for `explain`.
    let mut dropped = Vec::new();
    steps.retain(|s| {
        let k = keep.binary_search(&i).is_ok();
        i += 1;
        if !k {
            dropped.push(s.clone());
        }
        k
    });
    c.steps = steps;
    c.folded.append(&mut dropped);
    c.dirty = reset_ranges(&c.steps, n, n_slots);
    c.combo_entries = combo_entries(c);
}

/// Per combo, the entries that can hold final energy, in leaf order: an entry whose
/// activity, intensity or share is 0 in every evaluation adds nothing (`dataflow`).
fn combo_entries(c: &Compiled) -> Vec<Vec<(usize, usize)>> {
    let f = crate::dataflow::flow(c);
    let mut out = vec![Vec::new(); c.combos.len()];
    for (l, leaf) in c.leaves.iter().enumerate() {
        for (k, &(_, share, combo)) in leaf.fuels.iter().enumerate() {
            if !f.entry_zero[leaf.first_entry + k] {
                out[combo].push((l, share));
            }
        }
    }
    out
}

/// The arena ranges to reset before an evaluation, merged and sorted: every slot a step
/// can change (`Step::modified`), except those whose first use is a step that assigns them
/// in full.
fn reset_ranges(steps: &[Step], n: usize, n_slots: usize) -> Vec<(usize, usize)> {
    // 0: not seen; 1: first use assigns it; 2: needs a reset.
    let mut state = vec![0u8; n_slots];
    let mut written = vec![false; n_slots];
    for step in steps {
        // Only the slots a step can change need a reset (a `shift` leaves the other items
        // of its map as they are).
        let w = step.modified();
        let assigning = assigns(step);
        for &r in &read(step) {
            if state[r] == 0 {
                state[r] = 2;
            }
        }
        for &x in &w {
            written[x] = true;
            if state[x] == 0 {
                state[x] = if assigning { 1 } else { 2 };
            }
        }
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    for s in 0..n_slots {
        if !(written[s] && state[s] == 2) {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.1 == s * n => last.1 = s * n + n,
            _ => out.push((s * n, s * n + n)),
        }
    }
    out
}
