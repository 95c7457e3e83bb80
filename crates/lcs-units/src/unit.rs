//! Units and quantity text (MODEL.md §2, §11.1, §11.2).
//!
//! A unit string such as `t CO2/MWh` is parsed into a [`Unit`]: a factor to
//! the base units and a [`Dimension`]. `value_in_base = value * factor`.
//!
//! Base units: energy GJ, mass t, length m, each currency its own base,
//! each count its own base, each species tag its own base. Time is not a
//! dimension: `yr` = 1 and `day` = 1/365, so `kg/person/day` has factor
//! 0.365 (t per person per year). Power is energy per year:
//! 1 MW = 8760 MWh = 31536 GJ.
//!
//! Grammar: factors separated by whitespace or `*` multiply; a `/` puts every
//! following factor in the denominator (`a/b/c` = a/(b·c)). A word is looked
//! up whole first (so `CO2`, `N2O`, `CH4` are species); otherwise a trailing
//! integer exponent is split off (`m2`, `km2`, `km3`), or an explicit one
//! after `^` (`m^2`, `day^-1`). Exponents range over ±1..=12.

use std::collections::BTreeMap;
use std::fmt;

use crate::dimension::{Dimension, Species, ENERGY, LENGTH, MASS};
use crate::suggest::nearest;

/// Largest absolute exponent accepted on a unit word.
const MAX_UNIT_EXPONENT: i32 = 12;

/// A parsed unit: `value_in_base = value * factor`, of dimension `dim`.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    /// Multiplier from this unit to the base unit of `dim` (GJ for energy,
    /// t for mass, m for length, 1 for counts, currencies and species).
    pub factor: f64,
    /// The unit's dimension.
    pub dim: Dimension,
}

impl Unit {
    /// The dimensionless unit `1` (factor 1).
    pub fn one() -> Self {
        Unit {
            factor: 1.0,
            dim: Dimension::none(),
        }
    }

    /// Product of two units (factors multiply, dimensions combine).
    pub fn mul(&self, o: &Unit) -> Unit {
        Unit {
            factor: self.factor * o.factor,
            dim: self.dim.mul(&o.dim),
        }
    }

    /// Quotient of two units.
    pub fn div(&self, o: &Unit) -> Unit {
        Unit {
            factor: self.factor / o.factor,
            dim: self.dim.div(&o.dim),
        }
    }

    /// Converts `value` in this unit to the base unit of its dimension.
    pub fn to_base(&self, value: f64) -> f64 {
        value * self.factor
    }

    /// The species tag of the unit's dimension, if exactly one (`t CO2/MWh` → `CO2`).
    pub fn species(&self) -> Option<Species> {
        self.dim.species()
    }
}

/// A number with an optional unit, as written in a value string such as
/// `"20 GJ/household"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    /// The number as written, NOT converted to base units.
    pub value: f64,
    /// The parsed unit, when one follows the number.
    pub unit: Option<Unit>,
    /// The unit text as written (trimmed), when one follows the number.
    pub unit_text: Option<String>,
}

impl Quantity {
    /// The value in base units (`value * unit.factor`; `value` when no unit).
    pub fn base_value(&self) -> f64 {
        match &self.unit {
            Some(u) => u.to_base(self.value),
            None => self.value,
        }
    }
}

/// Why a unit or quantity text could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitError {
    /// A word that is no known unit; `suggestions` are the nearest known words.
    UnknownWord {
        /// The word as written.
        word: String,
        /// Up to 3 nearest known unit words (may be empty).
        suggestions: Vec<String>,
    },
    /// The text does not follow the unit grammar (empty text, `kg//t`, …), or
    /// an extra count name is not an identifier (a letter, then letters, digits or `_`).
    Syntax {
        /// The whole text that was being read.
        text: String,
        /// What is wrong, without trailing period.
        reason: String,
    },
    /// The number part of a quantity is not a finite number.
    BadNumber {
        /// The number text as written.
        text: String,
    },
    /// A unit word has an exponent that is zero, too large or malformed.
    BadExponent {
        /// The word as written (`m0`, `km99`).
        word: String,
    },
    /// An extra count unit name collides with a built-in unit word, a base
    /// dimension name or another extra count.
    CountCollides {
        /// The colliding name.
        name: String,
    },
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitError::UnknownWord { word, suggestions } => {
                write!(f, "unknown unit `{word}`")?;
                if !suggestions.is_empty() {
                    let list: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
                    write!(f, "; nearest known: {}", list.join(", "))?;
                }
                Ok(())
            }
            UnitError::Syntax { text, reason } => write!(f, "invalid unit `{text}`: {reason}"),
            UnitError::BadNumber { text } => write!(f, "invalid number `{text}`"),
            UnitError::BadExponent { word } => write!(
                f,
                "invalid exponent in unit `{word}`: expected a non-zero integer from -{MAX_UNIT_EXPONENT} to {MAX_UNIT_EXPONENT}"
            ),
            UnitError::CountCollides { name } => write!(
                f,
                "count unit `{name}` collides with a built-in unit or another count"
            ),
        }
    }
}

impl std::error::Error for UnitError {}

/// Formats a number as the shortest text that reads back to the same `f64`
/// (Rust's `{:?}` form: `0.0`, `3.6`, `1e-7`, `1e20`). `-0.0` prints as `0.0`.
pub fn format_number(v: f64) -> String {
    let mut s = String::new();
    write_number(&mut s, v);
    s
}

