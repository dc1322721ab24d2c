//! Expansion of the double-precision expression pseudo-instruction
//! [`MachInst::F64`](crate::inst::MachInst::F64) (`--fpu fpv5-d16`).
//!
//! Takes: the allocated expression (core registers only). Emits: each
//! node evaluated into a scratch D register (d7 for the root, d6, d5, d4
//! for operands computed while another is held; Sethi-Ullman order, so an
//! expression needing `n` registers uses d7..d(8-n), exactly the
//! instruction's declared clobbers), leaves moved in from core registers
//! (`VMOV dN, lo, hi`; a 32-bit leaf `VMOV sN, r` into the low half) or
//! made by `VMOV.F64 dN, #imm`, then the root's result moved out. A first
//! leaf that is the previous expression's result, with nothing placed in
//! between (no instruction, no label), is still in d7 and not moved in
//! again.

use super::{p, Emitter};
use crate::inst::{F64Arg, F64Node, F64Op, F64_SCRATCH};
use synth_regalloc::Reg;
use synth_thumb2_enc::{is_vfp_imm_f64, DReg, Round, SReg, VfpOp2};

/// Scratch D register `t` and its low S half.
fn scratch(t: usize) -> Result<(DReg, SReg), String> {
    match F64_SCRATCH.get(t) {
        Some(&d) => Ok((DReg(d), SReg(2 * d))),
        None => Err(format!("f64 expression needs more than {} scratch registers", F64_SCRATCH.len())),
    }
}

