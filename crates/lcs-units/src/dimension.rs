//! Dimensions: integer exponents over named base dimensions (MODEL.md §2).
//!
//! A [`Dimension`] is a product of base dimensions raised to integer powers,
//! such as `mass CO2/energy` (mass¹ · CO2¹ · energy⁻¹). The base dimensions are
//! `energy` (base unit GJ), `mass` (t), `length` (m), each currency (`MYR`,
//! `JPY`, `USD`, `EUR`, no conversion between them), each count (`person`,
//! `household`, `vehicle`, `employee`, `building` and the model's extra
//! counts) and each gas species tag (`CO2`, `CH4`, `N2O`, `CO2e`).
//!
//! Time is not a dimension (MODEL.md §11.1): every quantity is an annual flow,
//! so `yr` is the number 1 and `day` is 1/365.
//!
//! Invariant: no exponent stored is zero, so two equal dimensions compare
//! equal and hash alike whatever order they were built in.

use std::collections::BTreeMap;
use std::fmt;

/// Name of the energy base dimension (base unit GJ).
pub const ENERGY: &str = "energy";
/// Name of the mass base dimension (base unit t).
pub const MASS: &str = "mass";
/// Name of the length base dimension (base unit m; area is length²).
pub const LENGTH: &str = "length";

/// A greenhouse-gas species tag. In a unit it multiplies a mass (`t CO2`,
/// `kg CH4`) and is a base dimension of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Species {
    /// Carbon dioxide.
    CO2,
    /// Methane.
    CH4,
    /// Nitrous oxide.
    N2O,
    /// Carbon dioxide equivalent (already weighted by a GWP).
    CO2e,
}

impl Species {
    /// Every species, in the order `CO2`, `CH4`, `N2O`, `CO2e`.
    pub const ALL: [Species; 4] = [Species::CO2, Species::CH4, Species::N2O, Species::CO2e];

    /// The tag as written in units and YAML keys (`"CO2"`, `"CH4"`, `"N2O"`, `"CO2e"`).
    pub fn name(&self) -> &'static str {
        match self {
            Species::CO2 => "CO2",
            Species::CH4 => "CH4",
            Species::N2O => "N2O",
            Species::CO2e => "CO2e",
        }
    }

    /// Parses a tag written exactly as [`Species::name`] gives it (case-sensitive).
    pub fn parse(text: &str) -> Option<Species> {
        Species::ALL.into_iter().find(|s| s.name() == text)
    }
}

impl fmt::Display for Species {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The dimension of a quantity: integer exponents over named base dimensions.
///
/// Displayed readably: `"1"` when dimensionless, `"energy"`,
/// `"energy/household"`, `"mass CO2/energy"`, `"length^2"`. Physical bases
/// come first, then currencies and counts, then species; everything after a
/// `/` is in the denominator, as in the unit grammar.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Dimension {
    /// Base dimension name → exponent; zero exponents are never stored.
    exps: BTreeMap<String, i32>,
}

impl Dimension {
    /// The dimensionless dimension (written `1`).
    pub fn none() -> Self {
        Dimension::default()
    }

    /// A single base dimension with exponent 1, e.g. `"energy"`, `"mass"`,
    /// `"length"`, `"MYR"`, `"person"`, `"CO2"`.
    pub fn base(name: &str) -> Self {
        let mut exps = BTreeMap::new();
        exps.insert(name.to_string(), 1);
        Dimension { exps }
    }

    /// Energy (base unit GJ).
    pub fn energy() -> Self {
        Dimension::base(ENERGY)
    }

    /// Mass (base unit t).
    pub fn mass() -> Self {
        Dimension::base(MASS)
    }

    /// Length (base unit m).
    pub fn length() -> Self {
        Dimension::base(LENGTH)
    }

    /// The dimension of a species tag (`CO2`, …).
    pub fn species_tag(species: Species) -> Self {
        Dimension::base(species.name())
    }

    /// Product of two dimensions (exponents add).
    pub fn mul(&self, o: &Self) -> Self {
        let mut exps = self.exps.clone();
        for (name, e) in &o.exps {
            let entry = exps.entry(name.clone()).or_insert(0);
            *entry = entry.saturating_add(*e);
        }
        exps.retain(|_, e| *e != 0);
        Dimension { exps }
    }

    /// Quotient of two dimensions (exponents subtract).
    pub fn div(&self, o: &Self) -> Self {
        self.mul(&o.powi(-1))
    }

    /// Integer power (every exponent multiplied by `n`; saturating).
    pub fn powi(&self, n: i32) -> Self {
        let mut exps: BTreeMap<String, i32> = self
            .exps
            .iter()
            .map(|(k, e)| (k.clone(), e.saturating_mul(n)))
            .collect();
        exps.retain(|_, e| *e != 0);
        Dimension { exps }
    }

    /// Real power `p`, defined only when `p` times every exponent is an
    /// integer (within 1e-9) that fits an `i32`; `None` otherwise.
    /// A dimensionless dimension gives itself for any finite `p`.
    pub fn try_powf(&self, p: f64) -> Option<Self> {
        if !p.is_finite() {
            return None;
        }
        let mut exps = BTreeMap::new();
        for (name, e) in &self.exps {
            let v = p * f64::from(*e);
            let r = v.round();
            if (v - r).abs() > 1e-9 || r.abs() > f64::from(i32::MAX) {
                return None;
            }
            // In range and integral: the cast is exact.
            let n = r as i32;
            if n != 0 {
                exps.insert(name.clone(), n);
            }
        }
        Some(Dimension { exps })
    }

