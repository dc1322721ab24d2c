//! ARMv6-M machine instructions on virtual registers.
//!
//! Takes: nothing (data types built by [`crate::lower`]). Each
//! [`Inst`] names its register operands through [`Inst::visit`], in one
//! fixed order, so that the allocator's view ([`crate::vcode`]) and the
//! emitter ([`crate::emit`]) agree on operand positions. Some variants are
//! pseudo-instructions the emitter expands into a short fixed sequence
//! (their outputs and scratch registers are early definitions).

use synth_ir::{SymbolRef, TrapCode};
use synth_regalloc::{OperandKind, Reg};

use crate::enc::{Cond, Ext, Mem};

/// A literal-pool word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lit {
    /// A constant.
    Const(u32),
    /// A symbol's address plus an addend (`R_ARM_ABS32`).
    Sym(SymbolRef, i32),
}

/// Two-operand ALU operations (`rd = rn op rm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AluOp {
    /// `ADDS` (three-register form).
    Add,
    /// `SUBS` (three-register form).
    Sub,
    /// `ANDS`.
    And,
    /// `ORRS`.
    Orr,
    /// `EORS`.
    Eor,
    /// `MULS`.
    Mul,
    /// `LSLS` by register (count below 32: the lowering masks it).
    Lsl,
    /// `LSRS` by register.
    Lsr,
    /// `ASRS` by register.
    Asr,
    /// `RORS` by register.
    Ror,
}

impl AluOp {
    /// `rn op rm == rm op rn`.
    pub fn commutative(self) -> bool {
        matches!(self, AluOp::Add | AluOp::And | AluOp::Orr | AluOp::Eor | AluOp::Mul)
    }
}

/// A second operand: a register or an 8-bit immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Opnd {
    /// A register.
    Reg(Reg),
    /// An immediate 0..=255.
    Imm(u8),
}

/// Bit-counting operations without hardware support (loops).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CountOp {
    /// Leading zeros.
    Clz,
    /// Trailing zeros.
    Ctz,
    /// Set bits.
    Popcnt,
}

/// What a call calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallTarget {
    /// A symbol (`BL`, `R_ARM_THM_CALL`).
    Sym(SymbolRef),
    /// A code address in a register (`BLX`).
    Reg(Reg),
}

