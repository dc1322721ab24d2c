//! Integer operations: constants, symbol addresses, unary and binary
//! operators on i32 and on i64 register pairs, and i32/i64 conversions.
//! i64 division and remainder become calls to the runtime helpers.

use super::Lower;
use crate::imm::{is_addsub_imm, is_modified_imm};
use crate::inst::{AddSub, MachInst, Shift64Op};
use crate::BackendError;
use synth_ir::{BinaryOp, Callee, ConvertOp, InstKind, RuntimeFunc, Signature, SymbolRef, Type, UnaryOp, Value};
use synth_regalloc::Reg;
use synth_thumb2_enc::{AluOp, ExtendOp, Shift, ShiftOp};

impl Lower<'_> {
    pub(super) fn lower_arith(&mut self, kind: &InstKind, results: &[Value]) -> Result<(), BackendError> {
        let Some(&d) = results.first() else {
            return Err(self.err(format!("{kind:?} without its result")));
        };
        match kind {
            InstKind::Iconst { ty, imm } => {
                self.consts.insert(d, *imm);
                if self.s_const(d, *imm) {
                    return Ok(());
                }
                match ty.bits_type() {
                    Type::I32 | Type::F32 => self.push(MachInst::MovImm { rd: self.r(d), imm: *imm as u32 }),
                    Type::I64 | Type::F64 => {
                        let (lo, hi) = self.pair(d)?;
                        self.push(MachInst::MovImm { rd: lo, imm: *imm as u32 });
                        self.push(MachInst::MovImm { rd: hi, imm: (*imm >> 32) as u32 });
                    }
                }
            }
            InstKind::SymbolAddr { sym: SymbolRef::Memory, addend: 0 } => {
                // One register for the linear-memory base in the whole
                // function (kept or rematerialised by the allocator).
                let base = self.memory_base();
                self.push(MachInst::Mov { rd: self.r(d), rm: base });
            }
            InstKind::SymbolAddr { sym, addend } if i16::try_from(*addend).is_err() => {
                // MOVW/MOVT relocations (REL) carry the addend in their
                // imm16 (-32768..=32767): a farther one is added after.
                let (base, off) = (self.new_vreg(), self.new_vreg());
                self.push(MachInst::MovSym { rd: base, sym: *sym, addend: 0 });
                self.push(MachInst::MovImm { rd: off, imm: *addend as u32 });
                self.push(MachInst::Alu { op: AluOp::Add, rd: self.r(d), rn: base, rm: off });
            }
            InstKind::SymbolAddr { sym, addend } => {
                self.push(MachInst::MovSym { rd: self.r(d), sym: *sym, addend: *addend })
            }
            InstKind::Unary { op, ty: Type::I32, arg } => self.unary32(*op, d, *arg)?,
            InstKind::Unary { op, ty: Type::I64, arg } => self.unary64(*op, d, *arg)?,
            InstKind::Binary { ty: Type::I32, .. } if self.s_sign(d, kind) => {}
            InstKind::Binary { op, ty: Type::I32, lhs, rhs } => self.binary32(*op, self.r(d), *lhs, *rhs),
            InstKind::Binary { op, ty: Type::I64, lhs, rhs } => self.binary64(*op, d, *lhs, *rhs)?,
            InstKind::Convert { op, arg } => match op {
                ConvertOp::Wrap => {
                    let (lo, _) = self.pair(*arg)?;
                    self.push(MachInst::Mov { rd: self.r(d), rm: lo });
                }
                ConvertOp::ExtendS | ConvertOp::ExtendU => {
                    let (lo, hi) = self.pair(d)?;
                    let a = self.r(*arg);
                    self.push(MachInst::Mov { rd: lo, rm: a });
                    if *op == ConvertOp::ExtendS {
                        self.push(MachInst::ShiftImm { op: ShiftOp::Asr, rd: hi, rm: a, amt: 31 });
                    } else {
                        self.push(MachInst::MovImm { rd: hi, imm: 0 });
                    }
                }
            },
            _ => return Err(self.err(format!("{kind:?}"))),
        }
        Ok(())
    }

    fn unary32(&mut self, op: UnaryOp, d: Value, arg: Value) -> Result<(), BackendError> {
        let (rd, rm) = (self.r(d), self.r(arg));
        let i = match op {
            UnaryOp::Clz => MachInst::Clz { rd, rm },
            UnaryOp::Ctz => MachInst::Ctz { rd, rm },
            UnaryOp::Popcnt => MachInst::Popcnt { rd, rm, tmp: self.new_vreg() },
            UnaryOp::Extend8S => MachInst::Extend { op: ExtendOp::Sxtb, rd, rm },
            UnaryOp::Extend16S => MachInst::Extend { op: ExtendOp::Sxth, rd, rm },
            UnaryOp::Extend32S => return Err(self.err("i32 extend32_s")),
        };
        self.push(i);
        Ok(())
    }

    fn unary64(&mut self, op: UnaryOp, d: Value, arg: Value) -> Result<(), BackendError> {
        let (dl, dh) = self.pair(d)?;
        let (lo, hi) = self.pair(arg)?;
        match op {
            UnaryOp::Clz => self.push(MachInst::Clz64 { rd: dl, lo, hi }),
            UnaryOp::Ctz => self.push(MachInst::Ctz64 { rd: dl, lo, hi }),
            UnaryOp::Popcnt => {
                let (a, b) = (self.new_vreg(), self.new_vreg());
                let (t1, t2) = (self.new_vreg(), self.new_vreg());
                self.push(MachInst::Popcnt { rd: a, rm: lo, tmp: t1 });
                self.push(MachInst::Popcnt { rd: b, rm: hi, tmp: t2 });
                self.push(MachInst::Alu { op: AluOp::Add, rd: dl, rn: a, rm: b });
            }
            UnaryOp::Extend8S | UnaryOp::Extend16S => {
                let eop = if op == UnaryOp::Extend8S { ExtendOp::Sxtb } else { ExtendOp::Sxth };
                self.push(MachInst::Extend { op: eop, rd: dl, rm: lo });
                self.push(MachInst::ShiftImm { op: ShiftOp::Asr, rd: dh, rm: dl, amt: 31 });
                return Ok(());
            }
            UnaryOp::Extend32S => {
                self.push(MachInst::Mov { rd: dl, rm: lo });
                self.push(MachInst::ShiftImm { op: ShiftOp::Asr, rd: dh, rm: lo, amt: 31 });
                return Ok(());
            }
        }
        self.push(MachInst::MovImm { rd: dh, imm: 0 });
        Ok(())
    }

    /// `rd = rn <op> #imm` when encodable, else with the constant in a register.
    fn alu_const(&mut self, op: AluOp, rd: Reg, rn: Reg, imm: u32, imm_reg: Reg) {
        let (op, imm) = match op {
            AluOp::Add if !is_addsub_imm(imm) && is_addsub_imm(imm.wrapping_neg()) => (AluOp::Sub, imm.wrapping_neg()),
            AluOp::Sub if !is_addsub_imm(imm) && is_addsub_imm(imm.wrapping_neg()) => (AluOp::Add, imm.wrapping_neg()),
            AluOp::And if !is_modified_imm(imm) && is_modified_imm(!imm) => (AluOp::Bic, !imm),
            AluOp::Orr if !is_modified_imm(imm) && is_modified_imm(!imm) => (AluOp::Orn, !imm),
            _ => (op, imm),
        };
        if imm == 0 && matches!(op, AluOp::Add | AluOp::Sub | AluOp::Orr | AluOp::Eor) {
            self.push(MachInst::Mov { rd, rm: rn });
            return;
        }
        let ok = match op {
            AluOp::Add | AluOp::Sub => is_addsub_imm(imm),
            _ => is_modified_imm(imm),
        };
        if ok {
            self.push(MachInst::AluImm { op, rd, rn, imm });
        } else {
            self.push(MachInst::Alu { op, rd, rn, rm: imm_reg });
        }
    }

    /// `rd = rn op imm` for one half of an i64 AND/ORR/EOR with a constant
    /// (`imm_reg` holds `imm`): all-zero and all-one halves need no ALU.
    fn bitwise_half(&mut self, op: AluOp, rd: Reg, rn: Reg, imm: u32, imm_reg: Reg) {
        match (op, imm) {
            (AluOp::And, 0) | (AluOp::Orr, u32::MAX) => self.push(MachInst::MovImm { rd, imm }),
            (AluOp::And, u32::MAX) => self.push(MachInst::Mov { rd, rm: rn }),
            _ => self.alu_const(op, rd, rn, imm, imm_reg),
        }
    }

    /// The i32 operation `lhs op rhs` with a folded operand (see
    /// [`super::fold`]): `MLA`/`MLS` or a shifted register.
    fn binary32_folded(&self, op: BinaryOp, rd: Reg, lhs: Value, rhs: Value) -> Option<MachInst> {
        let (folded, other, folded_is_rhs) = if self.folded.contains(&rhs) {
            (rhs, lhs, true)
        } else if self.folded.contains(&lhs) {
            (lhs, rhs, false)
        } else {
            return None;
        };
        if let Some(InstKind::Binary { op: BinaryOp::Mul, lhs: a, rhs: b, .. }) = self.def_kind(folded) {
            let sub = op == BinaryOp::Sub;
            return Some(MachInst::MulAcc { sub, rd, rn: self.r(*a), rm: self.r(*b), ra: self.r(other) });
        }
        let (x, shift) = self.shift_by_const(folded)?;
        let aop = match op {
            BinaryOp::Add => AluOp::Add,
            BinaryOp::Sub if folded_is_rhs => AluOp::Sub,
            BinaryOp::Sub => AluOp::Rsb,
            BinaryOp::And => AluOp::And,
            BinaryOp::Or => AluOp::Orr,
            BinaryOp::Xor => AluOp::Eor,
            _ => return None,
        };
        Some(MachInst::AluShift { op: aop, rd, rn: self.r(other), rm: self.r(x), shift })
    }

    /// `x & (2^w - 1)` without the mask in a register: `UBFX` of the
    /// shifted source when the shift was folded (see [`super::fold`]),
    /// `UXTB`/`UXTH` for 8/16 bits, `UBFX #0` when `AND #imm` cannot encode
    /// the mask; `None` (an ordinary `AND`) otherwise.
    fn and_low_mask(&self, rd: Reg, lhs: Value, rhs: Value) -> Option<MachInst> {
        let (x, width) = self.low_mask(lhs, rhs)?;
        if self.folded.contains(&x) {
            let (y, lsb) = self.bit_field(x, width)?;
            return Some(MachInst::Bfx { signed: false, rd, rm: self.r(y), lsb, width });
        }
        let rm = self.r(x);
        Some(match width {
            8 => MachInst::Extend { op: ExtendOp::Uxtb, rd, rm },
            16 => MachInst::Extend { op: ExtendOp::Uxth, rd, rm },
            _ if is_modified_imm((1u32 << width) - 1) => return None,
            _ => MachInst::Bfx { signed: false, rd, rm, lsb: 0, width },
        })
    }

    /// An i32 binary operation into `rd`.
    pub(super) fn binary32(&mut self, op: BinaryOp, rd: Reg, lhs: Value, rhs: Value) {
        if op == BinaryOp::And {
            if let Some(i) = self.and_low_mask(rd, lhs, rhs) {
                self.push(i);
                return;
            }
        }
        if let Some(i) = self.binary32_folded(op, rd, lhs, rhs) {
            self.push(i);
            return;
        }
        let (a, b) = (self.r(lhs), self.r(rhs));
        let (ca, cb) = (self.const_of(lhs), self.const_of(rhs));
        let alu = match op {
            BinaryOp::Add => Some(AluOp::Add),
            BinaryOp::Sub => Some(AluOp::Sub),
            BinaryOp::And => Some(AluOp::And),
            BinaryOp::Or => Some(AluOp::Orr),
            BinaryOp::Xor => Some(AluOp::Eor),
            _ => None,
        };
        if let Some(aop) = alu {
            if let Some(c) = cb {
                self.alu_const(aop, rd, a, c as u32, b);
            } else if let (Some(c), true) = (ca, aop != AluOp::Sub) {
                self.alu_const(aop, rd, b, c as u32, a);
            } else if let (Some(c), AluOp::Sub) = (ca, aop) {
                if is_modified_imm(c as u32) {
                    self.push(MachInst::AluImm { op: AluOp::Rsb, rd, rn: b, imm: c as u32 });
                } else {
                    self.push(MachInst::Alu { op: aop, rd, rn: a, rm: b });
                }
            } else {
                self.push(MachInst::Alu { op: aop, rd, rn: a, rm: b });
            }
            return;
        }
        if op == BinaryOp::Mul {
            if let Some(i) = mul_by_shift_add(rd, (a, ca), (b, cb)) {
                self.push(i);
                return;
            }
        }
        let i = match op {
            BinaryOp::Mul => MachInst::Mul { rd, rn: a, rm: b },
            BinaryOp::DivS => MachInst::Div { signed: true, rd, rn: a, rm: b },
            BinaryOp::DivU => MachInst::Div { signed: false, rd, rn: a, rm: b },
            BinaryOp::RemS => MachInst::Rem { signed: true, rd, rn: a, rm: b },
            BinaryOp::RemU => MachInst::Rem { signed: false, rd, rn: a, rm: b },
            BinaryOp::Shl | BinaryOp::ShrS | BinaryOp::ShrU | BinaryOp::Rotr | BinaryOp::Rotl => {
                let sop = match op {
                    BinaryOp::Shl => ShiftOp::Lsl,
                    BinaryOp::ShrS => ShiftOp::Asr,
                    BinaryOp::ShrU => ShiftOp::Lsr,
                    _ => ShiftOp::Ror,
                };
                match cb {
                    Some(c) => {
                        let mut amt = (c & 31) as u8;
                        if op == BinaryOp::Rotl {
                            amt = (32 - amt) & 31;
                        }
                        if amt == 0 {
                            MachInst::Mov { rd, rm: a }
                        } else {
                            MachInst::ShiftImm { op: sop, rd, rm: a, amt }
                        }
                    }
                    None => match op {
                        BinaryOp::Rotr => MachInst::ShiftReg { op: ShiftOp::Ror, rd, rn: a, rm: b },
                        BinaryOp::Rotl => MachInst::Rotl32 { rd, rn: a, rm: b, tmp: self.new_vreg() },
                        _ => MachInst::ShiftMasked { op: sop, rd, rn: a, rm: b, tmp: self.new_vreg() },
                    },
                }
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => return,
        };
        self.push(i);
    }

    fn binary64(&mut self, op: BinaryOp, d: Value, lhs: Value, rhs: Value) -> Result<(), BackendError> {
        let (dlo, dhi) = self.pair(d)?;
        let (alo, ahi) = self.pair(lhs)?;
        match op {
            BinaryOp::Add | BinaryOp::Sub => {
                let (blo, bhi) = self.pair(rhs)?;
                let op = if op == BinaryOp::Add { AddSub::Add } else { AddSub::Sub };
                self.push(MachInst::AddSub64 { op, dlo, dhi, alo, ahi, blo, bhi });
            }
            BinaryOp::Mul => {
                if let Some((signed, rn, rm)) = self.widening_mul(lhs, rhs) {
                    self.push(MachInst::MulLong { signed, dlo, dhi, rn, rm });
                    return Ok(());
                }
                let (blo, bhi) = self.pair(rhs)?;
                self.push(MachInst::Mul64 { dlo, dhi, alo, ahi, blo, bhi });
            }
            BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => {
                let aop = match op {
                    BinaryOp::And => AluOp::And,
                    BinaryOp::Or => AluOp::Orr,
                    _ => AluOp::Eor,
                };
                // A constant operand: each half on its own (an all-zero or
                // all-one half is a move or nothing to compute).
                let (x, c) = match (self.const_of(lhs), self.const_of(rhs)) {
                    (_, Some(c)) => (lhs, Some(c)),
                    (Some(c), None) => (rhs, Some(c)),
                    _ => (lhs, None),
                };
                let (xlo, xhi) = self.pair(x)?;
                match c {
                    Some(c) => {
                        let other = if x == lhs { rhs } else { lhs };
                        let (klo, khi) = self.pair(other)?;
                        self.bitwise_half(aop, dlo, xlo, c as u32, klo);
                        self.bitwise_half(aop, dhi, xhi, (c >> 32) as u32, khi);
                    }
                    None => {
                        let (blo, bhi) = self.pair(rhs)?;
                        self.push(MachInst::Alu { op: aop, rd: dlo, rn: alo, rm: blo });
                        self.push(MachInst::Alu { op: aop, rd: dhi, rn: ahi, rm: bhi });
                    }
                }
            }
            BinaryOp::DivS | BinaryOp::DivU | BinaryOp::RemS | BinaryOp::RemU => {
                let f = match op {
                    BinaryOp::DivS => RuntimeFunc::I64DivS,
                    BinaryOp::DivU => RuntimeFunc::I64DivU,
                    BinaryOp::RemS => RuntimeFunc::I64RemS,
                    _ => RuntimeFunc::I64RemU,
                };
                let sig = Signature { params: vec![Type::I64, Type::I64], results: vec![Type::I64] };
                self.lower_call(&Callee::Runtime(f), &sig, &[lhs, rhs], &[d])?;
            }
            BinaryOp::Shl | BinaryOp::ShrS | BinaryOp::ShrU => {
                let sop = match op {
                    BinaryOp::Shl => Shift64Op::Shl,
                    BinaryOp::ShrU => Shift64Op::ShrU,
                    _ => Shift64Op::ShrS,
                };
                match self.const_of(rhs) {
                    Some(c) => self.shift64_const(sop, (dlo, dhi), (alo, ahi), (c & 63) as u8),
                    None => {
                        let n = self.r(rhs);
                        let (t, t2) = (self.new_vreg(), self.new_vreg());
                        self.push(MachInst::Shift64 { op: sop, dlo, dhi, alo, ahi, n, t, t2 });
                    }
                }
            }
            BinaryOp::Rotl | BinaryOp::Rotr => match self.const_of(rhs) {
                Some(c) => {
                    let k = (c & 63) as u8;
                    let k = if op == BinaryOp::Rotl { k } else { (64 - k) & 63 };
                    self.rotl64_const((dlo, dhi), (alo, ahi), k);
                }
                None => {
                    let mut n = self.r(rhs);
                    if op == BinaryOp::Rotr {
                        let neg = self.new_vreg();
                        self.push(MachInst::AluImm { op: AluOp::Rsb, rd: neg, rn: n, imm: 0 });
                        n = neg;
                    }
                    let (t, t2, u) = (self.new_vreg(), self.new_vreg(), self.new_vreg());
                    self.push(MachInst::Rotl64 { dlo, dhi, alo, ahi, n, t, t2, u });
                }
            },
        }
        Ok(())
    }

    fn shift_or_mov(&mut self, op: ShiftOp, rd: Reg, rm: Reg, amt: u8) {
        if amt == 0 {
            self.push(MachInst::Mov { rd, rm });
        } else {
            self.push(MachInst::ShiftImm { op, rd, rm, amt });
        }
    }

    /// `d = (x << k) | (y >> (32 - k))` for 0 < k < 32.
    fn funnel(&mut self, d: Reg, x: Reg, y: Reg, k: u8, left: bool) {
        let (t1, t2) = (self.new_vreg(), self.new_vreg());
        let (o1, o2) = if left { (ShiftOp::Lsl, ShiftOp::Lsr) } else { (ShiftOp::Lsr, ShiftOp::Lsl) };
        self.push(MachInst::ShiftImm { op: o1, rd: t1, rm: x, amt: k });
        self.push(MachInst::ShiftImm { op: o2, rd: t2, rm: y, amt: 32 - k });
        self.push(MachInst::Alu { op: AluOp::Orr, rd: d, rn: t1, rm: t2 });
    }

    /// i64 shift by a constant `k` in 0..64, as independent 32-bit steps
    /// (each result is computed before the destination halves are written,
    /// which are distinct from the sources since IR values are SSA).
    fn shift64_const(&mut self, op: Shift64Op, d: (Reg, Reg), a: (Reg, Reg), k: u8) {
        let (dlo, dhi) = d;
        let (alo, ahi) = a;
        match op {
            Shift64Op::Shl => {
                if k == 0 {
                    self.push(MachInst::Mov { rd: dlo, rm: alo });
                    self.push(MachInst::Mov { rd: dhi, rm: ahi });
                } else if k < 32 {
                    self.funnel(dhi, ahi, alo, k, true);
                    self.push(MachInst::ShiftImm { op: ShiftOp::Lsl, rd: dlo, rm: alo, amt: k });
                } else {
                    self.shift_or_mov(ShiftOp::Lsl, dhi, alo, k - 32);
                    self.push(MachInst::MovImm { rd: dlo, imm: 0 });
                }
            }
            Shift64Op::ShrU | Shift64Op::ShrS => {
                let hop = if op == Shift64Op::ShrU { ShiftOp::Lsr } else { ShiftOp::Asr };
                if k == 0 {
                    self.push(MachInst::Mov { rd: dlo, rm: alo });
                    self.push(MachInst::Mov { rd: dhi, rm: ahi });
                } else if k < 32 {
                    self.funnel(dlo, alo, ahi, k, false);
                    self.push(MachInst::ShiftImm { op: hop, rd: dhi, rm: ahi, amt: k });
                } else {
                    self.shift_or_mov(hop, dlo, ahi, k - 32);
                    if op == Shift64Op::ShrU {
                        self.push(MachInst::MovImm { rd: dhi, imm: 0 });
                    } else {
                        self.push(MachInst::ShiftImm { op: ShiftOp::Asr, rd: dhi, rm: ahi, amt: 31 });
                    }
                }
            }
        }
    }

    /// i64 rotate left by a constant `k` in 0..64.
    fn rotl64_const(&mut self, d: (Reg, Reg), a: (Reg, Reg), k: u8) {
        let (dlo, dhi) = d;
        let (mut lo, mut hi) = a;
        let mut k = k;
        if k >= 32 {
            std::mem::swap(&mut lo, &mut hi);
            k -= 32;
        }
        if k == 0 {
            self.push(MachInst::Mov { rd: dlo, rm: lo });
            self.push(MachInst::Mov { rd: dhi, rm: hi });
        } else {
            self.funnel(dlo, lo, hi, k, true);
            self.funnel(dhi, hi, lo, k, true);
        }
    }
}

