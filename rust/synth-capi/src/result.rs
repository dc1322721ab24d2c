//! `synth_compile` and the `synth_result` it returns.
//!
//! Takes: wasm bytes and optional options through C pointers. Returns: a
//! status code and, in `*out`, a heap-allocated [`synth_result`] (on success
//! and on failure alike, so the message can be read) that owns every string
//! and byte buffer the accessors hand out; they stay valid until
//! [`synth_result_free`]. A result is immutable, so several threads may read
//! one at once.

use std::ffi::{c_char, CString};

use crate::guard::{c_string, catch, guard};
use crate::options::{read_options, synth_options};
use crate::status::{status_of, SYNTH_STATUS_INTERNAL_ERROR, SYNTH_STATUS_INVALID_ARGUMENT, SYNTH_STATUS_OK};

/// The outcome of one synth_compile() (opaque): status, message and, on
/// success, the object, header and statistics. Free with synth_result_free().
pub struct synth_result {
    pub(crate) status: i32,
    pub(crate) message: CString,
    pub(crate) output: Option<Output>,
}

/// What a successful compile produced, with C strings ready to hand out.
pub(crate) struct Output {
    pub(crate) object: Vec<u8>,
    pub(crate) header: CString,
    pub(crate) stats_json: CString,
    pub(crate) stats: synth::CompileStats,
    /// (name, symbol) of each entry of `stats.functions`, as C strings.
    pub(crate) names: Vec<(CString, CString)>,
    /// (why the stack is unbounded, if it is; the stack path joined with
    /// " -> ") of each entry of `stats.functions`, as C strings.
    pub(crate) stack_texts: Vec<(Option<CString>, CString)>,
}

impl synth_result {
    /// A failed result with `status` and `message`.
    pub(crate) fn failed(status: i32, message: &str) -> synth_result {
        synth_result { status, message: c_string(message), output: None }
    }

    /// A successful result holding `c`.
    pub(crate) fn compiled(c: synth::Compiled) -> synth_result {
        let json = match serde_json::to_string_pretty(&c.stats) {
            Ok(j) => j,
            Err(e) => return synth_result::failed(SYNTH_STATUS_INTERNAL_ERROR, &format!("stats JSON: {e}")),
        };
        let names = c.stats.functions.iter().map(|f| (c_string(&f.name), c_string(&f.symbol))).collect();
        let stack_texts = c
            .stats
            .functions
            .iter()
            .map(|f| (f.stack_unbounded.as_deref().map(c_string), c_string(&f.stack_path.join(" -> "))))
            .collect();
        synth_result {
            status: SYNTH_STATUS_OK,
            message: CString::default(),
            output: Some(Output {
                object: c.object,
                header: c_string(&c.header),
                stats_json: c_string(&json),
                stats: c.stats,
                names,
                stack_texts,
            }),
        }
    }
}

/// Compiles the module in the bytes (check, convert, compile); never panics
/// out (the caller guards it anyway).
///
/// # Safety
/// As [`synth_compile`].
unsafe fn compile(wasm: *const u8, wasm_len: usize, opts: *const synth_options) -> synth_result {
    if wasm.is_null() {
        return synth_result::failed(SYNTH_STATUS_INVALID_ARGUMENT, "synth_compile: wasm is NULL");
    }
    if wasm_len == 0 {
        return synth_result::failed(SYNTH_STATUS_INVALID_ARGUMENT, "synth_compile: wasm_len is 0 (empty input)");
    }
    // SAFETY: non-null and valid for `wasm_len` bytes by contract.
    let input = unsafe { std::slice::from_raw_parts(wasm, wasm_len) };
    // SAFETY: NULL or a valid synth_options by contract.
    let options = match unsafe { read_options(opts) } {
        Ok(o) => o,
        Err(m) => return synth_result::failed(SYNTH_STATUS_INVALID_ARGUMENT, &format!("synth_compile: {m}")),
    };
    match synth::compile(input, &options) {
        Ok(c) => synth_result::compiled(c),
        Err(e) => synth_result::failed(status_of(&e), &e.to_string()),
    }
}

/// Compiles wasm_len bytes at wasm (a wasm binary, or wasm text) with opts
/// (NULL: the defaults). Returns a SYNTH_STATUS_* code. Unless out itself is
/// NULL (then SYNTH_STATUS_INVALID_ARGUMENT and nothing is allocated), *out
/// receives a new result, also on failure (it carries the message); free it
/// with synth_result_free(). Thread-safe: no global state is touched.
///
/// # Safety
/// `wasm` is NULL or valid for reading `wasm_len` bytes; `opts` is NULL or
/// a `synth_options` (see its struct_size); `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn synth_compile(
    wasm: *const u8,
    wasm_len: usize,
    opts: *const synth_options,
    out: *mut *mut synth_result,
) -> i32 {
    if out.is_null() {
        return SYNTH_STATUS_INVALID_ARGUMENT;
    }
    // SAFETY: forwarded contract.
    let result = catch(|| unsafe { compile(wasm, wasm_len, opts) }).unwrap_or_else(|panic| {
        synth_result::failed(SYNTH_STATUS_INTERNAL_ERROR, &format!("internal compiler error (please report): {panic}"))
    });
    let status = result.status;
    // SAFETY: non-null and writable by contract.
    unsafe { out.write(Box::into_raw(Box::new(result))) };
    status
}

