//! Thumb-2 (ARMv7-M) assembler: encodes instructions on physical registers
//! into bytes, with labels, branch relaxation and relocations.
//!
//! Takes: calls naming real instructions and registers. Returns: [`Code`],
//! the bytes of one function (little-endian halfwords) and its relocations.
//! Every method picks the shortest encoding that has the requested effect;
//! every encoding it can produce is checked against GNU `objdump` in tests.
//!
//! Flags: methods that take [`Flags`] let the caller say whether the
//! condition flags must be set (`Set`, e.g. `ADDS`), must be preserved
//! (`Keep`, forcing a 32-bit encoding where the 16-bit one sets flags), or do
//! not matter (`Any`, the shortest encoding whichever it does). Inside an IT
//! block 16-bit encodings do not set flags; the assembler tracks open IT
//! blocks and chooses accordingly.

#![warn(missing_docs)]

/// An ARM core register, r0..r15.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg(pub u8);

impl Reg {
    /// r0.
    pub const R0: Reg = Reg(0);
    /// r1.
    pub const R1: Reg = Reg(1);
    /// r2.
    pub const R2: Reg = Reg(2);
    /// r3.
    pub const R3: Reg = Reg(3);
    /// r12 (intra-procedure scratch).
    pub const IP: Reg = Reg(12);
    /// Stack pointer.
    pub const SP: Reg = Reg(13);
    /// Link register.
    pub const LR: Reg = Reg(14);
    /// Program counter.
    pub const PC: Reg = Reg(15);
    /// True for r0-r7 (reachable by most 16-bit encodings).
    pub fn is_low(self) -> bool {
        self.0 < 8
    }
}

/// Condition codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    /// Equal (Z).
    Eq,
    /// Not equal.
    Ne,
    /// Carry set / unsigned higher or same.
    Hs,
    /// Carry clear / unsigned lower.
    Lo,
    /// Negative.
    Mi,
    /// Positive or zero.
    Pl,
    /// Overflow.
    Vs,
    /// No overflow.
    Vc,
    /// Unsigned higher.
    Hi,
    /// Unsigned lower or same.
    Ls,
    /// Signed greater or equal.
    Ge,
    /// Signed less than.
    Lt,
    /// Signed greater than.
    Gt,
    /// Signed less or equal.
    Le,
}

impl Cond {
    /// The 4-bit encoding.
    pub fn bits(self) -> u32 {
        self as u32
    }
    /// The opposite condition.
    pub fn invert(self) -> Cond {
        use Cond::*;
        match self {
            Eq => Ne,
            Ne => Eq,
            Hs => Lo,
            Lo => Hs,
            Mi => Pl,
            Pl => Mi,
            Vs => Vc,
            Vc => Vs,
            Hi => Ls,
            Ls => Hi,
            Ge => Lt,
            Lt => Ge,
            Gt => Le,
            Le => Gt,
        }
    }
}

/// Whether an instruction must set, must keep, or may do either to the flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flags {
    /// Must set N, Z, C, V as the `S` form does.
    Set,
    /// Must not change the flags.
    Keep,
    /// Either; pick the shortest encoding.
    Any,
}

/// Shift applied to a register operand (`Rm, LSL #n` etc.).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shift {
    /// Logical shift left by 0..=31.
    Lsl(u8),
    /// Logical shift right by 1..=32.
    Lsr(u8),
    /// Arithmetic shift right by 1..=32.
    Asr(u8),
    /// Rotate right by 1..=31.
    Ror(u8),
}

/// Data-processing operations with a register or immediate second operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AluOp {
    /// `ADD`.
    Add,
    /// `ADC`.
    Adc,
    /// `SUB`.
    Sub,
    /// `SBC`.
    Sbc,
    /// `RSB` (reverse subtract: `rd = op2 - rn`).
    Rsb,
    /// `AND`.
    And,
    /// `ORR`.
    Orr,
    /// `EOR`.
    Eor,
    /// `BIC` (`rn & !op2`).
    Bic,
    /// `ORN` (`rn | !op2`).
    Orn,
}

/// Shift operations (`LSL`, `LSR`, `ASR`, `ROR`), by immediate or register.
/// A register shift amount uses the bottom byte of the register, so amounts
/// 32..=255 give 0 (or all sign bits for `ASR`), as the ARM ARM specifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShiftOp {
    /// Logical shift left.
    Lsl,
    /// Logical shift right.
    Lsr,
    /// Arithmetic shift right.
    Asr,
    /// Rotate right.
    Ror,
}

