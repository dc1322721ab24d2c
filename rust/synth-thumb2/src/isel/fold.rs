//! Operand folding: single-use values computed inside their consumer.
//!
//! Takes: the IR function, its use counts and the comparisons already fused
//! into their consumers. Returns (in [`Lower::folded`]): the values whose
//! defining instruction is not emitted because its one consumer, in the
//! same block, does the work in its own addressing mode or operand:
//!
//! - `base + idx` (and `base + (idx << k)`, `k <= 3`) as the address of a
//!   load or store with offset 0 → `LDR rd, [base, idx, LSL #k]`;
//! - `base + c` as the address of a load or store → `LDR rd, [base, #off+c]`
//!   (when the sum stays in the immediate range);
//! - `a * b` as an operand of `+` → `MLA`, as the subtrahend of `-` → `MLS`;
//! - `x <shift> #k` as an operand of `+ - & | ^` → the shifted-register form
//!   (`ADD rd, rn, rm, LSL #k`; `RSB` when it is the minuend);
//! - `extend(x) * extend(y)` (i64, both signed or both unsigned extends of
//!   i32 values) → `SMULL`/`UMULL`; an extending i64 load consumed only
//!   there computes just its low word (`hi_dead`);
//! - `x & y` tested against zero (a branch, select or trap condition, or an
//!   `eq`/`ne` comparison with 0, or `eqz`) → `TST`.
//!
//! Consumers are visited last to first in each block, so a value folded into
//! a later consumer is never folded again into its own operands' consumers
//! (a folded instruction plans nothing). The lowering code asks
//! [`Lower::folded`] and re-reads the folded value's definition; the set is
//! the single source of truth for both sides.

use super::Lower;
use crate::imm::is_addsub_imm;
use synth_regalloc::Reg;
use synth_ir::{BinaryOp, ConvertOp, InstKind, IntCC, LoadKind, StoreKind, Terminator, Type, Value};
use synth_thumb2_enc::Shift;

