//! Data flow of a compiled scenario: which actions can change each slot, each (leaf, fuel)
//! entry of final energy, and so each part of the total (docs/ATTRIBUTION.md).
//!
//! The steps run in a fixed order, and a step reads its slots as earlier steps left them.
//! So one pass over the steps in order gives, for every slot, the set of actions whose
//! measures can change its value after all steps (its *support*):
//!
//! ```text
//! expression, product, copy:  S(w) = ∪ S(r) over the slots r it reads
//! measure of action a:        S(w) ∪= {a} ∪ ∪ S(r) over the slots r it reads
//! final energy of an entry:   S(e) = S(activity) ∪ S(intensity) ∪ S(share)
//! save / switch of action a:  S(e) ∪= {a} ∪ S(amount) ∪ ∪ S(from entries), for its entries
//! ```
//!
//! A slot that is 0 in every year of every evaluation (a share or activity that starts at 0
//! and that nothing makes positive) is tracked too: a product with it, a `scale` of it and
//! the entries that read it stay 0 whatever the actions do, so they have an empty support.
//! Sampled uncertain parameters are not actions: they change values, never supports.
//!
//! The pass over-approximates (a measure whose weight is 0 in every year still counts), so
//! a support can only be too large, never too small: a value depends on no action outside
//! its support. That is all the decomposition of the Shapley value needs.

use crate::plan::{Compiled, SeriesLever, Step};

/// A set of actions: bit `i` is action `i`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ActionSet {
    words: Vec<u64>,
}

impl ActionSet {
    /// The empty set over `n` actions.
    pub(crate) fn empty(n: usize) -> Self {
        ActionSet {
            words: vec![0; n.div_ceil(64)],
        }
    }

    /// `{a}` over `n` actions.
    pub(crate) fn single(n: usize, a: usize) -> Self {
        let mut s = Self::empty(n);
        s.insert(a);
        s
    }

    /// Adds action `a` (ignored when `a` is beyond the set's range).
    pub(crate) fn insert(&mut self, a: usize) {
        if let Some(w) = self.words.get_mut(a / 64) {
            *w |= 1 << (a % 64);
        }
    }

    /// `self ∪= other`.
    pub(crate) fn union_with(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// Whether every action of `self` is in `other`.
    pub(crate) fn is_subset(&self, other: &ActionSet) -> bool {
        self.words
            .iter()
            .zip(&other.words)
            .all(|(a, b)| a & !b == 0)
    }

    /// Whether the set is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// Number of actions in the set.
    pub(crate) fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The actions in increasing order.
    pub(crate) fn to_vec(&self) -> Vec<usize> {
        let mut v = Vec::with_capacity(self.len());
        for (i, &w) in self.words.iter().enumerate() {
            let mut w = w;
            while w != 0 {
                let b = w.trailing_zeros() as usize;
                v.push(i * 64 + b);
                w &= w - 1;
            }
        }
        v
    }
}

/// Supports of the slots and entries of a compiled scenario after every step.
#[derive(Clone, Debug)]
pub(crate) struct Flow {
    /// Per slot: the actions that can change it.
    pub slots: Vec<ActionSet>,
    /// Per (leaf, fuel) entry, in leaf order (`LeafPlan::first_entry + k`): the actions that
    /// can change its final energy.
    pub entries: Vec<ActionSet>,
    /// Per entry: its final energy is 0 in every year of every evaluation.
    pub entry_zero: Vec<bool>,
}

impl Flow {
    /// The support of a slot.
    pub(crate) fn slot(&self, s: usize) -> &ActionSet {
        &self.slots[s]
    }

