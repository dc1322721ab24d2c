//! Control-flow facts the passes share: predecessors, reverse postorder,
//! immediate dominators and the dominator tree (children in reverse
//! postorder, so every walk is deterministic), plus a scoped map for
//! dominator-tree walks.
//!
//! Takes a [`Function`]; returns a [`Cfg`] snapshot (recompute it after
//! changing edges).

use std::collections::HashMap;
use std::hash::Hash;
use synth_ir::verify::{dominators, reverse_postorder};
use synth_ir::Function;

/// A snapshot of a function's CFG and dominator tree.
#[derive(Clone, Debug)]
pub struct Cfg {
    /// Reachable blocks in reverse postorder (entry first).
    pub rpo: Vec<usize>,
    /// Immediate dominator per block (`Some(0)` for the entry, `None` when
    /// unreachable).
    pub idom: Vec<Option<usize>>,
    /// Distinct predecessors per block (reachable predecessors only), in
    /// reverse postorder of the predecessor.
    pub preds: Vec<Vec<usize>>,
    /// Dominator-tree children per block, in reverse postorder.
    pub children: Vec<Vec<usize>>,
    /// `[enter, exit)` of each reachable block in a preorder numbering of
    /// the dominator tree: `a` dominates `b` when `b`'s enter lies in `a`'s
    /// interval (O(1) dominance queries).
    span: Vec<Option<(u32, u32)>>,
}

impl Cfg {
    /// Analyses `func`.
    pub fn new(func: &Function) -> Cfg {
        let n = func.blocks.len();
        let rpo = reverse_postorder(func);
        let idom = dominators(func);
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        for &b in &rpo {
            for s in func.successors(synth_ir::Block(b as u32)) {
                let s = s.0 as usize;
                // Duplicates of b come from b's own successor list, so
                // they would be the last entry.
                if s < n && preds[s].last() != Some(&b) {
                    preds[s].push(b);
                }
            }
            if b != 0 {
                if let Some(d) = idom[b] {
                    children[d].push(b);
                }
            }
        }
        let mut cfg = Cfg { rpo, idom, preds, children, span: vec![None; n] };
        let mut enter = vec![0u32; n];
        let mut clock = 0u32;
        for (b, entering) in cfg.dom_tree_events() {
            if entering {
                enter[b] = clock;
                clock += 1;
            } else {
                cfg.span[b] = Some((enter[b], clock));
            }
        }
        cfg
    }

    /// True when `b` is reachable from the entry.
    pub fn reachable(&self, b: usize) -> bool {
        self.idom.get(b).is_some_and(|d| d.is_some())
    }

    /// True when `a` dominates `b` (both reachable; every block dominates
    /// itself).
    pub fn dominates(&self, a: usize, b: usize) -> bool {
        match (self.span.get(a).copied().flatten(), self.span.get(b).copied().flatten()) {
            (Some((ea, xa)), Some((eb, _))) => ea <= eb && eb < xa,
            _ => false,
        }
    }

    /// Reachable blocks in dominator-tree preorder, each with a flag saying
    /// whether the event is the entry (`true`) or the exit (`false`) of its
    /// subtree. Lets passes keep scoped state without recursion.
    pub fn dom_tree_events(&self) -> Vec<(usize, bool)> {
        let mut out = Vec::new();
        if self.rpo.is_empty() {
            return out;
        }
        let mut stack = vec![(0usize, false)];
        while let Some((b, done)) = stack.pop() {
            if done {
                out.push((b, false));
                continue;
            }
            out.push((b, true));
            stack.push((b, true));
            for &c in self.children[b].iter().rev() {
                stack.push((c, false));
            }
        }
        out
    }
}

/// A hash map whose insertions can be undone scope by scope, for
/// dominator-tree walks. Only looked up, never iterated, so hash order never
/// reaches the output.
pub struct ScopedMap<K, V> {
    map: HashMap<K, V>,
    undo: Vec<(K, Option<V>)>,
    marks: Vec<usize>,
}

impl<K: Hash + Eq + Clone, V: Clone> ScopedMap<K, V> {
    /// An empty map with no open scope.
    pub fn new() -> Self {
        ScopedMap { map: HashMap::new(), undo: Vec::new(), marks: Vec::new() }
    }

    /// Opens a scope.
    pub fn push_scope(&mut self) {
        self.marks.push(self.undo.len());
    }

    /// Undoes every insertion since the matching [`ScopedMap::push_scope`].
    pub fn pop_scope(&mut self) {
        let mark = self.marks.pop().unwrap_or(0);
        while self.undo.len() > mark {
            if let Some((k, old)) = self.undo.pop() {
                match old {
                    Some(v) => self.map.insert(k, v),
                    None => self.map.remove(&k),
                };
            }
        }
    }

    /// The value for `k`.
    pub fn get(&self, k: &K) -> Option<&V> {
        self.map.get(k)
    }

    /// Sets `k` to `v` in the current scope.
    pub fn insert(&mut self, k: K, v: V) {
        let old = self.map.insert(k.clone(), v);
        self.undo.push((k, old));
    }
}

impl<K: Hash + Eq + Clone, V: Clone> Default for ScopedMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_ir::{BlockCall, FunctionBuilder, Signature, Terminator, Type};

    /// entry -> a, b; a -> c; b -> c.
    fn diamond() -> Function {
        let sig = Signature { params: vec![Type::I32], results: vec![] };
        let mut b = FunctionBuilder::new("d", sig);
        let p = b.block_params(b.current_block())[0];
        let (x, y, z) = (b.create_block(), b.create_block(), b.create_block());
        b.branch(p, BlockCall { block: x, args: vec![] }, BlockCall { block: y, args: vec![] });
        b.switch_to_block(x);
        b.jump(z, vec![]);
        b.switch_to_block(y);
        b.jump(z, vec![]);
        b.switch_to_block(z);
        b.terminate(Terminator::Return(vec![]));
        b.finish()
    }

    #[test]
    fn diamond_dominance_and_preds() {
        let cfg = Cfg::new(&diamond());
        assert!(cfg.dominates(0, 3));
        assert!(!cfg.dominates(1, 3));
        let mut p3 = cfg.preds[3].clone();
        p3.sort();
        assert_eq!(p3, vec![1, 2]);
        assert_eq!(cfg.children[0].len(), 3);
        let ev = cfg.dom_tree_events();
        assert_eq!(ev.len(), 8);
        assert_eq!(ev[0], (0, true));
        assert_eq!(*ev.last().unwrap(), (0, false));
    }

    #[test]
    fn scoped_map_undoes() {
        let mut m: ScopedMap<u32, u32> = ScopedMap::new();
        m.push_scope();
        m.insert(1, 10);
        m.push_scope();
        m.insert(1, 20);
        m.insert(2, 30);
        assert_eq!(m.get(&1), Some(&20));
        m.pop_scope();
        assert_eq!(m.get(&1), Some(&10));
        assert_eq!(m.get(&2), None);
        m.pop_scope();
        assert_eq!(m.get(&1), None);
    }
}