/// [`format_number`] appended to `out` (no allocation of its own, for large tables).
///
/// The digits are the shortest that read back to `v`, and of those the closest to it
/// (`ryu`, the same digits as Rust's own shortest formatting); they are laid out as `{:?}`
/// lays them out: plain decimals with at least one digit after the point for
/// `1e-4 <= |v| < 1e16` (`0.00012`, `3.6`, `100.0`), otherwise `d.ddde±x` without a `+`
/// (`1e-7`, `1.5e16`). It equals `write!(out, "{v:?}")` byte for byte (tests: the powers
/// of ten and their neighbours, halfway cases, random bit patterns) at about a third of
/// its cost.
pub fn write_number(out: &mut String, v: f64) {
    if v == 0.0 {
        out.push_str("0.0");
        return;
    }
    if !v.is_finite() {
        use std::fmt::Write;
        let _ = write!(out, "{v:?}");
        return;
    }
    let mut buf = ryu::Buffer::new();
    let abs = v.abs();
    // ryu lays its digits out as `{:?}` does (`3.6`, `100.0`, `0.001`, `1e-7`, `1.5e16`)
    // except in [1e-5, 1e-4), which it writes as `0.0000ddd` and `{:?}` as `d.ddde-5`;
    // and its digits differ only where two shortest texts are equally close, which needs
    // a value with few significant bits ([`may_be_halfway`]). Elsewhere its text is used
    // as it is.
    if !(1e-5..1e-4).contains(&abs) && !may_be_halfway(abs) {
        out.push_str(buf.format_finite(v));
        return;
    }
    let (digits, len, point) = shortest_digits(buf.format_finite(abs));
    let digits = &digits[..len];
    if halfway(v.abs(), digits, point) {
        // Two shortest texts are equally close: ryu takes the even last digit, `{:?}` may
        // not (1658206780088562.25 is `…562.3` there, `…562.2` in ryu).
        use std::fmt::Write;
        let _ = write!(out, "{v:?}");
        return;
    }
    if v < 0.0 {
        out.push('-');
    }
    let abs = v.abs();
    if !(1e-4..1e16).contains(&abs) {
        // d[.ddd]e<exponent>, the exponent of the first digit.
        out.push(char::from(digits[0]));
        if len > 1 {
            out.push('.');
            push_ascii(out, &digits[1..]);
        }
        out.push('e');
        push_int(out, point - 1);
    } else if point <= 0 {
        // 0.000ddd
        out.push_str("0.");
        for _ in 0..-point {
            out.push('0');
        }
        push_ascii(out, digits);
    } else if (point as usize) < len {
        // ddd.ddd
        let (int, frac) = digits.split_at(point as usize);
        push_ascii(out, int);
        out.push('.');
        push_ascii(out, frac);
    } else {
        // ddd000.0
        push_ascii(out, digits);
        for _ in len..point as usize {
            out.push('0');
        }
        out.push_str(".0");
    }
}

/// The significant digits of a positive number as `ryu` writes it (`123.45`, `0.0012`,
/// `1e-7`, `1.5e16`, `100.0`), without leading or trailing zeros, and the position of the
/// decimal point relative to the first digit: the value is `0.d1d2… × 10^point`.
fn shortest_digits(text: &str) -> ([u8; 24], usize, i32) {
    let (mantissa, exponent) = match text.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let mut digits = [0u8; 24];
    let mut len = 0;
    let mut point = None;
    let mut leading = 0i32;
    for b in mantissa.bytes() {
        if b == b'.' {
            point = Some(len as i32 + leading);
        } else if b == b'0' && len == 0 {
            leading += 1;
        } else if len < digits.len() {
            digits[len] = b;
            len += 1;
        }
    }
    let int_digits = point.unwrap_or(len as i32 + leading);
    while len > 1 && digits[len - 1] == b'0' {
        len -= 1;
    }
    (digits, len, int_digits - leading + exponent)
}

/// Whether `v` (positive, finite) can lie halfway between two shortest texts: a halfway
/// value `(10 D ± 5) × 10^k` has at most 18 significant digits (`D` has at most 17), while
/// `v = m × 2^e` with `m` odd and `e < 0` has the significant digits of `m × 5^−e`, at
/// least `0.69 × −e` of them; so `e ≥ −25` is necessary.
fn may_be_halfway(v: f64) -> bool {
    let bits = v.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (m, e) = if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp_bits - 1075)
    };
    m != 0 && e + m.trailing_zeros() as i32 >= -25
}

/// Whether `v` (positive, finite) lies exactly halfway between the shortest digits
/// `0.digits × 10^point` and a neighbour of the same length, that is
/// `v = (10 D ± 5) × 10^k` with `D` the digits as an integer and `k = point − len − 1`.
/// With `v = m × 2^e` (`m` odd), and `10 D ± 5` odd: for `k < 0`, `v × 10^−k =
/// m × 5^−k × 2^(e − k)` is that odd number exactly when `e = k` and `m × 5^−k = 10 D ± 5`;
/// for `k ≥ 0`, `v = (10 D ± 5) × 5^k × 2^k` exactly when `e = k` and `m = (10 D ± 5) × 5^k`.
fn halfway(v: f64, digits: &[u8], point: i32) -> bool {
    let bits = v.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (mut m, mut e) = if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp_bits - 1075)
    };
    if m == 0 {
        return false;
    }
    let tz = m.trailing_zeros();
    m >>= tz;
    e += tz as i32;
    let k = point - digits.len() as i32 - 1;
    if e != k {
        return false;
    }
    let d = digits
        .iter()
        .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'));
    let Some(ten) = d.checked_mul(10) else {
        return false;
    };
    let (Some(up), Some(down)) = (ten.checked_add(5), ten.checked_sub(5)) else {
        return false;
    };
    let pow5 = |n: u32| 5u128.checked_pow(n);
    let n = k.unsigned_abs();
    if k < 0 {
        let Some(p) = pow5(n) else { return false };
        let Some(x) = u128::from(m).checked_mul(p) else {
            return false;
        };
        x == u128::from(up) || x == u128::from(down)
    } else {
        let Some(p) = pow5(n) else { return false };
        [up, down]
            .iter()
            .any(|t| u128::from(*t).checked_mul(p) == Some(u128::from(m)))
    }
}