    /// The union of the supports of some slots.
    pub(crate) fn union_of(&self, n: usize, slots: impl IntoIterator<Item = usize>) -> ActionSet {
        let mut u = ActionSet::empty(n);
        for s in slots {
            u.union_with(&self.slots[s]);
        }
        u
    }
}

/// The data flow of a compiled scenario (see the module header).
pub(crate) fn flow(c: &Compiled) -> Flow {
    let n_actions = c.n_actions;
    let n = c.n_years;
    let n_slots = c.slot_names.len();
    let mut s: Vec<ActionSet> = vec![ActionSet::empty(n_actions); n_slots];
    let mut zero: Vec<bool> = (0..n_slots)
        .map(|i| c.arena[i * n..i * n + n].iter().all(|v| *v == 0.0))
        .collect();
    let action = |op: usize| c.ops[op].action;
    for step in &c.steps {
        match step {
            Step::Expr { slot, program, .. } => {
                let mut u = ActionSet::empty(n_actions);
                for r in program.slots() {
                    if let Some(x) = s.get(r) {
                        u.union_with(x);
                    }
                }
                s[*slot] = u;
                zero[*slot] = false;
            }
            Step::Mul { slot, a, b, .. } => {
                if zero[*a] || zero[*b] {
                    // 0 × a finite value (every written row is checked finite) is 0.
                    s[*slot] = ActionSet::empty(n_actions);
                    zero[*slot] = true;
                } else {
                    let mut u = s[*a].clone();
                    u.union_with(&s[*b]);
                    s[*slot] = u;
                    zero[*slot] = false;
                }
            }
            Step::Copy { slot, src, .. } => {
                s[*slot] = s[*src].clone();
                zero[*slot] = zero[*src];
            }
            Step::Param { slots, mode, .. } => {
                // A sampled value changes values, not supports; an absolute one can make a
                // zero slot positive (a multiplier or a trend keeps a zero row at 0).
                if *mode == crate::plan::ParamMode::Absolute {
                    for &x in slots {
                        zero[x] = false;
                    }
                }
            }
            Step::Series {
                op,
                lever,
                slots,
                param,
                ..
            } => {
                for &x in slots {
                    // `scale` keeps a zero row at 0: `0 × (1 + by × r)`.
                    if *lever == SeriesLever::Scale && zero[x] {
                        continue;
                    }
                    let p = s[*param].clone();
                    s[x].union_with(&p);
                    s[x].insert(action(*op));
                    zero[x] = false;
                }
            }
            Step::Shift {
                op,
                items,
                from,
                to,
                ..
            } => {
                // Nothing moves when every `from` item is 0; a `from` item at 0 stays 0, and
                // items in neither list are left alone.
                let from_slots: Vec<usize> = from.iter().map(|&i| items[i]).collect();
                if from_slots.iter().all(|&x| zero[x]) {
                    continue;
                }
                let mut u = ActionSet::single(n_actions, action(*op));
                for &i in from.iter().chain(to) {
                    u.union_with(&s[items[i]]);
                }
                for &i in from.iter().chain(to) {
                    let x = items[i];
                    if zero[x] && from.contains(&i) {
                        continue;
                    }
                    s[x].union_with(&u);
                    zero[x] = false;
                }
            }
            Step::SetMap {
                op, items, value, ..
            } => {
                // `s + r × (v − s)` item by item: an item at 0 set to 0 stays 0.
                for (&x, &v) in items.iter().zip(value) {
                    if zero[x] && v == 0.0 {
                        continue;
                    }
                    s[x].insert(action(*op));
                    zero[x] = false;
                }
            }
            Step::Generation { op, slot, gj } => {
                let g = s[*gj].clone();
                s[*slot].union_with(&g);
                s[*slot].insert(action(*op));
                zero[*slot] = false;
            }
            Step::Divert {
                op,
                generation,
                mass,
                maps,
                ..
            } => {
                let mut u = ActionSet::single(n_actions, action(*op));
                u.union_with(&s[*generation]);
                u.union_with(&s[*mass]);
                for m in maps {
                    for &x in &m.items {
                        u.union_with(&s[x]);
                    }
                    if let Some(comp) = m.composition {
                        u.union_with(&s[comp]);
                    }
                }
                for m in maps {
                    for &x in &m.items {
                        s[x].union_with(&u);
                        zero[x] = false;
                    }
                }
            }
            Step::Check { .. } => {}
        }
    }
    // Final energy per entry: A × I × S, 0 when any factor is.
    let mut entries = vec![ActionSet::empty(n_actions); c.n_entries];
    let mut entry_zero = vec![false; c.n_entries];
    for leaf in &c.leaves {
        for (k, &(_, share, _)) in leaf.fuels.iter().enumerate() {
            let e = leaf.first_entry + k;
            if zero[leaf.activity] || zero[leaf.intensity] || zero[share] {
                entry_zero[e] = true;
                continue;
            }
            let mut u = s[leaf.activity].clone();
            u.union_with(&s[leaf.intensity]);
            u.union_with(&s[share]);
            entries[e] = u;
        }
    }
    // `save` and `switch` spread an amount over the entries of a fuel in proportion to their
    // size: each entry then depends on all of them.
    for op in &c.energy_ops {
        let mut u = ActionSet::single(n_actions, action(op.op));
        u.union_with(&s[op.amount]);
        for &(f, _) in &op.entries {
            u.union_with(&entries[f]);
        }
        for &(f, t) in &op.entries {
            entries[f].union_with(&u);
            if let Some(t) = t {
                entries[t].union_with(&u);
                // A switch brings energy to an entry that may have had none.
                entry_zero[t] = entry_zero[t] && op.entries.iter().all(|&(f, _)| entry_zero[f]);
            }
        }
    }
    Flow {
        slots: s,
        entries,
        entry_zero,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_sets_hold_more_than_64_actions() {
        let mut a = ActionSet::empty(130);
        a.insert(3);
        a.insert(64);
        a.insert(129);
        assert_eq!(a.to_vec(), vec![3, 64, 129]);
        assert_eq!(a.len(), 3);
        let mut b = ActionSet::single(130, 3);
        assert!(b.is_subset(&a) && !a.is_subset(&b));
        b.union_with(&a);
        assert_eq!(b, a);
        assert!(ActionSet::empty(130).is_empty());
    }
}
