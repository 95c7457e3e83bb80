//! Counter-based random streams: one Xoshiro256++ stream per (purpose, index), derived from
//! the seed alone, so a sample's numbers never depend on threads, shards or the order of
//! work.

use rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// SplitMix64's finaliser: a bijective 64-bit mix.
pub fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What a stream is used for; different purposes never share a stream.
#[derive(Clone, Copy, Debug)]
pub enum Purpose {
    /// Monte Carlo sample `index`.
    Sample = 1,
    /// Morris trajectory `index`.
    Morris = 2,
    /// Bootstrap resamples (index: output number).
    Bootstrap = 3,
    /// Sobol digital shift (index 0).
    Shift = 4,
}

/// A random stream.
pub struct Stream(Xoshiro256PlusPlus);

impl Stream {
    /// The stream for `(seed, purpose, index)`: Xoshiro256++ seeded (through SplitMix64)
    /// from `splitmix(seed ^ splitmix(purpose)) ^ splitmix(index)`, mixed once more.
    pub fn new(seed: u64, purpose: Purpose, index: u64) -> Self {
        let key = splitmix(splitmix(seed ^ splitmix(purpose as u64)) ^ splitmix(index));
        Stream(Xoshiro256PlusPlus::seed_from_u64(key))
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    /// A uniform number in the open interval (0, 1): `(k + 0.5) / 2^53` for 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        ((self.0.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }
    /// A uniform integer in `0..n` (Lemire's multiply-shift; `n` > 0). The bias is below
    /// n / 2^64, irrelevant here, and the result is deterministic.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.0.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map(|_| Stream::new(7, Purpose::Sample, 3).next_u64())
            .collect();
        assert!(a.iter().all(|x| *x == a[0]));
        let b = Stream::new(7, Purpose::Sample, 4).next_u64();
        let c = Stream::new(8, Purpose::Sample, 3).next_u64();
        let d = Stream::new(7, Purpose::Morris, 3).next_u64();
        assert!(a[0] != b && a[0] != c && a[0] != d);
        let mut s = Stream::new(1, Purpose::Sample, 0);
        let mean = (0..100_000).map(|_| s.uniform()).sum::<f64>() / 100_000.0;
        assert!((mean - 0.5).abs() < 0.005, "{mean}");
    }
}
