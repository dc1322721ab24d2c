//! AAPCS-VFP, the hard-float variant of the calling convention
//! (`-mfloat-abi=hard`): where arguments and results live when floats travel
//! in FPU registers. Only the float-ABI thunks use it ([`crate::thunk`]);
//! compiled functions always follow the base AAPCS of [`super::abi_sig`].
//!
//! Takes: an IR [`Signature`]. Returns: a [`VfpSig`]. The rules (AAPCS §6.1.2,
//! "The VFP variant", and §6.5 "Parameter passing", stages C.1.cp/C.2.cp):
//! - an `f32` takes the lowest free single register of s0..s15, an `f64` the
//!   lowest free double register of d0..d7 (an even/odd pair of S registers):
//!   a later `f32` back-fills a single register an `f64` skipped;
//! - integers take r0..r3 and the stack exactly as in the base standard,
//!   allocated independently of the VFP registers;
//! - the first float that finds no register goes on the stack and marks
//!   every VFP register used: no later float back-fills, all go on the
//!   stack (`f32` 4-byte slot, `f64` 8-aligned), sharing one stack-argument
//!   area with the integers in parameter order;
//! - results: `f32` in s0, `f64` in d0, integers as in the base standard; a
//!   homogeneous floating-point aggregate (2-4 results all `f32` or all
//!   `f64`, the multi-value struct of docs/ABI.md) in s0..s3 / d0..d3; any
//!   other multi-value struct in memory through r0, as in the base standard.

use super::{align, ArgLoc, RetLoc};
use synth_ir::{Signature, Type};

/// Where one parameter lives at a call under AAPCS-VFP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VfpArgLoc {
    /// An integer, placed as in the base standard (register, pair or stack).
    Core(ArgLoc),
    /// An `f32` in `s_n`.
    S(u8),
    /// An `f64` in `d_n`.
    D(u8),
    /// A float in the stack-argument area at this byte offset from sp at the
    /// call (`f32` 4 bytes, `f64` 8 bytes 8-aligned).
    Stack(u32),
}

/// How results come back under AAPCS-VFP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VfpRet {
    /// Integers (or nothing): exactly as the base standard ([`RetLoc::None`],
    /// [`RetLoc::R0`], [`RetLoc::R0R1`], [`RetLoc::Sret`]).
    Core(RetLoc),
    /// One `f32` in s0.
    S0,
    /// One `f64` in d0.
    D0,
    /// A homogeneous floating-point aggregate: `count` (2..=4) results of
    /// type `ty` in s0.. or d0...
    Hfa {
        /// `F32` or `F64`.
        ty: Type,
        /// Number of results.
        count: u8,
    },
}

/// A signature mapped onto AAPCS-VFP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VfpSig {
    /// True when r0 carries the address of a result struct in memory.
    pub sret: bool,
    /// One location per IR parameter.
    pub params: Vec<VfpArgLoc>,
    /// Bytes of stack arguments (8-aligned).
    pub stack_bytes: u32,
    /// Results.
    pub ret: VfpRet,
}

/// S registers AAPCS-VFP passes arguments in (s0..s15 = d0..d7).
const ARG_SREGS: u8 = 16;

/// Maps `sig` onto AAPCS-VFP.
pub fn vfp_sig(sig: &Signature) -> VfpSig {
    let ret = vfp_ret(&sig.results);
    let sret = matches!(ret, VfpRet::Core(RetLoc::Sret { .. }));
    let mut ncrn: u8 = if sret { 1 } else { 0 };
    let mut nsaa: u32 = 0;
    // Bit n set: s_n allocated. All set once a float went to the stack.
    let mut used: u32 = 0;
    let all: u32 = (1 << ARG_SREGS) - 1;
    let mut params = Vec::with_capacity(sig.params.len());
    for ty in &sig.params {
        let loc = match ty {
            Type::I32 => VfpArgLoc::Core(if ncrn < 4 {
                ncrn += 1;
                ArgLoc::Reg(ncrn - 1)
            } else {
                nsaa += 4;
                ArgLoc::Stack(nsaa - 4)
            }),
            Type::I64 => {
                let even = (ncrn + 1) & !1;
                VfpArgLoc::Core(if even + 1 < 4 {
                    ncrn = even + 2;
                    ArgLoc::RegPair(even, even + 1)
                } else {
                    ncrn = 4;
                    nsaa = align(nsaa, 8) + 8;
                    ArgLoc::Stack(nsaa - 8)
                })
            }
            Type::F32 => match (0..ARG_SREGS).find(|n| used & (1 << n) == 0) {
                Some(n) => {
                    used |= 1 << n;
                    VfpArgLoc::S(n)
                }
                None => {
                    used = all;
                    nsaa += 4;
                    VfpArgLoc::Stack(nsaa - 4)
                }
            },
            Type::F64 => match (0..ARG_SREGS / 2).find(|k| used & (3 << (2 * k)) == 0) {
                Some(k) => {
                    used |= 3 << (2 * k);
                    VfpArgLoc::D(k)
                }
                None => {
                    used = all;
                    nsaa = align(nsaa, 8) + 8;
                    VfpArgLoc::Stack(nsaa - 8)
                }
            },
        };
        params.push(loc);
    }
    VfpSig { sret, params, stack_bytes: align(nsaa, 8), ret }
}