/// The status of a result (what synth_compile() returned);
/// SYNTH_STATUS_INVALID_ARGUMENT when r is NULL.
///
/// # Safety
/// `r` is NULL or a live result from synth_compile().
#[no_mangle]
pub unsafe extern "C" fn synth_result_status(r: *const synth_result) -> i32 {
    // SAFETY: NULL or live by contract.
    guard(SYNTH_STATUS_INTERNAL_ERROR, || unsafe { r.as_ref() }.map_or(SYNTH_STATUS_INVALID_ARGUMENT, |r| r.status))
}

/// The diagnostics of a result: the error message (naming the function and
/// operator where one is involved), "" on success; NULL when r is NULL.
/// Valid until synth_result_free(r).
///
/// # Safety
/// `r` is NULL or a live result from synth_compile().
#[no_mangle]
pub unsafe extern "C" fn synth_result_message(r: *const synth_result) -> *const c_char {
    // SAFETY: NULL or live by contract.
    guard(std::ptr::null(), || unsafe { r.as_ref() }.map_or(std::ptr::null(), |r| r.message.as_ptr()))
}

/// The ELF object (relocatable, ARM Thumb-2; docs/ABI.md); its size goes to
/// *len (len may be NULL). NULL and *len = 0 when the compile failed or r
/// is NULL. Valid until synth_result_free(r).
///
/// # Safety
/// `r` is NULL or a live result; `len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn synth_result_object(r: *const synth_result, len: *mut usize) -> *const u8 {
    let (ptr, n) = guard((std::ptr::null(), 0), || {
        // SAFETY: NULL or live by contract.
        match unsafe { r.as_ref() }.and_then(|r| r.output.as_ref()) {
            Some(o) => (o.object.as_ptr(), o.object.len()),
            None => (std::ptr::null(), 0),
        }
    });
    if !len.is_null() {
        // SAFETY: non-null and writable by contract.
        unsafe { len.write(n) };
    }
    ptr
}

/// The generated C header declaring the object's interface (NUL-terminated);
/// NULL when the compile failed or r is NULL. Valid until synth_result_free(r).
///
/// # Safety
/// `r` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn synth_result_header(r: *const synth_result) -> *const c_char {
    // SAFETY: NULL or live by contract.
    guard(std::ptr::null(), || {
        unsafe { r.as_ref() }.and_then(|r| r.output.as_ref()).map_or(std::ptr::null(), |o| o.header.as_ptr())
    })
}

/// The statistics as JSON, the same text `synth compile --stats-json` writes;
/// NULL when the compile failed or r is NULL. Valid until synth_result_free(r).
///
/// # Safety
/// `r` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn synth_result_stats_json(r: *const synth_result) -> *const c_char {
    // SAFETY: NULL or live by contract.
    guard(std::ptr::null(), || {
        unsafe { r.as_ref() }.and_then(|r| r.output.as_ref()).map_or(std::ptr::null(), |o| o.stats_json.as_ptr())
    })
}

