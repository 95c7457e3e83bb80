//! The Sobol low-discrepancy sequence with Joe & Kuo's direction numbers
//! (`new-joe-kuo-6.1000`: S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
//! two-dimensional projections", SIAM J. Sci. Comput. 30, 2635–2654, 2008; the table is
//! embedded from `data/`, up to 1000 dimensions), in Gray-code order (as Joe & Kuo's
//! generator and SciPy), 32 bits per coordinate.

const TABLE: &str = include_str!("../data/new-joe-kuo-6.1000.txt");

/// The most dimensions the embedded table gives.
pub const MAX_DIMS: usize = 1000;

/// A Sobol sequence was asked for in a number of dimensions outside 1 to [`MAX_DIMS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DimsError {
    /// The dimensions asked for.
    pub dims: usize,
}

impl std::fmt::Display for DimsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a Sobol sequence in {} dimensions: 1 to {MAX_DIMS} are available",
            self.dims
        )
    }
}

impl std::error::Error for DimsError {}

/// Direction numbers for the first `dims` dimensions.
#[derive(Clone, Debug)]
pub struct SobolSeq {
    dims: usize,
    /// `v[d * 32 + k]`: direction number `k` of dimension `d`.
    v: Vec<u32>,
}

impl SobolSeq {
    /// The sequence in `dims` dimensions (1 ≤ dims ≤ 1000).
    pub fn new(dims: usize) -> Result<Self, DimsError> {
        if dims == 0 || dims > MAX_DIMS {
            return Err(DimsError { dims });
        }
        let mut v = vec![0u32; dims * 32];
        for (k, x) in v.iter_mut().take(32).enumerate() {
            *x = 1u32 << (31 - k);
        }
        for (d, line) in TABLE.lines().skip(1).take(dims - 1).enumerate() {
            let nums: Vec<u32> = line
                .split_whitespace()
                .map(|t| t.parse().expect("embedded table is numeric"))
                .collect();
            let (s, a) = (nums[1] as usize, nums[2]);
            let m = &nums[3..3 + s];
            let row = &mut v[(d + 1) * 32..(d + 2) * 32];
            for i in 0..s.min(32) {
                row[i] = m[i] << (31 - i);
            }
            for i in s..32 {
                let mut x = row[i - s] ^ (row[i - s] >> s);
                for k in 1..s {
                    if (a >> (s - 1 - k)) & 1 == 1 {
                        x ^= row[i - k];
                    }
                }
                row[i] = x;
            }
        }
        Ok(SobolSeq { dims, v })
    }

    /// Number of dimensions.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Point `index` as 32-bit integers (coordinate × 2³²), computed directly from the Gray
    /// code of the index, so any point can be produced on its own.
    pub fn point_bits(&self, index: u32, out: &mut [u32]) {
        let g = index ^ (index >> 1);
        for (d, o) in out.iter_mut().enumerate().take(self.dims) {
            let mut x = 0u32;
            let mut bits = g;
            let mut k = 0;
            while bits != 0 {
                if bits & 1 == 1 {
                    x ^= self.v[d * 32 + k];
                }
                bits >>= 1;
                k += 1;
            }
            *o = x;
        }
    }

    /// Point `index` in [0, 1).
    pub fn point(&self, index: u32) -> Vec<f64> {
        let mut b = vec![0u32; self.dims];
        self.point_bits(index, &mut b);
        b.iter().map(|x| *x as f64 / 4_294_967_296.0).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_points_match_the_published_sequence() {
        let s = SobolSeq::new(3).unwrap();
        // SciPy `qmc.Sobol(3, scramble=False)`: (0,0,0), (.5,.5,.5), (.75,.25,.25),
        // (.25,.75,.75), (.375,.375,.625).
        assert_eq!(s.point(0), vec![0.0, 0.0, 0.0]);
        assert_eq!(s.point(1), vec![0.5, 0.5, 0.5]);
        assert_eq!(s.point(2), vec![0.75, 0.25, 0.25]);
        assert_eq!(s.point(3), vec![0.25, 0.75, 0.75]);
        assert_eq!(s.point(4), vec![0.375, 0.375, 0.625]);
        let big = SobolSeq::new(1000).unwrap();
        // Every coordinate of the first 2^10 points is a distinct multiple of 2^-10.
        for d in [0, 17, 999] {
            let mut seen: Vec<f64> = (0..1024).map(|i| big.point(i)[d]).collect();
            seen.sort_by(f64::total_cmp);
            let expect: Vec<f64> = (0..1024).map(|k| k as f64 / 1024.0).collect();
            assert_eq!(seen, expect, "dimension {d}");
        }
        assert!(SobolSeq::new(1001).is_err());
    }
}