/// `x * c` for a constant `c = 2^k + 1` (k >= 1) or `2^k - 1` (k >= 2) as
/// one shifted-register ALU instruction, `ADD rd, x, x, LSL #k` or `RSB rd,
/// x, x, LSL #k`, as gcc does: one instruction instead of a `MUL` and the
/// constant it reads (whose register the value then no longer needs).
/// Multiplications by 0, 1 and powers of two were already rewritten by the
/// IR's fold; other constants keep `MUL`.
fn mul_by_shift_add(rd: Reg, (a, ca): (Reg, Option<i64>), (b, cb): (Reg, Option<i64>)) -> Option<MachInst> {
    let (x, c) = match (ca, cb) {
        (_, Some(c)) => (a, c as u32),
        (Some(c), None) => (b, c as u32),
        (None, None) => return None,
    };
    let log2 = |v: u32| v.trailing_zeros() as u8;
    let below = c.wrapping_sub(1);
    let above = c.wrapping_add(1);
    if below >= 2 && below.is_power_of_two() {
        Some(MachInst::AluShift { op: AluOp::Add, rd, rn: x, rm: x, shift: Shift::Lsl(log2(below)) })
    } else if above >= 4 && above.is_power_of_two() {
        Some(MachInst::AluShift { op: AluOp::Rsb, rd, rn: x, rm: x, shift: Shift::Lsl(log2(above)) })
    } else {
        None
    }
}
