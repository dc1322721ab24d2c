//! VFP 8-bit floating-point immediates (`VMOV.F32/.F64 sd, #imm`, the
//! ARM ARM's VFPExpandImm).
//!
//! An 8-bit immediate `abcdefgh` stands for `(-1)^a × (16 + efgh) / 16 ×
//! 2^e`, with the exponent `e` in -3..=4 taken from `bcd`: the values
//! ±0.125 .. ±31.0 with four fraction bits. Zero is not among them.

/// The 8-bit immediate that encodes `v` as a single-precision value, if any.
pub fn vfp_imm8_f32(v: f32) -> Option<u8> {
    let x = v.to_bits();
    if x & 0x7_FFFF != 0 {
        return None;
    }
    let b = (x >> 29) & 1;
    let rep = if b == 1 { 0x1F } else { 0 };
    if (x >> 25) & 0x1F != rep || (x >> 30) & 1 == b {
        return None;
    }
    Some((((x >> 31) << 7) | (b << 6) | ((x >> 19) & 0x3F)) as u8)
}

/// The 8-bit immediate that encodes `v` as a double-precision value, if any.
pub fn vfp_imm8_f64(v: f64) -> Option<u8> {
    let x = v.to_bits();
    if x & 0xFFFF_FFFF_FFFF != 0 {
        return None;
    }
    let b = (x >> 61) & 1;
    let rep = if b == 1 { 0xFF } else { 0 };
    if (x >> 54) & 0xFF != rep || (x >> 62) & 1 == b {
        return None;
    }
    Some((((x >> 63) << 7) | (b << 6) | ((x >> 48) & 0x3F)) as u8)
}

/// True when `VMOV.F32 sd, #v` exists.
pub fn is_vfp_imm_f32(v: f32) -> bool {
    vfp_imm8_f32(v).is_some()
}

/// True when `VMOV.F64 dd, #v` exists.
pub fn is_vfp_imm_f64(v: f64) -> bool {
    vfp_imm8_f64(v).is_some()
}

/// VFPExpandImm for 32 bits: the value an 8-bit immediate stands for.
pub fn vfp_expand_imm_f32(imm8: u8) -> f32 {
    let i = u32::from(imm8);
    let (a, b) = (i >> 7, (i >> 6) & 1);
    let bits = (a << 31) | ((1 - b) << 30) | (if b == 1 { 0x1F } else { 0 } << 25) | ((i & 0x3F) << 19);
    f32::from_bits(bits)
}

/// VFPExpandImm for 64 bits: the value an 8-bit immediate stands for.
pub fn vfp_expand_imm_f64(imm8: u8) -> f64 {
    let i = u64::from(imm8);
    let (a, b) = (i >> 7, (i >> 6) & 1);
    let bits = (a << 63) | ((1 - b) << 62) | (if b == 1 { 0xFF } else { 0 } << 54) | ((i & 0x3F) << 48);
    f64::from_bits(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_imm8_round_trips_in_both_precisions() {
        for i in 0..=255u8 {
            let f = vfp_expand_imm_f32(i);
            let d = vfp_expand_imm_f64(i);
            assert_eq!(f64::from(f), d, "imm8 {i:#x}");
            assert_eq!(vfp_imm8_f32(f), Some(i));
            assert_eq!(vfp_imm8_f64(d), Some(i));
        }
    }

    #[test]
    fn encodable_values_are_the_documented_set() {
        // ±(16..=31)/16 × 2^(-3..=4) and nothing else: 256 values.
        let mut set = Vec::new();
        for s in [1.0f64, -1.0] {
            for e in -3..=4 {
                for m in 16..=31 {
                    set.push(s * f64::from(m) / 16.0 * 2f64.powi(e));
                }
            }
        }
        assert_eq!(set.len(), 256);
        for &v in &set {
            assert!(is_vfp_imm_f64(v), "{v}");
            assert!(is_vfp_imm_f32(v as f32), "{v}");
        }
        assert_eq!(vfp_imm8_f32(1.0), Some(0x70));
        assert_eq!(vfp_imm8_f32(-31.0), Some(0xBF));
        assert_eq!(vfp_imm8_f64(0.125), Some(0x40));
        for v in [0.0, -0.0, 32.0, 0.0625, 1.0 / 3.0, 33.0 / 32.0, f64::INFINITY, f64::NAN, 1e-40] {
            assert!(!is_vfp_imm_f64(v), "{v}");
            assert!(!is_vfp_imm_f32(v as f32), "{v}");
        }
    }
}
