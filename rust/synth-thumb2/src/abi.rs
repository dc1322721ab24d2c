//! AAPCS calling convention (docs/ABI.md): where arguments and results live.
//!
//! Takes: an IR [`Signature`]. Returns: an [`AbiSig`] naming, per parameter,
//! the core registers or the stack slot holding each 32-bit half, and how
//! results come back (r0, r0:r1, or an sret struct in memory whose address is
//! passed in r0). Also the register sets the allocator needs. The hard-float
//! variant (AAPCS-VFP), used only at the object's boundary, is [`vfp`].

use synth_ir::{Signature, Type};
use synth_regalloc::{PReg, PRegSet};

pub mod vfp;

/// Where one parameter lives at a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgLoc {
    /// An i32 in core register `rN`.
    Reg(u8),
    /// An i64 in the even/odd pair `(lo, hi)`.
    RegPair(u8, u8),
    /// In the stack-argument area at this byte offset from sp at the call
    /// (i64: 8-aligned, low word first).
    Stack(u32),
}

/// How results come back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetLoc {
    /// No results.
    None,
    /// One i32 in r0.
    R0,
    /// One i64 in r0:r1.
    R0R1,
    /// Two or more results in a caller-provided struct.
    Sret {
        /// Byte offset of each result in the struct.
        offsets: Vec<u32>,
        /// Struct size (rounded up to its alignment).
        size: u32,
    },
}

/// A signature mapped onto AAPCS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AbiSig {
    /// True when r0 carries the sret pointer (parameters shift along).
    pub sret: bool,
    /// One location per IR parameter.
    pub params: Vec<ArgLoc>,
    /// Bytes of stack arguments (8-aligned).
    pub stack_bytes: u32,
    /// Results.
    pub ret: RetLoc,
}

fn align(x: u32, a: u32) -> u32 {
    x.div_ceil(a) * a
}

/// Maps `sig` onto AAPCS.
pub fn abi_sig(sig: &Signature) -> AbiSig {
    let ret = match sig.results.as_slice() {
        [] => RetLoc::None,
        [Type::I32] => RetLoc::R0,
        [Type::I64] => RetLoc::R0R1,
        many => {
            let mut off = 0;
            let mut max_align = 4;
            let mut offsets = Vec::with_capacity(many.len());
            for ty in many {
                let a = ty.bytes();
                max_align = max_align.max(a);
                off = align(off, a);
                offsets.push(off);
                off += a;
            }
            RetLoc::Sret { offsets, size: align(off, max_align) }
        }
    };
    let sret = matches!(ret, RetLoc::Sret { .. });
    let mut ncrn: u8 = if sret { 1 } else { 0 };
    let mut nsaa: u32 = 0;
    let mut params = Vec::with_capacity(sig.params.len());
    for ty in &sig.params {
        let loc = match ty.bits_type() {
            Type::I32 | Type::F32 => {
                if ncrn < 4 {
                    ncrn += 1;
                    ArgLoc::Reg(ncrn - 1)
                } else {
                    nsaa += 4;
                    ArgLoc::Stack(nsaa - 4)
                }
            }
            Type::I64 | Type::F64 => {
                let even = (ncrn + 1) & !1;
                if even + 1 < 4 {
                    ncrn = even + 2;
                    ArgLoc::RegPair(even, even + 1)
                } else {
                    ncrn = 4;
                    nsaa = align(nsaa, 8);
                    nsaa += 8;
                    ArgLoc::Stack(nsaa - 8)
                }
            }
        };
        params.push(loc);
    }
    AbiSig { sret, params, stack_bytes: align(nsaa, 8), ret }
}

/// Registers the allocator may assign: r0-r12 and lr.
pub fn allocatable() -> PRegSet {
    PRegSet((0..=12u32).fold(0, |m, r| m | 1 << r) | 1 << 14)
}

/// Allocatable registers a callee preserves (r4-r11) plus lr, which the
/// prologue saves when it is used.
pub fn callee_saved() -> PRegSet {
    PRegSet((4..=11u32).fold(0, |m, r| m | 1 << r) | 1 << 14)
}

/// Floating-point registers the allocator may assign: s0-s31 (AAPCS-VFP:
/// s0-s15 caller-saved, s16-s31 callee-saved, see [`vfp_callee_saved`]).
pub fn vfp_allocatable() -> PRegSet {
    PRegSet(0xffff_ffff << 32)
}

