//! Float-ABI thunks: the object's boundary under `--float-abi hard`.
//!
//! Takes: a function signature with a float in it, the direction
//! ([`ThunkKind`]), the function to call and the FPU. Returns: a
//! [`CompiledFunction`] whose code moves the arguments from one calling
//! convention to the other, calls the target and moves the result back.
//! Compiled functions keep the base AAPCS inside the object (floats in core
//! registers, [`abi_sig`]); the thunks translate at the edges:
//!
//! - [`ThunkKind::Export`]: called by hard-float C (AAPCS-VFP,
//!   [`vfp_sig`]), calls the soft-ABI compiled function;
//! - [`ThunkKind::Import`]: called by the compiled code with the soft ABI,
//!   calls the hard-float imported function.
//!
//! Not IR: only registers move, so the code is written directly with the
//! assembler. The argument move is a parallel move in four phases that
//! never destroy a value still to be read: stores to the outgoing stack
//! area (which overlaps no source), moves into S/D registers, moves between
//! core registers (ordered so no source is overwritten before it is read;
//! a cycle is broken through r12), then core registers loaded from S/D
//! registers, the incoming stack or an address. The frame is
//! `PUSH {r4, lr}` and an 8-aligned area for outgoing stack arguments and,
//! for an export returning a homogeneous float aggregate (HFA), the result
//! struct the soft function fills (its address in r0). An import returning
//! an HFA keeps the caller's struct address in r4 and stores s0../d0.. there.
//! A thunk that has no outgoing stack arguments and no float result
//! tail-calls the target (`B.W`) with no frame at all.

use crate::abi::vfp::{vfp_sig, VfpArgLoc, VfpRet};
use crate::abi::{abi_sig, ArgLoc, RetLoc};
use crate::{BackendError, CompiledFunction, RelocTarget, Relocation};
use synth_ir::{Signature, Type};
use synth_thumb2_enc::{AluOp, Assembler, DReg, Flags, Fpu, LoadOp, Reg, SReg, StoreOp, Sym};

/// Which way a thunk translates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThunkKind {
    /// Hard-float caller → soft-ABI function (an exported function).
    Export,
    /// Soft-ABI caller → hard-float function (an imported function).
    Import,
}

/// Where one value lives on one side of a thunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    /// Core register.
    Reg(u8),
    /// Core register pair `(lo, hi)`.
    Pair(u8, u8),
    /// `s_n`.
    S(u8),
    /// `d_n`.
    D(u8),
    /// A stack-argument slot: as a source, in the thunk caller's area
    /// (offset from sp at entry); as a destination, in the outgoing area
    /// (offset from sp at the call). `true` for 8 bytes.
    Stack(u32, bool),
    /// The address `sp + offset` (the thunk's result buffer); source only.
    SpAddr(u32),
}

/// The thunk's plan: value moves, frame and result handling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThunkPlan {
    /// `(source, destination)` per value, in parameter order (plus the
    /// result pointer when one is passed on).
    pub moves: Vec<(Loc, Loc)>,
    /// Whether the thunk has a frame (else it tail-calls the target).
    pub frame: bool,
    /// Bytes subtracted from sp after `PUSH {r4, lr}` (8-aligned).
    pub frame_bytes: u32,
    /// Byte offset from sp of the HFA result buffer of an export thunk.
    pub hfa_buffer: Option<u32>,
    /// What the target returns, on the target's side.
    pub target_ret: Ret,
    /// What the thunk returns, on its caller's side.
    pub caller_ret: Ret,
}

/// A result location, on one side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ret {
    /// Nothing, integers in r0/r0:r1, or a struct in memory whose address
    /// came in r0: nothing to move.
    Core,
    /// An f32 in r0 (soft side).
    R0Float,
    /// An f64 in r0:r1 (soft side).
    R0R1Float,
    /// An f32 in s0.
    S0,
    /// An f64 in d0.
    D0,
    /// `count` results of type `ty` in s0../d0.., stored at these offsets of
    /// the soft side's struct.
    Hfa {
        /// `F32` or `F64`.
        ty: Type,
        /// Field offsets in the struct.
        offsets: Vec<u32>,
    },
}