impl Emitter<'_> {
    /// The expression `tree` over `inputs`, result into `rd` (`rd_hi`).
    pub(super) fn f64_expr(&mut self, tree: &F64Node, inputs: &[Reg], rd: Reg, rd_hi: Option<Reg>) -> Result<(), String> {
        if tree.op.wide_result() != rd_hi.is_some() {
            return Err(format!("f64 operation {:?} with a result of the wrong width", tree.op));
        }
        let (d0, s0) = scratch(0)?;
        match tree.op {
            F64Op::Cmp(cc) => {
                self.f64_compare(tree, inputs, 0)?;
                self.set01(cc, p(rd)?);
            }
            F64Op::ToInt(signed) => {
                self.f64_arg(one(tree)?, inputs, 0)?;
                self.asm.vcvt_to_int(Round::Zero, signed, s0, d0);
                self.asm.vmov_from_s(p(rd)?, s0);
            }
            F64Op::Demote => {
                self.f64_arg(one(tree)?, inputs, 0)?;
                self.asm.vcvt_f32_f64(s0, d0);
                self.asm.vmov_from_s(p(rd)?, s0);
            }
            _ => {
                self.f64_node(tree, inputs, 0)?;
                let (lo, hi) = (p(rd)?, p(rd_hi.expect("width checked above"))?);
                self.asm.vmov_from_d(lo, hi, d0);
                self.f64_held = Some((self.asm.progress(), lo, hi));
            }
        }
        Ok(())
    }

    /// [`MachInst::F64Br`](crate::inst::MachInst::F64Br): the comparison,
    /// then the two-way branch on its condition.
    pub(super) fn f64_branch(
        &mut self,
        tree: &F64Node,
        inputs: &[Reg],
        taken: usize,
        not_taken: usize,
        next: usize,
    ) -> Result<(), String> {
        let F64Op::Cmp(cc) = tree.op else {
            return Err(format!("f64 branch on {:?}, not a comparison", tree.op));
        };
        self.f64_compare(tree, inputs, 0)?;
        self.branch2(cc, taken, not_taken, next);
        Ok(())
    }

    /// `VCMP.F64` of the comparison node's operands (evaluated from
    /// scratch register `t` on) and `VMRS APSR_nzcv, FPSCR`.
    fn f64_compare(&mut self, node: &F64Node, inputs: &[Reg], t: usize) -> Result<(), String> {
        let [a, b] = node.args.as_slice() else {
            return Err("f64 comparison without two operands".into());
        };
        if let F64Arg::Const(z) = b {
            if z << 1 == 0 {
                self.f64_arg(a, inputs, t)?;
                self.asm.vcmp_zero(scratch(t)?.0);
                self.asm.vmrs_apsr();
                return Ok(());
            }
        }
        let (x, y) = self.f64_pair(a, b, inputs, t)?;
        self.asm.vcmp(x, y);
        self.asm.vmrs_apsr();
        Ok(())
    }

    /// Both operands of a binary node into scratch registers from `t` on
    /// (the one needing more registers first, into `t`); returns their
    /// registers in operand order.
    fn f64_pair(&mut self, a: &F64Arg, b: &F64Arg, inputs: &[Reg], t: usize) -> Result<(DReg, DReg), String> {
        let need = |x: &F64Arg| match x {
            F64Arg::Node(n) => n.need(),
            _ => 1,
        };
        let (rt, rt1) = (scratch(t)?.0, scratch(t + 1)?.0);
        if need(a) >= need(b) {
            self.f64_arg(a, inputs, t)?;
            self.f64_arg(b, inputs, t + 1)?;
            Ok((rt, rt1))
        } else {
            self.f64_arg(b, inputs, t)?;
            self.f64_arg(a, inputs, t + 1)?;
            Ok((rt1, rt))
        }
    }

    /// The f64 value of `arg` into scratch register `t`, using only
    /// scratch registers `t` and above.
    fn f64_arg(&mut self, arg: &F64Arg, inputs: &[Reg], t: usize) -> Result<(), String> {
        let (d, _) = scratch(t)?;
        let input = |k: usize| inputs.get(k).copied().ok_or_else(|| format!("f64 expression input {k} missing"));
        match arg {
            F64Arg::Pair(k) => {
                let (lo, hi) = (p(input(*k)?)?, p(input(*k + 1)?)?);
                // The previous expression's result, still in d7 when nothing
                // was placed since (this is then the first leaf, into d7).
                if !(t == 0 && self.f64_held == Some((self.asm.progress(), lo, hi))) {
                    self.asm.vmov_to_d(d, lo, hi);
                }
            }
            F64Arg::Const(bits) => {
                if !is_vfp_imm_f64(f64::from_bits(*bits)) || !self.asm.vmov_imm_f64(d, f64::from_bits(*bits)) {
                    return Err(format!("f64 constant {bits:#x} has no VMOV.F64 encoding"));
                }
            }
            F64Arg::Node(n) => self.f64_node(n, inputs, t)?,
            F64Arg::Word(_) => return Err("a 32-bit operand where an f64 is expected".into()),
        }
        Ok(())
    }

    /// An f64-valued node into scratch register `t`.
    fn f64_node(&mut self, node: &F64Node, inputs: &[Reg], t: usize) -> Result<(), String> {
        let (d, s) = scratch(t)?;
        match node.op {
            F64Op::Arith(op) => {
                let [a, b] = node.args.as_slice() else {
                    return Err("f64 arithmetic without two operands".into());
                };
                let (x, y) = self.f64_pair(a, b, inputs, t)?;
                self.asm.vfp_op3(op, d, x, y);
            }
            F64Op::Sqrt => {
                self.f64_arg(one(node)?, inputs, t)?;
                self.asm.vfp_op2(VfpOp2::Sqrt, d, d);
            }
            F64Op::Round(mode) => {
                self.f64_arg(one(node)?, inputs, t)?;
                self.asm.vrint(mode, d, d);
            }
            F64Op::FromInt(signed) => {
                let r = self.word(one(node)?, inputs)?;
                self.asm.vmov_to_s(s, r);
                self.asm.vcvt_from_int(signed, d, s);
            }
            F64Op::Promote => {
                let r = self.word(one(node)?, inputs)?;
                self.asm.vmov_to_s(s, r);
                self.asm.vcvt_f64_f32(d, s);
            }
            F64Op::Cmp(_) | F64Op::ToInt(_) | F64Op::Demote => {
                return Err(format!("{:?} has no f64 result to use as an operand", node.op));
            }
        }
        Ok(())
    }

    fn word(&self, arg: &F64Arg, inputs: &[Reg]) -> Result<synth_thumb2_enc::Reg, String> {
        match arg {
            F64Arg::Word(k) => p(inputs.get(*k).copied().ok_or_else(|| format!("f64 expression input {k} missing"))?),
            _ => Err("an f64 operand where a 32-bit one is expected".into()),
        }
    }
}

/// The single operand of a unary node.
fn one(node: &F64Node) -> Result<&F64Arg, String> {
    match node.args.as_slice() {
        [a] => Ok(a),
        _ => Err(format!("{:?} takes one operand", node.op)),
    }
}
