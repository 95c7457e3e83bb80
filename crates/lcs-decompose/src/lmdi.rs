//! The additive LMDI-I kernel (Ang 2005, Eq. 5; shared/reference/factors.md §5.1): the
//! logarithmic mean and the effects of one multiplicative term.
//!
//! A term is `C = x_1 × x_2 × … × x_K` at two points, `0` and `T`. The effect of factor `k`
//! is `ΔC_k = L(C^T, C^0) × ln(x_k^T / x_k^0)` with `L(a, b) = (a − b) / (ln a − ln b)` and
//! `L(a, a) = a`, so that `Σ_k ΔC_k = C^T − C^0` exactly (no residual).
//!
//! Zero values take the analytical limits of these terms (Wood & Lenzen 2006):
//! - `C^0 = C^T = 0`: every effect is 0.
//! - `C^0 = 0 < |C^T|` (the term appears): the factors that are 0 at the start carry the
//!   whole change `C^T`; the others carry 0. With `x_k^0 = ε` and `C^0 = c ε`,
//!   `L(C^T, cε) ln(x_k^T / ε) → C^T` as `ε → 0`, while a factor that does not vanish gets
//!   `L × ln(x^T/x^0) → 0 × finite = 0`. When `m` factors are 0 at the start, the limit with
//!   the same `ε` for each is `C^T / m` for each of them.
//! - `C^T = 0 < |C^0|` (the term disappears): the same, mirrored: the factors that are 0 at
//!   the end carry `−C^0` (split equally).
//!
//! Negative values (a sink's factor) are fine as long as a factor keeps its sign: then
//! `x^T / x^0 > 0` and `C^T / C^0 > 0`, and `L(a, b) = (a − b) / ln(a / b)` holds for two
//! negative numbers too (`L(−a, −b) = −L(a, b)`). A factor that changes sign has no
//! logarithm: [`term_effects`] returns `Err` with its index.

/// The logarithmic mean `L(a, b) = (a − b) / ln(a / b)`, `L(a, a) = a`, for `a` and `b` of
/// the same sign and non-zero. Written as `(a − b) / ln_1p((a − b) / b)` so that it stays
/// accurate when `a` and `b` are close (where `ln(a / b)` would lose digits).
pub fn log_mean(a: f64, b: f64) -> f64 {
    if a == b {
        return a;
    }
    let d = a - b;
    d / (d / b).ln_1p()
}

/// `ln(t / z)` for `t` and `z` of the same sign and non-zero, accurate near `t = z`.
fn log_ratio(t: f64, z: f64) -> f64 {
    if t == z {
        0.0
    } else {
        ((t - z) / z).ln_1p()
    }
}