/// Floating-point registers a callee preserves (AAPCS-VFP: s16-s31, i.e.
/// d8-d15). The frame saves the used ones with one `VPUSH {d8-dN}`
/// ([`crate::frame::FrameLayout::vpush_count`]).
pub fn vfp_callee_saved() -> PRegSet {
    PRegSet(0xffff << 48)
}

/// Registers a call overwrites: r0-r3, r12, lr.
pub fn caller_saved() -> PRegSet {
    PRegSet::from_regs(&[PReg(0), PReg(1), PReg(2), PReg(3), PReg(12), PReg(14)])
}

/// The S registers of the first `n` scratch D registers of a
/// double-precision expression
/// ([`MachInst::F64`](crate::inst::MachInst::F64): d7, d6, d5, d4, i.e.
/// s14-s15, s12-s13, ...; caller-saved, so the frame never saves them).
pub fn f64_scratch(n: usize) -> PRegSet {
    let mut s = 0u64;
    for d in crate::inst::F64_SCRATCH.iter().take(n) {
        s |= 3 << (32 + 2 * u64::from(*d));
    }
    PRegSet(s)
}

/// Floating-point registers a call overwrites (AAPCS-VFP: s0-s15).
pub fn vfp_caller_saved() -> PRegSet {
    PRegSet(0xffff << 32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Type::{I32, I64};

    fn sig(params: &[Type], results: &[Type]) -> Signature {
        Signature { params: params.to_vec(), results: results.to_vec() }
    }

    #[test]
    fn i32_args_fill_r0_to_r3_then_stack() {
        let a = abi_sig(&sig(&[I32; 6], &[I32]));
        assert_eq!(
            a.params,
            vec![
                ArgLoc::Reg(0),
                ArgLoc::Reg(1),
                ArgLoc::Reg(2),
                ArgLoc::Reg(3),
                ArgLoc::Stack(0),
                ArgLoc::Stack(4)
            ]
        );
        assert_eq!(a.stack_bytes, 8);
        assert_eq!(a.ret, RetLoc::R0);
        assert!(!a.sret);
    }

    #[test]
    fn i64_takes_even_pair_skipping_odd_register() {
        let a = abi_sig(&sig(&[I32, I64], &[I64]));
        assert_eq!(a.params, vec![ArgLoc::Reg(0), ArgLoc::RegPair(2, 3)]);
        assert_eq!(a.ret, RetLoc::R0R1);
        assert_eq!(a.stack_bytes, 0);
    }

    #[test]
    fn i64_that_no_longer_fits_goes_to_aligned_stack_and_so_do_later_args() {
        let a = abi_sig(&sig(&[I32, I32, I32, I64, I32, I64], &[]));
        assert_eq!(
            a.params,
            vec![
                ArgLoc::Reg(0),
                ArgLoc::Reg(1),
                ArgLoc::Reg(2),
                ArgLoc::Stack(0),
                ArgLoc::Stack(8),
                ArgLoc::Stack(16)
            ]
        );
        assert_eq!(a.stack_bytes, 24);
        assert_eq!(a.ret, RetLoc::None);
    }

    #[test]
    fn multi_value_uses_sret_in_r0() {
        let a = abi_sig(&sig(&[I64, I32], &[I32, I64, I32]));
        assert!(a.sret);
        assert_eq!(a.params, vec![ArgLoc::RegPair(2, 3), ArgLoc::Stack(0)]);
        assert_eq!(a.ret, RetLoc::Sret { offsets: vec![0, 8, 16], size: 24 });
        let b = abi_sig(&sig(&[], &[I32, I32, I32]));
        assert_eq!(b.ret, RetLoc::Sret { offsets: vec![0, 4, 8], size: 12 });
    }

    #[test]
    fn register_sets() {
        assert!(allocatable().contains(PReg(12)) && allocatable().contains(PReg(14)));
        assert!(!allocatable().contains(PReg(13)) && !allocatable().contains(PReg(15)));
        assert_eq!(callee_saved().len(), 9);
        assert!(!callee_saved().contains(PReg(12)));
        // The float class: s16-s31 callee-saved, s0-s15 clobbered by calls,
        // together all 32 S registers.
        assert_eq!(vfp_allocatable().len(), 32);
        assert_eq!(vfp_callee_saved().union(vfp_caller_saved()), vfp_allocatable());
        assert!(vfp_callee_saved().contains(PReg::float(16)) && !vfp_callee_saved().contains(PReg::float(15)));
    }
}
