//! FPv5 rounding of f32 values: wasm's `f32.trunc/floor/ceil/nearest` as
//! `VRINTZ/M/P/N.F32` (`--fpu fpv5-sp-d16` and `fpv5-d16`; FPv4 has no
//! VRINT and keeps the runtime helpers; the f64 forms are in `vfp64.rs`).
//!
//! Takes: a call to the runtime helper `f32_trunc/floor/ceil/nearest`.
//! Returns: `VRINT` on S registers instead (operand and result handled as
//! the other single-precision operations of `vfp.rs`: the result stays in
//! its S register for the VFP operations that use it), or `false`.
//!
//! Exact: IEEE 754 roundToIntegral in the given direction (`nearest`: ties
//! to even), ±0 and ±inf unchanged, the sign of a zero result kept
//! (`ceil(-0.5) = -0`), a NaN quieted with its payload (canonical in,
//! canonical out; arithmetic in, arithmetic out), which is what wasm asks.

use super::Lower;
use crate::inst::MachInst;
use crate::BackendError;
use synth_ir::{Callee, RuntimeFunc, Value};
use synth_thumb2_enc::{Fpu, Round};

/// The rounding direction of a call to `callee` that FPv5 computes with
/// `VRINT*.F32`.
pub(crate) fn vrint_lowering(callee: &Callee, fpu: Fpu) -> Option<Round> {
    if !fpu.is_v5() {
        return None;
    }
    match callee {
        Callee::Runtime(RuntimeFunc::F32Trunc) => Some(Round::Zero),
        Callee::Runtime(RuntimeFunc::F32Floor) => Some(Round::Minus),
        Callee::Runtime(RuntimeFunc::F32Ceil) => Some(Round::Plus),
        Callee::Runtime(RuntimeFunc::F32Nearest) => Some(Round::NearestEven),
        _ => None,
    }
}

impl Lower<'_> {
    /// Lowers the call as `VRINT*.F32` when [`vrint_lowering`] says it can;
    /// returns whether it did.
    pub(super) fn vrint_call(&mut self, callee: &Callee, args: &[Value], results: &[Value]) -> Result<bool, BackendError> {
        let Some(mode) = vrint_lowering(callee, self.fpu) else {
            return Ok(false);
        };
        if args.len() != 1 || results.len() != 1 {
            return Err(self.err("a float run-time call whose arguments or results do not match its signature"));
        }
        let rd = self.r(results[0]);
        let sm = self.to_s(args[0]);
        let sd = self.new_fvreg();
        self.push(MachInst::VRint { mode, sd, sm });
        self.push(MachInst::VMovFromS { rt: rd, sn: sd });
        self.s_of.insert(results[0], (sd, None));
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::vrint_lowering;
    use crate::inst::MachInst;
    use synth_ir::{Block, Callee, FunctionBuilder, InstKind, RuntimeFunc, Signature, Terminator, Type};
    use synth_thumb2_enc::{Fpu, Round};

    #[test]
    fn fpv5_rounds_f32_with_vrint_and_fpv4_calls_the_helper() {
        let floor = Callee::Runtime(RuntimeFunc::F32Floor);
        for fpu in [Fpu::Fpv5SpD16, Fpu::Fpv5D16] {
            assert_eq!(vrint_lowering(&floor, fpu), Some(Round::Minus));
        }
        for fpu in [Fpu::None, Fpu::Fpv4SpD16] {
            assert_eq!(vrint_lowering(&floor, fpu), None);
        }
        let n = Fpu::Fpv5SpD16;
        assert_eq!(vrint_lowering(&Callee::Runtime(RuntimeFunc::F32Nearest), n), Some(Round::NearestEven));
        assert_eq!(vrint_lowering(&Callee::Runtime(RuntimeFunc::F32Ceil), n), Some(Round::Plus));
        assert_eq!(vrint_lowering(&Callee::Runtime(RuntimeFunc::F32Trunc), n), Some(Round::Zero));
        assert_eq!(vrint_lowering(&Callee::Runtime(RuntimeFunc::F32Min), n), None);

        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("f", sig.clone());
        let p = b.block_params(Block(0)).to_vec();
        let r = b.inst(InstKind::Call { callee: Callee::Runtime(RuntimeFunc::F32Ceil), sig, args: p }, &[Type::I32]);
        b.terminate(Terminator::Return(vec![r[0]]));
        let f = b.finish();
        let vc = crate::isel::lower_for(&f, None, n).expect("lowers");
        assert!(vc.insts.iter().any(|i| matches!(i, MachInst::VRint { mode: Round::Plus, .. })));
        assert!(!vc.insts.iter().any(|i| matches!(i, MachInst::Call { .. } | MachInst::TailCall { .. })));
        let v4 = crate::isel::lower_for(&f, None, Fpu::Fpv4SpD16).expect("lowers");
        assert!(v4.insts.iter().any(|i| matches!(i, MachInst::Call { .. } | MachInst::TailCall { .. })));
    }
}