/// Frees a result and everything borrowed from it; NULL is a no-op.
///
/// # Safety
/// `r` is NULL or a result from synth_compile() not yet freed.
#[no_mangle]
pub unsafe extern "C" fn synth_result_free(r: *mut synth_result) {
    if !r.is_null() {
        // SAFETY: allocated by Box::into_raw in synth_compile, freed once.
        guard((), || drop(unsafe { Box::from_raw(r) }));
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::status::*;
    use std::ffi::CStr;
    use std::ptr::{null, null_mut};

    /// Compiles `src` with `opts`; returns (status, result).
    pub(crate) fn compile_bytes(src: &[u8], opts: *const synth_options) -> (i32, *mut synth_result) {
        let mut r = null_mut();
        let s = unsafe { synth_compile(src.as_ptr(), src.len(), opts, &mut r) };
        assert!(!r.is_null());
        assert_eq!(unsafe { synth_result_status(r) }, s);
        (s, r)
    }

    pub(crate) fn message(r: *const synth_result) -> String {
        unsafe { CStr::from_ptr(synth_result_message(r)) }.to_string_lossy().into_owned()
    }

    const ADD: &[u8] = b"(module (func $add (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))";

    #[test]
    fn success_gives_object_header_and_json() {
        let (s, r) = compile_bytes(ADD, null());
        assert_eq!(s, SYNTH_STATUS_OK, "{}", message(r));
        assert_eq!(message(r), "");
        let mut n = 0;
        let obj = unsafe { synth_result_object(r, &mut n) };
        let bytes = unsafe { std::slice::from_raw_parts(obj, n) };
        let expected = synth::compile(ADD, &synth::Options::default()).unwrap();
        assert_eq!(bytes, &expected.object[..]);
        assert_eq!(&bytes[..4], b"\x7fELF");
        assert!(unsafe { synth_result_object(r, null_mut()) } == obj);
        let header = unsafe { CStr::from_ptr(synth_result_header(r)) }.to_str().unwrap();
        assert_eq!(header, expected.header);
        assert!(header.contains("wasm_add"), "{header}");
        let json = unsafe { CStr::from_ptr(synth_result_stats_json(r)) }.to_str().unwrap();
        assert_eq!(json, serde_json::to_string_pretty(&expected.stats).unwrap());
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["functions"][0]["symbol"], "wasm_add");
        unsafe { synth_result_free(r) };
    }

    #[test]
    fn null_and_empty_inputs_are_invalid_arguments() {
        assert_eq!(unsafe { synth_compile(ADD.as_ptr(), ADD.len(), null(), null_mut()) }, SYNTH_STATUS_INVALID_ARGUMENT);
        for (p, n, needle) in [(null(), 5, "wasm is NULL"), (null(), 0, "wasm is NULL"), (ADD.as_ptr(), 0, "wasm_len is 0")] {
            let mut r = null_mut();
            assert_eq!(unsafe { synth_compile(p, n, null(), &mut r) }, SYNTH_STATUS_INVALID_ARGUMENT);
            assert!(message(r).contains(needle), "{}", message(r));
            let mut len = 99;
            assert!(unsafe { synth_result_object(r, &mut len) }.is_null());
            assert_eq!(len, 0);
            assert!(unsafe { synth_result_header(r) }.is_null());
            assert!(unsafe { synth_result_stats_json(r) }.is_null());
            unsafe { synth_result_free(r) };
        }
        // Every accessor tolerates NULL.
        assert_eq!(unsafe { synth_result_status(null()) }, SYNTH_STATUS_INVALID_ARGUMENT);
        assert!(unsafe { synth_result_message(null()) }.is_null());
        let mut len = 7;
        assert!(unsafe { synth_result_object(null(), &mut len) }.is_null());
        assert_eq!(len, 0);
        assert!(unsafe { synth_result_header(null()) }.is_null());
        assert!(unsafe { synth_result_stats_json(null()) }.is_null());
        unsafe { synth_result_free(null_mut()) };
    }

    #[test]
    fn errors_map_to_their_status_with_messages() {
        let mut bad_prefix = synth_options::defaults();
        bad_prefix.prefix = c"my-mod".as_ptr();
        let mut small = synth_options::defaults();
        small.struct_size = 4;
        let cases: [(&[u8], *const synth_options, i32, &str); 6] = [
            (b"(module (func (i32.nope)))", null(), SYNTH_STATUS_MALFORMED, "wasm text does not parse"),
            (b"(module (func $f (param i32)", null(), SYNTH_STATUS_MALFORMED, "wasm text does not parse"),
            (b"(module (func (result i32) i64.const 1))", null(), SYNTH_STATUS_INVALID_MODULE, "invalid wasm module"),
            (ADD, &bad_prefix, SYNTH_STATUS_INVALID_ARGUMENT, "my-mod"),
            (ADD, &small, SYNTH_STATUS_INVALID_ARGUMENT, "struct_size"),
            (
                b"(module (func $f (export \"f\") (param i32) (result i32) local.get 0 local.get 0 i32.add) \
                   (func $g (export \"f_\") (param i32) (result i32) local.get 0))",
                &{
                    let mut o = synth_options::defaults();
                    o.prefix = c"p".as_ptr();
                    o
                },
                SYNTH_STATUS_OK,
                "",
            ),
        ];
        for (src, o, status, needle) in cases {
            let (s, r) = compile_bytes(src, o);
            let m = message(r);
            assert_eq!(s, status, "{}: {m}", String::from_utf8_lossy(src));
            assert!(m.contains(needle), "{needle}: {m}");
            unsafe { synth_result_free(r) };
        }
    }

    #[test]
    fn truncated_binary_is_rejected_with_its_offset() {
        // A type section cut short: a decode error, so MALFORMED (not
        // INVALID_MODULE, which is for validation errors).
        let (s, r) = compile_bytes(b"\0asm\x01\0\0\0\x01\x05\x01\x60", null());
        let m = message(r);
        assert_eq!(s, SYNTH_STATUS_MALFORMED, "{m}");
        assert!(m.contains("offset 0x") && m.contains("end-of-file"), "{m}");
        unsafe { synth_result_free(r) };
    }

    #[test]
    fn unsupported_names_function_and_operator() {
        // SIMD inside an i32-only function: synth has no vector lowering.
        let src = b"(module (func $area (export \"area\") (param i32) (result i32) \
                     local.get 0 i32x4.splat i32x4.extract_lane 0))";
        let (s, r) = compile_bytes(src, null());
        let m = message(r);
        assert_eq!(s, SYNTH_STATUS_UNSUPPORTED, "{m}");
        assert!(m.contains("`area`") && m.contains("i32x4."), "{m}");
        unsafe { synth_result_free(r) };
    }

    #[test]
    fn debug_option_reaches_the_compiler() {
        let compiled = |debug: u32| {
            let o = synth_options { debug, ..synth_options::defaults() };
            let (s, r) = compile_bytes(ADD, &o);
            assert_eq!(s, SYNTH_STATUS_OK, "{}", message(r));
            let mut n = 0;
            let obj = unsafe { std::slice::from_raw_parts(synth_result_object(r, &mut n), n) }.to_vec();
            unsafe { synth_result_free(r) };
            obj
        };
        let with = synth::compile(ADD, &synth::Options { debug: true, ..synth::Options::default() }).unwrap();
        assert_eq!(compiled(1), with.object);
        assert_eq!(compiled(0), synth::compile(ADD, &synth::Options::default()).unwrap().object);
        assert_ne!(compiled(1), compiled(0));
        assert!(with.object.windows(12).any(|w| w == b".debug_frame"));
    }

    #[test]
    fn debug_wat_option_reaches_the_compiler() {
        let text = b"(module\n  (func (export \"f\") (param i32) (result i32)\n    local.get 0\n    i32.const 1\n    i32.add))\n";
        let o = synth_options { debug_wat: c"m.wat".as_ptr(), ..synth_options::defaults() };
        let (s, r) = compile_bytes(text, &o);
        assert_eq!(s, SYNTH_STATUS_OK, "{}", message(r));
        let mut n = 0;
        let obj = unsafe { std::slice::from_raw_parts(synth_result_object(r, &mut n), n) }.to_vec();
        unsafe { synth_result_free(r) };
        let opts = synth::Options { debug: true, debug_wat: Some("m.wat".into()), ..synth::Options::default() };
        assert_eq!(obj, synth::compile(text, &opts).unwrap().object);
        assert!(obj.windows(11).any(|w| w == b".debug_line") && obj.windows(5).any(|w| w == b"m.wat"));
        // Without the option the same text gets no line table.
        let plain = synth::compile(text, &synth::Options { debug: true, ..synth::Options::default() }).unwrap().object;
        assert!(!plain.windows(11).any(|w| w == b".debug_line"));
    }

    #[test]
    fn max_function_bytes_over_the_limit_is_status_limit() {
        // ADD's body is 7 bytes of wasm code: a limit of 6 refuses it, 7 and 0 (none) accept it.
        let status = |n: i64| {
            let o = synth_options { max_function_bytes: n, ..synth_options::defaults() };
            let (s, r) = compile_bytes(ADD, &o);
            let m = message(r);
            unsafe { synth_result_free(r) };
            (s, m)
        };
        let (s, m) = status(6);
        assert_eq!(s, SYNTH_STATUS_LIMIT, "{m}");
        assert!(m.starts_with("limit: function 0: ") && m.contains("over the limit of 6 (max_function_bytes)"), "{m}");
        assert_eq!(status(7).0, SYNTH_STATUS_OK);
        assert_eq!(status(0).0, SYNTH_STATUS_OK);
        assert_eq!(status(-1).0, SYNTH_STATUS_OK);
        // A version-4 caller's struct ends before the field: the default limit, not 6.
        let v4 = synth_options {
            struct_size: (std::mem::offset_of!(synth_options, reserved1) + 4) as u32,
            max_function_bytes: 6,
            ..synth_options::defaults()
        };
        let (s, r) = compile_bytes(ADD, &v4);
        assert_eq!(s, SYNTH_STATUS_OK, "{}", message(r));
        unsafe { synth_result_free(r) };
    }

    #[test]
    fn symbol_collision_is_reported() {
        // Export `f` is `wasm_f`, and so is the (unprefixed) import `env.wasm_f`.
        let src = b"(module (import \"env\" \"wasm_f\" (func)) (func (export \"f\")))";
        let (s, r) = compile_bytes(src, null());
        assert_eq!(s, SYNTH_STATUS_SYMBOL_COLLISION, "{}", message(r));
        assert!(message(r).contains("--prefix") || message(r).contains("prefix"), "{}", message(r));
        unsafe { synth_result_free(r) };
    }
}