fn push_ascii(out: &mut String, digits: &[u8]) {
    // ASCII digits only (from ryu's text).
    out.push_str(std::str::from_utf8(digits).unwrap_or_default());
}

fn push_int(out: &mut String, v: i32) {
    use std::fmt::Write;
    let _ = write!(out, "{v}");
}

/// The built-in counts (MODEL.md §2).
pub const BUILTIN_COUNTS: [&str; 5] = ["person", "household", "vehicle", "employee", "building"];

/// The currencies; each is its own base dimension.
pub const CURRENCIES: [&str; 4] = ["MYR", "JPY", "USD", "EUR"];

/// One word of the registry: `factor = mul / div`, kept apart so that a
/// division such as `1/365` stays exact through products.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    mul: f64,
    div: f64,
    dim: Dimension,
    /// The exponent of time in the word: 1 for `yr` and `day`, -1 for the power words
    /// (`kW`, `MW`, `GW`: an energy per time), 0 otherwise. Time is not a dimension, so
    /// this only tells `MWh` (an energy) from `MW` or `MWh/yr` (a power); see
    /// [`UnitRegistry::time_exponent`].
    time: i32,
}

/// The exponent of time in a built-in word (see [`Entry::time`]).
fn word_time(word: &str) -> i32 {
    match word {
        "yr" | "day" => 1,
        "kW" | "MW" | "GW" => -1,
        _ => 0,
    }
}

/// The set of known unit words: the built-ins of MODEL.md §2 plus the
/// model's extra count units (`units.counts`).
#[derive(Clone, Debug, PartialEq)]
pub struct UnitRegistry {
    words: BTreeMap<String, Entry>,
}

fn builtin_entries() -> Vec<(&'static str, f64, f64, Dimension)> {
    let energy = Dimension::energy;
    let mass = Dimension::mass;
    let length = Dimension::length;
    let mut v: Vec<(&'static str, f64, f64, Dimension)> = vec![
        // Energy, base GJ.
        ("J", 1e-9, 1.0, energy()),
        ("kJ", 1e-6, 1.0, energy()),
        ("MJ", 1e-3, 1.0, energy()),
        ("GJ", 1.0, 1.0, energy()),
        ("TJ", 1e3, 1.0, energy()),
        ("PJ", 1e6, 1.0, energy()),
        ("EJ", 1e9, 1.0, energy()),
        ("Wh", 3.6e-6, 1.0, energy()),
        ("kWh", 3.6e-3, 1.0, energy()),
        ("MWh", 3.6, 1.0, energy()),
        ("GWh", 3.6e3, 1.0, energy()),
        ("TWh", 3.6e6, 1.0, energy()),
        ("toe", 41.868, 1.0, energy()),
        ("ktoe", 41868.0, 1.0, energy()),
        ("Mtoe", 41_868_000.0, 1.0, energy()),
        // Power = energy per year: 1 kW = 8760 kWh = 31.536 GJ.
        ("kW", 31.536, 1.0, energy()),
        ("MW", 31536.0, 1.0, energy()),
        ("GW", 31_536_000.0, 1.0, energy()),
        // Mass, base t.
        ("g", 1e-6, 1.0, mass()),
        ("kg", 1e-3, 1.0, mass()),
        ("t", 1.0, 1.0, mass()),
        ("kt", 1e3, 1.0, mass()),
        ("Mt", 1e6, 1.0, mass()),
        ("Gt", 1e9, 1.0, mass()),
        // Length and area, base m.
        ("m", 1.0, 1.0, length()),
        ("km", 1e3, 1.0, length()),
        ("ha", 1e4, 1.0, length().powi(2)),
        // Transport.
        ("pkm", 1e3, 1.0, Dimension::base("person").mul(&length())),
        ("tkm", 1e3, 1.0, mass().mul(&length())),
        ("vkm", 1e3, 1.0, Dimension::base("vehicle").mul(&length())),
        // Multipliers, usable with any unit.
        ("thousand", 1e3, 1.0, Dimension::none()),
        ("million", 1e6, 1.0, Dimension::none()),
        ("billion", 1e9, 1.0, Dimension::none()),
        // Time is not a dimension: yr = 1, day = 1/365.
        ("yr", 1.0, 1.0, Dimension::none()),
        ("day", 1.0, 365.0, Dimension::none()),
        // Dimensionless.
        ("1", 1.0, 1.0, Dimension::none()),
        ("%", 1.0, 100.0, Dimension::none()),
        ("fraction", 1.0, 1.0, Dimension::none()),
        ("share", 1.0, 1.0, Dimension::none()),
    ];
    for s in Species::ALL {
        v.push((s.name(), 1.0, 1.0, Dimension::species_tag(s)));
    }
    for c in BUILTIN_COUNTS.into_iter().chain(CURRENCIES) {
        v.push((c, 1.0, 1.0, Dimension::base(c)));
    }
    v
}

