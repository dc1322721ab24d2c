//! Literal pools: 32-bit constants and symbol addresses loaded with
//! `LDR rd, [pc, #imm]` from a word pool shared by the function.
//!
//! Takes: [`Assembler::mov_imm`] values that would need `MOVW`+`MOVT`, and
//! [`Assembler::mov_sym`] addresses, while pools are on
//! ([`Assembler::set_literal_pools`]). Each becomes one `Item::Lit`; equal
//! values (a symbol and addend included) share one pool word.
//!
//! Layout (in `layout.rs`): the pool follows the function's last
//! instruction, padded to a 4-byte boundary (functions start 4-aligned in
//! `.text`), and is reported as a data range (`$d`). A load is a 16-bit
//! `LDR` (low `rd`, word 0..=1020 bytes ahead of `Align(PC, 4)`), else the
//! 32-bit `LDR.W` (±4095), else, when the pool is out of reach (functions
//! over 4 KiB), the `MOVW`/`MOVT` pair it replaced. Sizes only grow during
//! relaxation; a word no remaining load uses is dropped from the pool. A
//! symbol's pool word holds the addend and carries `R_ARM_ABS32` (REL).
//!
//! Loads never open a multi-instruction expansion, but the `MOVW`/`MOVT`
//! fallback does, so literals are not used inside IT blocks.

use std::collections::HashMap;

use crate::assembler::Item;
use crate::encode::Enc;
use crate::{Assembler, Reg, Sym};

/// The value of one pool word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum PoolValue {
    /// A plain 32-bit constant.
    Word(u32),
    /// The address of a symbol plus an addend (`R_ARM_ABS32`).
    Sym(Sym, i32),
}

impl PoolValue {
    /// The bits stored in the pool word (REL: the addend for a symbol).
    pub(crate) fn bits(self) -> u32 {
        match self {
            PoolValue::Word(v) => v,
            PoolValue::Sym(_, a) => a as u32,
        }
    }
}

/// The function's pool: distinct values in first-use order.
#[derive(Default)]
pub(crate) struct Pool {
    pub(crate) values: Vec<PoolValue>,
    index: HashMap<PoolValue, u32>,
}

impl Pool {
    /// The entry number of `v`, added if new.
    fn intern(&mut self, v: PoolValue) -> u32 {
        if let Some(&i) = self.index.get(&v) {
            return i;
        }
        let i = self.values.len() as u32;
        self.values.push(v);
        self.index.insert(v, i);
        i
    }
}

/// Size in bytes of a literal load of `rd` at code offset `at` from a pool
/// word at offset `word`: 2 (16-bit `LDR`), 4 (`LDR.W`) or 8 (`MOVW`/`MOVT`).
pub(crate) fn lit_size(rd: Reg, at: u32, word: u32) -> u32 {
    let disp = i64::from(word) - i64::from((at + 4) & !3);
    if rd.is_low() && (0..=1020).contains(&disp) && disp % 4 == 0 {
        2
    } else if (-4095..=4095).contains(&disp) {
        4
    } else {
        8
    }
}

/// The `LDR` (literal) at code offset `at` loading the word at `word`
/// (`size` 2 or 4, as [`lit_size`] chose).
pub(crate) fn lit_enc(rd: Reg, at: u32, word: u32, size: u32) -> Enc {
    let disp = i64::from(word) - i64::from((at + 4) & !3);
    if size == 2 {
        Enc::Narrow(0x4800 | (u16::from(rd.0) << 8) | (disp / 4) as u16)
    } else {
        let u = if disp >= 0 { 0x0080 } else { 0 };
        Enc::Wide(0xF85F | u, (u16::from(rd.0) << 12) | disp.unsigned_abs() as u16)
    }
}

impl Assembler {
    /// Turns literal pools on or off (off by default). While on, constants
    /// that would need `MOVW`+`MOVT` and symbol addresses are loaded from a
    /// pool after the function (see the module doc).
    pub fn set_literal_pools(&mut self, on: bool) {
        self.pools_on = on;
    }

    /// Whether a value for `rd` may go to the pool here (pools on, no IT
    /// block open, `rd` a register `LDR` may write).
    pub(crate) fn pool_ok(&self) -> bool {
        self.pools_on && self.it_left == 0
    }

    /// `rd = v` through the pool.
    pub(crate) fn lit(&mut self, rd: Reg, v: PoolValue) {
        let entry = self.pool.intern(v);
        self.nz_of = None;
        self.items.push(Item::Lit { rd, entry });
        self.it_step();
    }
}

#[cfg(test)]
mod tests {
    use crate::{Assembler, Flags, Reg, RelocKind, Sym};

    fn hw(code: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([code[at], code[at + 1]])
    }

    fn word(code: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(code[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn equal_values_share_one_word_after_the_code() {
        let mut a = Assembler::new();
        a.set_literal_pools(true);
        a.mov_imm(Reg(0), 0x1234_5678, Flags::Any);
        a.mov_imm(Reg(9), 0x1234_5678, Flags::Any);
        a.mov_sym(Reg(1), Sym(3), 8);
        a.mov_sym(Reg(2), Sym(3), 8);
        a.mov_imm(Reg(3), 0xff, Flags::Any); // movs: not pooled
        let code = a.finish().unwrap();
        // ldr r0 (2) ldr.w r9 (4) ldr r1 (2) ldr r2 (2) movs (2) = 12, pool at 12.
        assert_eq!(code.bytes.len(), 12 + 8);
        assert_eq!(code.data_ranges, vec![12..20]);
        assert_eq!(hw(&code.bytes, 0), 0x4802); // ldr r0, [pc, #8]: Align(pc) 4, word at 12
        assert_eq!((hw(&code.bytes, 2), hw(&code.bytes, 4)), (0xF8DF, 0x9008)); // ldr.w r9, [pc, #8]
        assert_eq!(hw(&code.bytes, 6), 0x4902); // ldr r1, [pc, #8]: Align(pc) 8, word at 16
        assert_eq!(hw(&code.bytes, 8), 0x4A01); // ldr r2, [pc, #4]
        assert_eq!(word(&code.bytes, 12), 0x1234_5678);
        assert_eq!(word(&code.bytes, 16), 8);
        assert_eq!(code.relocs.len(), 1);
        assert_eq!((code.relocs[0].offset, code.relocs[0].kind), (16, RelocKind::Abs32));
    }
}
