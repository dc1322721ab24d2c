//! Machine instructions on (virtual or physical) registers.
//!
//! Takes: nothing (data definitions). Instruction selection ([`crate::isel`])
//! produces [`MachInst`]s, the allocator sees their operands through
//! [`MachInst::operands`], and [`crate::emit`] expands each one after
//! replacing its registers with [`MachInst::map_regs`].
//!
//! Rule: **flags never live between two `MachInst`s.** Every comparison is
//! fused into the instruction that consumes it (`CmpSet`, `CmpSelect`,
//! `TrapIf`, `CmpBr`, ...), so spill and remat code inserted between any two
//! instructions can never corrupt the flags.
//!
//! Multi-instruction pseudo-instructions mark outputs written before all
//! inputs are read, and their scratch registers, as
//! [`OperandKind::EarlyDef`](synth_regalloc::OperandKind::EarlyDef); the
//! doc comment of each variant gives its expansion and why each operand
//! kind is what it is.
//!
//! Parts: `kinds` (operand and opcode kinds, re-exported here),
//! `operands` (register visiting, operand lists, register mapping,
//! clobbers), `terminators` (block ends and successors).

use synth_ir::{IntCC, SymbolRef, TrapCode};
use synth_regalloc::Reg;
use synth_thumb2_enc::{AluOp, Cond, ExtendOp, LoadOp, Round, Shift, ShiftOp, StoreOp, VfpOp3};

mod kinds;
mod narrow;
mod operands;
mod terminators;

pub use kinds::{cond_of, AddSub, CallTarget, F64Arg, F64Node, F64Op, Rhs, Shift64Op, StackAddr, F64_SCRATCH};