/// Whether `name` can be a count unit: an identifier the unit parser reads as one word
/// (a letter, then letters, digits or `_`; upper case allowed: `TEU`, `bed`), with no
/// operator, space or `^` in it. MODEL.md §2 sets no further rule.
fn is_count_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(char::is_alphabetic) && chars.all(|c| c.is_alphanumeric() || c == '_')
}

impl UnitRegistry {
    /// The built-in units only (no extra counts).
    pub fn builtin() -> Self {
        let words = builtin_entries()
            .into_iter()
            .map(|(w, mul, div, dim)| {
                let time = word_time(w);
                (
                    w.to_string(),
                    Entry {
                        mul,
                        div,
                        dim,
                        time,
                    },
                )
            })
            .collect();
        UnitRegistry { words }
    }

    /// The built-ins plus `extra_counts` (e.g. `"bed"`), each its own base
    /// dimension with factor 1.
    ///
    /// Errors: [`UnitError::Syntax`] if a name is not an identifier (a letter, then
    /// letters, digits or `_`);
    /// [`UnitError::CountCollides`] if it equals a built-in word, a base
    /// dimension name (`energy`, `mass`, `length`), a word that already reads
    /// as a unit with an exponent (`m2`), or an earlier extra count.
    pub fn new(extra_counts: &[&str]) -> Result<Self, UnitError> {
        let mut reg = UnitRegistry::builtin();
        for &name in extra_counts {
            if !is_count_name(name) {
                return Err(UnitError::Syntax {
                    text: name.to_string(),
                    reason: "a count name must be a letter followed by letters, digits or `_`"
                        .to_string(),
                });
            }
            let collides = matches!(name, ENERGY | MASS | LENGTH)
                || reg.words.contains_key(name)
                || reg.reads_as_word(name);
            if collides {
                return Err(UnitError::CountCollides {
                    name: name.to_string(),
                });
            }
            reg.words.insert(
                name.to_string(),
                Entry {
                    mul: 1.0,
                    div: 1.0,
                    dim: Dimension::base(name),
                    time: 0,
                },
            );
        }
        Ok(reg)
    }

    /// Every known unit word, sorted (byte order). Words with an exponent
    /// (`m2`) are not listed; they are formed from listed words.
    pub fn words(&self) -> Vec<String> {
        self.words.keys().cloned().collect()
    }

