//! Wast argument and expected-result values as JSON.
//!
//! Takes the `wast` crate's parsed constants (`WastArg`, `WastRet`) and returns JSON objects
//! in the shape wabt's `wast2json` uses: `{"type": "i32", "value": "<unsigned decimal bits>"}`.
//! Integers and floats are given as their raw bits (so NaN payloads and `-0` survive);
//! NaN patterns are kept as the strings `"nan:canonical"` / `"nan:arithmetic"`; references
//! as `{"type": "funcref"|"externref", "value": "null"|"<n>"}`; `v128` as lanes.

use serde_json::{json, Value};
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::token::{Index, F32, F64};
use wast::{WastArg, WastRet};

/// JSON of one invoke argument; `Err` names a value kind this converter cannot express.
pub fn arg(a: &WastArg<'_>) -> Result<Value, String> {
    match a {
        WastArg::Core(c) => arg_core(c),
        #[allow(unreachable_patterns)]
        _ => Err("component-model argument".to_string()),
    }
}

fn arg_core(a: &WastArgCore<'_>) -> Result<Value, String> {
    Ok(match a {
        WastArgCore::I32(v) => scalar("i32", (*v as u32).to_string()),
        WastArgCore::I64(v) => scalar("i64", (*v as u64).to_string()),
        WastArgCore::F32(v) => scalar("f32", v.bits.to_string()),
        WastArgCore::F64(v) => scalar("f64", v.bits.to_string()),
        WastArgCore::V128(v) => {
            let bytes = v.to_le_bytes();
            let lanes: Vec<Value> = bytes
                .chunks(4)
                .map(|c| Value::String(u32::from_le_bytes([c[0], c[1], c[2], c[3]]).to_string()))
                .collect();
            json!({"type": "v128", "lane_type": "i32", "value": lanes})
        }
        WastArgCore::RefNull(h) => scalar(&ref_type(h), "null".to_string()),
        WastArgCore::RefExtern(n) => scalar("externref", n.to_string()),
        WastArgCore::RefHost(n) => scalar("anyref", n.to_string()),
    })
}

/// JSON of one expected result; `Err` names a value kind this converter cannot express.
pub fn ret(r: &WastRet<'_>) -> Result<Value, String> {
    match r {
        WastRet::Core(c) => ret_core(c),
        #[allow(unreachable_patterns)]
        _ => Err("component-model result".to_string()),
    }
}

fn ret_core(r: &WastRetCore<'_>) -> Result<Value, String> {
    Ok(match r {
        WastRetCore::I32(v) => scalar("i32", (*v as u32).to_string()),
        WastRetCore::I64(v) => scalar("i64", (*v as u64).to_string()),
        WastRetCore::F32(p) => scalar("f32", nan_f32(p)),
        WastRetCore::F64(p) => scalar("f64", nan_f64(p)),
        WastRetCore::V128(p) => v128_pattern(p),
        WastRetCore::RefNull(h) => {
            let ty = h.as_ref().map(ref_type).unwrap_or_else(|| "anyref".to_string());
            scalar(&ty, "null".to_string())
        }
        WastRetCore::RefExtern(n) => match n {
            Some(n) => scalar("externref", n.to_string()),
            None => json!({"type": "externref"}),
        },
        WastRetCore::RefHost(n) => scalar("anyref", n.to_string()),
        WastRetCore::RefFunc(idx) => match idx {
            Some(Index::Num(n, _)) => scalar("funcref", n.to_string()),
            Some(Index::Id(id)) => scalar("funcref", format!("${}", id.name())),
            None => json!({"type": "funcref"}),
        },
        WastRetCore::Either(cases) => {
            let values = cases.iter().map(ret_core).collect::<Result<Vec<_>, _>>()?;
            json!({"type": "either", "values": values})
        }
        other => return Err(format!("unsupported expected value {other:?}")),
    })
}

fn scalar(ty: &str, value: String) -> Value {
    json!({"type": ty, "value": value})
}

fn nan_f32(p: &NanPattern<F32>) -> String {
    match p {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => v.bits.to_string(),
    }
}

fn nan_f64(p: &NanPattern<F64>) -> String {
    match p {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => v.bits.to_string(),
    }
}

fn v128_pattern(p: &V128Pattern) -> Value {
    let (lane, lanes): (&str, Vec<String>) = match p {
        V128Pattern::I8x16(l) => ("i8", l.iter().map(|v| (*v as u8).to_string()).collect()),
        V128Pattern::I16x8(l) => ("i16", l.iter().map(|v| (*v as u16).to_string()).collect()),
        V128Pattern::I32x4(l) => ("i32", l.iter().map(|v| (*v as u32).to_string()).collect()),
        V128Pattern::I64x2(l) => ("i64", l.iter().map(|v| (*v as u64).to_string()).collect()),
        V128Pattern::F32x4(l) => ("f32", l.iter().map(nan_f32).collect()),
        V128Pattern::F64x2(l) => ("f64", l.iter().map(nan_f64).collect()),
    };
    json!({"type": "v128", "lane_type": lane, "value": lanes})
}

/// `funcref`/`externref`/... name of a reference heap type.
fn ref_type(h: &HeapType<'_>) -> String {
    match h {
        HeapType::Abstract { ty, .. } => match ty {
            AbstractHeapType::Func => "funcref".to_string(),
            AbstractHeapType::Extern => "externref".to_string(),
            other => format!("{}ref", format!("{other:?}").to_lowercase()),
        },
        HeapType::Concrete(_) | HeapType::Exact(_) => "funcref".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wast::parser::{self, ParseBuffer};

    fn parse_ret(text: &str) -> Value {
        let buf = ParseBuffer::new(text).expect("lex");
        let r: WastRet<'_> = parser::parse(&buf).expect("parse");
        ret(&r).expect("convert")
    }

    fn parse_arg(text: &str) -> Value {
        let buf = ParseBuffer::new(text).expect("lex");
        let a: WastArg<'_> = parser::parse(&buf).expect("parse");
        arg(&a).expect("convert")
    }

    #[test]
    fn integers_are_unsigned_bit_patterns() {
        assert_eq!(parse_arg("i32.const -1"), json!({"type": "i32", "value": "4294967295"}));
        assert_eq!(
            parse_arg("i64.const 0x8000000000000000"),
            json!({"type": "i64", "value": "9223372036854775808"})
        );
    }

    #[test]
    fn floats_keep_bits_and_nan_patterns() {
        assert_eq!(parse_ret("f32.const -0"), json!({"type": "f32", "value": "2147483648"}));
        assert_eq!(parse_ret("f64.const nan:canonical"), json!({"type": "f64", "value": "nan:canonical"}));
        assert_eq!(parse_ret("f32.const nan:arithmetic"), json!({"type": "f32", "value": "nan:arithmetic"}));
        assert_eq!(parse_arg("f32.const nan:0x200000"), json!({"type": "f32", "value": "2141192192"}));
    }

    #[test]
    fn references() {
        assert_eq!(parse_ret("ref.null func"), json!({"type": "funcref", "value": "null"}));
        assert_eq!(parse_arg("ref.extern 7"), json!({"type": "externref", "value": "7"}));
        assert_eq!(parse_ret("ref.func"), json!({"type": "funcref"}));
    }
}