/// The effects of one term `C = Π x_k` between the start values `x0` and the end values
/// `xt` (same length), added into `out[k]` (in the unit of `C`). Returns `(C^0, C^T)`,
/// computed as the products of the factors in order. `Err(k)`: factor `k` changes sign.
pub fn term_effects(x0: &[f64], xt: &[f64], out: &mut [f64]) -> Result<(f64, f64), usize> {
    debug_assert_eq!(x0.len(), xt.len());
    debug_assert_eq!(x0.len(), out.len());
    let c0: f64 = x0.iter().product();
    let ct: f64 = xt.iter().product();
    if c0 == 0.0 && ct == 0.0 {
        return Ok((c0, ct));
    }
    if c0 == 0.0 || ct == 0.0 {
        // The term appears (C^0 = 0) or disappears (C^T = 0): the factors that vanish on the
        // zero side share the change equally (module docs).
        let zero_side = if c0 == 0.0 { x0 } else { xt };
        let m = zero_side.iter().filter(|x| **x == 0.0).count();
        // A product can underflow to 0 with no zero factor; then every factor shares it.
        let each = (ct - c0) / if m == 0 { x0.len() } else { m } as f64;
        for (o, x) in out.iter_mut().zip(zero_side) {
            if m == 0 || *x == 0.0 {
                *o += each;
            }
        }
        return Ok((c0, ct));
    }
    for (k, (a, b)) in x0.iter().zip(xt).enumerate() {
        if (*a < 0.0) != (*b < 0.0) {
            return Err(k);
        }
    }
    let l = log_mean(ct, c0);
    for ((o, z), t) in out.iter_mut().zip(x0).zip(xt) {
        *o += l * log_ratio(*t, *z);
    }
    Ok((c0, ct))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effects(x0: &[f64], xt: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; x0.len()];
        term_effects(x0, xt, &mut out).expect("same signs");
        out
    }

    #[test]
    fn log_mean_by_hand() {
        // L(2, 1) = 1 / ln 2 = 1.442695040888963.
        assert!((log_mean(2.0, 1.0) - 1.0 / 2f64.ln()).abs() < 1e-15);
        assert_eq!(log_mean(3.0, 3.0), 3.0);
        // Symmetric, between the geometric and the arithmetic mean.
        assert!((log_mean(1.0, 2.0) - log_mean(2.0, 1.0)).abs() < 1e-15);
        assert!(log_mean(1.0, 4.0) > 2.0 && log_mean(1.0, 4.0) < 2.5);
        // Close values: L(1 + 1e-12, 1) = 1 + 5e-13 (no loss of digits).
        assert!((log_mean(1.0 + 1e-12, 1.0) - (1.0 + 5e-13)).abs() < 1e-15);
        // Negative pairs: L(-2, -1) = -L(2, 1).
        assert!((log_mean(-2.0, -1.0) + 1.0 / 2f64.ln()).abs() < 1e-15);
    }

    #[test]
    fn two_factor_term_by_hand() {
        // C = Q × F: 10 × 2 = 20 → 15 × 2.4 = 36. L(36, 20) = 16 / ln 1.8 = 27.22076;
        // activity 27.22076 × ln 1.5 = 11.03707, factor 27.22076 × ln 1.2 = 4.96293; sum 16.
        let e = effects(&[10.0, 2.0], &[15.0, 2.4]);
        let l = 16.0 / 1.8f64.ln();
        assert!((e[0] - l * 1.5f64.ln()).abs() < 1e-12);
        assert!((e[1] - l * 1.2f64.ln()).abs() < 1e-12);
        assert!((e[0] + e[1] - 16.0).abs() < 1e-12);
        assert!((e[0] - 11.03707).abs() < 1e-5 && (e[1] - 4.96293).abs() < 1e-5);
    }

    #[test]
    fn zero_values_take_the_limits() {
        // Appears: the only factor that is 0 at the start carries the whole change.
        assert_eq!(
            effects(&[5.0, 0.0, 2.0], &[6.0, 0.5, 3.0]),
            vec![0.0, 9.0, 0.0]
        );
        // Disappears through two factors: each carries half of -C^0 = -12.
        assert_eq!(
            effects(&[2.0, 3.0, 2.0], &[0.0, 3.0, 0.0]),
            vec![-6.0, 0.0, -6.0]
        );
        // Absent at both points.
        assert_eq!(effects(&[0.0, 1.0], &[0.0, 2.0]), vec![0.0, 0.0]);
        // The limit agrees with small values: x^0 = 1e-12 instead of 0.
        let near = effects(&[5.0, 1e-12, 2.0], &[6.0, 0.5, 3.0]);
        assert!((near[1] - 9.0).abs() < 0.5 && near[0].abs() < 0.5);
    }

    #[test]
    fn negative_factors_and_sign_changes() {
        // A sink: -5 t/ha × 100 ha = -500 → -5 × 120 = -600: only the activity moves.
        let e = effects(&[100.0, -5.0], &[120.0, -5.0]);
        assert!((e[0] + 100.0).abs() < 1e-12 && e[1] == 0.0);
        let mut out = vec![0.0; 2];
        assert_eq!(term_effects(&[1.0, 2.0], &[1.0, -1.0], &mut out), Err(1));
    }
}
