//! Value substitution: "every use of `a` now reads `b`", recorded while a
//! pass runs and applied to every operand of the function at the end.
//!
//! Takes a [`Function`] and the recorded [`Subst`]; rewrites operands in
//! place (definitions are untouched: the pass deletes the replaced
//! instructions itself).

use synth_ir::{Function, InstKind, Terminator, Value};

/// A map from replaced values to their replacements (followed transitively).
#[derive(Clone, Debug, Default)]
pub struct Subst {
    map: Vec<Option<Value>>,
    any: bool,
}

impl Subst {
    /// An empty substitution.
    pub fn new() -> Subst {
        Subst::default()
    }

    /// Records that uses of `from` read `to` instead.
    pub fn set(&mut self, from: Value, to: Value) {
        let i = from.0 as usize;
        if self.map.len() <= i {
            self.map.resize(i + 1, None);
        }
        if self.resolve(to) != from {
            self.map[i] = Some(to);
            self.any = true;
        }
    }

    /// The value `v` stands for after substitution.
    pub fn resolve(&self, mut v: Value) -> Value {
        let mut steps = 0;
        while let Some(Some(w)) = self.map.get(v.0 as usize) {
            v = *w;
            steps += 1;
            if steps > self.map.len() {
                break;
            }
        }
        v
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        !self.any
    }

    /// Rewrites every operand of `func` (instructions and terminators).
    pub fn apply(&self, func: &mut Function) {
        if !self.any {
            return;
        }
        for bd in &mut func.blocks {
            for inst in &mut bd.insts {
                for v in inst_operands_mut(&mut inst.kind) {
                    *v = self.resolve(*v);
                }
            }
            for v in term_operands_mut(&mut bd.term) {
                *v = self.resolve(*v);
            }
        }
    }
}

/// Mutable references to every operand of an instruction (same order as
/// [`InstKind::operands`]).
pub fn inst_operands_mut(kind: &mut InstKind) -> Vec<&mut Value> {
    kind.operands_mut()
}

/// Mutable references to every operand of a terminator (condition or
/// index, returned values, block-call arguments).
pub fn term_operands_mut(term: &mut Terminator) -> Vec<&mut Value> {
    let mut v: Vec<&mut Value> = Vec::new();
    match term {
        Terminator::Branch { cond, then_dest, else_dest } => {
            v.push(cond);
            v.extend(then_dest.args.iter_mut());
            v.extend(else_dest.args.iter_mut());
        }
        Terminator::BrTable { index, targets, default } => {
            v.push(index);
            for t in targets.iter_mut() {
                v.extend(t.args.iter_mut());
            }
            v.extend(default.args.iter_mut());
        }
        Terminator::Jump(c) => v.extend(c.args.iter_mut()),
        Terminator::Return(vals) => v.extend(vals.iter_mut()),
        Terminator::Trap(_) => {}
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_ir::{BinaryOp, FunctionBuilder, Signature, Type};

    #[test]
    fn resolves_chains_and_rewrites_uses() {
        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("s", sig);
        let p = b.block_params(b.current_block())[0];
        let c = b.iconst(Type::I32, 1);
        let d = b.iconst(Type::I32, 1);
        let s = b.binary(BinaryOp::Add, p, d);
        b.terminate(Terminator::Return(vec![s, d].into_iter().take(1).collect()));
        let mut f = b.finish();
        let mut sub = Subst::new();
        sub.set(d, c);
        sub.set(s, p);
        // A cycle back to the source is refused.
        sub.set(c, d);
        assert_eq!(sub.resolve(d), c);
        sub.apply(&mut f);
        assert_eq!(f.blocks[0].insts[2].kind.operands(), vec![p, c]);
        assert_eq!(f.blocks[0].term, Terminator::Return(vec![p]));
    }
}
