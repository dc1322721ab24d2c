//! The C ABI of synth (minimal; the full API is designed later).
//!
//! Takes: wasm bytes and a `synth_options` struct through C pointers.
//! Returns: a status code and an opaque `synth_result` holding the ELF
//! object or an error message. Every pointer is checked for null and every
//! call is wrapped in `catch_unwind`, so no Rust panic crosses the C
//! boundary (a panic becomes `SYNTH_STATUS_INTERNAL_ERROR`).
//!
//! ```c
//! synth_options o; synth_options_default(&o);
//! synth_result *r = NULL;
//! int s = synth_compile(wasm, wasm_len, &o, &r);
//! if (s == SYNTH_STATUS_OK) { size_t n; const uint8_t *obj = synth_result_object(r, &n); ... }
//! else fprintf(stderr, "%s\n", synth_result_message(r));
//! synth_result_free(r);
//! ```

#![allow(non_camel_case_types)]
#![warn(missing_docs)]

use std::ffi::{c_char, c_int, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Success.
pub const SYNTH_STATUS_OK: c_int = 0;
/// A null pointer or an invalid option value.
pub const SYNTH_STATUS_INVALID_ARGUMENT: c_int = 1;
/// The module could not be compiled (invalid, unsupported, symbol clash).
pub const SYNTH_STATUS_COMPILE_ERROR: c_int = 2;
/// A compiler bug (internal error or panic).
pub const SYNTH_STATUS_INTERNAL_ERROR: c_int = 3;

/// Compiler options, C layout. Fill with [`synth_options_default`] first.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct synth_options {
    /// Cortex-M core: 3, 4 or 7.
    pub target: u32,
    /// NUL-terminated symbol prefix; NULL means `wasm_`.
    pub symbol_prefix: *const c_char,
    /// Non-zero: software bounds checks (default 1).
    pub bounds_checks: c_int,
    /// Non-zero: stack-limit checks (default 0).
    pub stack_check: c_int,
    /// Cap on reserved memory pages; negative means no cap (default -1).
    pub max_memory_pages: i64,
    /// Non-zero: run the register-allocation checker (default 0).
    pub verify_allocation: c_int,
}

/// The outcome of [`synth_compile`]: an object or an error message.
pub struct synth_result {
    object: Vec<u8>,
    message: CString,
}

static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The synth version as a static NUL-terminated string (never freed).
#[no_mangle]
pub extern "C" fn synth_version() -> *const c_char {
    VERSION.as_ptr().cast()
}

/// Writes the default options to `*opts` (no-op when `opts` is NULL).
///
/// # Safety
/// `opts` is NULL or points to writable memory for one `synth_options`.
#[no_mangle]
pub unsafe extern "C" fn synth_options_default(opts: *mut synth_options) {
    if opts.is_null() {
        return;
    }
    // SAFETY: non-null and, by contract, valid for writes.
    unsafe {
        opts.write(synth_options {
            target: 4,
            symbol_prefix: std::ptr::null(),
            bounds_checks: 1,
            stack_check: 0,
            max_memory_pages: -1,
            verify_allocation: 0,
        })
    };
}

fn message(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).unwrap_or_default()
}

/// Converts C options to Rust options.
///
/// # Safety
/// `o.symbol_prefix` is NULL or a NUL-terminated string.
unsafe fn to_options(o: &synth_options) -> Result<synth::Options, String> {
    let target = match o.target {
        3 => synth::Target::CortexM3,
        4 => synth::Target::CortexM4,
        7 => synth::Target::CortexM7,
        t => return Err(format!("target must be 3, 4 or 7 (Cortex-M3/M4/M7), not {t}")),
    };
    let mut opts = synth::Options { target, ..synth::Options::default() };
    if !o.symbol_prefix.is_null() {
        // SAFETY: non-null and NUL-terminated by contract.
        let p = unsafe { CStr::from_ptr(o.symbol_prefix) };
        opts.symbol_prefix = p.to_str().map_err(|_| "symbol_prefix is not UTF-8".to_string())?.to_string();
    }
    opts.bounds_checks = o.bounds_checks != 0;
    opts.stack_check = o.stack_check != 0;
    opts.verify_allocation = o.verify_allocation != 0;
    opts.max_memory_pages = match o.max_memory_pages {
        n if n < 0 => None,
        n => Some(u32::try_from(n).map_err(|_| format!("max_memory_pages {n} is too large"))?),
    };
    opts.validate().map_err(|e| e.to_string())?;
    Ok(opts)
}

