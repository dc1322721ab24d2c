//! A dense bit set over `usize` indices, used for liveness sets.
//!
//! Takes: indices below the capacity given at construction. Returns: set
//! operations; iteration is in increasing order (so everything built on it
//! is deterministic). A second level of bits marks the non-zero words, so
//! iterating a sparse set costs its members plus one check per 4,096
//! indices, not one per 64: walking a large function's few live values
//! stays cheap however many virtual registers the function has.

/// A fixed-capacity set of small integers.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub(crate) struct BitSet {
    words: Vec<u64>,
    /// Bit `w` is set when `words[w]` is non-zero.
    summary: Vec<u64>,
}

impl BitSet {
    /// An empty set able to hold `0..n`.
    pub(crate) fn new(n: usize) -> BitSet {
        let nw = n.div_ceil(64);
        BitSet { words: vec![0; nw], summary: vec![0; nw.div_ceil(64)] }
    }

    fn grow(&mut self, i: usize) {
        let w = i / 64 + 1;
        if self.words.len() < w {
            self.words.resize(w, 0);
            self.summary.resize(w.div_ceil(64), 0);
        }
    }

    /// Adds `i`.
    pub(crate) fn insert(&mut self, i: usize) {
        self.grow(i);
        self.words[i / 64] |= 1 << (i % 64);
        self.summary[i / 4096] |= 1 << ((i / 64) % 64);
    }

    /// Removes `i`.
    pub(crate) fn remove(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w &= !(1 << (i % 64));
            if *w == 0 {
                self.summary[i / 4096] &= !(1 << ((i / 64) % 64));
            }
        }
    }

    /// Removes every member, in time proportional to the non-zero words
    /// (plus one check per 4,096 indices), not the capacity.
    pub(crate) fn clear(&mut self) {
        for si in 0..self.summary.len() {
            let mut s = std::mem::take(&mut self.summary[si]);
            while s != 0 {
                let b = s.trailing_zeros() as usize;
                s &= s - 1;
                self.words[si * 64 + b] = 0;
            }
        }
    }

    /// True when `i` is present.
    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Adds every member of `o`; returns true when the set changed.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn union_with(&mut self, o: &BitSet) -> bool {
        if self.words.len() < o.words.len() {
            self.words.resize(o.words.len(), 0);
            self.summary.resize(o.summary.len(), 0);
        }
        let mut changed = false;
        for w in o.nonzero_words() {
            let n = self.words[w] | o.words[w];
            changed |= n != self.words[w];
            self.words[w] = n;
            self.summary[w / 64] |= 1 << (w % 64);
        }
        changed
    }

    /// Removes every member of `o`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn subtract(&mut self, o: &BitSet) {
        for w in o.nonzero_words() {
            if let Some(a) = self.words.get_mut(w) {
                *a &= !o.words[w];
                if *a == 0 {
                    self.summary[w / 64] &= !(1 << (w % 64));
                }
            }
        }
    }

    /// The members below 32 (physical registers) as a mask.
    pub(crate) fn low32(&self) -> u32 {
        self.words.first().map_or(0, |w| *w as u32)
    }

    /// Number of members at or above `from`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn count_from(&self, from: usize) -> usize {
        self.iter().filter(|&i| i >= from).count()
    }

    /// Indices of the non-zero words, increasing.
    fn nonzero_words(&self) -> impl Iterator<Item = usize> + '_ {
        ones(&self.summary)
    }

    /// Members in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.nonzero_words().flat_map(move |wi| {
            let mut w = self.words[wi];
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

/// The set bits of `words`, in increasing order.
fn ones(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(wi, &w)| {
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

    #[test]
    fn summary_follows_words_across_a_large_range() {
        let mut a = BitSet::new(20_000);
        for i in [5, 64, 4095, 4096, 4100, 19_999] {
            a.insert(i);
        }
        a.remove(4100);
        a.remove(64);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![5, 4095, 4096, 19_999]);
        let mut b = BitSet::new(10);
        b.insert(30_000); // grows
        b.union_with(&a);
        assert_eq!(b.iter().collect::<Vec<_>>(), vec![5, 4095, 4096, 19_999, 30_000]);
        b.subtract(&a);
        assert_eq!(b.iter().collect::<Vec<_>>(), vec![30_000]);
        b.remove(30_000);
        assert_eq!(b.iter().next(), None);
        a.clear();
        assert_eq!(a.iter().next(), None);
        assert!(!a.contains(5) && !a.contains(19_999));
        a.insert(4096);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![4096]);
        assert_eq!(a, {
            let mut c = BitSet::new(20_000);
            c.insert(4096);
            c
        });
    }
}
