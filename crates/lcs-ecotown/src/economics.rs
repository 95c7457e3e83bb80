//! Economics of exchanges and networks through `lcs-econ` (the same discounting code as
//! projects): net present value of the savings and cost per tonne avoided.
//!
//! ```text
//! cost(y)  = capex · [y = start] + m(y) · (opex − disposal_fee − avoided_purchase)
//! NPV      = −Σ_y cost(y) · (1 + r)^−(y − b)
//! cost/t   = Σ_y cost(y) (1 + r)^−(y − b) / Σ_y net_avoided(y) (1 + r)^−(y − b)
//! ```
//!
//! Money in the network's currency at its price year (converted by
//! [`lcs_econ::Tables::factor`] before it gets here); emissions in t CO2e.

use crate::assess::Economics;

/// Appraises cost flows `(year, cost)` against net avoided emissions `(year, t CO2e)` at
/// discount rate `rate` to `base_year`: [`lcs_econ::present_value`] for the NPV and
/// [`lcs_econ::levelised`] for the cost per t CO2e avoided (`None` unless the discounted
/// avoided emissions are positive).
pub fn appraise(
    rate: f64,
    base_year: i32,
    cost_by_year: Vec<(i32, f64)>,
    avoided: &[(i32, f64)],
) -> Economics {
    let npv = -lcs_econ::present_value(rate, base_year, cost_by_year.iter().copied());
    let q = lcs_econ::present_value(rate, base_year, avoided.iter().copied());
    let cost_per_t_avoided = if q > 0.0 {
        lcs_econ::levelised(
            rate,
            base_year,
            cost_by_year.iter().copied(),
            avoided.iter().copied(),
        )
    } else {
        None
    };
    Economics {
        cost_by_year,
        npv,
        cost_per_t_avoided,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npv_and_cost_per_tonne_by_hand() {
        // Capex 100 in 2026, then a saving of 30 a year in 2027 and 2028; r = 10 %, b = 2026.
        // NPV = −(100 − 30/1.1 − 30/1.21) = −(100 − 27.2727 − 24.7934) = −47.9339.
        // Avoided 10 t each year: PV = 10 + 9.0909 + 8.2645 = 27.3554 t;
        // cost per t = 47.9339 / 27.3554 = 1.75226.
        let e = appraise(
            0.1,
            2026,
            vec![(2026, 100.0), (2027, -30.0), (2028, -30.0)],
            &[(2026, 10.0), (2027, 10.0), (2028, 10.0)],
        );
        assert!((e.npv + 47.933884).abs() < 1e-6);
        assert!((e.cost_per_t_avoided.unwrap() - 1.752266).abs() < 1e-6);
        // Nothing avoided: no cost per tonne.
        let e = appraise(0.1, 2026, vec![(2026, 1.0)], &[(2026, -1.0)]);
        assert_eq!(e.cost_per_t_avoided, None);
    }
}