/// Load widths and extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoadOp {
    /// `LDR` (32-bit).
    Ldr,
    /// `LDRB` (zero-extend byte).
    Ldrb,
    /// `LDRSB` (sign-extend byte).
    Ldrsb,
    /// `LDRH` (zero-extend halfword).
    Ldrh,
    /// `LDRSH` (sign-extend halfword).
    Ldrsh,
}

/// Store widths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoreOp {
    /// `STR` (32-bit).
    Str,
    /// `STRB`.
    Strb,
    /// `STRH`.
    Strh,
}

/// Extend operations (`SXTB`, `SXTH`, `UXTB`, `UXTH`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExtendOp {
    /// Sign-extend byte.
    Sxtb,
    /// Sign-extend halfword.
    Sxth,
    /// Zero-extend byte.
    Uxtb,
    /// Zero-extend halfword.
    Uxth,
}

/// A branch target inside the function being assembled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Label(pub u32);

/// An opaque symbol handle; the caller maps it to a real symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

/// ELF ARM relocation kinds the assembler emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelocKind {
    /// `R_ARM_THM_CALL` on a 32-bit `BL`.
    ThmCall,
    /// `R_ARM_THM_JUMP24` on a 32-bit `B.W` (tail call).
    ThmJump24,
    /// `R_ARM_THM_MOVW_ABS_NC` on `MOVW`.
    ThmMovwAbsNc,
    /// `R_ARM_THM_MOVT_ABS` on `MOVT`.
    ThmMovtAbs,
    /// `R_ARM_ABS32` on a data word.
    Abs32,
}

/// A relocation in assembled code. The addend is in the instruction bits
/// (REL-style) as GNU tools expect for ARM, and also given here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reloc {
    /// Byte offset of the instruction (or word) in the function.
    pub offset: u32,
    /// Kind.
    pub kind: RelocKind,
    /// Symbol.
    pub sym: Sym,
    /// Addend.
    pub addend: i32,
}

/// The result of assembling one function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    /// Machine code bytes.
    pub bytes: Vec<u8>,
    /// Relocations, sorted by offset.
    pub relocs: Vec<Reloc>,
    /// Byte ranges holding data rather than instructions (jump tables), for
    /// `$d`/`$t` mapping symbols.
    pub data_ranges: Vec<std::ops::Range<u32>>,
}

/// An assembler error (a request that has no encoding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsmError(pub String);

/// Assembles one function.
#[derive(Default)]
pub struct Assembler {
    _private: (),
}

/// True when `imm` is a Thumb-2 modified immediate (ThumbExpandImm).
pub fn is_modified_imm(imm: u32) -> bool {
    let _ = imm;
    todo!()
}

impl Assembler {
    /// A new, empty assembler.
    pub fn new() -> Assembler {
        todo!()
    }
    /// A fresh unbound label.
    pub fn new_label(&mut self) -> Label {
        todo!()
    }
    /// Binds `label` to the current position.
    pub fn bind(&mut self, label: Label) {
        let _ = label;
        todo!()
    }
    /// Current size in bytes before relaxation (for estimates only).
    pub fn len_estimate(&self) -> u32 {
        todo!()
    }
    /// Resolves labels, relaxes branches to the shortest form that reaches,
    /// lays out jump tables and returns the code.
    pub fn finish(self) -> Result<Code, AsmError> {
        todo!()
    }

    // ---- data processing ----