/// One machine instruction (operand fields are named as in the ARM
/// ARM: `rd` destination, `rn`/`rm` sources, `rt` transferred register).
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inst {
    /// `MOVS rd, #imm`.
    MovImm { rd: Reg, imm: u8 },
    /// `LDR rd, =lit` from the literal pool.
    LoadLit { rd: Reg, lit: Lit },
    /// `MOV rd, rm` (a copy; flags unchanged).
    Mov { rd: Reg, rm: Reg },
    /// `rd = rn op rm`.
    Alu { op: AluOp, rd: Reg, rn: Reg, rm: Reg },
    /// `rd = rn + imm`.
    AddImm { rd: Reg, rn: Reg, imm: u8 },
    /// `rd = rn - imm`.
    SubImm { rd: Reg, rn: Reg, imm: u8 },
    /// `rd = rm <shift> #imm` (imm 1..=31).
    ShiftImm { op: crate::enc::Shift, rd: Reg, rm: Reg, imm: u8 },
    /// `rd = -rm`.
    Neg { rd: Reg, rm: Reg },
    /// `rd = ext(rm)`.
    Ext { op: Ext, rd: Reg, rm: Reg },
    /// `rd = count(rm)`, a loop; `rd` and `tmp` early.
    Count { op: CountOp, rd: Reg, rm: Reg, tmp: Reg },
    /// 64-bit add (`sub == false`) or subtract on register pairs:
    /// `adds/subs dlo, alo, blo; mov dhi, ahi; adcs/sbcs dhi, bhi`; the
    /// results early.
    AddSub64 { sub: bool, dlo: Reg, dhi: Reg, alo: Reg, ahi: Reg, blo: Reg, bhi: Reg },
    /// `rd = (a cc b) ? 1 : 0` on 64-bit pairs (signed conditions only
    /// `Lt`/`Ge`: the lowering swaps the operands of the others); `rd`,
    /// `tmp` early.
    CmpSet64 { cc: Cond, rd: Reg, alo: Reg, ahi: Reg, blo: Reg, bhi: Reg, tmp: Reg },
    /// The 64-bit product of two words: `(dlo, dhi) = a * b` unsigned, by
    /// four 16-bit partial products; outputs and temporaries early.
    Umull { dlo: Reg, dhi: Reg, a: Reg, b: Reg, t1: Reg, t2: Reg, t3: Reg },
    /// A 64-bit shift by a register count `n` (0..=63: the lowering masks
    /// it) for `op` `Lsl`, `Lsr`, `Asr`; outputs and temporaries early.
    Shift64 { op: crate::enc::Shift, dlo: Reg, dhi: Reg, lo: Reg, hi: Reg, n: Reg, t1: Reg, t2: Reg },
    /// `rd = (lo | hi) == 0`; `rd`, `tmp` early.
    Eqz64 { rd: Reg, lo: Reg, hi: Reg, tmp: Reg },
    /// Division or remainder by a shift-and-subtract loop (32 steps):
    /// `rd = n / d` or `n % d`, signed (truncating; remainder with the
    /// dividend's sign) or unsigned. `d != 0` and no signed overflow (the
    /// IR's trap checks come first). `rd` and `tmps` (3 unsigned, 4
    /// signed) early.
    DivRem { signed: bool, rem: bool, rd: Reg, n: Reg, d: Reg, tmps: Vec<Reg> },
    /// `rd = (rn cc rm) ? 1 : 0`; `rd` early.
    CmpSet { cc: Cond, rd: Reg, rn: Reg, rm: Opnd },
    /// `rd = cond != 0 ? t : f`; `rd` early.
    Select { rd: Reg, cond: Reg, t: Reg, f: Reg },
    /// `op rt, [rn, #off]` or `op rt, [rn, roff]`.
    Load { op: Mem, rt: Reg, rn: Reg, off: MemOff },
    /// `op rt, [rn, #off]` or `op rt, [rn, roff]` (rt read).
    Store { op: Mem, rt: Reg, rn: Reg, off: MemOff },
    /// A little-endian load of `bytes` (2 or 4) at any alignment: `rd =
    /// [rn + off]` (off + bytes <= 32); `rd`, `tmp` early. With `test` and
    /// `off` a multiple of `bytes`, a run-time test of `rn`'s alignment
    /// picks one `LDR`/`LDRH`, else byte by byte.
    LoadBytes { bytes: u8, signed: bool, rd: Reg, rn: Reg, off: u8, tmp: Reg, test: bool },
    /// The store of the low `bytes` (2 or 4) of `rt` at any alignment
    /// (with `test`: one `STR`/`STRH` when a run-time test finds `rn`
    /// aligned and `off` is a multiple of `bytes`; else byte by byte);
    /// `tmp` early.
    StoreBytes { bytes: u8, rt: Reg, rn: Reg, off: u8, tmp: Reg, test: bool },
    /// Traps with `code` unless `addr + end <= size` (unbounded): `adds
    /// tmp, addr, end; bcs trap; cmp tmp, size; bhi trap`; `tmp` early.
    BoundsCheck { addr: Reg, end: Reg, size: Reg, tmp: Reg },
    /// Traps with `code` when `cond != 0`.
    TrapIfNz { cond: Reg, code: TrapCode },
    /// Traps with `code` when `rn cc rm`.
    TrapIfCmp { cc: Cond, rn: Reg, rm: Opnd, code: TrapCode },
    /// Traps with `code` unconditionally (the code after it is dead).
    TrapAlways { code: TrapCode },
    /// Traps with stack overflow when sp is below the word `limit` points
    /// at: `ldr tmp, [limit]; mov tmp2, sp; cmp tmp2, tmp; blo trap`;
    /// `tmp`, `tmp2` early.
    StackCheck { limit: Reg, tmp: Reg, tmp2: Reg },
    /// `ADD rd, sp, #local + off`: the address of byte `off` of the local
    /// area (sret buffers).
    LocalAddr { rd: Reg, off: u32 },
    /// `LDR rd, [sp, #local + off]`: a word of the local area.
    LoadLocal { rd: Reg, off: u32 },
    /// `STR rt, [sp, #off]`: an outgoing stack argument.
    StoreArg { rt: Reg, off: u32 },
    /// `LDR rd, [sp, #frame + off]`: incoming stack parameter `off`.
    LoadParam { rd: Reg, off: u32 },
    /// A call; `uses` are the argument registers (physical), `defs` the
    /// result registers (physical). Clobbers r0-r3, r12, lr.
    Call { target: CallTarget, uses: Vec<Reg>, defs: Vec<Reg> },
    /// Terminator: jump to machine block `target`.
    Jump { target: usize },
    /// Terminator: `cond != 0` to `then_`, else to `else_`.
    BrNz { cond: Reg, then_: usize, else_: usize },
    /// Terminator: `rn cc rm` to `then_`, else to `else_`.
    BrCmp { cc: Cond, rn: Reg, rm: Opnd, then_: usize, else_: usize },
    /// The target address of a jump table: `lsls tmp, idx, #2; adr rd,
    /// table; ldr tmp, [rd, tmp]; adds rd, rd, tmp` (entries are offsets
    /// from the table, Thumb bit set). The table is the one the `BrTable`
    /// terminator of machine block `table` places; `tmp` early.
    TableTarget { rd: Reg, idx: Reg, tmp: Reg, table: usize },
    /// Terminator: `bx rm` into the jump table of this block (entries for
    /// `targets`, in order), which follows it as data.
    BrTable { rm: Reg, targets: Vec<usize> },
    /// Terminator: return; `uses` are the result registers (physical).
    Ret { uses: Vec<Reg> },
    /// Terminator: trap with `code`.
    Trap { code: TrapCode },
}