fn soft_loc(a: ArgLoc, ty: Type) -> Loc {
    match a {
        ArgLoc::Reg(r) => Loc::Reg(r),
        ArgLoc::RegPair(l, h) => Loc::Pair(l, h),
        ArgLoc::Stack(o) => Loc::Stack(o, ty.bytes() == 8),
    }
}

fn hard_loc(a: VfpArgLoc, ty: Type) -> Loc {
    match a {
        VfpArgLoc::Core(c) => soft_loc(c, ty),
        VfpArgLoc::S(n) => Loc::S(n),
        VfpArgLoc::D(n) => Loc::D(n),
        VfpArgLoc::Stack(o) => Loc::Stack(o, ty.bytes() == 8),
    }
}

fn align8(x: u32) -> u32 {
    x.div_ceil(8) * 8
}

/// Plans the thunk of `sig` in direction `kind`.
pub fn plan(sig: &Signature, kind: ThunkKind) -> ThunkPlan {
    // The compiled function's signature after soft-float legalisation.
    let bits = |t: &[Type]| t.iter().map(|t| t.bits_type()).collect();
    let soft = abi_sig(&Signature { params: bits(&sig.params), results: bits(&sig.results) });
    let hard = vfp_sig(sig);
    let soft_ret = |r: &RetLoc, results: &[Type]| match (r, results) {
        (RetLoc::R0, [Type::F32]) => Ret::R0Float,
        (RetLoc::R0R1, [Type::F64]) => Ret::R0R1Float,
        _ => Ret::Core,
    };
    let sret_offsets = match &soft.ret {
        RetLoc::Sret { offsets, .. } => offsets.clone(),
        _ => vec![],
    };
    let hard_ret = match &hard.ret {
        VfpRet::Core(_) => Ret::Core,
        VfpRet::S0 => Ret::S0,
        VfpRet::D0 => Ret::D0,
        VfpRet::Hfa { ty, .. } => Ret::Hfa { ty: *ty, offsets: sret_offsets },
    };
    let soft_side_ret = soft_ret(&soft.ret, &sig.results);
    let is_hfa = matches!(hard.ret, VfpRet::Hfa { .. });
    let mut moves = Vec::with_capacity(sig.params.len() + 1);
    for (i, ty) in sig.params.iter().enumerate() {
        let (s, h) = (soft_loc(soft.params[i], *ty), hard_loc(hard.params[i], *ty));
        moves.push(match kind {
            ThunkKind::Export => (h, s),
            ThunkKind::Import => (s, h),
        });
    }
    let (out_stack, target_ret, caller_ret) = match kind {
        ThunkKind::Export => (soft.stack_bytes, soft_side_ret, hard_ret),
        ThunkKind::Import => (hard.stack_bytes, hard_ret, soft_side_ret),
    };
    let mut hfa_buffer = None;
    let mut area = out_stack;
    if is_hfa {
        match kind {
            ThunkKind::Export => {
                // The soft function writes the struct into a buffer here.
                let size = match &soft.ret {
                    RetLoc::Sret { size, .. } => *size,
                    _ => 0,
                };
                hfa_buffer = Some(out_stack);
                area += size;
                moves.push((Loc::SpAddr(out_stack), Loc::Reg(0)));
            }
            // Keep the caller's struct address across the call.
            ThunkKind::Import => moves.push((Loc::Reg(0), Loc::Reg(4))),
        }
    }
    let frame = out_stack > 0 || target_ret != Ret::Core || caller_ret != Ret::Core;
    ThunkPlan { moves, frame, frame_bytes: align8(area), hfa_buffer, target_ret, caller_ret }
}

/// Orders core-register word moves `(src, dst)` (destinations distinct) so
/// that no register is overwritten before every move reading it has run; a
/// cycle is broken by copying one register to `scratch` first. Returns the
/// `(src, dst)` moves to emit in order.
pub fn order_core_moves(moves: &[(u8, u8)], scratch: u8) -> Vec<(u8, u8)> {
    let mut pending: Vec<(u8, u8)> = moves.iter().copied().filter(|(s, d)| s != d).collect();
    let mut out = Vec::with_capacity(pending.len() + 1);
    while !pending.is_empty() {
        let ready = pending.iter().position(|&(_, d)| !pending.iter().any(|&(s, _)| s == d));
        match ready {
            Some(k) => out.push(pending.remove(k)),
            None => {
                // Every destination is still read: a cycle. Save the first
                // move's destination and read it from the scratch instead.
                let d = pending[0].1;
                out.push((d, scratch));
                for m in pending.iter_mut() {
                    if m.0 == d {
                        m.0 = scratch;
                    }
                }
            }
        }
    }
    out
}