    /// `rd = rn <op> rm` (optionally shifted `rm`).
    pub fn alu(&mut self, op: AluOp, rd: Reg, rn: Reg, rm: Reg, shift: Option<Shift>, flags: Flags) {
        let _ = (op, rd, rn, rm, shift, flags);
        todo!()
    }
    /// `rd = rn <op> #imm`. Returns `false` (emitting nothing) when `imm` has
    /// no encoding for `op` (modified immediate; `ADD`/`SUB` also take 0..=4095).
    pub fn alu_imm(&mut self, op: AluOp, rd: Reg, rn: Reg, imm: u32, flags: Flags) -> bool {
        let _ = (op, rd, rn, imm, flags);
        todo!()
    }
    /// `rd = rm <shift> #amount` (amount 0..=31 for LSL, 1..=32 for LSR/ASR, 1..=31 ROR).
    pub fn shift_imm(&mut self, op: ShiftOp, rd: Reg, rm: Reg, amount: u8, flags: Flags) {
        let _ = (op, rd, rm, amount, flags);
        todo!()
    }
    /// `rd = rn <shift> rm` (amount = bottom byte of `rm`).
    pub fn shift_reg(&mut self, op: ShiftOp, rd: Reg, rn: Reg, rm: Reg, flags: Flags) {
        let _ = (op, rd, rn, rm, flags);
        todo!()
    }
    /// `rd = rm` (no flags change; `MOV` T1 / `MOV.W`).
    pub fn mov(&mut self, rd: Reg, rm: Reg) {
        let _ = (rd, rm);
        todo!()
    }
    /// `rd = imm` for any 32-bit `imm`: `MOVS`/`MOV.W`/`MVN`/`MOVW`, adding
    /// `MOVT` when needed. Honors `flags` (`Keep` avoids the 16-bit `MOVS`).
    pub fn mov_imm(&mut self, rd: Reg, imm: u32, flags: Flags) {
        let _ = (rd, imm, flags);
        todo!()
    }
    /// `rd = !rm` (`MVN`).
    pub fn mvn(&mut self, rd: Reg, rm: Reg, flags: Flags) {
        let _ = (rd, rm, flags);
        todo!()
    }
    /// `MOVW rd, #imm16`.
    pub fn movw(&mut self, rd: Reg, imm16: u16) {
        let _ = (rd, imm16);
        todo!()
    }
    /// `MOVT rd, #imm16`.
    pub fn movt(&mut self, rd: Reg, imm16: u16) {
        let _ = (rd, imm16);
        todo!()
    }
    /// `MOVW rd, #:lower16:sym+addend` then `MOVT rd, #:upper16:sym+addend`,
    /// with `R_ARM_THM_MOVW_ABS_NC` / `R_ARM_THM_MOVT_ABS` relocations.
    pub fn mov_sym(&mut self, rd: Reg, sym: Sym, addend: i32) {
        let _ = (rd, sym, addend);
        todo!()
    }
    /// `CMP rn, rm`.
    pub fn cmp(&mut self, rn: Reg, rm: Reg) {
        let _ = (rn, rm);
        todo!()
    }
    /// `CMP rn, #imm` (or `CMN rn, #-imm`); `false` when neither encodes.
    pub fn cmp_imm(&mut self, rn: Reg, imm: u32) -> bool {
        let _ = (rn, imm);
        todo!()
    }
    /// `TST rn, rm`.
    pub fn tst(&mut self, rn: Reg, rm: Reg) {
        let _ = (rn, rm);
        todo!()
    }
    /// `TST rn, #imm`; `false` when not encodable.
    pub fn tst_imm(&mut self, rn: Reg, imm: u32) -> bool {
        let _ = (rn, imm);
        todo!()
    }
    /// `TEQ rn, rm`.
    pub fn teq(&mut self, rn: Reg, rm: Reg) {
        let _ = (rn, rm);
        todo!()
    }
    /// `rd = rn * rm` (low 32 bits).
    pub fn mul(&mut self, rd: Reg, rn: Reg, rm: Reg, flags: Flags) {
        let _ = (rd, rn, rm, flags);
        todo!()
    }
    /// `rd = ra + rn * rm`.
    pub fn mla(&mut self, rd: Reg, rn: Reg, rm: Reg, ra: Reg) {
        let _ = (rd, rn, rm, ra);
        todo!()
    }
    /// `rd = ra - rn * rm`.
    pub fn mls(&mut self, rd: Reg, rn: Reg, rm: Reg, ra: Reg) {
        let _ = (rd, rn, rm, ra);
        todo!()
    }
    /// `rdhi:rdlo = rn * rm` unsigned.
    pub fn umull(&mut self, rdlo: Reg, rdhi: Reg, rn: Reg, rm: Reg) {
        let _ = (rdlo, rdhi, rn, rm);
        todo!()
    }
    /// `rdhi:rdlo = rn * rm` signed.
    pub fn smull(&mut self, rdlo: Reg, rdhi: Reg, rn: Reg, rm: Reg) {
        let _ = (rdlo, rdhi, rn, rm);
        todo!()
    }
    /// `rd = rn / rm` signed (`SDIV`).
    pub fn sdiv(&mut self, rd: Reg, rn: Reg, rm: Reg) {
        let _ = (rd, rn, rm);
        todo!()
    }
    /// `rd = rn / rm` unsigned (`UDIV`).
    pub fn udiv(&mut self, rd: Reg, rn: Reg, rm: Reg) {
        let _ = (rd, rn, rm);
        todo!()
    }
    /// `CLZ rd, rm`.
    pub fn clz(&mut self, rd: Reg, rm: Reg) {
        let _ = (rd, rm);
        todo!()
    }
    /// `RBIT rd, rm`.
    pub fn rbit(&mut self, rd: Reg, rm: Reg) {
        let _ = (rd, rm);
        todo!()
    }
    /// `SXTB`/`SXTH`/`UXTB`/`UXTH rd, rm`.
    pub fn extend(&mut self, op: ExtendOp, rd: Reg, rm: Reg) {
        let _ = (op, rd, rm);
        todo!()
    }