/// Compiles `len` bytes at `bytes` (wasm binary or text) with `opts` (NULL =
/// defaults). On return `*result` holds a new result (object on success,
/// message on failure) to be freed with [`synth_result_free`]; it is NULL
/// only when `result` itself is NULL. Returns a `SYNTH_STATUS_*` code.
///
/// # Safety
/// `bytes` is valid for reading `len` bytes (or NULL with `len == 0`);
/// `opts` is NULL or a valid `synth_options`; `result` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn synth_compile(
    bytes: *const u8,
    len: usize,
    opts: *const synth_options,
    result: *mut *mut synth_result,
) -> c_int {
    if result.is_null() {
        return SYNTH_STATUS_INVALID_ARGUMENT;
    }
    let outcome = catch_unwind(AssertUnwindSafe(|| -> (c_int, synth_result) {
        let fail = |status, m: &str| (status, synth_result { object: Vec::new(), message: message(m) });
        if bytes.is_null() && len != 0 {
            return fail(SYNTH_STATUS_INVALID_ARGUMENT, "bytes is NULL");
        }
        let input: &[u8] = if len == 0 {
            &[]
        } else {
            // SAFETY: non-null and valid for `len` bytes by contract.
            unsafe { std::slice::from_raw_parts(bytes, len) }
        };
        let options = if opts.is_null() {
            synth::Options::default()
        } else {
            // SAFETY: non-null and valid by contract.
            match unsafe { to_options(&*opts) } {
                Ok(o) => o,
                Err(m) => return fail(SYNTH_STATUS_INVALID_ARGUMENT, &format!("bad option: {m}")),
            }
        };
        match synth::compile(input, &options) {
            Ok(c) => (SYNTH_STATUS_OK, synth_result { object: c.object, message: CString::default() }),
            Err(e @ synth::Error::Internal(_)) => fail(SYNTH_STATUS_INTERNAL_ERROR, &e.to_string()),
            Err(e @ synth::Error::BadOptions(_)) => fail(SYNTH_STATUS_INVALID_ARGUMENT, &e.to_string()),
            Err(e) => fail(SYNTH_STATUS_COMPILE_ERROR, &e.to_string()),
        }
    }));
    let (status, res) = outcome.unwrap_or_else(|payload| {
        let m = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        (
            SYNTH_STATUS_INTERNAL_ERROR,
            synth_result { object: Vec::new(), message: message(&format!("internal compiler error (please report): {m}")) },
        )
    });
    // SAFETY: `result` is non-null and writable by contract.
    unsafe { result.write(Box::into_raw(Box::new(res))) };
    status
}

/// The object bytes of `result` (NULL and `*len = 0` when there are none or
/// `result` is NULL). Valid until [`synth_result_free`].
///
/// # Safety
/// `result` is NULL or from [`synth_compile`] and not freed; `len` is NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn synth_result_object(result: *const synth_result, len: *mut usize) -> *const u8 {
    // SAFETY: NULL or a live result by contract.
    let r = unsafe { result.as_ref() };
    let (ptr, n) = match r {
        Some(r) if !r.object.is_empty() => (r.object.as_ptr(), r.object.len()),
        _ => (std::ptr::null(), 0),
    };
    if !len.is_null() {
        // SAFETY: non-null and writable by contract.
        unsafe { len.write(n) };
    }
    ptr
}

/// The error message of `result` (NUL-terminated; empty on success; empty
/// static string when `result` is NULL). Valid until [`synth_result_free`].
///
/// # Safety
/// `result` is NULL or from [`synth_compile`] and not freed.
#[no_mangle]
pub unsafe extern "C" fn synth_result_message(result: *const synth_result) -> *const c_char {
    // SAFETY: NULL or a live result by contract.
    match unsafe { result.as_ref() } {
        Some(r) => r.message.as_ptr(),
        None => c"".as_ptr(),
    }
}

