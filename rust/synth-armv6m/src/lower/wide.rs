//! i64 operations on register pairs (low word in `vreg(v)`, high word in
//! `Lower::hi[v]`).
//!
//! Lowered: constants, add/sub (carry chains), and/or/xor, shifts and
//! rotates by constants, comparisons and eqz, extensions and wrap,
//! select, loads and stores (two words, byte-wise when unaligned), clz,
//! ctz, popcnt. Declined (named): multiplication, division, shifts and
//! rotates by a variable count (helpers not wired yet).

use synth_ir::{BinaryOp, ConvertOp, InstKind, IntCC, LoadKind, StoreKind, Type, UnaryOp};
use synth_regalloc::Reg;

use super::Lower;
use crate::enc::{Cond, Ext, Shift};
use crate::inst::{AluOp, CountOp, Inst};

impl Lower<'_> {
    fn sh(&mut self, op: Shift, rm: Reg, k: u32) -> Reg {
        let t = self.temp();
        if k == 0 {
            self.push(Inst::Mov { rd: t, rm });
        } else {
            self.push(Inst::ShiftImm { op, rd: t, rm, imm: k as u8 });
        }
        t
    }

    fn or_into(&mut self, rd: Reg, a: Reg, b: Reg) {
        self.push(Inst::Alu { op: AluOp::Orr, rd, rn: a, rm: b });
    }

    /// `(dlo, dhi) = (lo, hi) rotated right by k` (0 < k < 32).
    fn rotr_pair(&mut self, dlo: Reg, dhi: Reg, lo: Reg, hi: Reg, k: u32) {
        let a = self.sh(Shift::Lsr, lo, k);
        let b = self.sh(Shift::Lsl, hi, 32 - k);
        self.or_into(dlo, a, b);
        let c = self.sh(Shift::Lsr, hi, k);
        let d = self.sh(Shift::Lsl, lo, 32 - k);
        self.or_into(dhi, c, d);
    }

    fn shift64(&mut self, op: BinaryOp, dlo: Reg, dhi: Reg, lo: Reg, hi: Reg, k: u32) -> Result<(), String> {
        let mov = |s: &mut Self, rd, rm| s.push(Inst::Mov { rd, rm });
        if k == 0 {
            mov(self, dlo, lo);
            mov(self, dhi, hi);
            return Ok(());
        }
        match op {
            BinaryOp::Shl if k < 32 => {
                let a = self.sh(Shift::Lsl, hi, k);
                let b = self.sh(Shift::Lsr, lo, 32 - k);
                self.or_into(dhi, a, b);
                self.push(Inst::ShiftImm { op: Shift::Lsl, rd: dlo, rm: lo, imm: k as u8 });
            }
            BinaryOp::Shl => {
                let t = self.sh(Shift::Lsl, lo, k - 32);
                mov(self, dhi, t);
                self.push(Inst::MovImm { rd: dlo, imm: 0 });
            }
            BinaryOp::ShrU | BinaryOp::ShrS if k < 32 => {
                let a = self.sh(Shift::Lsr, lo, k);
                let b = self.sh(Shift::Lsl, hi, 32 - k);
                self.or_into(dlo, a, b);
                let sop = if op == BinaryOp::ShrU { Shift::Lsr } else { Shift::Asr };
                self.push(Inst::ShiftImm { op: sop, rd: dhi, rm: hi, imm: k as u8 });
            }
            BinaryOp::ShrU => {
                let t = self.sh(Shift::Lsr, hi, k - 32);
                mov(self, dlo, t);
                self.push(Inst::MovImm { rd: dhi, imm: 0 });
            }
            BinaryOp::ShrS => {
                let t = self.sh(Shift::Asr, hi, k - 32);
                mov(self, dlo, t);
                self.push(Inst::ShiftImm { op: Shift::Asr, rd: dhi, rm: hi, imm: 31 });
            }
            BinaryOp::Rotr | BinaryOp::Rotl => {
                let k = if op == BinaryOp::Rotl { (64 - k) % 64 } else { k };
                let (lo, hi) = if k >= 32 { (hi, lo) } else { (lo, hi) };
                match k % 32 {
                    0 => {
                        mov(self, dlo, lo);
                        mov(self, dhi, hi);
                    }
                    k => self.rotr_pair(dlo, dhi, lo, hi, k),
                }
            }
            _ => unreachable!(),
        }
        Ok(())
    }

    fn shift_var(&mut self, op: Shift, lo: Reg, hi: Reg, n: Reg) -> (Reg, Reg) {
        let (dlo, dhi, t1, t2) = (self.temp(), self.temp(), self.temp(), self.temp());
        self.push(Inst::Shift64 { op, dlo, dhi, lo, hi, n, t1, t2 });
        (dlo, dhi)
    }

    /// A 64-bit shift or rotate by the count in `n` (modulo 64).
    fn var_shift64(&mut self, op: BinaryOp, dlo: Reg, dhi: Reg, lo: Reg, hi: Reg, n: Reg) {
        let m = self.new_const(63);
        let k = self.temp();
        self.push(Inst::Alu { op: AluOp::And, rd: k, rn: n, rm: m });
        let (a, b) = match op {
            BinaryOp::Shl => self.shift_var(Shift::Lsl, lo, hi, k),
            BinaryOp::ShrU => self.shift_var(Shift::Lsr, lo, hi, k),
            BinaryOp::ShrS => self.shift_var(Shift::Asr, lo, hi, k),
            _ => {
                // rotl n = (x << n) | (x >> (-n & 63)); rotr the other way.
                let neg = self.temp();
                self.push(Inst::Neg { rd: neg, rm: n });
                let m2 = self.new_const(63);
                let j = self.temp();
                self.push(Inst::Alu { op: AluOp::And, rd: j, rn: neg, rm: m2 });
                let (l, r) = if op == BinaryOp::Rotl { (k, j) } else { (j, k) };
                let (a1, b1) = self.shift_var(Shift::Lsl, lo, hi, l);
                let (a2, b2) = self.shift_var(Shift::Lsr, lo, hi, r);
                self.push(Inst::Alu { op: AluOp::Orr, rd: dlo, rn: a1, rm: a2 });
                self.push(Inst::Alu { op: AluOp::Orr, rd: dhi, rn: b1, rm: b2 });
                return;
            }
        };
        self.push(Inst::Mov { rd: dlo, rm: a });
        self.push(Inst::Mov { rd: dhi, rm: b });
    }

    /// Lowers an instruction with i64 operands or results (not calls).
    pub(super) fn wide(&mut self, inst: &synth_ir::Inst) -> Result<(), String> {
        let res = inst.results.first().copied();
        let d = res.map(|r| self.dregs(r));
        let (dlo, dhi) = match &d {
            Some(v) if v.len() == 2 => (v[0], v[1]),
            Some(v) => (v[0], v[0]),
            None => (Reg(0), Reg(0)),
        };
        match &inst.kind {
            InstKind::Iconst { .. } => {}
            InstKind::Binary { op, lhs, rhs, .. } => {
                let (alo, ahi) = self.r64(*lhs);
                match op {
                    BinaryOp::Add | BinaryOp::Sub => {
                        let (blo, bhi) = self.r64(*rhs);
                        self.push(Inst::AddSub64 { sub: *op == BinaryOp::Sub, dlo, dhi, alo, ahi, blo, bhi });
                    }
                    BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => {
                        let aop = match op {
                            BinaryOp::And => AluOp::And,
                            BinaryOp::Or => AluOp::Orr,
                            _ => AluOp::Eor,
                        };
                        let (blo, bhi) = self.r64(*rhs);
                        self.push(Inst::Alu { op: aop, rd: dlo, rn: alo, rm: blo });
                        self.push(Inst::Alu { op: aop, rd: dhi, rn: ahi, rm: bhi });
                    }
                    BinaryOp::Shl | BinaryOp::ShrU | BinaryOp::ShrS | BinaryOp::Rotl | BinaryOp::Rotr => {
                        match self.consts64.get(rhs) {
                            Some(&c) => self.shift64(*op, dlo, dhi, alo, ahi, (c & 63) as u32)?,
                            None => {
                                let (n, _) = self.r64(*rhs);
                                self.var_shift64(*op, dlo, dhi, alo, ahi, n);
                            }
                        }
                    }
                    BinaryOp::Mul => {
                        // a*b mod 2^64 = alo*blo (64-bit) + ((alo*bhi + ahi*blo) << 32).
                        let (blo, bhi) = self.r64(*rhs);
                        let (c1, c2, cross) = (self.temp(), self.temp(), self.temp());
                        self.push(Inst::Alu { op: AluOp::Mul, rd: c1, rn: alo, rm: bhi });
                        self.push(Inst::Alu { op: AluOp::Mul, rd: c2, rn: ahi, rm: blo });
                        self.push(Inst::Alu { op: AluOp::Add, rd: cross, rn: c1, rm: c2 });
                        let (h, t1, t2, t3) = (self.temp(), self.temp(), self.temp(), self.temp());
                        self.push(Inst::Umull { dlo, dhi: h, a: alo, b: blo, t1, t2, t3 });
                        self.push(Inst::Alu { op: AluOp::Add, rd: dhi, rn: h, rm: cross });
                    }
                    _ => return Err("i64 division: no inline lowering yet".into()),
                }
            }
            InstKind::Unary { op, arg, .. } => {
                let (lo, hi) = self.r64(*arg);
                match op {
                    UnaryOp::Extend8S | UnaryOp::Extend16S | UnaryOp::Extend32S => {
                        match op {
                            UnaryOp::Extend8S => self.push(Inst::Ext { op: Ext::Sxtb, rd: dlo, rm: lo }),
                            UnaryOp::Extend16S => self.push(Inst::Ext { op: Ext::Sxth, rd: dlo, rm: lo }),
                            _ => self.push(Inst::Mov { rd: dlo, rm: lo }),
                        }
                        self.push(Inst::ShiftImm { op: Shift::Asr, rd: dhi, rm: dlo, imm: 31 });
                    }
                    UnaryOp::Popcnt => {
                        let (a, b) = (self.temp(), self.temp());
                        let (t1, t2) = (self.temp(), self.temp());
                        self.push(Inst::Count { op: CountOp::Popcnt, rd: a, rm: lo, tmp: t1 });
                        self.push(Inst::Count { op: CountOp::Popcnt, rd: b, rm: hi, tmp: t2 });
                        self.push(Inst::Alu { op: AluOp::Add, rd: dlo, rn: a, rm: b });
                        self.push(Inst::MovImm { rd: dhi, imm: 0 });
                    }
                    UnaryOp::Clz | UnaryOp::Ctz => {
                        // clz: hi != 0 ? clz(hi) : 32 + clz(lo); ctz: lo != 0 ? ctz(lo) : 32 + ctz(hi).
                        let (cop, first, second) =
                            if *op == UnaryOp::Clz { (CountOp::Clz, hi, lo) } else { (CountOp::Ctz, lo, hi) };
                        let (a, b, t1, t2) = (self.temp(), self.temp(), self.temp(), self.temp());
                        self.push(Inst::Count { op: cop, rd: a, rm: first, tmp: t1 });
                        self.push(Inst::Count { op: cop, rd: b, rm: second, tmp: t2 });
                        let b32 = self.temp();
                        self.push(Inst::AddImm { rd: b32, rn: b, imm: 32 });
                        self.push(Inst::Select { rd: dlo, cond: first, t: a, f: b32 });
                        self.push(Inst::MovImm { rd: dhi, imm: 0 });
                    }
                }
            }
            InstKind::Compare { cc, lhs, rhs, .. } => {
                // Signed > and <= become < and >= with the operands swapped.
                let (cc, lhs, rhs) = match cc {
                    IntCC::GtS | IntCC::LeS => (cc.swap_args(), *rhs, *lhs),
                    _ => (*cc, *lhs, *rhs),
                };
                let (alo, ahi) = self.r64(lhs);
                let (blo, bhi) = self.r64(rhs);
                let tmp = self.temp();
                self.push(Inst::CmpSet64 { cc: Cond::from_intcc(cc), rd: dlo, alo, ahi, blo, bhi, tmp });
            }
            InstKind::Eqz { arg, .. } => {
                let (lo, hi) = self.r64(*arg);
                let tmp = self.temp();
                self.push(Inst::Eqz64 { rd: dlo, lo, hi, tmp });
            }
            InstKind::Convert { op, arg } => match op {
                ConvertOp::Wrap => {
                    let (lo, _) = self.r64(*arg);
                    self.push(Inst::Mov { rd: dlo, rm: lo });
                }
                ConvertOp::ExtendS => {
                    let a = self.r(*arg);
                    self.push(Inst::Mov { rd: dlo, rm: a });
                    self.push(Inst::ShiftImm { op: Shift::Asr, rd: dhi, rm: a, imm: 31 });
                }
                ConvertOp::ExtendU => {
                    let a = self.r(*arg);
                    self.push(Inst::Mov { rd: dlo, rm: a });
                    self.push(Inst::MovImm { rd: dhi, imm: 0 });
                }
            },
            InstKind::Select { cond, if_true, if_false, .. } => {
                let c = self.r(*cond);
                let (tlo, thi) = self.r64(*if_true);
                let (flo, fhi) = self.r64(*if_false);
                self.push(Inst::Select { rd: dlo, cond: c, t: tlo, f: flo });
                self.push(Inst::Select { rd: dhi, cond: c, t: thi, f: fhi });
            }
            InstKind::Load { kind, addr, offset, ty: Type::I64 } => match kind {
                LoadKind::Full => {
                    self.load(LoadKind::Full, dlo, *addr, *offset);
                    self.load(LoadKind::Full, dhi, *addr, offset.wrapping_add(4));
                }
                LoadKind::S8 | LoadKind::S16 | LoadKind::S32 => {
                    let k = match kind {
                        LoadKind::S8 => LoadKind::S8,
                        LoadKind::S16 => LoadKind::S16,
                        _ => LoadKind::Full,
                    };
                    self.load(k, dlo, *addr, *offset);
                    self.push(Inst::ShiftImm { op: Shift::Asr, rd: dhi, rm: dlo, imm: 31 });
                }
                LoadKind::U8 | LoadKind::U16 | LoadKind::U32 => {
                    let k = match kind {
                        LoadKind::U8 => LoadKind::U8,
                        LoadKind::U16 => LoadKind::U16,
                        _ => LoadKind::Full,
                    };
                    self.load(k, dlo, *addr, *offset);
                    self.push(Inst::MovImm { rd: dhi, imm: 0 });
                }
            },
            InstKind::Store { kind, addr, value, offset } => {
                let (lo, hi) = self.r64(*value);
                match kind {
                    StoreKind::Full => {
                        self.store(StoreKind::Full, *addr, lo, *offset);
                        self.store(StoreKind::Full, *addr, hi, offset.wrapping_add(4));
                    }
                    StoreKind::B8 => self.store(StoreKind::B8, *addr, lo, *offset),
                    StoreKind::B16 => self.store(StoreKind::B16, *addr, lo, *offset),
                    StoreKind::B32 => self.store(StoreKind::Full, *addr, lo, *offset),
                }
            }
            _ => return Err(String::new()),
        }
        Ok(())
    }
}