    // ---- conditional execution ----

    /// Opens an IT block: `first` applies to the first instruction, and each
    /// char of `rest` (`'t'` then / `'e'` else, at most 3) to the next ones.
    pub fn it(&mut self, first: Cond, rest: &str) {
        let _ = (first, rest);
        todo!()
    }

    // ---- memory ----

    /// `rt = [rn + offset]` (offset -255..=4095; larger offsets are the
    /// caller's job). `rn` may be `SP`.
    pub fn load(&mut self, op: LoadOp, rt: Reg, rn: Reg, offset: i32) {
        let _ = (op, rt, rn, offset);
        todo!()
    }
    /// `rt = [rn + (rm << lsl)]`, `lsl` 0..=3.
    pub fn load_reg(&mut self, op: LoadOp, rt: Reg, rn: Reg, rm: Reg, lsl: u8) {
        let _ = (op, rt, rn, rm, lsl);
        todo!()
    }
    /// `[rn + offset] = rt` (offset -255..=4095). `rn` may be `SP`.
    pub fn store(&mut self, op: StoreOp, rt: Reg, rn: Reg, offset: i32) {
        let _ = (op, rt, rn, offset);
        todo!()
    }
    /// `[rn + (rm << lsl)] = rt`, `lsl` 0..=3.
    pub fn store_reg(&mut self, op: StoreOp, rt: Reg, rn: Reg, rm: Reg, lsl: u8) {
        let _ = (op, rt, rn, rm, lsl);
        todo!()
    }
    /// `PUSH {regs}` (bit i = ri; may include LR).
    pub fn push(&mut self, regs: u16) {
        let _ = regs;
        todo!()
    }
    /// `POP {regs}` (bit i = ri; may include PC, which returns).
    pub fn pop(&mut self, regs: u16) {
        let _ = regs;
        todo!()
    }

    // ---- control flow ----

    /// `B label`.
    pub fn b(&mut self, target: Label) {
        let _ = target;
        todo!()
    }
    /// `B<cond> label` (not inside an IT block).
    pub fn b_cond(&mut self, cond: Cond, target: Label) {
        let _ = (cond, target);
        todo!()
    }
    /// `BL sym` with an `R_ARM_THM_CALL` relocation (allowed as the last
    /// instruction of an IT block).
    pub fn bl(&mut self, sym: Sym) {
        let _ = sym;
        todo!()
    }
    /// `B.W sym` with an `R_ARM_THM_JUMP24` relocation (tail call).
    pub fn b_sym(&mut self, sym: Sym) {
        let _ = sym;
        todo!()
    }
    /// `BLX rm`.
    pub fn blx(&mut self, rm: Reg) {
        let _ = rm;
        todo!()
    }
    /// `BX rm`.
    pub fn bx(&mut self, rm: Reg) {
        let _ = rm;
        todo!()
    }
    /// Jump table: `TBH [pc, rm, LSL #1]` followed by a halfword table with
    /// one entry per target. `rm` must already be in range.
    pub fn tbh(&mut self, rm: Reg, targets: &[Label]) {
        let _ = (rm, targets);
        todo!()
    }
    /// `UDF #imm8`.
    pub fn udf(&mut self, imm8: u8) {
        let _ = imm8;
        todo!()
    }
    /// `BKPT #imm8`.
    pub fn bkpt(&mut self, imm8: u8) {
        let _ = imm8;
        todo!()
    }
    /// `NOP` (16-bit).
    pub fn nop(&mut self) {
        todo!()
    }
}