/// Largest sp offset a `VLDR`/`VSTR` reaches.
const VFP_MAX_OFF: u32 = 1020;
/// Largest sp offset an `LDR`/`STR` reaches.
const CORE_MAX_OFF: u32 = 4095;
/// Scratch register (intra-procedure-call register, never an argument).
const IP: Reg = Reg::IP;
const SP: Reg = Reg::SP;

struct Gen {
    a: Assembler,
    /// sp offset of the caller's stack-argument area.
    incoming: u32,
    err: Option<String>,
}

impl Gen {
    fn fail(&mut self, what: String) {
        self.err.get_or_insert(what);
    }

    fn core_off(&mut self, off: u32) -> i32 {
        if off + 4 > CORE_MAX_OFF {
            self.fail(format!("a stack argument at offset {off} (beyond {CORE_MAX_OFF} bytes)"));
        }
        off as i32
    }

    fn ldr(&mut self, rt: Reg, off: u32) {
        let o = self.core_off(off);
        self.a.load(LoadOp::Ldr, rt, SP, o);
    }

    fn str(&mut self, rt: Reg, off: u32) {
        let o = self.core_off(off);
        self.a.store(StoreOp::Str, rt, SP, o);
    }

    /// `s_n` = the word at `[sp + off]`.
    fn s_from_stack(&mut self, n: u8, off: u32) {
        if off <= VFP_MAX_OFF {
            self.a.vldr(SReg(n), SP, off as i32);
        } else {
            self.ldr(IP, off);
            self.a.vmov_to_s(SReg(n), IP);
        }
    }

    /// The word at `[sp + off]` = `s_n`.
    fn s_to_stack(&mut self, n: u8, off: u32) {
        if off <= VFP_MAX_OFF {
            self.a.vstr(SReg(n), SP, off as i32);
        } else {
            self.a.vmov_from_s(IP, SReg(n));
            self.str(IP, off);
        }
    }

    /// Phase 1: a value into the outgoing stack area at `off`.
    fn move_to_stack(&mut self, src: Loc, off: u32, wide: bool) {
        match src {
            Loc::Reg(r) => self.str(Reg(r), off),
            Loc::Pair(l, h) => {
                self.str(Reg(l), off);
                self.str(Reg(h), off + 4);
            }
            Loc::S(n) => self.s_to_stack(n, off),
            Loc::D(k) if off <= VFP_MAX_OFF => self.a.vstr(DReg(k), SP, off as i32),
            Loc::D(k) => {
                self.s_to_stack(2 * k, off);
                self.s_to_stack(2 * k + 1, off + 4);
            }
            Loc::Stack(i, _) => {
                for w in 0..if wide { 2 } else { 1 } {
                    self.ldr(IP, self.incoming + i + 4 * w);
                    self.str(IP, off + 4 * w);
                }
            }
            Loc::SpAddr(_) => self.fail("an address as a stack argument".into()),
        }
    }

    /// Phase 2: a value into `s_n` / `d_k`.
    fn move_to_vfp(&mut self, src: Loc, dst: Loc) {
        match (src, dst) {
            (Loc::Reg(r), Loc::S(n)) => self.a.vmov_to_s(SReg(n), Reg(r)),
            (Loc::Pair(l, h), Loc::D(k)) => self.a.vmov_to_d(DReg(k), Reg(l), Reg(h)),
            (Loc::Stack(i, false), Loc::S(n)) => self.s_from_stack(n, self.incoming + i),
            (Loc::Stack(i, true), Loc::D(k)) => {
                let off = self.incoming + i;
                if off <= VFP_MAX_OFF {
                    self.a.vldr(DReg(k), SP, off as i32);
                } else {
                    self.s_from_stack(2 * k, off);
                    self.s_from_stack(2 * k + 1, off + 4);
                }
            }
            _ => self.fail(format!("no thunk move from {src:?} to {dst:?}")),
        }
    }

