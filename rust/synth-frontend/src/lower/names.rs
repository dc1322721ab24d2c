//! Wasm text names of operators for error messages (`f32.add`,
//! `v128.load`, `return_call_indirect`).

use wasmparser::Operator;

/// Prefixes after which the text format uses a `.` (`i32.add`, `memory.fill`).
const DOTTED: [&str; 19] = [
    "i32", "i64", "f32", "f64", "v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2", "memory", "table",
    "ref", "local", "global", "elem", "data", "atomic",
];

/// The wasm text name of `op`, derived from its wasmparser variant name
/// (`F32Add` → `f32.add`, `I32TruncSatF32S` → `i32.trunc_sat_f32_s`).
pub fn operator_name(op: &Operator<'_>) -> String {
    let dbg = format!("{op:?}");
    let variant: &str = dbg.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or("");
    let mut snake = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    match snake.split_once('_') {
        Some((head, tail)) if DOTTED.contains(&head) => format!("{head}.{tail}"),
        _ => snake,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::{MemArg, MemArgTarget};

    #[test]
    fn names_follow_the_text_format() {
        let m = MemArg { align: 2, max_align: 2, offset: 0, target: MemArgTarget::Memory(0), ordering: None };
        assert_eq!(operator_name(&Operator::F32Add), "f32.add");
        assert_eq!(operator_name(&Operator::F64Load { memarg: m }), "f64.load");
        assert_eq!(operator_name(&Operator::V128Load { memarg: m }), "v128.load");
        assert_eq!(operator_name(&Operator::I32TruncSatF32S), "i32.trunc_sat_f32_s");
        assert_eq!(operator_name(&Operator::F64ConvertI64U), "f64.convert_i64_u");
        assert_eq!(operator_name(&Operator::ReturnCall { function_index: 0 }), "return_call");
        assert_eq!(operator_name(&Operator::I32x4Add), "i32x4.add");
    }
}