/// The offset of a memory access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemOff {
    /// An immediate the form encodes ([`crate::enc::mem_imm_ok`]).
    Imm(u32),
    /// A register.
    Reg(Reg),
}

use OperandKind::{Def, EarlyDef, Use};

impl Inst {
    /// Calls `f` on every register operand, in the fixed operand order, with
    /// its access kind (`f` may replace the register).
    pub fn visit(&mut self, f: &mut dyn FnMut(&mut Reg, OperandKind)) {
        let op = |o: &mut Opnd, f: &mut dyn FnMut(&mut Reg, OperandKind)| {
            if let Opnd::Reg(r) = o {
                f(r, Use)
            }
        };
        match self {
            Inst::MovImm { rd, .. }
            | Inst::LoadLit { rd, .. }
            | Inst::LoadParam { rd, .. }
            | Inst::LocalAddr { rd, .. }
            | Inst::LoadLocal { rd, .. } => f(rd, Def),
            Inst::Mov { rd, rm } | Inst::Neg { rd, rm } | Inst::Ext { rd, rm, .. } | Inst::ShiftImm { rd, rm, .. } => {
                f(rm, Use);
                f(rd, Def);
            }
            Inst::AddImm { rd, rn, .. } | Inst::SubImm { rd, rn, .. } => {
                f(rn, Use);
                f(rd, Def);
            }
            Inst::Alu { rd, rn, rm, .. } => {
                f(rn, Use);
                f(rm, Use);
                f(rd, Def);
            }
            Inst::Count { rd, rm, tmp, .. } => {
                f(rm, Use);
                f(rd, EarlyDef);
                f(tmp, EarlyDef);
            }
            Inst::CmpSet { rd, rn, rm, .. } => {
                f(rn, Use);
                op(rm, f);
                f(rd, EarlyDef);
            }
            Inst::AddSub64 { dlo, dhi, alo, ahi, blo, bhi, .. } => {
                f(alo, Use);
                f(ahi, Use);
                f(blo, Use);
                f(bhi, Use);
                f(dlo, EarlyDef);
                f(dhi, EarlyDef);
            }
            Inst::CmpSet64 { rd, alo, ahi, blo, bhi, tmp, .. } => {
                f(alo, Use);
                f(ahi, Use);
                f(blo, Use);
                f(bhi, Use);
                f(rd, EarlyDef);
                f(tmp, EarlyDef);
            }
            Inst::Umull { dlo, dhi, a, b, t1, t2, t3 } => {
                f(a, Use);
                f(b, Use);
                f(dlo, EarlyDef);
                f(dhi, EarlyDef);
                f(t1, EarlyDef);
                f(t2, EarlyDef);
                f(t3, EarlyDef);
            }
            Inst::Shift64 { dlo, dhi, lo, hi, n, t1, t2, .. } => {
                f(lo, Use);
                f(hi, Use);
                f(n, Use);
                f(dlo, EarlyDef);
                f(dhi, EarlyDef);
                f(t1, EarlyDef);
                f(t2, EarlyDef);
            }
            Inst::DivRem { rd, n, d, tmps, .. } => {
                f(n, Use);
                f(d, Use);
                f(rd, EarlyDef);
                for t in tmps {
                    f(t, EarlyDef);
                }
            }
            Inst::Eqz64 { rd, lo, hi, tmp } => {
                f(lo, Use);
                f(hi, Use);
                f(rd, EarlyDef);
                f(tmp, EarlyDef);
            }
            Inst::Select { rd, cond, t, f: fv } => {
                f(cond, Use);
                f(t, Use);
                f(fv, Use);
                f(rd, EarlyDef);
            }
            Inst::Load { rt, rn, off, .. } => {
                f(rn, Use);
                if let MemOff::Reg(r) = off {
                    f(r, Use);
                }
                f(rt, Def);
            }
            Inst::Store { rt, rn, off, .. } => {
                f(rt, Use);
                f(rn, Use);
                if let MemOff::Reg(r) = off {
                    f(r, Use);
                }
            }
            Inst::LoadBytes { rd, rn, tmp, .. } => {
                f(rn, Use);
                f(rd, EarlyDef);
                f(tmp, EarlyDef);
            }
            Inst::StoreBytes { rt, rn, tmp, .. } => {
                f(rt, Use);
                f(rn, Use);
                f(tmp, EarlyDef);
            }
            Inst::BoundsCheck { addr, end, size, tmp } => {
                f(addr, Use);
                f(end, Use);
                f(size, Use);
                f(tmp, EarlyDef);
            }
            Inst::TrapIfNz { cond, .. } => f(cond, Use),
            Inst::TableTarget { rd, idx, tmp, .. } => {
                f(idx, Use);
                f(tmp, EarlyDef);
                f(rd, Def);
            }
            Inst::BrTable { rm, .. } => f(rm, Use),
            Inst::TrapIfCmp { rn, rm, .. } | Inst::BrCmp { rn, rm, .. } => {
                f(rn, Use);
                op(rm, f);
            }
            Inst::TrapAlways { .. } | Inst::Jump { .. } | Inst::Trap { .. } => {}
            Inst::StackCheck { limit, tmp, tmp2 } => {
                f(limit, Use);
                f(tmp, EarlyDef);
                f(tmp2, EarlyDef);
            }
            Inst::StoreArg { rt, .. } => f(rt, Use),
            Inst::Call { target, uses, defs } => {
                if let CallTarget::Reg(r) = target {
                    f(r, Use);
                }
                for u in uses {
                    f(u, Use);
                }
                for d in defs {
                    f(d, Def);
                }
            }
            Inst::BrNz { cond, .. } => f(cond, Use),
            Inst::Ret { uses } => {
                for u in uses {
                    f(u, Use);
                }
            }
        }
    }