    /// Phase 4: a core register (pair) from a VFP register, the incoming
    /// stack or an address.
    fn move_to_core(&mut self, src: Loc, dst: Loc) {
        match (src, dst) {
            (Loc::S(n), Loc::Reg(r)) => self.a.vmov_from_s(Reg(r), SReg(n)),
            (Loc::D(k), Loc::Pair(l, h)) => self.a.vmov_from_d(Reg(l), Reg(h), DReg(k)),
            (Loc::Stack(i, false), Loc::Reg(r)) => self.ldr(Reg(r), self.incoming + i),
            (Loc::Stack(i, true), Loc::Pair(l, h)) => {
                self.ldr(Reg(l), self.incoming + i);
                self.ldr(Reg(h), self.incoming + i + 4);
            }
            (Loc::SpAddr(o), Loc::Reg(r)) => {
                if !self.a.alu_imm(AluOp::Add, Reg(r), SP, o, Flags::Any) {
                    self.fail(format!("ADD r{r}, sp, #{o} has no encoding"));
                }
            }
            _ => self.fail(format!("no thunk move from {src:?} to {dst:?}")),
        }
    }
}

fn is_core(l: Loc) -> bool {
    matches!(l, Loc::Reg(_) | Loc::Pair(..))
}

fn words(l: Loc) -> Vec<u8> {
    match l {
        Loc::Reg(r) => vec![r],
        Loc::Pair(a, b) => vec![a, b],
        _ => vec![],
    }
}

