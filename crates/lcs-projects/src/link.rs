//! The scenario view of linked projects and networks (docs/PROJECTS.md "Projects in
//! scenarios"): which `divert` measures run below their capacity, and the linked measures
//! that change what another measure changes too (`link-overlap`).
//!
//! A `divert` measure asks for `mass(y) × r(y)` t a year and diverts at most what its `from`
//! routes hold (`lcs_engine::diversions`); a plant whose throughput exceeds the waste
//! available runs below capacity, which is not an error. [`capacity_notes`] lists, for every
//! such measure, the years and the utilisation `diverted / asked`.

use lcs_engine::{Compiled, Workspace};
use lcs_model::Scenario;
use std::fmt;

/// Utilisation below `1 − UTILISATION_TOLERANCE` counts as below capacity.
pub const UTILISATION_TOLERANCE: f64 = 1e-9;

/// A `divert` measure that ran below its capacity in some years of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct CapacityNote {
    /// Action id.
    pub action: String,
    /// Measure id.
    pub measure: String,
    /// The linked project or network the measure came from (`project `seelong-wte``), if
    /// any.
    pub linked: Option<String>,
    /// The years below capacity with their utilisation (diverted over asked, 0–1).
    pub years: Vec<(i32, f64)>,
}

impl CapacityNote {
    /// The years below capacity as ranges of consecutive years.
    pub fn ranges(&self) -> Vec<(i32, i32)> {
        let mut out: Vec<(i32, i32)> = Vec::new();
        for &(y, _) in &self.years {
            match out.last_mut() {
                Some((_, last)) if *last + 1 == y => *last = y,
                _ => out.push((y, y)),
            }
        }
        out
    }

    /// The lowest utilisation and its year.
    pub fn lowest(&self) -> Option<(i32, f64)> {
        self.years
            .iter()
            .copied()
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
    }
}

fn years_text(ranges: &[(i32, i32)]) -> String {
    ranges
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn pct(u: f64) -> String {
    format!("{:.0} %", 100.0 * u)
}

impl fmt::Display for CapacityNote {
    /// `measure `W.divert` of action `A11` (project `seelong-wte`) runs below capacity in
    /// 2027–2029: utilisation 82 % (2027) to 95 % (2029)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "measure `{}` of action `{}`", self.measure, self.action)?;
        if let Some(l) = &self.linked {
            write!(f, " ({l})")?;
        }
        write!(
            f,
            " runs below capacity in {}: the waste its `from` routes hold is less than its mass",
            years_text(&self.ranges())
        )?;
        if let (Some(first), Some(last)) = (self.years.first(), self.years.last()) {
            if self.years.len() == 1 {
                write!(f, "; utilisation {} ({})", pct(first.1), first.0)?;
            } else {
                write!(
                    f,
                    "; utilisation {} ({}) to {} ({})",
                    pct(first.1),
                    first.0,
                    pct(last.1),
                    last.0
                )?;
                if let Some((y, u)) = self.lowest() {
                    if y != first.0 && y != last.0 {
                        write!(f, ", lowest {} ({y})", pct(u))?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// The project or network a measure came from, as `project `id`` or `network `id``.
fn linked_label(s: &Scenario, action: usize, measure: usize) -> Option<String> {
    s.link_of(action, measure).map(|l| l.label())
}

/// The `divert` measures of the last evaluation in `ws` that ran below capacity, in
/// application order.
pub fn capacity_notes(s: &Scenario, c: &Compiled, ws: &Workspace) -> Vec<CapacityNote> {
    let years = c.years();
    let mut out = Vec::new();
    for d in lcs_engine::diversions(c, ws) {
        let below: Vec<(i32, f64)> = (0..years.len())
            .filter_map(|y| {
                let u = d.utilisation(y)?;
                (u < 1.0 - UTILISATION_TOLERANCE).then_some((years[y], u))
            })
            .collect();
        if below.is_empty() {
            continue;
        }
        let ai = s.actions.iter().position(|a| a.id == d.action);
        let mi = ai.and_then(|a| s.actions[a].measures.iter().position(|m| m.id == d.measure));
        let linked = match (ai, mi) {
            (Some(a), Some(m)) => linked_label(s, a, m),
            _ => None,
        };
        out.push(CapacityNote {
            action: d.action,
            measure: d.measure,
            linked,
            years: below,
        });
    }
    out
}

/// Every overlap of the scenario's links in words, each prefixed `link-overlap: ` (the
/// named warning's text, for the report).
pub fn overlap_notes(s: &Scenario) -> Vec<String> {
    s.links
        .iter()
        .flat_map(|l| {
            let label = l.label();
            l.overlaps
                .iter()
                .map(move |o| format!("link-overlap: {}", o.text(&label)))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_words() {
        let n = CapacityNote {
            action: "A11".into(),
            measure: "p.divert".into(),
            linked: Some("project `p`".into()),
            years: vec![(2027, 0.82), (2028, 0.8), (2029, 0.95), (2031, 0.99)],
        };
        assert_eq!(n.ranges(), vec![(2027, 2029), (2031, 2031)]);
        assert_eq!(n.lowest(), Some((2028, 0.8)));
        assert_eq!(
            n.to_string(),
            "measure `p.divert` of action `A11` (project `p`) runs below capacity in 2027–2029, 2031: the waste its `from` routes hold is less than its mass; utilisation 82 % (2027) to 99 % (2031), lowest 80 % (2028)"
        );
    }
}