    /// True when dimensionless.
    pub fn is_none(&self) -> bool {
        self.exps.is_empty()
    }

    /// The exponent of base dimension `name` (0 when absent).
    pub fn exponent(&self, name: &str) -> i32 {
        self.exps.get(name).copied().unwrap_or(0)
    }

    /// Every (base dimension, non-zero exponent) pair, sorted by name.
    pub fn exponents(&self) -> impl Iterator<Item = (&str, i32)> + '_ {
        self.exps.iter().map(|(k, e)| (k.as_str(), *e))
    }

    /// The species tag, if exactly one species appears and its exponent is +1
    /// (`mass CO2/energy` → `Some(CO2)`); `None` otherwise.
    pub fn species(&self) -> Option<Species> {
        let mut found = self
            .exps
            .iter()
            .filter_map(|(k, e)| Species::parse(k).map(|s| (s, *e)));
        match (found.next(), found.next()) {
            (Some((s, 1)), None) => Some(s),
            _ => None,
        }
    }

    /// The same dimension with every species exponent dropped
    /// (`mass CO2/energy` → `mass/energy`).
    pub fn without_species(&self) -> Self {
        let exps = self
            .exps
            .iter()
            .filter(|(k, _)| Species::parse(k).is_none())
            .map(|(k, e)| (k.clone(), *e))
            .collect();
        Dimension { exps }
    }
}

/// Display order: physical bases, then currencies and counts, then species.
fn display_rank(name: &str) -> u8 {
    match name {
        ENERGY | MASS | LENGTH => 0,
        _ if Species::parse(name).is_some() => 2,
        _ => 1,
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut terms: Vec<(&str, i32)> = self.exponents().collect();
        terms.sort_by(|a, b| (display_rank(a.0), a.0).cmp(&(display_rank(b.0), b.0)));
        let render = |sign_positive: bool| -> Vec<String> {
            terms
                .iter()
                .filter(|(_, e)| (*e > 0) == sign_positive)
                .map(|(name, e)| {
                    let e = e.unsigned_abs();
                    if e == 1 {
                        (*name).to_string()
                    } else {
                        format!("{name}^{e}")
                    }
                })
                .collect()
        };
        let num = render(true);
        let den = render(false);
        if num.is_empty() {
            f.write_str("1")?;
        } else {
            f.write_str(&num.join(" "))?;
        }
        if !den.is_empty() {
            write!(f, "/{}", den.join(" "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn species_names_round_trip() {
        for s in Species::ALL {
            assert_eq!(Species::parse(s.name()), Some(s));
        }
        assert_eq!(Species::parse("co2"), None);
    }

    #[test]
    fn mul_div_cancel_to_none() {
        let d = Dimension::energy().div(&Dimension::base("household"));
        assert!(d
            .mul(&Dimension::base("household"))
            .div(&Dimension::energy())
            .is_none());
    }

    #[test]
    fn display_forms() {
        assert_eq!(Dimension::none().to_string(), "1");
        assert_eq!(Dimension::energy().to_string(), "energy");
        let e_per_hh = Dimension::energy().div(&Dimension::base("household"));
        assert_eq!(e_per_hh.to_string(), "energy/household");
        let ef = Dimension::mass()
            .mul(&Dimension::base("CO2"))
            .div(&Dimension::energy());
        assert_eq!(ef.to_string(), "mass CO2/energy");
        assert_eq!(Dimension::length().powi(2).to_string(), "length^2");
        assert_eq!(Dimension::base("person").powi(-1).to_string(), "1/person");
    }

    #[test]
    fn species_and_without_species() {
        let ef = Dimension::mass()
            .mul(&Dimension::base("CO2"))
            .div(&Dimension::energy());
        assert_eq!(ef.species(), Some(Species::CO2));
        assert_eq!(
            ef.without_species(),
            Dimension::mass().div(&Dimension::energy())
        );
        // Two species, or a species squared: no single tag.
        let two = ef.mul(&Dimension::base("CH4"));
        assert_eq!(two.species(), None);
        assert_eq!(Dimension::base("CO2").powi(2).species(), None);
        assert_eq!(Dimension::mass().species(), None);
    }

    #[test]
    fn try_powf_needs_integer_exponents() {
        let area = Dimension::length().powi(2);
        assert_eq!(area.try_powf(0.5), Some(Dimension::length()));
        assert_eq!(area.try_powf(0.25), None);
        assert_eq!(Dimension::none().try_powf(0.3), Some(Dimension::none()));
        assert_eq!(area.try_powf(f64::NAN), None);
        assert_eq!(area.try_powf(1e12), None);
    }

    #[test]
    fn equal_regardless_of_build_order() {
        let a = Dimension::mass().mul(&Dimension::length());
        let b = Dimension::length().mul(&Dimension::mass());
        assert_eq!(a, b);
        assert_eq!(Dimension::mass().powi(0), Dimension::none());
    }
}