/// Generates the thunk of `sig` in direction `kind`, calling `target`, for
/// `fpu`. `name` names the function in errors (an argument list whose stack
/// area passes the reach of an sp-relative `LDR`/`STR`, 4 KiB).
pub fn float_abi_thunk(
    name: &str,
    sig: &Signature,
    kind: ThunkKind,
    target: RelocTarget,
    fpu: Fpu,
) -> Result<CompiledFunction, BackendError> {
    let p = plan(sig, kind);
    let mut a = Assembler::new();
    a.set_fpu(fpu);
    const PUSHED: u16 = (1 << 4) | (1 << 14);
    let push_bytes = if p.frame { 8 } else { 0 };
    // Call-frame information, as emission records it for functions.
    let mut cfi: Vec<(synth_thumb2_enc::Mark, crate::CfiOp)> = Vec::new();
    if p.frame {
        a.push(PUSHED);
        cfi.push((a.mark(), crate::CfiOp::Push(PUSHED)));
        if p.frame_bytes > 0 && !a.alu_imm(AluOp::Sub, SP, SP, p.frame_bytes, Flags::Any) {
            return Err(BackendError::new(crate::ISA, name, format!("float-ABI thunk: a frame of {} bytes (limit {CORE_MAX_OFF})", p.frame_bytes)));
        }
        if p.frame_bytes > 0 {
            cfi.push((a.mark(), crate::CfiOp::Alloc(p.frame_bytes)));
        }
    }
    let mut g = Gen { a, incoming: p.frame_bytes + push_bytes, err: None };
    // 1: outgoing stack slots (no source lives there).
    for &(src, dst) in &p.moves {
        if let Loc::Stack(off, wide) = dst {
            g.move_to_stack(src, off, wide);
        }
    }
    // 2: S/D registers (the core registers still hold every source).
    for &(src, dst) in &p.moves {
        if matches!(dst, Loc::S(_) | Loc::D(_)) {
            g.move_to_vfp(src, dst);
        }
    }
    // 3: core to core, as a parallel move.
    let core: Vec<(u8, u8)> = p
        .moves
        .iter()
        .filter(|(s, d)| is_core(*s) && is_core(*d))
        .flat_map(|(s, d)| words(*s).into_iter().zip(words(*d)))
        .collect();
    for (s, d) in order_core_moves(&core, IP.0) {
        g.a.mov(Reg(d), Reg(s));
    }
    // 4: core registers from everything else (their sources survive phase 3).
    for &(src, dst) in &p.moves {
        if is_core(dst) && !is_core(src) {
            g.move_to_core(src, dst);
        }
    }
    let callee = Sym(0);
    if !p.frame {
        g.a.b_sym(callee);
    } else {
        g.a.bl(callee);
        // Results: from the target's convention to the caller's.
        match (&p.target_ret, &p.caller_ret) {
            (Ret::R0Float, Ret::S0) => g.a.vmov_to_s(SReg(0), Reg::R0),
            (Ret::R0R1Float, Ret::D0) => g.a.vmov_to_d(DReg(0), Reg::R0, Reg::R1),
            (Ret::S0, Ret::R0Float) => g.a.vmov_from_s(Reg::R0, SReg(0)),
            (Ret::D0, Ret::R0R1Float) => g.a.vmov_from_d(Reg::R0, Reg::R1, DReg(0)),
            (Ret::Core, Ret::Hfa { ty, offsets }) => {
                let mut base = p.hfa_buffer.unwrap_or(0);
                let mut from = SP;
                if base + offsets.last().copied().unwrap_or(0) > VFP_MAX_OFF {
                    // Beyond VLDR's reach from sp: address the buffer in r12.
                    if !g.a.alu_imm(AluOp::Add, IP, SP, base, Flags::Any) {
                        g.fail(format!("ADD r12, sp, #{base} has no encoding"));
                    }
                    (base, from) = (0, IP);
                }
                for (i, off) in offsets.iter().enumerate() {
                    let o = (base + off) as i32;
                    if *ty == Type::F64 {
                        g.a.vldr(DReg(i as u8), from, o);
                    } else {
                        g.a.vldr(SReg(i as u8), from, o);
                    }
                }
            }
            (Ret::Hfa { ty, offsets }, Ret::Core) => {
                for (i, off) in offsets.iter().enumerate() {
                    if *ty == Type::F64 {
                        g.a.vstr(DReg(i as u8), Reg(4), *off as i32);
                    } else {
                        g.a.vstr(SReg(i as u8), Reg(4), *off as i32);
                    }
                }
            }
            (Ret::Core, Ret::Core) => {}
            (t, c) => g.fail(format!("no thunk result move from {t:?} to {c:?}")),
        }
        if p.frame_bytes > 0 {
            g.a.alu_imm(AluOp::Add, SP, SP, p.frame_bytes, Flags::Any);
            cfi.push((g.a.mark(), crate::CfiOp::Free(p.frame_bytes)));
        }
        g.a.pop((1 << 4) | (1 << 15));
        cfi.push((g.a.mark(), crate::CfiOp::Pop((1 << 4) | (1 << 15))));
    }
    if let Some(what) = g.err {
        return Err(BackendError::new(crate::ISA, name, format!("float-ABI thunk: {what}")));
    }
    let code = g.a.finish().map_err(|e| BackendError::new(crate::ISA, name, format!("float-ABI thunk: {}", e.0)))?;
    let relocs = code
        .relocs
        .iter()
        .map(|r| Relocation { offset: r.offset, kind: r.kind, target, addend: r.addend })
        .collect();
    let inst_count = crate::emit::count_insts(&code.bytes, &code.data_ranges);
    let saved = if p.frame { synth_regalloc::PRegSet::from_regs(&[synth_regalloc::PReg(4), synth_regalloc::PReg(14)]) } else { synth_regalloc::PRegSet::EMPTY };
    Ok(CompiledFunction {
        code: code.bytes,
        relocs,
        data_ranges: code.data_ranges,
        inst_count,
        frame_bytes: p.frame_bytes,
        // push {r4, lr} and the frame (a thunk that only branches has neither).
        stack_bytes: if p.frame { 8 + p.frame_bytes } else { 0 },
        cfi: crate::emit::cfi::resolve(&cfi, &code.marks)
            .map_err(|e| BackendError::new(crate::ISA, name, format!("float-ABI thunk: {e}")))?,
        push_mask: if p.frame { PUSHED } else { 0 },
        vpush_count: 0,
        lines: Vec::new(),
        alloc: synth_regalloc::AllocStats::unallocated(saved),
    })
}

#[cfg(test)]
mod tests;
