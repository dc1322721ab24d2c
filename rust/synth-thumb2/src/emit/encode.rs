//! Per-instruction emission: one allocated [`MachInst`] → assembler calls.
//!
//! Takes: a [`MachInst`] whose registers are physical (after
//! [`MachInst::map_regs`]) and the block placed next (for fallthrough).
//! Returns: the instruction's expansion placed in the assembler, as the
//! variant's doc comment in [`crate::inst`] describes; an error when an
//! operand is unallocated or an immediate has no encoding.

use super::branch::zero_test;
use super::{p, s, Emitter, SP};
use crate::imm::is_modified_imm;
use crate::inst::{AddSub, CallTarget, MachInst, Rhs};
use crate::RelocTarget;
use synth_ir::{IntCC, SymbolRef, TrapCode};
use synth_regalloc::Reg;
use synth_thumb2_enc::{self as enc, AluOp, Cond, Flags, Label, LoadOp, ShiftOp};

impl Emitter<'_> {
    pub(super) fn inst(&mut self, inst: &MachInst, next: usize) -> Result<(), String> {
        let a = &mut self.asm;
        match inst {
            MachInst::Args { .. } => {}
            MachInst::Mov { rd, rm } => {
                if rd != rm {
                    a.mov(p(*rd)?, p(*rm)?);
                }
            }
            MachInst::MovImm { rd, imm } => a.mov_imm(p(*rd)?, *imm, Flags::Any),
            MachInst::MovSym { rd, sym, addend } => {
                let s = self.sym(RelocTarget::Symbol(*sym));
                self.asm.mov_sym(p(*rd)?, s, *addend);
            }
            MachInst::Alu { op, rd, rn, rm } => a.alu(*op, p(*rd)?, p(*rn)?, p(*rm)?, None, Flags::Any),
            MachInst::AluImm { op, rd, rn, imm } => {
                let (d, n) = (p(*rd)?, p(*rn)?);
                // Setting the flags for a following zero test costs nothing
                // when an encoding exists (same size); otherwise plain.
                let set = self.zero_test_next == Some(*rd) && a.alu_imm(*op, d, n, *imm, Flags::Set);
                if !set {
                    self.alu_imm(*op, d, n, *imm, Flags::Any)?;
                }
            }
            MachInst::AluShift { op, rd, rn, rm, shift } => {
                a.alu(*op, p(*rd)?, p(*rn)?, p(*rm)?, Some(*shift), Flags::Any)
            }
            MachInst::MulAcc { sub, rd, rn, rm, ra } => {
                if *sub {
                    a.mls(p(*rd)?, p(*rn)?, p(*rm)?, p(*ra)?)
                } else {
                    a.mla(p(*rd)?, p(*rn)?, p(*rm)?, p(*ra)?)
                }
            }
            MachInst::LoadIdx { op, rd, base, idx, shift } => a.load_reg(*op, p(*rd)?, p(*base)?, p(*idx)?, *shift),
            MachInst::StoreIdx { op, rt, base, idx, shift } => a.store_reg(*op, p(*rt)?, p(*base)?, p(*idx)?, *shift),
            MachInst::Mvn { rd, rm } => a.mvn(p(*rd)?, p(*rm)?, Flags::Any),
            MachInst::ShiftImm { op, rd, rm, amt } => {
                if *op == ShiftOp::Lsl && *amt == 0 {
                    if rd != rm {
                        a.mov(p(*rd)?, p(*rm)?);
                    }
                } else {
                    a.shift_imm(*op, p(*rd)?, p(*rm)?, *amt, Flags::Any);
                }
            }
            MachInst::ShiftReg { op, rd, rn, rm } => a.shift_reg(*op, p(*rd)?, p(*rn)?, p(*rm)?, Flags::Any),
            MachInst::ShiftMasked { op, rd, rn, rm, tmp } => {
                let t = p(*tmp)?;
                self.alu_imm(AluOp::And, t, p(*rm)?, 31, Flags::Any)?;
                self.asm.shift_reg(*op, p(*rd)?, p(*rn)?, t, Flags::Any);
            }
            MachInst::Rotl32 { rd, rn, rm, tmp } => {
                let t = p(*tmp)?;
                self.alu_imm(AluOp::Rsb, t, p(*rm)?, 0, Flags::Any)?;
                self.asm.shift_reg(ShiftOp::Ror, p(*rd)?, p(*rn)?, t, Flags::Any);
            }
            MachInst::Mul { rd, rn, rm } => a.mul(p(*rd)?, p(*rn)?, p(*rm)?, Flags::Any),
            MachInst::Div { signed, rd, rn, rm } => {
                if *signed {
                    a.sdiv(p(*rd)?, p(*rn)?, p(*rm)?)
                } else {
                    a.udiv(p(*rd)?, p(*rn)?, p(*rm)?)
                }
            }
            MachInst::Rem { signed, rd, rn, rm } => {
                let (d, n, m) = (p(*rd)?, p(*rn)?, p(*rm)?);
                if *signed {
                    a.sdiv(d, n, m)
                } else {
                    a.udiv(d, n, m)
                }
                a.mls(d, d, m, n);
            }
            MachInst::Clz { rd, rm } => a.clz(p(*rd)?, p(*rm)?),
            MachInst::Ctz { rd, rm } => {
                let d = p(*rd)?;
                a.rbit(d, p(*rm)?);
                a.clz(d, d);
            }
            MachInst::Popcnt { rd, rm, tmp } => self.popcnt(p(*rd)?, p(*rm)?, p(*tmp)?)?,
            MachInst::Extend { op, rd, rm } => a.extend(*op, p(*rd)?, p(*rm)?),
            MachInst::Bfx { signed, rd, rm, lsb, width } => a.bfx(*signed, p(*rd)?, p(*rm)?, *lsb, *width),
            MachInst::VMovToS { sd, rt } => a.vmov_to_s(s(*sd)?, p(*rt)?),
            MachInst::VMovFromS { rt, sn } => a.vmov_from_s(p(*rt)?, s(*sn)?),
            MachInst::VMov { sd, sm } => {
                if sd != sm {
                    a.vfp_op2(enc::VfpOp2::Mov, s(*sd)?, s(*sm)?);
                }
            }
            MachInst::VMovImm { sd, bits } => {
                if !a.vmov_imm_f32(s(*sd)?, f32::from_bits(*bits)) {
                    return Err(format!("VMOV.F32 of {bits:#x}, not a VFP immediate"));
                }
            }
            MachInst::VLdr { sd, base, off } => a.vldr(s(*sd)?, p(*base)?, *off as i32),
            MachInst::VStr { sd, base, off } => a.vstr(s(*sd)?, p(*base)?, *off as i32),
            MachInst::VArith { op, sd, sn, sm } => a.vfp_op3(*op, s(*sd)?, s(*sn)?, s(*sm)?),
            MachInst::VSqrt { sd, sm } => a.vfp_op2(enc::VfpOp2::Sqrt, s(*sd)?, s(*sm)?),
            MachInst::VSign { neg, sd, sm } => {
                let op = if *neg { enc::VfpOp2::Neg } else { enc::VfpOp2::Abs };
                a.vfp_op2(op, s(*sd)?, s(*sm)?)
            }
            MachInst::VCvtToInt { signed, sd, sm } => a.vcvt_to_int(enc::Round::Zero, *signed, s(*sd)?, s(*sm)?),
            MachInst::VCvtFromInt { signed, sd, sm } => a.vcvt_from_int(*signed, s(*sd)?, s(*sm)?),
            MachInst::VRint { mode, sd, sm } => a.vrint(*mode, s(*sd)?, s(*sm)?),
            MachInst::F64 { tree, inputs, rd, rd_hi } => self.f64_expr(tree, inputs, *rd, *rd_hi)?,
            MachInst::VCmpSet { cc, rd, sn, sm } => {
                a.vcmp(s(*sn)?, s(*sm)?);
                a.vmrs_apsr();
                self.set01(*cc, p(*rd)?);
            }
            MachInst::VCmpSelect { cc, rd, sn, sm, t, f } => {
                a.vcmp(s(*sn)?, s(*sm)?);
                a.vmrs_apsr();
                let float = rd.as_phys().is_some_and(|r| r.class() == synth_regalloc::RegClass::Float);
                // (d, t, f) as register numbers; the moves by class.
                let (d, t, f) = if float {
                    (s(*rd)?.0, s(*t)?.0, s(*f)?.0)
                } else {
                    (p(*rd)?.0, p(*t)?.0, p(*f)?.0)
                };
                let mv = |a: &mut enc::Assembler, d: u8, m: u8| {
                    if float {
                        a.vfp_op2(enc::VfpOp2::Mov, enc::SReg(d), enc::SReg(m))
                    } else {
                        a.mov(enc::Reg(d), enc::Reg(m))
                    }
                };
                if d == t && d == f {
                } else if d == t {
                    a.it(cc.invert(), "");
                    mv(a, d, f);
                } else if d == f {
                    a.it(*cc, "");
                    mv(a, d, t);
                } else {
                    a.it(*cc, "e");
                    mv(a, d, t);
                    mv(a, d, f);
                }
            }
            MachInst::VMinMax { max, rd, ra, rb, sa, sb, st } => {
                let (d, ra, rb, st) = (p(*rd)?, p(*ra)?, p(*rb)?, s(*st)?);
                a.vcmp(s(*sa)?, s(*sb)?);
                a.vmrs_apsr();
                a.vfp_op3(enc::VfpOp3::Add, st, s(*sa)?, s(*sb)?);
                // Flags kept: the IT blocks below test the VCMP's.
                let (eq_op, lt, gt) = if *max { (AluOp::And, rb, ra) } else { (AluOp::Orr, ra, rb) };
                a.alu(eq_op, d, ra, rb, None, Flags::Keep);
                a.it(Cond::Mi, "");
                a.mov(d, lt);
                a.it(Cond::Gt, "");
                a.mov(d, gt);
                a.it(Cond::Vs, "");
                a.vmov_from_s(d, st);
            }
            MachInst::CmpSet { cc, rd, rn, rhs } => {
                self.cmp(*rn, *rhs)?;
                self.set01(*cc, p(*rd)?);
            }
            MachInst::CmpSelect { cc, rd, rn, rhs, t, f } => {
                self.cmp(*rn, *rhs)?;
                let (d, t, f) = (p(*rd)?, p(*t)?, p(*f)?);
                let a = &mut self.asm;
                if d == t && d == f {
                } else if d == t {
                    a.it(cc.invert(), "");
                    a.mov(d, f);
                } else if d == f {
                    a.it(*cc, "");
                    a.mov(d, t);
                } else {
                    a.it(*cc, "e");
                    a.mov(d, t);
                    a.mov(d, f);
                }
            }
            MachInst::VSelect { cc, sd, rn, rhs, st, sf } => {
                self.cmp(*rn, *rhs)?;
                let (d, t, f) = (s(*sd)?, s(*st)?, s(*sf)?);
                let a = &mut self.asm;
                let mov = enc::VfpOp2::Mov;
                if d == t && d == f {
                } else if d == t {
                    a.it(cc.invert(), "");
                    a.vfp_op2(mov, d, f);
                } else if d == f {
                    a.it(*cc, "");
                    a.vfp_op2(mov, d, t);
                } else {
                    a.it(*cc, "e");
                    a.vfp_op2(mov, d, t);
                    a.vfp_op2(mov, d, f);
                }
            }
            MachInst::TrapIf { cc, rn, rhs, code } => match zero_test(*cc, *rhs) {
                Some(nz) => {
                    let l = self.trap_use_label(*code);
                    self.asm.cbz(nz, p(*rn)?, l);
                }
                None => {
                    self.cmp(*rn, *rhs)?;
                    self.trap_if(*cc, *code);
                }
            },
            MachInst::Trap { code } | MachInst::TrapTerm { code } => self.trap(*code),
            MachInst::AddSub64 { op, dlo, dhi, alo, ahi, blo, bhi } => {
                let (o1, o2) = match op {
                    AddSub::Add => (AluOp::Add, AluOp::Adc),
                    AddSub::Sub => (AluOp::Sub, AluOp::Sbc),
                };
                a.alu(o1, p(*dlo)?, p(*alo)?, p(*blo)?, None, Flags::Set);
                a.alu(o2, p(*dhi)?, p(*ahi)?, p(*bhi)?, None, Flags::Any);
            }
            MachInst::MulLong { signed, dlo, dhi, rn, rm } => {
                let (dl, dh, n, m) = (p(*dlo)?, p(*dhi)?, p(*rn)?, p(*rm)?);
                if *signed {
                    a.smull(dl, dh, n, m)
                } else {
                    a.umull(dl, dh, n, m)
                }
            }
            MachInst::Mul64 { dlo, dhi, alo, ahi, blo, bhi } => {
                let (dl, dh) = (p(*dlo)?, p(*dhi)?);
                a.umull(dl, dh, p(*alo)?, p(*blo)?);
                a.mla(dh, p(*alo)?, p(*bhi)?, dh);
                a.mla(dh, p(*ahi)?, p(*blo)?, dh);
            }
            MachInst::Shift64 { op, dlo, dhi, alo, ahi, n, t, t2 } => {
                self.shift64(*op, [p(*dlo)?, p(*dhi)?, p(*alo)?, p(*ahi)?, p(*n)?, p(*t)?, p(*t2)?])?
            }
            MachInst::Rotl64 { dlo, dhi, alo, ahi, n, t, t2, u } => {
                let (dl, dh, al, ah, n, t, t2, u) =
                    (p(*dlo)?, p(*dhi)?, p(*alo)?, p(*ahi)?, p(*n)?, p(*t)?, p(*t2)?, p(*u)?);
                if !a.tst_imm(n, 32) {
                    return Err("TST #32 has no encoding".into());
                }
                a.it(Cond::Ne, "e");
                a.mov(dl, ah);
                a.mov(dl, al);
                a.it(Cond::Ne, "e");
                a.mov(dh, al);
                a.mov(dh, ah);
                self.alu_imm(AluOp::And, t, n, 31, Flags::Any)?;
                self.alu_imm(AluOp::Rsb, t2, t, 32, Flags::Any)?;
                let a = &mut self.asm;
                a.shift_reg(ShiftOp::Lsr, u, dh, t2, Flags::Any);
                a.shift_reg(ShiftOp::Lsr, t2, dl, t2, Flags::Any);
                a.shift_reg(ShiftOp::Lsl, dl, dl, t, Flags::Any);
                a.alu(AluOp::Orr, dl, dl, u, None, Flags::Any);
                a.shift_reg(ShiftOp::Lsl, dh, dh, t, Flags::Any);
                a.alu(AluOp::Orr, dh, dh, t2, None, Flags::Any);
            }
            MachInst::Select64 { cc, rn, rhs, dl, dh, tl, th, fl, fh } => {
                self.cmp(*rn, *rhs)?;
                self.select_pair(*cc, [p(*dl)?, p(*dh)?], [p(*tl)?, p(*th)?], [p(*fl)?, p(*fh)?]);
            }
            MachInst::Cmp64Select64 { cc, alo, ahi, blo, bhi, t, dl, dh, tl, th, fl, fh } => {
                let cond = self.cmp64(*cc, [p(*alo)?, p(*ahi)?], [p(*blo)?, p(*bhi)?], p(*t)?);
                self.select_pair(cond, [p(*dl)?, p(*dh)?], [p(*tl)?, p(*th)?], [p(*fl)?, p(*fh)?]);
            }
            MachInst::CmpSet64 { cc, rd, alo, ahi, blo, bhi, t } => {
                let cond = self.cmp64(*cc, [p(*alo)?, p(*ahi)?], [p(*blo)?, p(*bhi)?], p(*t)?);
                self.set01(cond, p(*rd)?);
            }
            MachInst::Clz64 { rd, lo, hi } => {
                let (d, l, h) = (p(*rd)?, p(*lo)?, p(*hi)?);
                a.cmp_imm(h, 0);
                a.it(Cond::Ne, "ee");
                a.clz(d, h);
                a.clz(d, l);
                self.alu_imm(AluOp::Add, d, d, 32, Flags::Any)?;
            }
            MachInst::Ctz64 { rd, lo, hi } => {
                let (d, l, h) = (p(*rd)?, p(*lo)?, p(*hi)?);
                a.cmp_imm(l, 0);
                a.it(Cond::Ne, "e");
                a.rbit(d, l);
                a.rbit(d, h);
                a.clz(d, d);
                a.it(Cond::Eq, "");
                self.alu_imm(AluOp::Add, d, d, 32, Flags::Any)?;
            }
            MachInst::Load { op, rd, base, off } => a.load(*op, p(*rd)?, p(*base)?, *off as i32),
            MachInst::Store { op, rt, base, off } => a.store(*op, p(*rt)?, p(*base)?, *off as i32),
            MachInst::LoadStack { rd, addr } => {
                let off = self.frame.offset(*addr);
                self.sp_load(p(*rd)?, off);
            }
            MachInst::StoreStack { rt, addr } => {
                let off = self.frame.offset(*addr);
                self.sp_store(p(*rt)?, off);
            }
            MachInst::LeaStack { rd, addr } => {
                let off = self.frame.offset(*addr);
                self.sp_lea(p(*rd)?, off);
            }
            MachInst::BoundsCheck { addr, end, t, t2 } => {
                let (ad, t) = (p(*addr)?, p(*t)?);
                let s = self.sym(RelocTarget::Symbol(SymbolRef::MemorySize));
                let a = &mut self.asm;
                a.mov_sym(t, s, 0);
                a.load(LoadOp::Ldr, t, t, 0);
                match t2 {
                    Some(t2) => {
                        let t2 = p(*t2)?;
                        a.mov_imm(t2, *end, Flags::Any);
                        a.alu(AluOp::Sub, t, t, t2, None, Flags::Set);
                    }
                    None => {
                        if !is_modified_imm(*end) {
                            return Err("bounds-check end without a scratch register".into());
                        }
                        self.alu_imm(AluOp::Sub, t, t, *end, Flags::Set)?;
                    }
                }
                self.asm.it(Cond::Hs, "");
                self.asm.cmp(t, ad);
                self.trap_if(Cond::Lo, TrapCode::MemoryOutOfBounds);
            }
            MachInst::StackCheck { t } => {
                let t = p(*t)?;
                let s = self.sym(RelocTarget::Symbol(SymbolRef::StackLimit));
                let a = &mut self.asm;
                a.mov_sym(t, s, 0);
                a.load(LoadOp::Ldr, t, t, 0);
                a.cmp(SP, t);
                self.trap_if(Cond::Lo, TrapCode::StackOverflow);
            }
            MachInst::Call { target, .. } => match target {
                CallTarget::Sym(s) => {
                    let s = self.sym(RelocTarget::Symbol(*s));
                    self.asm.bl(s);
                }
                CallTarget::Reg(r) => a.blx(p(*r)?),
            },
            MachInst::Jump { target } => {
                let t = self.fwd[*target];
                if t != next {
                    a.b(self.labels[t]);
                    self.barrier = true;
                }
            }
            MachInst::CmpBr { cc, rn, rhs, taken, not_taken } => match zero_test(*cc, *rhs) {
                Some(nz) => self.branch_zero(p(*rn)?, nz, *taken, *not_taken, next),
                None => {
                    self.cmp(*rn, *rhs)?;
                    self.branch2(*cc, *taken, *not_taken, next);
                }
            },
            MachInst::F64Br { tree, inputs, taken, not_taken } => self.f64_branch(tree, inputs, *taken, *not_taken, next)?,
            MachInst::VCmpBr { cc, sn, sm, taken, not_taken } => {
                let (n, m) = (s(*sn)?, s(*sm)?);
                self.asm.vcmp(n, m);
                self.asm.vmrs_apsr();
                self.branch2(*cc, *taken, *not_taken, next);
            }
            MachInst::Cmp64Br { cc, alo, ahi, blo, bhi, taken, not_taken } => {
                let (al, ah, bl, bh) = (p(*alo)?, p(*ahi)?, p(*blo)?, p(*bhi)?);
                a.cmp(ah, bh);
                let unsigned = match cc {
                    IntCC::LtS => Some((Cond::Lt, Cond::Gt, Cond::Lo)),
                    IntCC::LeS => Some((Cond::Lt, Cond::Gt, Cond::Ls)),
                    IntCC::GtS => Some((Cond::Gt, Cond::Lt, Cond::Hi)),
                    IntCC::GeS => Some((Cond::Gt, Cond::Lt, Cond::Hs)),
                    _ => None,
                };
                match unsigned {
                    Some((strict, opposite, low)) => {
                        a.b_cond(strict, self.labels[self.fwd[*taken]]);
                        a.b_cond(opposite, self.labels[self.fwd[*not_taken]]);
                        a.cmp(al, bl);
                        self.branch2(low, *taken, *not_taken, next);
                    }
                    None => {
                        a.it(Cond::Eq, "");
                        a.cmp(al, bl);
                        self.branch2(crate::inst::cond_of(*cc), *taken, *not_taken, next);
                    }
                }
            }
            MachInst::BrTable { idx, limit, targets, default } => {
                let i = p(*idx)?;
                match limit {
                    Some(l) => a.cmp(i, p(*l)?),
                    None => {
                        if !a.cmp_imm(i, targets.len() as u32) {
                            return Err("br_table bound has no CMP encoding".into());
                        }
                    }
                }
                a.b_cond(Cond::Hs, self.labels[self.fwd[*default]]);
                // TBH only jumps forwards: keep trampolines to earlier blocks.
                let cur = self.cur_block;
                let fwd = |t: usize| if self.fwd[t] > cur { self.fwd[t] } else { t };
                let ls: Vec<Label> = targets.iter().map(|t| self.labels[fwd(*t)]).collect();
                self.asm.tbh(i, &ls);
                self.barrier = true;
            }
            MachInst::Ret { .. } => {
                self.epilogue();
                self.barrier = true;
            }
            MachInst::TailCall { sym, .. } => {
                let s = self.sym(RelocTarget::Symbol(*sym));
                if self.frame.saves_lr() {
                    // lr is on the stack anyway: return through the pop.
                    self.asm.bl(s);
                    self.epilogue();
                } else {
                    let framed = self.exit_changes_frame();
                    if framed {
                        self.cfi(super::cfi::CfiOp::RememberState);
                    }
                    self.adjust_sp(AluOp::Add, self.frame.frame_bytes);
                    self.asm.b_sym(s);
                    if framed {
                        self.cfi(super::cfi::CfiOp::RestoreState);
                    }
                }
                self.barrier = true;
            }
        }
        Ok(())
    }

    /// Sets the flags for the i64 comparison `a cc b` (pairs `[lo, hi]`;
    /// `t` is the SBCS scratch) and returns the condition that then holds
    /// exactly when it is true. Eq/Ne: `CMP lo; IT EQ; CMPEQ hi`; ordered
    /// (Gt/Le swap the operands): `CMP lo; SBCS t, hi` then LT/GE/LO/HS.
    pub(super) fn cmp64(&mut self, cc: IntCC, a: [enc::Reg; 2], b: [enc::Reg; 2], t: enc::Reg) -> Cond {
        let asm = &mut self.asm;
        match cc {
            IntCC::Eq | IntCC::Ne => {
                asm.cmp(a[0], b[0]);
                asm.it(Cond::Eq, "");
                asm.cmp(a[1], b[1]);
                crate::inst::cond_of(cc)
            }
            _ => {
                let swap = matches!(cc, IntCC::GtS | IntCC::LeS | IntCC::GtU | IntCC::LeU);
                let (x, y) = if swap { (b, a) } else { (a, b) };
                asm.cmp(x[0], y[0]);
                asm.alu(AluOp::Sbc, t, x[1], y[1], None, Flags::Set);
                match cc {
                    IntCC::LtS | IntCC::GtS => Cond::Lt,
                    IntCC::GeS | IntCC::LeS => Cond::Ge,
                    IntCC::LtU | IntCC::GtU => Cond::Lo,
                    _ => Cond::Hs,
                }
            }
        }
    }

    /// `d = cc ? t : f` for register pairs, the flags already set: the moves
    /// that change something, in one IT block (low half first).
    pub(super) fn select_pair(&mut self, cc: Cond, d: [enc::Reg; 2], t: [enc::Reg; 2], f: [enc::Reg; 2]) {
        let mut moves = Vec::with_capacity(4);
        for k in 0..2 {
            for (c, src) in [(cc, t[k]), (cc.invert(), f[k])] {
                if src != d[k] {
                    moves.push((c, d[k], src));
                }
            }
        }
        let Some(&(first, _, _)) = moves.first() else { return };
        let rest: String = moves[1..].iter().map(|&(c, _, _)| if c == first { 't' } else { 'e' }).collect();
        self.asm.it(first, &rest);
        for (_, rd, rm) in moves {
            self.asm.mov(rd, rm);
        }
    }

    pub(super) fn cmp(&mut self, rn: Reg, rhs: Rhs) -> Result<(), String> {
        match rhs {
            Rhs::Reg(rm) => self.asm.cmp(p(rn)?, p(rm)?),
            Rhs::Imm(i) => {
                if !self.asm.cmp_imm(p(rn)?, i) {
                    return Err(format!("CMP #{i:#x} has no encoding"));
                }
            }
            Rhs::TstReg(rm) => self.asm.tst(p(rn)?, p(rm)?),
            Rhs::TstImm(i) => {
                if !self.asm.tst_imm(p(rn)?, i) {
                    return Err(format!("TST #{i:#x} has no encoding"));
                }
            }
        }
        Ok(())
    }

    pub(super) fn alu_imm(&mut self, op: AluOp, rd: enc::Reg, rn: enc::Reg, imm: u32, flags: Flags) -> Result<(), String> {
        if self.asm.alu_imm(op, rd, rn, imm, flags) {
            Ok(())
        } else {
            Err(format!("{op:?} #{imm:#x} has no encoding"))
        }
    }
}
