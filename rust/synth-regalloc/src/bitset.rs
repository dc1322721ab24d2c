//! A small dense bit set over `usize` indices, used for liveness sets.
//!
//! Takes: indices below the capacity given at construction. Returns: set
//! operations; iteration is in increasing order (so everything built on it
//! is deterministic).

/// A fixed-capacity set of small integers.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub(crate) struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    /// An empty set able to hold `0..n`.
    pub(crate) fn new(n: usize) -> BitSet {
        BitSet { words: vec![0; n.div_ceil(64)] }
    }

    fn grow(&mut self, i: usize) {
        let w = i / 64 + 1;
        if self.words.len() < w {
            self.words.resize(w, 0);
        }
    }

    /// Adds `i`.
    pub(crate) fn insert(&mut self, i: usize) {
        self.grow(i);
        self.words[i / 64] |= 1 << (i % 64);
    }

    /// Removes `i`.
    pub(crate) fn remove(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w &= !(1 << (i % 64));
        }
    }

    /// True when `i` is present.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Adds every member of `o`; returns true when the set changed.
    pub(crate) fn union_with(&mut self, o: &BitSet) -> bool {
        if self.words.len() < o.words.len() {
            self.words.resize(o.words.len(), 0);
        }
        let mut changed = false;
        for (a, b) in self.words.iter_mut().zip(&o.words) {
            let n = *a | *b;
            changed |= n != *a;
            *a = n;
        }
        changed
    }

    /// Removes every member of `o`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn subtract(&mut self, o: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&o.words) {
            *a &= !*b;
        }
    }

    /// The members below 32 (physical registers) as a mask.
    pub(crate) fn low32(&self) -> u32 {
        self.words.first().map_or(0, |w| *w as u32)
    }

    /// Number of members at or above `from`.
    pub(crate) fn count_from(&self, from: usize) -> usize {
        self.iter().filter(|&i| i >= from).count()
    }

    /// Members in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let b = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(wi * 64 + b)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_remove_iterate_union() {
        let mut a = BitSet::new(10);
        a.insert(3);
        a.insert(70);
        a.insert(0);
        assert!(a.contains(70) && a.contains(3) && !a.contains(4));
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![0, 3, 70]);
        a.remove(3);
        let mut b = BitSet::new(4);
        b.insert(1);
        assert!(b.union_with(&a));
        assert!(!b.union_with(&a));
        assert_eq!(b.iter().collect::<Vec<_>>(), vec![0, 1, 70]);
        assert_eq!(b.low32(), 0b11);
        assert_eq!(b.count_from(1), 2);
        b.subtract(&a);
        assert_eq!(b.iter().collect::<Vec<_>>(), vec![1]);
    }
}
