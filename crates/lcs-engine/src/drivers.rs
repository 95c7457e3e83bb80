//! Drivers and expressions (MODEL.md §3).
//!
//! A driver is a series; a driver given as `{ expr: "a / b" }` is computed year by year
//! from other drivers, in the checked model's `driver_order` (each after every driver it
//! uses), each followed by the measures on it (§9). Series given as `expr` elsewhere
//! (intensities, shares, lever values) run after every driver.
//!
//! ```text
//! expression: slot(y) = program(values of the named drivers in year y)
//! product:    slot(y) = a(y) * b(y)            # driver × per, A(parent) × share
//! copy:       slot(y) = src(y)
//! ```
//!
//! Units: base units throughout (checked at load). A result must be finite and satisfy its
//! slot's bound (an activity ≥ 0); otherwise the run fails naming the series and the year.

use crate::compile::Builder;
use crate::plan::{Bound, CompileError, Step};
use lcs_model::{Model, SeriesDef};
use lcs_units::{Expr, Program};

/// The program of an expression over drivers, with driver names resolved to their slots.
pub(crate) fn program(
    model: &Model,
    driver_slots: &[usize],
    e: &Expr,
) -> Result<Program, CompileError> {
    for name in e.names() {
        if model.driver(&name).is_none() {
            return Err(CompileError::Unresolved {
                what: format!("driver `{name}` in an expression"),
            });
        }
    }
    // Every name was resolved above, so the fallback is never taken.
    Ok(e.compile(&|name: &str| {
        model
            .driver(name)
            .and_then(|i| driver_slots.get(i).copied())
            .unwrap_or(0)
    }))
}

/// One slot per driver, in model order: its values, or an empty row that its expression
/// fills during evaluation.
pub(crate) fn compile_driver_slots(b: &mut Builder) -> Result<(), CompileError> {
    let model = b.model;
    for d in &model.drivers {
        let name = format!("drivers.{}", d.name);
        let s = match &d.series.def {
            SeriesDef::Values(v) => b.slot(v, name, Some(d.series.span)),
            SeriesDef::Expr(_) => b.slot(&vec![0.0; b.n], name, Some(d.series.span)),
        };
        b.driver_slots.push(s);
    }
    Ok(())
}

/// The driver steps in evaluation order: each driver's expression (if it has one), then the
/// measures and sampled parameters on it (`measures[d]`, drained).
pub(crate) fn driver_steps(
    b: &Builder,
    measures: &mut [Vec<Step>],
) -> Result<Vec<Step>, CompileError> {
    let model = b.model;
    let mut steps = Vec::new();
    for &d in &model.driver_order {
        if let SeriesDef::Expr(e) = &model.drivers[d].series.def {
            steps.push(Step::Expr {
                slot: b.driver_slots[d],
                program: program(model, &b.driver_slots, e)?,
                bound: Bound::Free,
            });
        }
        let ms = measures
            .get_mut(d)
            .ok_or_else(|| CompileError::Unresolved {
                what: format!("measures of driver #{d}"),
            })?;
        steps.append(ms);
    }
    Ok(steps)
}

/// `program(y)` for every year (an expression over driver rows of `arena`), in the first
/// `n` values of `stack`.
#[inline]
pub(crate) fn expression<'s>(
    program: &Program,
    arena: &[f64],
    n: usize,
    stack: &'s mut Vec<f64>,
) -> &'s [f64] {
    program.eval_rows(arena, n, stack);
    &stack[..n]
}

/// `dst(y) = a(y) * b(y)` for every year.
#[inline]
pub(crate) fn product(dst: &mut [f64], a: &[f64], b: &[f64]) {
    for ((d, x), y) in dst.iter_mut().zip(a).zip(b) {
        *d = x * y;
    }
}
