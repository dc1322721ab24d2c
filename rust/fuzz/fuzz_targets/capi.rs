//! The C API driven as a C program would (raw pointers, the options struct, every result
//! accessor, free), shared by the fuzz targets. Aborts (a crash libFuzzer records) on a
//! status that must not happen: an internal error (a compiler panic caught at the
//! boundary), an out-of-range status, or a successful result without object or header.

use synth_capi::*;

/// Options chosen by one byte: bit 0 no bounds checks, bit 1 no IR optimisation, bit 2
/// stack check, bits 3-4 target (M4, M3, M7, M4), bit 5 allocation checker, bit 6 a
/// one-page cap on reserved memory. Byte 0: the defaults.
pub fn options(byte: u8) -> synth_options {
    let mut o = std::mem::MaybeUninit::<synth_options>::zeroed();
    // SAFETY: a writable synth_options.
    let status = unsafe { synth_options_init(o.as_mut_ptr()) };
    assert_eq!(status, SYNTH_STATUS_OK);
    // SAFETY: initialised by synth_options_init.
    let mut o = unsafe { o.assume_init() };
    o.bounds_checks = u32::from(byte & 1 == 0);
    o.optimize = u32::from(byte & 2 == 0);
    o.stack_check = u32::from(byte & 4 != 0);
    o.target = [4, 3, 7, 4][usize::from((byte >> 3) & 3)];
    o.verify_allocation = u32::from(byte & 32 != 0);
    if byte & 64 != 0 {
        o.max_memory_pages = 1;
    }
    o
}

/// Compiles `wasm` with `opts` through the C API; returns the status and the message
/// after checking the result's accessors. Aborts on an internal error.
pub fn compile(wasm: &[u8], opts: &synth_options) -> (i32, String) {
    let mut result: *mut synth_result = std::ptr::null_mut();
    // SAFETY: valid pointers for the call.
    let status = unsafe { synth_compile(wasm.as_ptr(), wasm.len(), opts, &mut result) };
    assert!(!result.is_null(), "no result");
    // SAFETY: a live result from synth_compile.
    unsafe {
        assert_eq!(synth_result_status(result), status);
        let msg = synth_result_message(result);
        let text = if msg.is_null() { String::new() } else { std::ffi::CStr::from_ptr(msg).to_string_lossy().into_owned() };
        if status == SYNTH_STATUS_INTERNAL_ERROR || !(0..=SYNTH_STATUS_INTERNAL_ERROR).contains(&status) {
            eprintln!("synth_compile: status {status}: {text}");
            std::process::abort();
        }
        let mut len = 0usize;
        let obj = synth_result_object(result, &mut len);
        let header = synth_result_header(result);
        if status == SYNTH_STATUS_OK {
            assert!(!obj.is_null() && len > 0, "ok without object");
            assert!(!header.is_null(), "ok without header");
            assert!(!synth_result_stats_json(result).is_null(), "ok without stats");
            // touch every byte (ASan checks the buffer)
            let bytes = std::slice::from_raw_parts(obj, len);
            assert_eq!(&bytes[..4], b"\x7fELF");
            let _ = std::ffi::CStr::from_ptr(header).to_bytes().len();
        } else {
            assert!(!text.is_empty(), "failure without message");
        }
        synth_result_free(result);
        (status, text)
    }
}
