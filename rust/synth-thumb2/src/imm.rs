//! Immediate-operand encodability, as instruction selection needs it to
//! decide between an immediate form and a register operand.
//!
//! Takes: a 32-bit constant. Returns: whether a Thumb-2 encoding exists
//! (ARM ARM `ThumbExpandImm`, plus the 12-bit `ADDW`/`SUBW` forms). The
//! selector only picks immediate forms these functions accept, so the
//! emitter never meets an unencodable immediate.

/// True when `imm` is a Thumb-2 modified immediate: `0x000000XY`,
/// `0x00XY00XY`, `0xXY00XY00`, `0xXYXYXYXY`, or an 8-bit value with its top
/// bit set rotated right by 8..=31.
pub fn is_modified_imm(imm: u32) -> bool {
    if imm <= 0xFF {
        return true;
    }
    let b = imm & 0xFF;
    let b1 = (imm >> 8) & 0xFF;
    if imm == (b << 16 | b) || imm == (b1 << 24 | b1 << 8) {
        return true;
    }
    if imm == b * 0x0101_0101 {
        return true;
    }
    (8..32).any(|rot| {
        let v = imm.rotate_left(rot);
        v <= 0xFF && v & 0x80 != 0
    })
}

/// True when `ADD`/`SUB rd, rn, #imm` has an encoding (flags not needed).
pub fn is_addsub_imm(imm: u32) -> bool {
    imm <= 4095 || is_modified_imm(imm)
}

/// True when `CMP rn, #imm` or `CMN rn, #-imm` encodes.
pub fn is_cmp_imm(imm: u32) -> bool {
    is_modified_imm(imm) || is_modified_imm(imm.wrapping_neg())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_immediates() {
        for ok in [0u32, 0xFF, 0x00AB_00AB, 0xAB00_AB00, 0x5555_5555, 0x0F0F_0F0F, 0x8000_0000, 0x0000_FF00, 0x3FC0]
        {
            assert!(is_modified_imm(ok), "{ok:#x}");
        }
        for bad in [0x101u32, 0x1234, 0xFFFF, 0x00AB_00AC, 0x8000_0001, 0x1FE0_0001] {
            assert!(!is_modified_imm(bad), "{bad:#x}");
        }
    }

    #[test]
    fn addsub_and_cmp() {
        assert!(is_addsub_imm(4095) && !is_addsub_imm(4097));
        assert!(is_cmp_imm(0xFFFF_FFFF)); // CMN #1
        assert!(!is_cmp_imm(0x1234));
    }
}