    /// Parses a unit string: `"GJ/household"`, `"t CO2/MWh"`, `"MYR million"`,
    /// `"kg/person/day"`, `"1"`, `"%"`, `"MW"`, `"km2"`.
    pub fn parse(&self, text: &str) -> Result<Unit, UnitError> {
        let syntax = |reason: &str| UnitError::Syntax {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let tokens = tokenize(text);
        if tokens.is_empty() {
            return Err(syntax("empty unit"));
        }
        let (mut num_mul, mut num_div) = (1.0_f64, 1.0_f64);
        let mut dim = Dimension::none();
        let mut in_denominator = false;
        let mut prev: Option<Token<'_>> = None;
        for tok in &tokens {
            match tok {
                Token::Word(word) => {
                    let (entry, n) = self.lookup(word)?;
                    let (m, d) = (entry.mul.powi(n), entry.div.powi(n));
                    let wdim = entry.dim.powi(n);
                    if in_denominator {
                        num_mul *= d;
                        num_div *= m;
                        dim = dim.div(&wdim);
                    } else {
                        num_mul *= m;
                        num_div *= d;
                        dim = dim.mul(&wdim);
                    }
                }
                Token::Star | Token::Slash => {
                    let sym = if *tok == Token::Slash { "/" } else { "*" };
                    match prev {
                        None => return Err(syntax(&format!("expected a unit before `{sym}`"))),
                        Some(Token::Star) | Some(Token::Slash) => {
                            return Err(syntax(&format!(
                                "expected a unit between operators, found `{sym}`"
                            )))
                        }
                        Some(Token::Word(_)) => {}
                    }
                    if *tok == Token::Slash {
                        in_denominator = true;
                    }
                }
            }
            prev = Some(*tok);
        }
        if let Some(Token::Star) | Some(Token::Slash) = prev {
            return Err(syntax("expected a unit at the end"));
        }
        Ok(Unit {
            factor: num_mul / num_div,
            dim,
        })
    }

    /// The exponent of time in a unit as written.
    ///
    /// Time is not a dimension (MODEL.md §11.1): `MWh` and `MWh/yr` parse to the same
    /// [`Unit`]. Where a power is expected (a capacity) an energy without a time in its
    /// denominator is surely a mistake, and this tells the two apart: `yr` and `day` count
    /// +1 in the numerator and -1 in the denominator, the power words `kW`, `MW`, `GW`
    /// count -1 (an energy per time), exponents multiply. `MW` → -1, `MWh/yr` → -1,
    /// `GJ/day` → -1, `MWh` → 0, `MW yr` → 0, `kg/person/day` → -1.
    pub fn time_exponent(&self, text: &str) -> Result<i32, UnitError> {
        self.parse(text)?;
        let mut t = 0;
        let mut in_denominator = false;
        for tok in tokenize(text) {
            match tok {
                Token::Word(word) => {
                    let (entry, n) = self.lookup(word)?;
                    t += if in_denominator { -1 } else { 1 } * entry.time * n;
                }
                Token::Slash => in_denominator = true,
                Token::Star => {}
            }
        }
        Ok(t)
    }

    /// Parses a quantity: a number, then optionally whitespace and a unit
    /// (`"20 GJ/household"`, `"1.0e6"`, `"-5 t CO2/ha"`, `"5 %"`, `"0.5"`).
    /// The value is kept as written; see [`Quantity::base_value`].
    pub fn parse_quantity(&self, text: &str) -> Result<Quantity, UnitError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(UnitError::BadNumber {
                text: text.to_string(),
            });
        }
        let (num_text, rest) = match trimmed.find(char::is_whitespace) {
            Some(i) => (&trimmed[..i], trimmed[i..].trim()),
            None => (trimmed, ""),
        };
        let value = parse_number(num_text).ok_or_else(|| UnitError::BadNumber {
            text: num_text.to_string(),
        })?;
        if rest.is_empty() {
            return Ok(Quantity {
                value,
                unit: None,
                unit_text: None,
            });
        }
        let unit = self.parse(rest)?;
        Ok(Quantity {
            value,
            unit: Some(unit),
            unit_text: Some(rest.to_string()),
        })
    }

    /// Looks a single word up: whole first, then `stem^n`, then a trailing
    /// integer exponent (`km2`). Returns the entry and the exponent.
    fn lookup(&self, word: &str) -> Result<(&Entry, i32), UnitError> {
        let (stem, n) = self.lookup_stem(word)?;
        Ok((&self.words[stem], n))
    }

    /// As [`UnitRegistry::lookup`], returning the known word (the stem) and the exponent.
    fn lookup_stem<'w>(&'w self, word: &'w str) -> Result<(&'w str, i32), UnitError> {
        if let Some((k, _)) = self.words.get_key_value(word) {
            return Ok((k, 1));
        }
        let bad_exponent = || UnitError::BadExponent {
            word: word.to_string(),
        };
        if let Some((stem, exp)) = word.split_once('^') {
            if stem.is_empty() {
                return Err(bad_exponent());
            }
            let (known, _) = self
                .words
                .get_key_value(stem)
                .ok_or_else(|| self.unknown(stem))?;
            let n: i32 = exp.parse().map_err(|_| bad_exponent())?;
            if n == 0 || n.abs() > MAX_UNIT_EXPONENT {
                return Err(bad_exponent());
            }
            return Ok((known, n));
        }
        let stem = word.trim_end_matches(|c: char| c.is_ascii_digit());
        if !stem.is_empty() && stem.len() < word.len() {
            if let Some((known, _)) = self.words.get_key_value(stem) {
                let digits = &word[stem.len()..];
                let n: i32 = match digits.parse() {
                    Ok(n) if n != 0 && n <= MAX_UNIT_EXPONENT => n,
                    _ => return Err(bad_exponent()),
                };
                return Ok((known, n));
            }
        }
        Err(self.unknown(word))
    }

    /// Whether a word reads as a known unit with an exponent (`m2`, `km^3`), without the
    /// cost of computing suggestions for an unknown word (so checking many count names
    /// stays linear).
    fn reads_as_word(&self, word: &str) -> bool {
        if let Some((stem, _)) = word.split_once('^') {
            return self.words.contains_key(stem);
        }
        let stem = word.trim_end_matches(|c: char| c.is_ascii_digit());
        !stem.is_empty() && stem.len() < word.len() && self.words.contains_key(stem)
    }

    fn unknown(&self, word: &str) -> UnitError {
        UnitError::UnknownWord {
            word: word.to_string(),
            suggestions: nearest(word, self.words.keys().map(String::as_str)),
        }
    }
}

