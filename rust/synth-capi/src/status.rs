//! Status codes of the C API and how `synth::Error` maps onto them.
//!
//! Takes: a compile error. Returns: one `SYNTH_STATUS_*` code (an
//! `int32_t`); [`synth_status_name`] names a code for messages.

use std::ffi::c_char;

/// Success.
pub const SYNTH_STATUS_OK: i32 = 0;
/// A NULL pointer, a zero length, a bad option value or a struct_size that
/// is too small.
pub const SYNTH_STATUS_INVALID_ARGUMENT: i32 = 1;
/// The bytes do not decode as a wasm binary, or the wasm text does not parse.
pub const SYNTH_STATUS_MALFORMED: i32 = 2;
/// The module decodes but fails validation.
pub const SYNTH_STATUS_INVALID_MODULE: i32 = 3;
/// The module is valid but uses something synth cannot compile; the message
/// names the function and the operator.
pub const SYNTH_STATUS_UNSUPPORTED: i32 = 4;
/// Two entities map to one symbol name (choose another symbol prefix).
pub const SYNTH_STATUS_SYMBOL_COLLISION: i32 = 5;
/// A compiler bug, or a panic caught at the boundary.
pub const SYNTH_STATUS_INTERNAL_ERROR: i32 = 6;
/// The worst-case stack of an export or the init function exceeds
/// synth_options.max_stack, or has no bound; the message names the
/// function and the path of calls.
pub const SYNTH_STATUS_STACK_LIMIT: i32 = 7;
/// The module is over a resource limit of the options, for example a
/// function body larger than synth_options.max_function_bytes; the message
/// names the function and the limit.
pub const SYNTH_STATUS_LIMIT: i32 = 8;

/// The status code of a compile error.
pub(crate) fn status_of(e: &synth::Error) -> i32 {
    use synth::Error;
    match e {
        Error::Text(_) | Error::Malformed { .. } => SYNTH_STATUS_MALFORMED,
        Error::Invalid { .. } => SYNTH_STATUS_INVALID_MODULE,
        Error::Unsupported { .. } => SYNTH_STATUS_UNSUPPORTED,
        Error::BadOptions(_) => SYNTH_STATUS_INVALID_ARGUMENT,
        Error::SymbolCollision { .. } => SYNTH_STATUS_SYMBOL_COLLISION,
        Error::Limit { .. } => SYNTH_STATUS_LIMIT,
        Error::Internal(_) => SYNTH_STATUS_INTERNAL_ERROR,
        Error::StackLimit { .. } => SYNTH_STATUS_STACK_LIMIT,
    }
}

/// The name of a status code as a static string: "ok", "invalid argument",
/// "malformed", "invalid module", "unsupported", "symbol collision",
/// "internal error", "stack limit", "limit"; "unknown status" for any other
/// value.
/// Never NULL.
#[no_mangle]
pub extern "C" fn synth_status_name(status: i32) -> *const c_char {
    let s: &'static std::ffi::CStr = match status {
        SYNTH_STATUS_OK => c"ok",
        SYNTH_STATUS_INVALID_ARGUMENT => c"invalid argument",
        SYNTH_STATUS_MALFORMED => c"malformed",
        SYNTH_STATUS_INVALID_MODULE => c"invalid module",
        SYNTH_STATUS_UNSUPPORTED => c"unsupported",
        SYNTH_STATUS_SYMBOL_COLLISION => c"symbol collision",
        SYNTH_STATUS_INTERNAL_ERROR => c"internal error",
        SYNTH_STATUS_STACK_LIMIT => c"stack limit",
        SYNTH_STATUS_LIMIT => c"limit",
        _ => c"unknown status",
    };
    s.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use synth::Error;

    fn name(s: i32) -> &'static str {
        unsafe { CStr::from_ptr(synth_status_name(s)) }.to_str().unwrap()
    }

    #[test]
    fn every_error_variant_has_its_status() {
        let cases = [
            (Error::Text("x".into()), SYNTH_STATUS_MALFORMED),
            (Error::Malformed { offset: 0, message: "m".into() }, SYNTH_STATUS_MALFORMED),
            (Error::Invalid { offset: 0, message: "m".into() }, SYNTH_STATUS_INVALID_MODULE),
            (Error::Unsupported { func: None, what: "i32x4.add".into(), offset: None }, SYNTH_STATUS_UNSUPPORTED),
            (Error::BadOptions("b".into()), SYNTH_STATUS_INVALID_ARGUMENT),
            (
                Error::SymbolCollision { symbol: "s".into(), first: "a".into(), second: "b".into() },
                SYNTH_STATUS_SYMBOL_COLLISION,
            ),
            (Error::Internal("i".into()), SYNTH_STATUS_INTERNAL_ERROR),
            (
                Error::StackLimit {
                    symbol: "wasm_f".into(),
                    limit: 8,
                    bound: synth::stack::StackBound::Bounded { bytes: 16, path: vec!["wasm_f".into()] },
                },
                SYNTH_STATUS_STACK_LIMIT,
            ),
            (Error::Limit { func: Some(1), what: "over max_function_bytes".into() }, SYNTH_STATUS_LIMIT),
        ];
        for (e, s) in cases {
            assert_eq!(status_of(&e), s, "{e}");
        }
    }

    #[test]
    fn names_are_distinct_and_unknown_is_named() {
        let names: Vec<_> = (0..=8).map(name).collect();
        assert_eq!(
            names,
            ["ok", "invalid argument", "malformed", "invalid module", "unsupported", "symbol collision", "internal error", "stack limit", "limit"]
        );
        assert_eq!(name(9), "unknown status");
        assert_eq!(name(-1), "unknown status");
        assert_eq!(name(i32::MIN), "unknown status");
    }
}