/// Frees a result (NULL is ignored).
///
/// # Safety
/// `result` is NULL or from [`synth_compile`] and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn synth_result_free(result: *mut synth_result) {
    if !result.is_null() {
        // SAFETY: allocated by `Box::into_raw` in `synth_compile`.
        drop(unsafe { Box::from_raw(result) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> synth_options {
        let mut o = std::mem::MaybeUninit::<synth_options>::uninit();
        unsafe {
            synth_options_default(o.as_mut_ptr());
            o.assume_init()
        }
    }

    fn msg(r: *const synth_result) -> String {
        unsafe { CStr::from_ptr(synth_result_message(r)) }.to_string_lossy().into_owned()
    }

    #[test]
    fn version_is_nul_terminated() {
        let v = unsafe { CStr::from_ptr(synth_version()) };
        assert_eq!(v.to_str().unwrap(), synth::version());
    }

    #[test]
    fn null_pointers_are_rejected() {
        let o = defaults();
        assert_eq!(unsafe { synth_compile(b"x".as_ptr(), 1, &o, std::ptr::null_mut()) }, SYNTH_STATUS_INVALID_ARGUMENT);
        let mut r = std::ptr::null_mut();
        assert_eq!(unsafe { synth_compile(std::ptr::null(), 5, &o, &mut r) }, SYNTH_STATUS_INVALID_ARGUMENT);
        assert!(!r.is_null());
        assert!(msg(r).contains("NULL"));
        let mut n = 99;
        assert!(unsafe { synth_result_object(r, &mut n) }.is_null());
        assert_eq!(n, 0);
        unsafe { synth_result_free(r) };
        // NULL results are tolerated everywhere.
        assert!(unsafe { synth_result_object(std::ptr::null(), std::ptr::null_mut()) }.is_null());
        assert_eq!(msg(std::ptr::null()), "");
        unsafe { synth_result_free(std::ptr::null_mut()) };
        unsafe { synth_options_default(std::ptr::null_mut()) };
    }

    #[test]
    fn bad_options_and_bad_input_report_messages() {
        let mut o = defaults();
        o.target = 5;
        let mut r = std::ptr::null_mut();
        let text = b"(module)";
        assert_eq!(unsafe { synth_compile(text.as_ptr(), text.len(), &o, &mut r) }, SYNTH_STATUS_INVALID_ARGUMENT);
        assert!(msg(r).contains("target must be 3, 4 or 7"), "{}", msg(r));
        unsafe { synth_result_free(r) };

        let mut o = defaults();
        let prefix = c"bad-prefix";
        o.symbol_prefix = prefix.as_ptr();
        let mut r = std::ptr::null_mut();
        assert_eq!(unsafe { synth_compile(text.as_ptr(), text.len(), &o, &mut r) }, SYNTH_STATUS_INVALID_ARGUMENT);
        assert!(msg(r).contains("prefix"), "{}", msg(r));
        unsafe { synth_result_free(r) };

        let bad = b"(module (func (i32.nope)))";
        let mut r = std::ptr::null_mut();
        assert_eq!(unsafe { synth_compile(bad.as_ptr(), bad.len(), std::ptr::null(), &mut r) }, SYNTH_STATUS_COMPILE_ERROR);
        assert!(msg(r).starts_with("wasm text does not parse"), "{}", msg(r));
        unsafe { synth_result_free(r) };
    }

    #[test]
    fn panics_do_not_cross_the_boundary() {
        // Whatever the pipeline does with this module (compile, or panic in
        // a stage not written yet), the call returns a status and a result.
        let text = b"(module (func (export \"f\")))";
        let mut r = std::ptr::null_mut();
        let s = unsafe { synth_compile(text.as_ptr(), text.len(), std::ptr::null(), &mut r) };
        assert!(!r.is_null());
        let mut n = 0;
        let obj = unsafe { synth_result_object(r, &mut n) };
        if s == SYNTH_STATUS_OK {
            assert!(n > 4 && !obj.is_null());
            assert_eq!(unsafe { std::slice::from_raw_parts(obj, 4) }, b"\x7fELF");
            assert_eq!(msg(r), "");
        } else {
            assert_eq!((n, obj.is_null()), (0, true));
            assert!(!msg(r).is_empty());
        }
        unsafe { synth_result_free(r) };
    }
}