impl Default for UnitRegistry {
    fn default() -> Self {
        UnitRegistry::builtin()
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Token<'a> {
    Word(&'a str),
    Star,
    Slash,
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let sep = c.is_whitespace() || c == '*' || c == '/';
        if sep {
            if let Some(s) = start.take() {
                tokens.push(Token::Word(&text[s..i]));
            }
            if c == '*' {
                tokens.push(Token::Star);
            } else if c == '/' {
                tokens.push(Token::Slash);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        tokens.push(Token::Word(&text[s..]));
    }
    tokens
}

/// Parses numeric text (`1`, `-5`, `0.5`, `1.0e6`, `.5`) into a finite `f64`.
/// `inf`, `NaN` and anything non-numeric give `None`.
pub fn parse_number(text: &str) -> Option<f64> {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !plain || !text.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg() -> UnitRegistry {
        UnitRegistry::new(&[]).expect("built-ins are valid")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    fn per(a: &str, b: &str) -> Dimension {
        Dimension::base(a).div(&Dimension::base(b))
    }

    /// `write_number` against the `{:?}` text it replaces (`-0.0` prints as `0.0`).
    fn same_as_debug(v: f64) {
        let mut s = String::new();
        write_number(&mut s, v);
        let expected = if v == 0.0 {
            "0.0".to_string()
        } else {
            format!("{v:?}")
        };
        assert_eq!(s, expected, "bits {:#018x}", v.to_bits());
    }

    #[test]
    fn numbers_are_written_as_debug_writes_them() {
        let fixed = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            3.6,
            0.1,
            0.2,
            0.30000000000000004,
            100.0,
            1e-4,
            9.999e-5,
            1.5e-5,
            1e-7,
            1e15,
            1e16,
            9999999999999998.0,
            1.2345e20,
            123456.789,
            0.00012,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            2.5e-323,
            1e308,
            1e-308,
            f64::EPSILON,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            2f64.powi(53),
            2f64.powi(60),
            10338.123456789,
            23626.0,
            0.582,
            1e22,
            1e23,
            4.35e-5,
            12.5,
            0.001,
        ];
        for v in fixed {
            same_as_debug(v);
            same_as_debug(-v);
        }
        // Every power of ten and its neighbours (the boundaries of the two layouts and of
        // each digit count).
        for e in -324..=308 {
            let p: f64 = format!("1e{e}").parse().unwrap();
            for v in [
                p,
                f64::from_bits(p.to_bits() + 1),
                f64::from_bits(p.to_bits().saturating_sub(1)),
            ] {
                same_as_debug(v);
            }
        }
        // Halfway cases, where two shortest texts are equally close: quarters above 2^50
        // (1658206780088562.25 lies between `…562.2` and `…562.3`), halves above 2^51,
        // large integers with few significant bits.
        for i in 0..20_000u64 {
            let n = (1u64 << 50) + i * 48_271_193;
            for f in [0.25, 0.5, 0.75] {
                same_as_debug(n as f64 + f);
            }
            same_as_debug(((1u64 << 51) + i * 7_919) as f64 + 0.5);
            same_as_debug(((i + 1) * 5) as f64 * 2f64.powi(60));
            same_as_debug(((i + 1) * 5) as f64 * 2f64.powi(-60));
        }
        // Random bit patterns (every exponent) and random values of a table's size.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            same_as_debug(f64::from_bits(x));
            same_as_debug((x >> 11) as f64 / (1u64 << 53) as f64 * 1e5);
            same_as_debug(((x >> 40) as f64) / 1000.0);
        }
    }

    #[test]
    fn time_exponent_tells_energy_from_power() {
        let r = reg();
        let t = |u: &str| r.time_exponent(u).unwrap();
        // Powers: a power word, or an energy over a time.
        assert_eq!(t("MW"), -1);
        assert_eq!(t("kW"), -1);
        assert_eq!(t("MWh/yr"), -1);
        assert_eq!(t("GJ/day"), -1);
        assert_eq!(t("kg/person/day"), -1);
        // Energies: no time, or a power times a time.
        assert_eq!(t("MWh"), 0);
        assert_eq!(t("GJ"), 0);
        assert_eq!(t("MW yr"), 0);
        assert_eq!(t("MW*day"), 0);
        // Exponents multiply: yr^2 in the denominator is -2.
        assert_eq!(t("MWh/yr^2"), -2);
        // Unknown words are the parser's error.
        assert!(r.time_exponent("MWhh").is_err());
    }

    #[test]
    fn energy_and_power_factors() {
        let r = reg();
        // 1 MWh = 3.6 GJ.
        assert_eq!(
            r.parse("MWh").unwrap(),
            Unit {
                factor: 3.6,
                dim: Dimension::energy()
            }
        );
        // 1 MW = 8760 MWh/yr = 8760 * 3.6 GJ = 31536 GJ.
        assert_eq!(r.parse("MW").unwrap().factor, 31536.0);
        assert_eq!(r.parse("MW").unwrap().dim, Dimension::energy());
        // 1 ktoe = 1000 * 41.868 GJ.
        assert_eq!(r.parse("ktoe").unwrap().factor, 41868.0);
        // 1 GJ = 1e9 J.
        assert_eq!(r.parse("J").unwrap().factor, 1e-9);
    }

    #[test]
    fn per_day_is_annualised() {
        // kg/person/day = 1e-3 t / person / (1/365 yr) = 0.365 t per person per year.
        let u = reg().parse("kg/person/day").unwrap();
        assert_eq!(u.factor, 0.365);
        assert_eq!(u.dim, Dimension::mass().div(&Dimension::base("person")));
    }

    #[test]
    fn currency_multipliers() {
        // TJ per MYR million = 1e3 GJ / 1e6 MYR = 1e-3 GJ/MYR.
        let u = reg().parse("TJ/MYR million").unwrap();
        assert!(close(u.factor, 1e-3));
        assert_eq!(u.dim, Dimension::energy().div(&Dimension::base("MYR")));
        let u = reg().parse("MYR million").unwrap();
        assert_eq!(u.factor, 1e6);
        assert_eq!(u.dim, Dimension::base("MYR"));
    }

    #[test]
    fn species_units() {
        let u = reg().parse("t CO2/MWh").unwrap();
        // 1 t / 3.6 GJ.
        assert!(close(u.factor, 1.0 / 3.6));
        let expect = Dimension::mass()
            .mul(&Dimension::base("CO2"))
            .div(&Dimension::energy());
        assert_eq!(u.dim, expect);
        assert_eq!(u.dim.to_string(), "mass CO2/energy");
        assert_eq!(u.species(), Some(Species::CO2));
        // N2O and CH4 are whole words, not N^2 O.
        assert_eq!(reg().parse("kg N2O").unwrap().species(), Some(Species::N2O));
        assert_eq!(reg().parse("kg CH4").unwrap().factor, 1e-3);
    }

    #[test]
    fn areas() {
        let r = reg();
        // km2 = (1e3 m)^2 = 1e6 m2.
        let km2 = r.parse("km2").unwrap();
        assert_eq!(km2.factor, 1e6);
        assert_eq!(km2.dim, Dimension::length().powi(2));
        assert_eq!(
            r.parse("m2").unwrap(),
            Unit {
                factor: 1.0,
                dim: Dimension::length().powi(2)
            }
        );
        assert_eq!(
            r.parse("ha").unwrap(),
            Unit {
                factor: 1e4,
                dim: Dimension::length().powi(2)
            }
        );
        assert_eq!(r.parse("km^2").unwrap(), km2);
        assert_eq!(r.parse("km3").unwrap().factor, 1e9);
    }

    #[test]
    fn dimensionless_words() {
        let r = reg();
        assert_eq!(
            r.parse("%").unwrap(),
            Unit {
                factor: 0.01,
                dim: Dimension::none()
            }
        );
        assert_eq!(r.parse("1").unwrap(), Unit::one());
        assert_eq!(r.parse("fraction").unwrap(), Unit::one());
        assert_eq!(r.parse("share").unwrap(), Unit::one());
        assert_eq!(r.parse("yr").unwrap(), Unit::one());
    }

    #[test]
    fn transport_units() {
        let r = reg();
        // pkm = person * 1000 m.
        let pkm = r.parse("pkm").unwrap();
        assert_eq!(pkm.factor, 1000.0);
        assert_eq!(pkm.dim, Dimension::base("person").mul(&Dimension::length()));
        // MJ/pkm * pkm = 1e-3 GJ, energy.
        let product = r.parse("MJ/pkm").unwrap().mul(&pkm);
        assert_eq!(product.dim, Dimension::energy());
        assert!(close(product.factor, 1e-3));
        assert_eq!(
            r.parse("tkm").unwrap().dim,
            Dimension::mass().mul(&Dimension::length())
        );
        assert_eq!(
            r.parse("person/household").unwrap().dim,
            per("person", "household")
        );
        assert_eq!(r.parse("person / household").unwrap().factor, 1.0);
    }

    #[test]
    fn star_and_spaces_multiply() {
        let r = reg();
        assert_eq!(r.parse("t * km").unwrap(), r.parse("tkm").unwrap());
        assert_eq!(r.parse("t*km").unwrap(), r.parse("t km").unwrap());
        // a/b/c = a/(b*c): GJ/person/yr = GJ per person.
        assert_eq!(
            r.parse("GJ/person/yr").unwrap().dim,
            per("energy", "person")
        );
    }

    #[test]
    fn unknown_word_suggests() {
        let err = reg().parse("GJJ").unwrap_err();
        match &err {
            UnitError::UnknownWord { word, suggestions } => {
                assert_eq!(word, "GJJ");
                assert!(suggestions.iter().any(|s| s == "GJ"), "{suggestions:?}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err
            .to_string()
            .starts_with("unknown unit `GJJ`; nearest known: `GJ`"));
        assert!(!err.to_string().ends_with('.'));
    }

    #[test]
    fn syntax_errors() {
        let r = reg();
        for bad in ["", "   ", "kg//t", "kg/", "/t", "kg**t", "kg*/t"] {
            assert!(
                matches!(r.parse(bad), Err(UnitError::Syntax { .. })),
                "{bad:?} gave {:?}",
                r.parse(bad)
            );
        }
        assert_eq!(
            r.parse("kg//t").unwrap_err().to_string(),
            "invalid unit `kg//t`: expected a unit between operators, found `/`"
        );
    }

    #[test]
    fn exponent_errors() {
        let r = reg();
        assert!(matches!(r.parse("m0"), Err(UnitError::BadExponent { .. })));
        assert!(matches!(
            r.parse("km99"),
            Err(UnitError::BadExponent { .. })
        ));
        assert!(matches!(r.parse("m^x"), Err(UnitError::BadExponent { .. })));
        assert!(matches!(
            r.parse("m99999999999999999999"),
            Err(UnitError::BadExponent { .. })
        ));
        assert!(matches!(r.parse("xx2"), Err(UnitError::UnknownWord { .. })));
    }

    #[test]
    fn extra_counts_may_be_upper_case() {
        // A port model counts twenty-foot equivalent units (MODEL.md §2 sets no case rule).
        let r = UnitRegistry::new(&["TEU", "bed", "Zimmer_2"]).unwrap();
        assert_eq!(r.parse("GJ/TEU").unwrap().dim, per("energy", "TEU"));
        assert_eq!(r.parse("MJ/bed").unwrap().factor, 1e-3);
        for bad in ["2x", "a b", "a/b", "m^2x", "", "x-y"] {
            assert!(
                matches!(UnitRegistry::new(&[bad]), Err(UnitError::Syntax { .. })),
                "{bad}"
            );
        }
        // A word that reads as a known unit with an exponent collides, whatever the digits.
        assert!(matches!(
            UnitRegistry::new(&["m99"]),
            Err(UnitError::CountCollides { .. })
        ));
    }

    #[test]
    fn many_extra_counts_are_checked_in_linear_time() {
        // 10,000 names took 18 s when each collision check computed suggestions.
        let names: Vec<String> = (0..10_000).map(|i| format!("c{i}x")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let t = std::time::Instant::now();
        let r = UnitRegistry::new(&refs).unwrap();
        assert!(r.parse("GJ/c9999x").is_ok());
        assert!(t.elapsed().as_secs_f64() < 2.0, "{:?}", t.elapsed());
    }

    #[test]
    fn extra_counts() {
        let r = UnitRegistry::new(&["bed"]).unwrap();
        let u = r.parse("GJ/bed").unwrap();
        assert_eq!(u.dim, per("energy", "bed"));
        assert!(r.words().contains(&"bed".to_string()));
        assert!(matches!(
            reg().parse("GJ/bed"),
            Err(UnitError::UnknownWord { .. })
        ));
        for clash in ["person", "energy", "day", "m2", "share"] {
            assert_eq!(
                UnitRegistry::new(&[clash]),
                Err(UnitError::CountCollides {
                    name: clash.to_string()
                }),
                "{clash}"
            );
        }
        assert!(matches!(
            UnitRegistry::new(&["bed", "bed"]),
            Err(UnitError::CountCollides { .. })
        ));
        assert!(UnitRegistry::new(&["Bed"]).is_ok());
        assert!(matches!(
            UnitRegistry::new(&["2bed"]),
            Err(UnitError::Syntax { .. })
        ));
    }

    #[test]
    fn quantities() {
        let r = reg();
        let q = r.parse_quantity("20 GJ/household").unwrap();
        assert_eq!(q.value, 20.0);
        assert_eq!(q.unit_text.as_deref(), Some("GJ/household"));
        assert_eq!(
            q.unit.as_ref().map(|u| u.dim.clone()),
            Some(per("energy", "household"))
        );
        let q = r.parse_quantity("1.0e6").unwrap();
        assert_eq!(
            q,
            Quantity {
                value: 1e6,
                unit: None,
                unit_text: None
            }
        );
        let q = r.parse_quantity("-5 t CO2/ha").unwrap();
        assert_eq!(q.value, -5.0);
        // -5 t per 1e4 m2 = -5e-4 t/m2.
        assert!(close(q.base_value(), -5e-4));
        assert_eq!(q.unit.and_then(|u| u.species()), Some(Species::CO2));
        // 5 % = 0.05 in base.
        let q = r.parse_quantity("  5   %  ").unwrap();
        assert_eq!((q.value, q.base_value()), (5.0, 0.05));
        assert_eq!(r.parse_quantity("0.5").unwrap().value, 0.5);
    }

    #[test]
    fn quantity_errors() {
        let r = reg();
        for bad in ["", "abc", "inf", "NaN", "1e999", "20GJ", "--5", "1,5"] {
            assert!(
                matches!(r.parse_quantity(bad), Err(UnitError::BadNumber { .. })),
                "{bad:?}"
            );
        }
        assert!(matches!(
            r.parse_quantity("5 GJJ"),
            Err(UnitError::UnknownWord { .. })
        ));
    }

    #[test]
    fn odd_input_gives_errors_not_panics() {
        let r = reg();
        for text in [
            "^", "^2", "m^", "é", "GJ/é2", "0", "12", "m-2", "GJ^-1^2", "\u{0}", "/", "*",
        ] {
            let _ = r.parse(text);
            let _ = r.parse_quantity(text);
            let _ = r.parse_quantity(&format!("1 {text}"));
        }
        // `day^-1` = per day = 365 per year.
        assert_eq!(r.parse("day^-1").unwrap().factor, 365.0);
        assert!(matches!(r.parse("^2"), Err(UnitError::BadExponent { .. })));
    }

    #[test]
    fn format_numbers() {
        assert_eq!(format_number(0.0), "0.0");
        assert_eq!(format_number(-0.0), "0.0");
        assert_eq!(format_number(3.6), "3.6");
        assert_eq!(format_number(31536.0), "31536.0");
        assert_eq!(format_number(1e-7), "1e-7");
        for v in [0.1 + 0.2, 1.0 / 3.0, 6.02e23, -2.5e-10] {
            assert_eq!(format_number(v).parse::<f64>().unwrap(), v);
        }
    }

    #[test]
    fn words_are_sorted_and_complete() {
        let w = reg().words();
        let mut sorted = w.clone();
        sorted.sort();
        assert_eq!(w, sorted);
        for must in [
            "GJ", "MWh", "toe", "MW", "kg", "CO2e", "ha", "pkm", "EUR", "million", "day", "%", "1",
        ] {
            assert!(w.iter().any(|x| x == must), "{must}");
        }
    }
}

#[cfg(test)]
mod time_exponent_tests {
    use super::UnitRegistry;

    #[test]
    fn rates_and_amounts_are_told_apart() {
        let u = UnitRegistry::builtin();
        let t = |s: &str| u.time_exponent(s).unwrap();
        // Powers and flows are per time.
        assert_eq!(t("MW"), -1);
        assert_eq!(t("kW"), -1);
        assert_eq!(t("GJ/yr"), -1);
        assert_eq!(t("t/day"), -1);
        assert_eq!(t("MYR million/yr"), -1);
        // Amounts are not.
        assert_eq!(t("MWh"), 0);
        assert_eq!(t("t"), 0);
        assert_eq!(t("MWh/t"), 0);
        assert_eq!(t("MYR/kWh"), 0);
        // A power times a year is an energy; a year is a time.
        assert_eq!(t("MW yr"), 0);
        assert_eq!(t("yr"), 1);
        // Exponents count.
        assert_eq!(t("t/day^2"), -2);
        assert!(u.time_exponent("MWW").is_err());
    }
}