/// A machine instruction. Registers are [`Reg`]s: virtual before
/// allocation, physical after [`MachInst::map_regs`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MachInst {
    /// Entry pseudo: defines the physical argument registers (emits nothing).
    Args {
        /// Physical registers holding incoming arguments (Def).
        regs: Vec<Reg>,
    },
    /// `MOV rd, rm` (a coalescable copy).
    Mov {
        /// Destination (Def).
        rd: Reg,
        /// Source (Use).
        rm: Reg,
    },
    /// `rd = imm` (`MOVS`/`MOV.W`/`MVN`/`MOVW`+`MOVT`). Rematerialisable.
    MovImm {
        /// Destination (Def).
        rd: Reg,
        /// The constant.
        imm: u32,
    },
    /// `MOVW`/`MOVT rd, sym+addend` with relocations. Rematerialisable.
    MovSym {
        /// Destination (Def).
        rd: Reg,
        /// The symbol.
        sym: SymbolRef,
        /// Addend.
        addend: i32,
    },
    /// `rd = rn <op> rm`.
    Alu {
        /// Operation.
        op: AluOp,
        /// Destination (Def).
        rd: Reg,
        /// First operand (Use).
        rn: Reg,
        /// Second operand (Use).
        rm: Reg,
    },
    /// `rd = rn <op> #imm` (`imm` known encodable for `op`).
    AluImm {
        /// Operation.
        op: AluOp,
        /// Destination (Def).
        rd: Reg,
        /// First operand (Use).
        rn: Reg,
        /// Immediate.
        imm: u32,
    },
    /// `rd = rn <op> (rm <shift>)` (shift amount valid for its kind).
    AluShift {
        /// Operation.
        op: AluOp,
        /// Destination (Def).
        rd: Reg,
        /// First operand (Use).
        rn: Reg,
        /// Shifted operand (Use).
        rm: Reg,
        /// Shift applied to `rm`.
        shift: Shift,
    },
    /// `MLA rd, rn, rm, ra` (`rd = ra + rn * rm`), or `MLS` (`rd = ra - rn *
    /// rm`) when `sub`. One instruction: all Use, `rd` Def.
    MulAcc {
        /// `MLS` rather than `MLA`.
        sub: bool,
        /// Destination (Def).
        rd: Reg,
        /// Multiplicand (Use).
        rn: Reg,
        /// Multiplier (Use).
        rm: Reg,
        /// Addend / minuend (Use).
        ra: Reg,
    },
    /// `rd = !rm`.
    Mvn {
        /// Destination (Def).
        rd: Reg,
        /// Operand (Use).
        rm: Reg,
    },
    /// `rd = rm <op> #amt` (amount valid for `op`, never 0 except LSL).
    ShiftImm {
        /// Operation.
        op: ShiftOp,
        /// Destination (Def).
        rd: Reg,
        /// Operand (Use).
        rm: Reg,
        /// Amount.
        amt: u8,
    },
    /// `rd = rn <op> rm` using the bottom byte of `rm` as amount (callers
    /// use it only where that is the wanted semantics, e.g. `ROR`, whose
    /// amount is taken modulo 32).
    ShiftReg {
        /// Operation.
        op: ShiftOp,
        /// Destination (Def).
        rd: Reg,
        /// Shifted value (Use).
        rn: Reg,
        /// Amount (Use).
        rm: Reg,
    },
    /// wasm i32 shift by register (amount mod 32):
    /// `AND tmp, rm, #31; <op> rd, rn, tmp`. `tmp` is written before `rn` is
    /// read: EarlyDef. `rd` is written last: Def.
    ShiftMasked {
        /// `Lsl`, `Lsr` or `Asr`.
        op: ShiftOp,
        /// Destination (Def).
        rd: Reg,
        /// Shifted value (Use).
        rn: Reg,
        /// Amount (Use).
        rm: Reg,
        /// Scratch (EarlyDef).
        tmp: Reg,
    },
    /// i32 rotate left by register: `RSB tmp, rm, #0; ROR rd, rn, tmp`
    /// (ROR takes its amount modulo 32). `tmp`: EarlyDef; `rd`: Def.
    Rotl32 {
        /// Destination (Def).
        rd: Reg,
        /// Rotated value (Use).
        rn: Reg,
        /// Amount (Use).
        rm: Reg,
        /// Scratch (EarlyDef).
        tmp: Reg,
    },
    /// `rd = rn * rm`.
    Mul {
        /// Destination (Def).
        rd: Reg,
        /// Operand (Use).
        rn: Reg,
        /// Operand (Use).
        rm: Reg,
    },
    /// Widening multiply `SMULL`/`UMULL dlo, dhi, rn, rm`: the i64 product
    /// of two sign- (`signed`) or zero-extended i32 values.
    MulLong {
        /// Signed (`SMULL`) or unsigned (`UMULL`).
        signed: bool,
        /// Low result (Def).
        dlo: Reg,
        /// High result (Def).
        dhi: Reg,
        /// Operand (Use).
        rn: Reg,
        /// Operand (Use).
        rm: Reg,
    },
    /// `SDIV`/`UDIV rd, rn, rm`.
    Div {
        /// Signed?
        signed: bool,
        /// Destination (Def).
        rd: Reg,
        /// Dividend (Use).
        rn: Reg,
        /// Divisor (Use).
        rm: Reg,
    },
    /// Remainder: `SDIV/UDIV rd, rn, rm; MLS rd, rd, rm, rn`. `rd` is
    /// written by the division before the MLS reads `rn` and `rm`: EarlyDef.
    Rem {
        /// Signed?
        signed: bool,
        /// Destination (EarlyDef).
        rd: Reg,
        /// Dividend (Use).
        rn: Reg,
        /// Divisor (Use).
        rm: Reg,
    },
    /// `CLZ rd, rm`.
    Clz {
        /// Destination (Def).
        rd: Reg,
        /// Operand (Use).
        rm: Reg,
    },
    /// `RBIT rd, rm; CLZ rd, rd`. `rm` is only read by the first
    /// instruction, so `rd` may share its register: Def.
    Ctz {
        /// Destination (Def).
        rd: Reg,
        /// Operand (Use).
        rm: Reg,
    },
    /// Population count, SWAR: `LSR t, x, #1; AND t, t, #0x55555555;
    /// SUB rd, x, t; AND t, rd, #0x33333333; LSR rd, rd, #2;
    /// AND rd, rd, #0x33333333; ADD rd, rd, t; ADD rd, rd, rd, LSR #4;
    /// AND rd, rd, #0x0F0F0F0F; ADD rd, rd, rd, LSL #8;
    /// ADD rd, rd, rd, LSL #16; LSR rd, rd, #24`. `x` is last read by the
    /// SUB that first writes `rd`, so `rd` is Def; `t` is written before
    /// that: EarlyDef.
    Popcnt {
        /// Destination (Def).
        rd: Reg,
        /// Operand (Use).
        rm: Reg,
        /// Scratch (EarlyDef).
        tmp: Reg,
    },
    /// `SXTB`/`SXTH`/`UXTB`/`UXTH rd, rm`.
    Extend {
        /// Operation.
        op: ExtendOp,
        /// Destination (Def).
        rd: Reg,
        /// Operand (Use).
        rm: Reg,
    },
    /// `UBFX`/`SBFX rd, rm, #lsb, #width`: the bit field `lsb..lsb+width`
    /// of `rm` zero- or sign-extended (`width >= 1`, `lsb + width <= 32`).
    Bfx {
        /// `SBFX` rather than `UBFX`.
        signed: bool,
        /// Destination (Def).
        rd: Reg,
        /// Operand (Use).
        rm: Reg,
        /// Lowest bit of the field.
        lsb: u8,
        /// Field width in bits.
        width: u8,
    },
    /// `CMP rn, rhs; ITE cc; MOVcc rd, #1; MOV!cc rd, #0`. `rd` is written
    /// after the compare read everything: Def.
    CmpSet {
        /// Condition for 1.
        cc: Cond,
        /// Destination (Def).
        rd: Reg,
        /// Compared (Use).
        rn: Reg,
        /// Compared against.
        rhs: Rhs,
    },
    /// `CMP rn, rhs; ITE cc; MOVcc rd, t; MOV!cc rd, f`. Exactly one MOV
    /// executes and it reads its source before writing `rd`: Def.
    CmpSelect {
        /// Condition choosing `t`.
        cc: Cond,
        /// Destination (Def).
        rd: Reg,
        /// Compared (Use).
        rn: Reg,
        /// Compared against.
        rhs: Rhs,
        /// Chosen when `cc` holds (Use).
        t: Reg,
        /// Chosen otherwise (Use).
        f: Reg,
    },
    /// `CMP rn, rhs; B<cc> trap_stub` where the function's trap stub for
    /// `code` (`MOVS r0, #code; BL synth_trap`, one per code, placed after
    /// the last block or at an unconditional trap of the same code) never
    /// returns.
    TrapIf {
        /// Trap when this holds.
        cc: Cond,
        /// Compared (Use).
        rn: Reg,
        /// Compared against.
        rhs: Rhs,
        /// Trap code.
        code: TrapCode,
    },
    /// Unconditional trap in the middle of a block: `MOVS r0, #code; BL
    /// synth_trap`, or `B` to that sequence when an earlier trap of the same
    /// code placed it (what follows is dead).
    Trap {
        /// Trap code.
        code: TrapCode,
    },
    /// i64 add/sub: `ADDS dlo, alo, blo; ADC dhi, ahi, bhi` (SUBS/SBC).
    /// `dlo` is written before `ahi`/`bhi` are read: EarlyDef; `dhi`: Def.
    AddSub64 {
        /// Add or subtract.
        op: AddSub,
        /// Low result (EarlyDef).
        dlo: Reg,
        /// High result (Def).
        dhi: Reg,
        /// Left low (Use).
        alo: Reg,
        /// Left high (Use).
        ahi: Reg,
        /// Right low (Use).
        blo: Reg,
        /// Right high (Use).
        bhi: Reg,
    },
    /// i64 multiply: `UMULL dlo, dhi, alo, blo; MLA dhi, alo, bhi, dhi;
    /// MLA dhi, ahi, blo, dhi`. Both results are written by the UMULL before
    /// `ahi`/`bhi` are read: EarlyDef.
    Mul64 {
        /// Low result (EarlyDef).
        dlo: Reg,
        /// High result (EarlyDef).
        dhi: Reg,
        /// Left low (Use).
        alo: Reg,
        /// Left high (Use).
        ahi: Reg,
        /// Right low (Use).
        blo: Reg,
        /// Right high (Use).
        bhi: Reg,
    },
    /// i64 shift by register (amount mod 64), branch-free using register
    /// shifts (amounts 32..255 give 0). With `t = n & 63`:
    /// Shl: `dhi = ahi<<t | alo>>(32-t) | alo<<(t-32)`, `dlo = alo<<t`;
    /// ShrU: `dlo = alo>>t | ahi<<(32-t) | ahi>>(t-32)`, `dhi = ahi>>t`;
    /// ShrS: like ShrU but the third term is `ahi ASR (t-32)` only when
    /// `t >= 32` (`SUBS t2, t, #32; ITT PL; ASRPL t2..; ORRPL dlo..`) and
    /// `dhi = ahi ASR t`. The first-written result and both scratches are
    /// written before the inputs are all read: EarlyDef; the last-written
    /// result (dlo for Shl, dhi for ShrU/ShrS) is Def.
    Shift64 {
        /// Which shift.
        op: Shift64Op,
        /// Low result.
        dlo: Reg,
        /// High result.
        dhi: Reg,
        /// Value low (Use).
        alo: Reg,
        /// Value high (Use).
        ahi: Reg,
        /// Amount (Use; only the low 6 bits count).
        n: Reg,
        /// Scratch (EarlyDef).
        t: Reg,
        /// Scratch (EarlyDef).
        t2: Reg,
    },
    /// i64 rotate left by register (amount mod 64):
    /// `TST n, #32; ITE NE; MOVNE dlo, ahi; MOVEQ dlo, alo; ITE NE;
    /// MOVNE dhi, alo; MOVEQ dhi, ahi` (swap halves when bit 5 is set), then
    /// with `t = n & 31`, `t2 = 32 - t`: `LSR u, dhi, t2; LSR t2, dlo, t2;
    /// LSL dlo, dlo, t; ORR dlo, dlo, u; LSL dhi, dhi, t; ORR dhi, dhi, t2`.
    /// Everything written is EarlyDef (written while inputs are still read).
    Rotl64 {
        /// Low result (EarlyDef).
        dlo: Reg,
        /// High result (EarlyDef).
        dhi: Reg,
        /// Value low (Use).
        alo: Reg,
        /// Value high (Use).
        ahi: Reg,
        /// Amount (Use).
        n: Reg,
        /// Scratch (EarlyDef).
        t: Reg,
        /// Scratch (EarlyDef).
        t2: Reg,
        /// Scratch (EarlyDef).
        u: Reg,
    },
    /// i64 (or f64 pair) select on a 32-bit condition: `CMP rn, rhs`, then
    /// one IT block moving both halves, `MOVcc dl, tl; MOV!cc dl, fl; MOVcc
    /// dh, th; MOV!cc dh, fh` (a move onto its own source left out). `dl`
    /// is written before the high sources are read: EarlyDef.
    Select64 {
        /// Condition choosing the `t` pair.
        cc: Cond,
        /// Compared (Use).
        rn: Reg,
        /// Compared against.
        rhs: Rhs,
        /// Result low (EarlyDef) and high (Def).
        dl: Reg,
        /// Result high (Def).
        dh: Reg,
        /// Chosen when `cc` holds (Use).
        tl: Reg,
        /// High of `t` (Use).
        th: Reg,
        /// Chosen otherwise (Use).
        fl: Reg,
        /// High of `f` (Use).
        fh: Reg,
    },
    /// i64 select on an i64 comparison: the flags of [`MachInst::CmpSet64`]'s
    /// comparison, then the moves of [`MachInst::Select64`]; no 0/1 is
    /// materialised and tested again. `t` (SBCS scratch) and `dl` are
    /// written before later sources are read: EarlyDef.
    Cmp64Select64 {
        /// Comparison choosing the `t` pair.
        cc: IntCC,
        /// Left low (Use).
        alo: Reg,
        /// Left high (Use).
        ahi: Reg,
        /// Right low (Use).
        blo: Reg,
        /// Right high (Use).
        bhi: Reg,
        /// Scratch for SBCS (EarlyDef).
        t: Reg,
        /// Result low (EarlyDef).
        dl: Reg,
        /// Result high (Def).
        dh: Reg,
        /// Chosen when the comparison holds (Use).
        tl: Reg,
        /// High of `t` (Use).
        th: Reg,
        /// Chosen otherwise (Use).
        fl: Reg,
        /// High of `f` (Use).
        fh: Reg,
    },
    /// i64 comparison to 0/1. Eq/Ne: `CMP alo, blo; IT EQ; CMPEQ ahi, bhi`.
    /// Ordered (Gt/Le swap operands first): `CMP alo, blo; SBCS t, ahi, bhi`
    /// then LT/GE/LO/HS. Then `ITE cc; MOV rd, #1; MOV rd, #0`. `t` is written
    /// by the last instruction that reads inputs and `rd` after it: both Def.
    CmpSet64 {
        /// Condition.
        cc: IntCC,
        /// Result (Def).
        rd: Reg,
        /// Left low (Use).
        alo: Reg,
        /// Left high (Use).
        ahi: Reg,
        /// Right low (Use).
        blo: Reg,
        /// Right high (Use).
        bhi: Reg,
        /// Scratch for SBCS (Def).
        t: Reg,
    },
    /// i64 leading zeros: `CMP hi, #0; ITEE NE; CLZNE rd, hi; CLZEQ rd, lo;
    /// ADDEQ rd, rd, #32`. Exactly one CLZ runs, reading its input before
    /// writing `rd`; nothing reads an input afterwards: Def.
    Clz64 {
        /// Result (Def).
        rd: Reg,
        /// Low (Use).
        lo: Reg,
        /// High (Use).
        hi: Reg,
    },
    /// i64 trailing zeros: `CMP lo, #0; ITE NE; RBITNE rd, lo; RBITEQ rd, hi;
    /// CLZ rd, rd; IT EQ; ADDEQ rd, rd, #32`. Def (as for Clz64).
    Ctz64 {
        /// Result (Def).
        rd: Reg,
        /// Low (Use).
        lo: Reg,
        /// High (Use).
        hi: Reg,
    },
    /// `rd = [base + off]`, `off <= 4095`.
    Load {
        /// Width and extension.
        op: LoadOp,
        /// Destination (Def).
        rd: Reg,
        /// Base (Use).
        base: Reg,
        /// Offset.
        off: u32,
    },
    /// `[base + off] = rt`, `off <= 4095`.
    Store {
        /// Width.
        op: StoreOp,
        /// Stored value (Use).
        rt: Reg,
        /// Base (Use).
        base: Reg,
        /// Offset.
        off: u32,
    },
    /// `rd = [base + (idx << shift)]`, `shift <= 3` (register offset).
    LoadIdx {
        /// Width and extension.
        op: LoadOp,
        /// Destination (Def).
        rd: Reg,
        /// Base (Use).
        base: Reg,
        /// Index (Use).
        idx: Reg,
        /// Left shift of the index.
        shift: u8,
    },
    /// `[base + (idx << shift)] = rt`, `shift <= 3` (register offset).
    StoreIdx {
        /// Width.
        op: StoreOp,
        /// Stored value (Use).
        rt: Reg,
        /// Base (Use).
        base: Reg,
        /// Index (Use).
        idx: Reg,
        /// Left shift of the index.
        shift: u8,
    },
    /// `LDR rd, [sp, #frame offset]`.
    LoadStack {
        /// Destination (Def).
        rd: Reg,
        /// Where.
        addr: StackAddr,
    },
    /// `STR rt, [sp, #frame offset]`.
    StoreStack {
        /// Stored value (Use).
        rt: Reg,
        /// Where.
        addr: StackAddr,
    },
    /// `ADD rd, sp, #frame offset`.
    LeaStack {
        /// Destination (Def).
        rd: Reg,
        /// Where.
        addr: StackAddr,
    },
    /// Linear-memory bounds check when the memory size is only known at run
    /// time, trap unless `addr + end <= memory size` (`end < 2^32`):
    /// `MOVW/MOVT t, memory_size; LDR t, [t]; SUBS t, t, #end` (or `MOV t2,
    /// #end; SUBS t, t, t2`); `IT HS; CMPHS t, addr; BLO trap_stub` (see
    /// [`MachInst::TrapIf`]). A static memory size needs no such pseudo:
    /// isel emits a `TrapIf` on `addr > size - end`. After the SUBS, LO means the
    /// memory is smaller than `end`; otherwise the CMP gives LO exactly when
    /// `addr > size - end`. Scratches are written before `addr` is read:
    /// EarlyDef.
    BoundsCheck {
        /// The wasm address (Use).
        addr: Reg,
        /// Offset + width.
        end: u32,
        /// Scratch (EarlyDef).
        t: Reg,
        /// Second scratch when `end` is not a SUBS immediate (EarlyDef).
        t2: Option<Reg>,
    },
    /// Stack-limit check: `MOVW/MOVT t, stack_limit; LDR t, [t]; CMP sp, t;
    /// BLO trap_stub` (see [`MachInst::TrapIf`]). `t`: EarlyDef (no uses).
    StackCheck {
        /// Scratch (EarlyDef).
        t: Reg,
    },
    // ---- single-precision VFP (floating-point register class) ----
    /// `VMOV sd, rt`: an i32 bit pattern into an S register.
    VMovToS {
        /// Destination S register (Def, float class).
        sd: Reg,
        /// Source core register (Use).
        rt: Reg,
    },
    /// `VMOV rt, sn`: an S register's bit pattern into a core register.
    VMovFromS {
        /// Destination core register (Def).
        rt: Reg,
        /// Source S register (Use, float class).
        sn: Reg,
    },
    /// `VMOV.F32 sd, sm`: a copy between S registers (a move the allocator
    /// may coalesce away; f32 block parameters kept in S registers).
    VMov {
        /// Destination (Def, float class).
        sd: Reg,
        /// Source (Use, float class).
        sm: Reg,
    },
    /// `VMOV.F32 sd, #imm`: an f32 constant whose bit pattern `bits` is a
    /// VFP modified immediate (±(16..31)/16 × 2^(−3..4); see
    /// `synth_thumb2_enc::is_vfp_imm_f32`). No uses.
    VMovImm {
        /// Destination (Def, float class).
        sd: Reg,
        /// The constant's bit pattern.
        bits: u32,
    },
    /// `CMP rn, rhs; ITE cc; VMOVcc.F32 sd, st; VMOV!cc.F32 sd, sf` (one
    /// conditional `VMOV` when `sd` is `st` or `sf`): wasm's `select` of
    /// two f32 values kept in S registers. The flags live only inside the
    /// expansion; `sd` is written after every use is read: Def.
    VSelect {
        /// Condition choosing `st`.
        cc: Cond,
        /// Destination (Def, float class).
        sd: Reg,
        /// Compared (Use, core).
        rn: Reg,
        /// Compared against.
        rhs: Rhs,
        /// Chosen when `cc` holds (Use, float class).
        st: Reg,
        /// Chosen otherwise (Use, float class).
        sf: Reg,
    },
    /// `VLDR sd, [base, #off]`: 32 bits from a 4-aligned address (VLDR
    /// faults on any other; see `isel/fmem.rs`). `off` ≤ 1020, a multiple of 4.
    VLdr {
        /// Destination S register (Def, float class).
        sd: Reg,
        /// Base address (Use).
        base: Reg,
        /// Byte offset.
        off: u32,
    },
    /// `VSTR sd, [base, #off]`: 32 bits to a 4-aligned address.
    VStr {
        /// Stored S register (Use, float class).
        sd: Reg,
        /// Base address (Use).
        base: Reg,
        /// Byte offset.
        off: u32,
    },
    /// `V<op>.F32 sd, sn, sm` (`VADD`/`VSUB`/`VMUL`/`VDIV`), rounded to
    /// nearest; one instruction: `sd` Def.
    VArith {
        /// The operation.
        op: VfpOp3,
        /// Destination (Def).
        sd: Reg,
        /// First operand (Use).
        sn: Reg,
        /// Second operand (Use).
        sm: Reg,
    },
    /// `VNEG.F32 sd, sm` (`neg`) or `VABS.F32 sd, sm`: the sign bit flipped
    /// or cleared, every other bit kept (NaN payloads included).
    VSign {
        /// Flip (VNEG) rather than clear (VABS).
        neg: bool,
        /// Destination (Def).
        sd: Reg,
        /// Operand (Use).
        sm: Reg,
    },
    /// `VSQRT.F32 sd, sm`.
    VSqrt {
        /// Destination (Def).
        sd: Reg,
        /// Operand (Use).
        sm: Reg,
    },
    /// `VCVT.S32/.U32.F32 sd, sm`: toward zero, saturating, NaN → 0
    /// (exactly wasm's `trunc_sat`).
    VCvtToInt {
        /// Signed (S32) or unsigned (U32) result.
        signed: bool,
        /// Destination: the integer bits (Def).
        sd: Reg,
        /// The float (Use).
        sm: Reg,
    },
    /// `VCVT.F32.S32/.U32 sd, sm`: rounded to nearest.
    VCvtFromInt {
        /// Signed (S32) or unsigned (U32) source.
        signed: bool,
        /// Destination float (Def).
        sd: Reg,
        /// Source integer bits (Use).
        sm: Reg,
    },
    /// `VCMP.F32 sn, sm; VMRS APSR_nzcv, FPSCR; ITE cc; MOVcc rd, #1;
    /// MOV!cc rd, #0`. The flags live only inside the expansion; `rd` (a
    /// core register) is written after the compare: Def.
    VCmpSet {
        /// Condition for 1 (after VMRS: EQ, NE, MI, LS, GT, GE).
        cc: Cond,
        /// Destination (Def).
        rd: Reg,
        /// Compared (Use).
        sn: Reg,
        /// Compared against (Use).
        sm: Reg,
    },
    /// `VCMP.F32 sn, sm; VMRS APSR_nzcv, FPSCR; IT(E) cc; MOV/VMOV rd, t;
    /// MOV/VMOV rd, f`: a 32-bit select on an f32 comparison's flags
    /// (`cc` as for [`MachInst::VCmpSet`]; its inverse is true on
    /// unordered operands). `rd`, `t` and `f` are all core registers or all
    /// float-class; `rd` is written after every read: Def.
    VCmpSelect {
        /// Condition choosing `t`.
        cc: Cond,
        /// Destination (Def).
        rd: Reg,
        /// Compared (Use, float class).
        sn: Reg,
        /// Compared against (Use, float class).
        sm: Reg,
        /// Chosen when `cc` holds (Use).
        t: Reg,
        /// Chosen otherwise (Use).
        f: Reg,
    },
    /// wasm `f32.min` / `f32.max` on the FPU, exactly:
    /// `VCMP.F32 sa, sb; VMRS APSR_nzcv, FPSCR; VADD.F32 st, sa, sb;
    /// ORR.W (min) / AND.W (max) rd, ra, rb; IT MI; MOV rd, ra|rb; IT GT;
    /// MOV rd, rb|ra; IT VS; VMOV rd, st`. `ra`/`sa` and `rb`/`sb` are the
    /// same operands (bit patterns) in core and S registers. Ordered and
    /// different: the smaller (larger) one. Equal: the OR (AND) of the bit
    /// patterns, which is the value itself, or -0 (+0) for zeros of both
    /// signs. Unordered: `a + b`, a NaN operand quieted with its payload
    /// (the first NaN, a signalling one first), i.e. an arithmetic NaN,
    /// canonical when the NaN operands are. `rd` is written before `ra`
    /// and `rb` are last read: EarlyDef; `st` is a scratch (Def).
    VMinMax {
        /// `f32.max` (else `f32.min`).
        max: bool,
        /// Result bits (EarlyDef, core).
        rd: Reg,
        /// First operand's bits (Use, core).
        ra: Reg,
        /// Second operand's bits (Use, core).
        rb: Reg,
        /// First operand (Use, float class).
        sa: Reg,
        /// Second operand (Use, float class).
        sb: Reg,
        /// Scratch for the NaN result (Def, float class).
        st: Reg,
    },
    // ---- FPv5 rounding and double precision ----
    /// `VRINTZ/M/P/N.F32 sd, sm` (FPv5): `sm` rounded to an integral value
    /// in the given direction (wasm's `trunc`/`floor`/`ceil`/`nearest`; a
    /// NaN comes out quieted with its payload). One instruction: `sd` Def.
    VRint {
        /// Rounding direction.
        mode: Round,
        /// Destination (Def, float class).
        sd: Reg,
        /// Operand (Use, float class).
        sm: Reg,
    },
    /// A double-precision FPU expression (`--fpu fpv5-d16`) on values in
    /// core registers (an f64 is its bit pattern in a lo/hi pair, as
    /// everywhere in this backend), evaluated in the scratch registers
    /// [`F64_SCRATCH`](kinds::F64_SCRATCH) (d7, d6, ... as many as
    /// [`F64Node::need`] says; caller-saved, declared clobbered, so no float
    /// value lives in them across it): every f64 input `VMOV dN, lo, hi`
    /// (a 32-bit input `VMOV sN, r`, an encodable constant `VMOV.F64 dN,
    /// #imm`), each node's VFP instruction, then the root's result `VMOV rd,
    /// rd_hi, d7` (a 32-bit result: `VMOV rd, s14`; a comparison: `VMRS
    /// APSR_nzcv, FPSCR; ITE cc; MOV rd, #1; MOV rd, #0`). The results are
    /// written after every input is read: Def.
    F64 {
        /// The expression; its root's operation gives the result's width.
        tree: F64Node,
        /// Core registers the leaves read (Use).
        inputs: Vec<Reg>,
        /// Result, or its low word (Def).
        rd: Reg,
        /// High word of an f64 result (Def).
        rd_hi: Option<Reg>,
    },
    /// A call. Arguments are in fixed physical registers (`uses`), results
    /// come back in fixed physical registers (`defs`); clobbers r0-r3, r12
    /// and lr.
    Call {
        /// What is called (an indirect target register is a Use).
        target: CallTarget,
        /// Fixed argument registers (Use).
        uses: Vec<Reg>,
        /// Fixed result registers (Def).
        defs: Vec<Reg>,
    },
    // ---- terminators ----
    /// `B target` (omitted when the target follows).
    Jump {
        /// Target block (VCode index).
        target: usize,
    },
    /// `CMP rn, rhs; B<cc> taken; B not_taken`.
    CmpBr {
        /// Condition for `taken`.
        cc: Cond,
        /// Compared (Use).
        rn: Reg,
        /// Compared against.
        rhs: Rhs,
        /// Target when `cc` holds.
        taken: usize,
        /// Target otherwise.
        not_taken: usize,
    },
    /// i64 compare and branch without scratch registers. Eq/Ne and unsigned:
    /// `CMP ahi, bhi; IT EQ; CMPEQ alo, blo; B<cc>`. Signed: `CMP ahi, bhi;
    /// B<strict cc> taken; B<opposite strict> not_taken; CMP alo, blo;
    /// B<unsigned cc> taken; B not_taken`.
    Cmp64Br {
        /// Condition.
        cc: IntCC,
        /// Left low (Use).
        alo: Reg,
        /// Left high (Use).
        ahi: Reg,
        /// Right low (Use).
        blo: Reg,
        /// Right high (Use).
        bhi: Reg,
        /// Target when `cc` holds.
        taken: usize,
        /// Target otherwise.
        not_taken: usize,
    },
    /// Double-precision compare and branch (`--fpu fpv5-d16`): the
    /// comparison [`F64Node`] (root [`F64Op::Cmp`]) evaluated as in
    /// [`MachInst::F64`], `VMRS APSR_nzcv, FPSCR`, then `B<cc> taken; B
    /// not_taken` (fallthrough where possible; unordered operands fail
    /// every condition the comparison uses, and `B<!cc>` is its exact
    /// complement). Clobbers the scratch D registers it uses.
    F64Br {
        /// The comparison (its root's [`F64Op::Cmp`] gives the condition).
        tree: F64Node,
        /// Core registers the leaves read (Use).
        inputs: Vec<Reg>,
        /// Target when the comparison holds.
        taken: usize,
        /// Target otherwise.
        not_taken: usize,
    },
    /// Single-precision compare and branch: `VCMP.F32 sn, sm; VMRS
    /// APSR_nzcv, FPSCR; B<cc> taken; B not_taken` (fallthrough where
    /// possible). `cc` (EQ, MI, LS, GT, GE) fails on unordered operands,
    /// and `B<!cc>` is its exact complement, so a NaN goes to `not_taken`.
    VCmpBr {
        /// Condition for `taken` after VMRS.
        cc: Cond,
        /// Compared (Use, float class).
        sn: Reg,
        /// Compared against (Use, float class).
        sm: Reg,
        /// Target when the comparison holds.
        taken: usize,
        /// Target otherwise.
        not_taken: usize,
    },
    /// Jump table: `CMP idx, #n` (or `CMP idx, limit`); `BHS default`;
    /// `TBH [pc, idx, LSL #1]`.
    BrTable {
        /// Index (Use).
        idx: Reg,
        /// Register holding the target count when it is not a CMP
        /// immediate (Use).
        limit: Option<Reg>,
        /// Targets.
        targets: Vec<usize>,
        /// Out-of-range target.
        default: usize,
    },
    /// Return: epilogue. The result registers are fixed Uses.
    Ret {
        /// Result registers (Use).
        uses: Vec<Reg>,
    },
    /// A call in tail position, as a terminator: the block returns exactly
    /// the callee's results. Emitted as the epilogue and `B.W sym` when the
    /// frame does not save lr, else as `BL sym` and the epilogue.
    TailCall {
        /// The callee (a symbol: never a register, which the epilogue
        /// could restore over).
        sym: SymbolRef,
        /// Fixed argument registers (Use).
        uses: Vec<Reg>,
    },
    /// Unconditional trap terminator: as [`MachInst::Trap`].
    TrapTerm {
        /// Trap code.
        code: TrapCode,
    },
}

#[cfg(test)]
mod tests;