impl<'a> Lower<'a> {
    /// The instruction defining `v`, if an instruction does.
    pub(super) fn def_kind(&self, v: Value) -> Option<&'a InstKind> {
        let func = self.func;
        let &(b, k) = self.defs.get(&v)?;
        Some(&func.blocks[b].insts[k].kind)
    }

    /// True when `v` may be computed by its consumer in IR block `bi`:
    /// defined by an instruction of `bi`, used exactly once, not yet folded.
    fn foldable(&self, v: Value, bi: usize) -> bool {
        self.defs.get(&v).map(|d| d.0) == Some(bi)
            && self.use_counts.get(&v) == Some(&1)
            && !self.folded.contains(&v)
            && !self.fused.contains(&v)
    }

    /// `(x, shift)` when `v` is an i32 shift or rotate of `x` by a constant
    /// whose effective amount is not 0.
    pub(super) fn shift_by_const(&self, v: Value) -> Option<(Value, Shift)> {
        let InstKind::Binary { op, ty: Type::I32, lhs, rhs } = self.def_kind(v)? else {
            return None;
        };
        let k = (self.ir_const(*rhs)? & 31) as u8;
        let shift = match op {
            BinaryOp::Shl => Shift::Lsl(k),
            BinaryOp::ShrU => Shift::Lsr(k),
            BinaryOp::ShrS => Shift::Asr(k),
            BinaryOp::Rotr => Shift::Ror(k),
            BinaryOp::Rotl => Shift::Ror((32 - k) & 31),
            _ => return None,
        };
        match shift {
            Shift::Lsl(0) | Shift::Lsr(0) | Shift::Asr(0) | Shift::Ror(0) => None,
            _ => Some((*lhs, shift)),
        }
    }

    /// True when `v` is an i32 `Binary` of kind `want`.
    fn is_binary(&self, v: Value, want: BinaryOp) -> bool {
        matches!(self.def_kind(v), Some(InstKind::Binary { op, ty: Type::I32, .. }) if *op == want)
    }

    /// Marks `v` folded when it is foldable in `bi` and `ok` holds.
    fn fold_if(&mut self, v: Value, bi: usize, ok: bool) -> bool {
        if ok && self.foldable(v, bi) {
            self.folded.insert(v);
            true
        } else {
            false
        }
    }

    /// A condition `c != 0` consumed in `bi` (branch, select, trap).
    fn plan_condition(&mut self, c: Value, bi: usize) {
        let and = self.is_binary(c, BinaryOp::And);
        self.fold_if(c, bi, and);
    }

    /// Decides every fold of the reachable blocks (see the module comment).
    pub(super) fn plan_folds(&mut self, reach: &[bool]) {
        let func = self.func;
        for (bi, bd) in func.blocks.iter().enumerate() {
            if !reach[bi] {
                continue;
            }
            if let Terminator::Branch { cond, .. } = &bd.term {
                self.plan_condition(*cond, bi);
            }
            for inst in bd.insts.iter().rev() {
                if inst.results.iter().any(|r| self.folded.contains(r)) {
                    continue;
                }
                self.plan_inst(&inst.kind, bi);
            }
        }
    }

    fn plan_inst(&mut self, kind: &InstKind, bi: usize) {
        match kind {
            InstKind::Select { cond, .. } | InstKind::TrapIf { cond, .. } => self.plan_condition(*cond, bi),
            InstKind::Compare { cc: IntCC::Eq | IntCC::Ne, ty: Type::I32, lhs, rhs } => {
                if self.ir_const(*rhs) == Some(0) {
                    let and = self.is_binary(*lhs, BinaryOp::And);
                    self.fold_if(*lhs, bi, and);
                } else if self.ir_const(*lhs) == Some(0) {
                    let and = self.is_binary(*rhs, BinaryOp::And);
                    self.fold_if(*rhs, bi, and);
                }
            }
            InstKind::Eqz { ty: Type::I32, arg } => {
                let and = self.is_binary(*arg, BinaryOp::And);
                self.fold_if(*arg, bi, and);
            }
            InstKind::Load { ty, kind: lk, addr, offset } => {
                let pair = *ty == Type::I64 && *lk == LoadKind::Full;
                self.plan_address(*addr, *offset, pair, bi)
            }
            InstKind::Store { kind: sk, addr, value, offset } => {
                let pair = self.func.value_type(*value) == Type::I64 && *sk == StoreKind::Full;
                self.plan_address(*addr, *offset, pair, bi)
            }
            InstKind::Binary { op, ty: Type::I32, lhs, rhs } => self.plan_binary(*op, *lhs, *rhs, bi),
            InstKind::Binary { op: BinaryOp::Mul, ty: Type::I64, lhs, rhs } => {
                self.plan_widening_mul(*lhs, *rhs, bi);
            }
            _ => {}
        }
    }

    /// How the i64 value `v` extends an i32 value: `Some((signed, src))`
    /// when it is `extend_s`/`extend_u` of `src` (`Ok(arg)`), or an
    /// extending load whose low word holds the 32-bit value (`Err(v)`:
    /// the low register of `v` itself).
    fn extension(&self, v: Value) -> Option<(bool, Result<Value, Value>)> {
        match self.def_kind(v)? {
            InstKind::Convert { op: ConvertOp::ExtendS, arg } => Some((true, Ok(*arg))),
            InstKind::Convert { op: ConvertOp::ExtendU, arg } => Some((false, Ok(*arg))),
            InstKind::Load { ty: Type::I64, kind, .. } => match kind {
                LoadKind::S8 | LoadKind::S16 | LoadKind::S32 => Some((true, Err(v))),
                LoadKind::U8 | LoadKind::U16 | LoadKind::U32 => Some((false, Err(v))),
                LoadKind::Full => None,
            },
            _ => None,
        }
    }

    /// `(signed, x, y)` when the i64 product `lhs * rhs` is that of two
    /// i32 values in registers `x`, `y`, both sign-extended (`signed`) or
    /// both zero-extended: `SMULL`/`UMULL x, y`.
    pub(super) fn widening_mul(&self, lhs: Value, rhs: Value) -> Option<(bool, Reg, Reg)> {
        let ((sl, x), (sr, y)) = (self.extension(lhs)?, self.extension(rhs)?);
        let reg = |e: Result<Value, Value>| match e {
            Ok(arg) => Some(self.r(arg)),
            Err(v) => self.pair(v).ok().map(|p| p.0),
        };
        if sl != sr {
            return None;
        }
        Some((sl, reg(x)?, reg(y)?))
    }

    /// Plans `SMULL`/`UMULL` for the i64 product `lhs * rhs`: single-use
    /// extends are folded, single-use extending loads skip their high word.
    fn plan_widening_mul(&mut self, lhs: Value, rhs: Value, bi: usize) {
        if self.widening_mul(lhs, rhs).is_none() {
            return;
        }
        for v in [lhs, rhs] {
            match self.extension(v) {
                Some((_, Ok(_))) => {
                    self.fold_if(v, bi, true);
                }
                Some((_, Err(_))) if self.use_counts.get(&v) == Some(&1) => {
                    self.hi_dead.insert(v);
                }
                _ => {}
            }
        }
    }

    /// The constant `c` when `v` is `x + c` or `c + x` (i32, `c` a constant
    /// of 0..=4095): `(x, c)`.
    pub(super) fn add_const(&self, v: Value) -> Option<(Value, u32)> {
        let Some(InstKind::Binary { op: BinaryOp::Add, ty: Type::I32, lhs, rhs }) = self.def_kind(v) else {
            return None;
        };
        let small = |c: i64| Some(c as u32).filter(|&c| c <= 4095);
        if let Some(c) = self.ir_const(*rhs).and_then(small) {
            return Some((*lhs, c));
        }
        self.ir_const(*lhs).and_then(small).map(|c| (*rhs, c))
    }

    /// The address of an access at `addr + offset` (two words when
    /// `pair`): `x + c` with the sum of offsets in the immediate range, or
    /// `base + idx` (no constant operand, offset 0, one register) as a
    /// register-offset address.
    fn plan_address(&mut self, addr: Value, offset: u32, pair: bool, bi: usize) {
        if let Some((_, c)) = self.add_const(addr) {
            let span = if pair { 4 } else { 0 };
            let fits = offset.checked_add(c + span).is_some_and(|e| e <= 4095);
            self.fold_if(addr, bi, fits);
            return;
        }
        let Some(InstKind::Binary { op: BinaryOp::Add, ty: Type::I32, lhs, rhs }) = self.def_kind(addr) else {
            return;
        };
        let (x, y) = (*lhs, *rhs);
        let no_const = self.ir_const(x).is_none() && self.ir_const(y).is_none();
        if !self.fold_if(addr, bi, no_const && offset == 0 && !pair) {
            return;
        }
        let scaled = |l: &Self, v: Value| matches!(l.shift_by_const(v), Some((_, Shift::Lsl(1..=3))));
        let sy = scaled(self, y);
        if !self.fold_if(y, bi, sy) {
            let sx = scaled(self, x);
            self.fold_if(x, bi, sx);
        }
    }

    /// `(x, width)` when `lhs & rhs` (i32) keeps the low `width` bits
    /// (`1..=31`) of `x`: one operand the constant `2^width - 1`.
    pub(super) fn low_mask(&self, lhs: Value, rhs: Value) -> Option<(Value, u8)> {
        let width = |c: Option<i64>| {
            let m = c? as u32;
            (m != 0 && m != u32::MAX && m & m.wrapping_add(1) == 0).then(|| m.count_ones() as u8)
        };
        match (width(self.ir_const(rhs)), width(self.ir_const(lhs))) {
            (Some(w), _) => Some((lhs, w)),
            (None, Some(w)) => Some((rhs, w)),
            _ => None,
        }
    }

    /// `(y, lsb, width)` when `x & (2^width - 1)` is the bit field
    /// `lsb..lsb+width` of `y`: `x` is `y >> lsb` (logical or arithmetic,
    /// `lsb` constant and non-zero) and the field stays inside the word.
    pub(super) fn bit_field(&self, x: Value, width: u8) -> Option<(Value, u8)> {
        let (y, shift) = self.shift_by_const(x)?;
        let lsb = match shift {
            Shift::Lsr(k) | Shift::Asr(k) => k,
            _ => return None,
        };
        (u32::from(lsb) + u32::from(width) <= 32).then_some((y, lsb))
    }

    /// `MLA`/`MLS` and shifted-register operands of an i32 ALU operation;
    /// `(y >> k) & mask` as one `UBFX` (the shift folded).
    fn plan_binary(&mut self, op: BinaryOp, lhs: Value, rhs: Value, bi: usize) {
        if op == BinaryOp::And {
            if let Some((x, w)) = self.low_mask(lhs, rhs) {
                let field = self.bit_field(x, w).is_some();
                self.fold_if(x, bi, field);
                return;
            }
        }
        if !matches!(op, BinaryOp::Add | BinaryOp::Sub | BinaryOp::And | BinaryOp::Or | BinaryOp::Xor) {
            return;
        }
        if lhs == rhs {
            return;
        }
        // A constant operand that an immediate form encodes stays one; any
        // other constant is a register anyway and may be MLA's addend.
        let imm = |c: Option<i64>| {
            c.is_some_and(|c| is_addsub_imm(c as u32) || is_addsub_imm((c as u32).wrapping_neg()))
        };
        let (cl, cr) = (self.ir_const(lhs), self.ir_const(rhs));
        if imm(cl) || imm(cr) {
            return;
        }
        let mul_r = self.is_binary(rhs, BinaryOp::Mul);
        let mul_l = self.is_binary(lhs, BinaryOp::Mul);
        let mla = match op {
            BinaryOp::Add => self.fold_if(rhs, bi, mul_r) || self.fold_if(lhs, bi, mul_l),
            BinaryOp::Sub => self.fold_if(rhs, bi, mul_r),
            _ => false,
        };
        if mla {
            return;
        }
        if cl.is_some() || cr.is_some() {
            return;
        }
        let sh_r = self.shift_by_const(rhs).is_some();
        let sh_l = self.shift_by_const(lhs).is_some();
        if !self.fold_if(rhs, bi, sh_r) {
            self.fold_if(lhs, bi, sh_l);
        }
    }
}