/// The result location of `results` under AAPCS-VFP.
fn vfp_ret(results: &[Type]) -> VfpRet {
    match results {
        [Type::F32] => VfpRet::S0,
        [Type::F64] => VfpRet::D0,
        [first, rest @ ..]
            if first.is_float() && results.len() <= 4 && !rest.is_empty() && rest.iter().all(|t| t == first) =>
        {
            VfpRet::Hfa { ty: *first, count: results.len() as u8 }
        }
        _ => {
            let bits: Vec<Type> = results.iter().map(|t| t.bits_type()).collect();
            VfpRet::Core(super::abi_sig(&Signature { params: vec![], results: bits }).ret)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ArgLoc::{Reg, RegPair};
    use Type::{F32, F64, I32, I64};
    use VfpArgLoc::{Core, Stack, D, S};

    fn sig(params: &[Type], results: &[Type]) -> Signature {
        Signature { params: params.to_vec(), results: results.to_vec() }
    }

    #[test]
    fn integers_and_floats_are_allocated_independently() {
        let a = vfp_sig(&sig(&[F32, I32, F64, I64, F32, I32], &[F64]));
        assert_eq!(a.params, vec![S(0), Core(Reg(0)), D(1), Core(RegPair(2, 3)), S(1), Core(ArgLoc::Stack(0))]);
        assert_eq!(a.stack_bytes, 8);
        assert_eq!(a.ret, VfpRet::D0);
        assert!(!a.sret);
    }

    #[test]
    fn f32_back_fills_the_register_an_f64_skipped() {
        // f32 → s0, f64 → d1 (s2:s3, d0 is half taken), f32 → s1 (back-fill),
        // f32 → s4, f64 → d3 (s6:s7; s5 left free), f32 → s5.
        let a = vfp_sig(&sig(&[F32, F64, F32, F32, F64, F32], &[F32]));
        assert_eq!(a.params, vec![S(0), D(1), S(1), S(4), D(3), S(5)]);
        assert_eq!(a.ret, VfpRet::S0);
        assert_eq!(a.stack_bytes, 0);
    }

    #[test]
    fn exhausted_vfp_registers_send_floats_to_the_stack_without_back_filling() {
        // 7 doubles fill d0..d6; an f32 takes s14, the next f64 finds no pair
        // (s15 free only): it goes on the stack and marks s15 used, so the
        // last f32 goes on the stack too (no back-filling after stacking).
        let mut p = vec![F64; 7];
        p.extend([F32, F64, F32, I32]);
        let a = vfp_sig(&sig(&p, &[]));
        assert_eq!(&a.params[..7], &(0..7).map(D).collect::<Vec<_>>()[..]);
        assert_eq!(&a.params[7..], &[S(14), Stack(0), Stack(8), Core(Reg(0))]);
        assert_eq!(a.stack_bytes, 16);
        assert_eq!(a.ret, VfpRet::Core(RetLoc::None));
    }

    #[test]
    fn seventeen_singles_and_stack_order_with_integers() {
        let mut p = vec![F32; 16];
        p.extend([I32, I32, I32, I32, I32, F32, I64, F64]);
        let a = vfp_sig(&sig(&p, &[I32]));
        assert_eq!(&a.params[..16], &(0..16).map(S).collect::<Vec<_>>()[..]);
        // r0..r3, then the fifth i32 at 0, the f32 at 4, the i64 aligned to
        // 8, the f64 at 16.
        assert_eq!(
            &a.params[16..],
            &[Core(Reg(0)), Core(Reg(1)), Core(Reg(2)), Core(Reg(3)), Core(ArgLoc::Stack(0)), Stack(4), Core(ArgLoc::Stack(8)), Stack(16)]
        );
        assert_eq!(a.stack_bytes, 24);
        assert_eq!(a.ret, VfpRet::Core(RetLoc::R0));
    }

    #[test]
    fn f64_stack_slots_are_eight_byte_aligned() {
        let mut p = vec![F32; 16];
        p.extend([F32, F64]);
        let a = vfp_sig(&sig(&p, &[]));
        assert_eq!(&a.params[16..], &[Stack(0), Stack(8)]);
        assert_eq!(a.stack_bytes, 16);
    }

    #[test]
    fn i64_skips_odd_register_and_later_integers_stack() {
        let a = vfp_sig(&sig(&[I32, I32, I32, I64, F32, I32], &[I64]));
        assert_eq!(
            a.params,
            vec![Core(Reg(0)), Core(Reg(1)), Core(Reg(2)), Core(ArgLoc::Stack(0)), S(0), Core(ArgLoc::Stack(8))]
        );
        assert_eq!(a.ret, VfpRet::Core(RetLoc::R0R1));
    }

    #[test]
    fn homogeneous_float_results_come_back_in_vfp_registers() {
        assert_eq!(vfp_sig(&sig(&[], &[F32, F32])).ret, VfpRet::Hfa { ty: F32, count: 2 });
        assert_eq!(vfp_sig(&sig(&[], &[F64; 4])).ret, VfpRet::Hfa { ty: F64, count: 4 });
        let a = vfp_sig(&sig(&[F32, I32], &[F64, F64, F64]));
        assert!(!a.sret, "an HFA needs no result pointer");
        assert_eq!(a.params, vec![S(0), Core(Reg(0))]);
    }

    #[test]
    fn other_multi_value_results_go_through_memory() {
        // Five floats, mixed float widths, or floats with integers: no HFA.
        for results in [vec![F32; 5], vec![F32, F64], vec![F64, F32, F64, F32], vec![I32, F32]] {
            let a = vfp_sig(&sig(&[I32, F32], &results));
            assert!(a.sret, "{results:?}");
            assert!(matches!(a.ret, VfpRet::Core(RetLoc::Sret { .. })), "{results:?}");
            assert_eq!(a.params, vec![Core(Reg(1)), S(0)], "{results:?}");
        }
        let a = vfp_sig(&sig(&[], &[F32, F64]));
        assert_eq!(a.ret, VfpRet::Core(RetLoc::Sret { offsets: vec![0, 8], size: 16 }));
    }
}