    /// The register operands and their kinds, in [`Inst::visit`] order.
    pub fn operands(&self) -> Vec<(Reg, OperandKind)> {
        let mut v = Vec::new();
        self.clone().visit(&mut |r, k| v.push((*r, k)));
        v
    }

    /// This instruction with its operands replaced, in [`Inst::visit`]
    /// order, by `regs`.
    pub fn with_regs(&self, regs: &[Reg]) -> Inst {
        let mut i = self.clone();
        let mut k = 0;
        i.visit(&mut |r, _| {
            *r = regs[k];
            k += 1;
        });
        i
    }

    /// True for calls.
    pub fn is_call(&self) -> bool {
        matches!(self, Inst::Call { .. })
    }

    /// The machine blocks a terminator may go to.
    pub fn succs(&self) -> Vec<usize> {
        match self {
            Inst::Jump { target } => vec![*target],
            Inst::BrNz { then_, else_, .. } | Inst::BrCmp { then_, else_, .. } => vec![*then_, *else_],
            Inst::BrTable { targets, .. } => {
                let mut v = targets.clone();
                v.sort_unstable();
                v.dedup();
                v
            }
            _ => vec![],
        }
    }

    /// True for block terminators.
    pub fn is_terminator(&self) -> bool {
        matches!(
            self,
            Inst::Jump { .. } | Inst::BrNz { .. } | Inst::BrCmp { .. } | Inst::BrTable { .. } | Inst::Ret { .. } | Inst::Trap { .. }
        )
    }
}
