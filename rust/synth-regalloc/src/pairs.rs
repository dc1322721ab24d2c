//! A symmetric set of unordered pairs of virtual registers: the
//! membership half of the interference graph.
//!
//! Takes: the number of virtual registers. Returns: O(1) insertion and
//! lookup of pairs `{a, b}` (`a != b`). Small graphs use a
//! lower-triangular bit matrix (Chaitin's representation; 11,657 vregs
//! take 8.5 MB); a graph whose matrix would be large for its code (more
//! than [`DENSE_BITS_PER_INST`] bits per instruction, beyond
//! [`DENSE_FREE_BITS`]) or beyond [`DENSE_LIMIT_BITS`] uses a hash set of
//! packed pairs, keeping memory proportional to the edges: a bit matrix
//! is quadratic in the virtual registers while the edges of ordinary code
//! grow with the instructions.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// Largest triangular bit matrix, in bits (32 MB).
pub(crate) const DENSE_LIMIT_BITS: usize = 1 << 28;

/// A matrix of up to this many bits (1 MB) is always dense.
pub(crate) const DENSE_FREE_BITS: usize = 1 << 23;

/// Beyond [`DENSE_FREE_BITS`], a matrix stays dense while it has at most
/// this many bits per instruction of the code.
pub(crate) const DENSE_BITS_PER_INST: usize = 1 << 10;

/// Unordered pairs of indices below a fixed bound.
#[derive(Clone, Debug)]
pub(crate) enum PairSet {
    /// Lower-triangular bit matrix: pair (i > j) is bit i*(i-1)/2 + j.
    Dense(Vec<u64>),
    /// Packed pairs (larger index in the high half).
    Sparse(HashSet<u64, BuildHasherDefault<PairHasher>>),
}

impl PairSet {
    /// An empty set for indices `0..n` (dense up to [`DENSE_LIMIT_BITS`]).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn new(n: usize) -> PairSet {
        Self::for_code(n, usize::MAX / DENSE_BITS_PER_INST)
    }

    /// An empty set for indices `0..n` of a graph over `insts`
    /// instructions: dense when the matrix is small for the code.
    pub(crate) fn for_code(n: usize, insts: usize) -> PairSet {
        let bits = n.saturating_mul(n.saturating_sub(1)) / 2;
        let cap = DENSE_LIMIT_BITS.min(DENSE_FREE_BITS.max(insts.saturating_mul(DENSE_BITS_PER_INST)));
        if bits <= cap {
            PairSet::Dense(vec![0; bits.div_ceil(64)])
        } else {
            PairSet::Sparse(HashSet::default())
        }
    }

    /// An empty set for indices `0..n`, always sparse (for tests).
    #[cfg(test)]
    pub(crate) fn new_sparse() -> PairSet {
        PairSet::Sparse(HashSet::default())
    }

    fn key(a: u32, b: u32) -> (usize, u64) {
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        let hi_u = hi as usize;
        (hi_u * (hi_u.saturating_sub(1)) / 2 + lo as usize, ((hi as u64) << 32) | lo as u64)
    }

    /// Adds `{a, b}`; returns true when it was new. `a == b` is never
    /// added (returns false).
    pub(crate) fn insert(&mut self, a: u32, b: u32) -> bool {
        if a == b {
            return false;
        }
        let (bit, packed) = Self::key(a, b);
        match self {
            PairSet::Dense(w) => match w.get_mut(bit / 64) {
                Some(word) => {
                    let m = 1u64 << (bit % 64);
                    let new = *word & m == 0;
                    *word |= m;
                    new
                }
                None => false,
            },
            PairSet::Sparse(s) => s.insert(packed),
        }
    }

    /// Removes `{a, b}`.
    pub(crate) fn remove(&mut self, a: u32, b: u32) {
        if a == b {
            return;
        }
        let (bit, packed) = Self::key(a, b);
        match self {
            PairSet::Dense(w) => {
                if let Some(word) = w.get_mut(bit / 64) {
                    *word &= !(1u64 << (bit % 64));
                }
            }
            PairSet::Sparse(s) => {
                s.remove(&packed);
            }
        }
    }

    /// True when `{a, b}` is present.
    pub(crate) fn contains(&self, a: u32, b: u32) -> bool {
        if a == b {
            return false;
        }
        let (bit, packed) = Self::key(a, b);
        match self {
            PairSet::Dense(w) => w.get(bit / 64).is_some_and(|word| word & (1u64 << (bit % 64)) != 0),
            PairSet::Sparse(s) => s.contains(&packed),
        }
    }
}

/// A multiplicative hasher for packed pairs (the keys are already
/// well-spread integers; SipHash would dominate the graph build).
#[derive(Default)]
pub(crate) struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0 ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(mut s: PairSet) {
        assert!(s.insert(3, 7));
        assert!(!s.insert(7, 3), "unordered: {{7, 3}} is {{3, 7}}");
        assert!(s.contains(7, 3) && s.contains(3, 7));
        assert!(!s.contains(3, 6) && !s.contains(0, 1));
        assert!(!s.insert(5, 5) && !s.contains(5, 5), "no self pairs");
        assert!(s.insert(0, 1) && s.contains(1, 0));
        assert!(s.insert(99, 0) && s.contains(0, 99) && !s.contains(98, 0));
        s.remove(7, 3);
        assert!(!s.contains(3, 7) && s.contains(0, 99) && s.contains(1, 0));
        assert!(s.insert(3, 7), "removed pairs can come back");
    }

    #[test]
    fn dense_and_sparse_sets_agree() {
        exercise(PairSet::new(100));
        exercise(PairSet::new_sparse());
        assert!(matches!(PairSet::new(100), PairSet::Dense(_)));
        assert!(matches!(PairSet::new(1 << 16), PairSet::Sparse(_)), "4 Gbit would not be dense");
        assert!(matches!(PairSet::for_code(20_000, 1_000), PairSet::Sparse(_)), "200 Mbit for 1,000 instructions");
        assert!(matches!(PairSet::for_code(20_000, 200_000), PairSet::Dense(_)));
        assert!(matches!(PairSet::for_code(4_000, 10), PairSet::Dense(_)), "under 1 MB always dense");
    }
}
