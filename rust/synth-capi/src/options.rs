//! `synth_options`: the compiler options as a C struct.
//!
//! Takes: a `synth_options` filled by [`synth_options_init`] and then edited
//! by the caller. Returns: validated `synth::Options`, or a message saying
//! which field is wrong (reported as `SYNTH_STATUS_INVALID_ARGUMENT`).

use std::ffi::{c_char, CStr};

use crate::guard::guard;
use crate::status::{SYNTH_STATUS_INTERNAL_ERROR, SYNTH_STATUS_INVALID_ARGUMENT, SYNTH_STATUS_OK};

/// Target Cortex-M0 (ARMv6-M), for synth_options.target. (ARMv6-M values
/// start at 100 so that no zeroed struct selects a core.)
pub const SYNTH_TARGET_CORTEX_M0: u32 = 100;
/// Target Cortex-M0+ (ARMv6-M).
pub const SYNTH_TARGET_CORTEX_M0PLUS: u32 = 101;
/// Target Cortex-M3 (ARMv7-M), for synth_options.target.
pub const SYNTH_TARGET_CORTEX_M3: u32 = 3;
/// Target Cortex-M4 (ARMv7E-M), the default.
pub const SYNTH_TARGET_CORTEX_M4: u32 = 4;
/// Target Cortex-M7 (ARMv7E-M).
pub const SYNTH_TARGET_CORTEX_M7: u32 = 7;
/// Target Cortex-M33 (ARMv8-M Mainline).
pub const SYNTH_TARGET_CORTEX_M33: u32 = 33;
/// Target Cortex-M55 (ARMv8.1-M Mainline).
pub const SYNTH_TARGET_CORTEX_M55: u32 = 55;

/// No FPU, for synth_options.fpu (the default).
pub const SYNTH_FPU_NONE: u32 = 0;
/// FPv4-SP-D16 (Cortex-M4F), for synth_options.fpu.
pub const SYNTH_FPU_FPV4_SP_D16: u32 = 1;
/// FPv5-SP-D16 (Cortex-M7, M33, M55, single precision), for
/// synth_options.fpu.
pub const SYNTH_FPU_FPV5_SP_D16: u32 = 2;
/// FPv5-D16 (Cortex-M7, M55, double precision), for synth_options.fpu.
pub const SYNTH_FPU_FPV5_D16: u32 = 3;
/// Floats in core registers, computed in software (the default), for
/// synth_options.float_abi.
pub const SYNTH_FLOAT_ABI_SOFT: u32 = 0;
/// Floats in core registers at calls, FPU allowed inside.
pub const SYNTH_FLOAT_ABI_SOFTFP: u32 = 1;
/// Floats in FPU registers at calls (AAPCS-VFP).
pub const SYNTH_FLOAT_ABI_HARD: u32 = 2;

/// Compiler options. Fill with synth_options_init() first, then change
/// fields; fields a newer header adds come after these, and struct_size
/// tells the library how many the caller knows.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct synth_options {
    /// sizeof(synth_options) as the caller was compiled with; set by
    /// synth_options_init(). Smaller than the version-1 size:
    /// SYNTH_STATUS_INVALID_ARGUMENT.
    pub struct_size: u32,
    /// SYNTH_TARGET_CORTEX_M0, _M0PLUS, _M3, _M4, _M7, _M33 or _M55
    /// (default SYNTH_TARGET_CORTEX_M4).
    pub target: u32,
    /// Prefix of every symbol of the object, NUL-terminated: empty or
    /// [A-Za-z_][A-Za-z0-9_]*. NULL means "wasm_" (the default). Named like
    /// `--prefix` and Python's `prefix` (called symbol_prefix before 0.1.0's
    /// one-vocabulary change; same offset, so binaries are unaffected).
    pub prefix: *const c_char,
    /// Module name shown in the generated header's comment, NUL-terminated;
    /// NULL: the name section's module name, if any (the default).
    pub module_name: *const c_char,
    /// Cap on the linear-memory pages reserved in .bss (at most 65536);
    /// negative: no cap, the module's maximum or else initial size (default -1).
    pub max_memory_pages: i64,
    /// Non-zero: software bounds checks on every memory access (default 1).
    pub bounds_checks: u32,
    /// Non-zero: stack-limit check at every function entry; the firmware
    /// then defines uint32_t synth_stack_limit (default 0).
    pub stack_check: u32,
    /// Non-zero: run the register-allocation checker on every function
    /// (default 0).
    pub verify_allocation: u32,
    /// Non-zero: also run the shadow allocator (measure only) and report its
    /// figures in the statistics (default 0).
    pub shadow_allocation: u32,
    /// Non-zero: run the IR optimisations (default 1).
    pub optimize: u32,
    /// Unused; keeps the fields below clear of version 1's tail padding.
    pub reserved0: u32,
    /// (Version 2.) The core's FPU: SYNTH_FPU_NONE (default),
    /// SYNTH_FPU_FPV4_SP_D16, SYNTH_FPU_FPV5_SP_D16 or SYNTH_FPU_FPV5_D16;
    /// read only when struct_size covers it.
    pub fpu: u32,
    /// (Version 2.) SYNTH_FLOAT_ABI_SOFT (default), SYNTH_FLOAT_ABI_SOFTFP
    /// or SYNTH_FLOAT_ABI_HARD; read only when struct_size covers it.
    pub float_abi: u32,
    /// (Version 3.) Fail with SYNTH_STATUS_STACK_LIMIT when the worst-case
    /// stack of an export or the init function exceeds this many bytes or
    /// has no bound; negative: no limit (default -1). Read only when
    /// struct_size covers it, like the fields below.
    pub max_stack: i64,
    /// (Version 3.) Worst-case stack figures of imported functions (and of
    /// "synth_trap", the trap handler), import_stack_count entries; NULL
    /// when the count is 0 (default). An import without a figure makes the
    /// stack of every function that can call it unbounded.
    pub import_stack: *const synth_import_stack,
    /// (Version 3.) Entries of import_stack.
    pub import_stack_count: usize,
    /// (Version 4.) Non-zero: add debugging aids, unwind tables
    /// (.debug_frame, .ARM.exidx/.ARM.extab) and name-section names in the
    /// local symbols; the code is the same (default 0). Read only when
    /// struct_size covers it.
    pub debug: u32,
    /// Unused; keeps fields a later version appends clear of version 4's
    /// tail padding.
    pub reserved1: u32,
    /// (Version 5.) Largest function body accepted, in bytes of wasm code;
    /// a larger one fails the compile with SYNTH_STATUS_LIMIT before any
    /// work is done on the module. Negative: the default limit (7654321,
    /// the web engines'); 0: no limit (default -1). Read only when
    /// struct_size covers it.
    pub max_function_bytes: i64,
    /// (Version 6.) NULL (default), or the file name of a wasm text input:
    /// turns debug on and, when the module has no DWARF of its own, makes
    /// the source-line table against the text itself (each operator's line
    /// in that file), as `synth compile --debug-wat`. NUL-terminated UTF-8.
    /// Read only when struct_size covers it.
    pub debug_wat: *const c_char,
}

/// The worst-case stack of one imported function, for
/// synth_options.import_stack.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct synth_import_stack {
    /// The import's symbol ("host_log") or wasm name ("env.host_log"),
    /// NUL-terminated UTF-8.
    pub name: *const c_char,
    /// Bytes of stack it uses at most, callees included.
    pub bytes: u32,
}

/// The first version of `synth_options` (up to `optimize`), whose size old
/// callers pass as struct_size.
#[repr(C)]
#[allow(dead_code)]
struct SynthOptionsV1 {
    struct_size: u32,
    target: u32,
    prefix: *const c_char,
    module_name: *const c_char,
    max_memory_pages: i64,
    bounds_checks: u32,
    stack_check: u32,
    verify_allocation: u32,
    shadow_allocation: u32,
    optimize: u32,
}

/// The size of the version-1 `synth_options`.
pub(crate) const OPTIONS_V1_SIZE: usize = std::mem::size_of::<SynthOptionsV1>();
/// The size a caller must pass for the version-2 fields to be read.
pub(crate) const OPTIONS_V2_END: usize = std::mem::offset_of!(synth_options, float_abi) + 4;
/// The size a caller must pass for the version-3 (stack) fields to be read.
pub(crate) const OPTIONS_V3_END: usize = std::mem::offset_of!(synth_options, import_stack_count) + std::mem::size_of::<usize>();
/// The size a caller must pass for the version-4 field (`debug`) to be read.
pub(crate) const OPTIONS_V4_END: usize = std::mem::offset_of!(synth_options, debug) + 4;
/// The size a caller must pass for the version-5 field (`max_function_bytes`) to be read.
pub(crate) const OPTIONS_V5_END: usize = std::mem::offset_of!(synth_options, max_function_bytes) + 8;
/// The size a caller must pass for the version-6 field (`debug_wat`) to be read.
pub(crate) const OPTIONS_V6_END: usize = std::mem::offset_of!(synth_options, debug_wat) + std::mem::size_of::<*const c_char>();

impl synth_options {
    /// The default options (what [`synth_options_init`] writes).
    pub fn defaults() -> synth_options {
        synth_options {
            struct_size: std::mem::size_of::<synth_options>() as u32,
            target: SYNTH_TARGET_CORTEX_M4,
            prefix: std::ptr::null(),
            module_name: std::ptr::null(),
            max_memory_pages: -1,
            bounds_checks: 1,
            stack_check: 0,
            verify_allocation: 0,
            shadow_allocation: 0,
            optimize: 1,
            reserved0: 0,
            fpu: SYNTH_FPU_NONE,
            float_abi: SYNTH_FLOAT_ABI_SOFT,
            max_stack: -1,
            import_stack: std::ptr::null(),
            import_stack_count: 0,
            debug: 0,
            reserved1: 0,
            max_function_bytes: -1,
            debug_wat: std::ptr::null(),
        }
    }
}

/// Writes the default options, including struct_size, to *opts.
/// Returns SYNTH_STATUS_OK, or SYNTH_STATUS_INVALID_ARGUMENT when opts is NULL.
///
/// # Safety
/// `opts` is NULL or valid for writing one `synth_options`.
#[no_mangle]
pub unsafe extern "C" fn synth_options_init(opts: *mut synth_options) -> i32 {
    if opts.is_null() {
        return SYNTH_STATUS_INVALID_ARGUMENT;
    }
    guard(SYNTH_STATUS_INTERNAL_ERROR, || {
        // SAFETY: non-null and valid for writes by contract.
        unsafe { opts.write(synth_options::defaults()) };
        SYNTH_STATUS_OK
    })
}

/// Reads C options; NULL gives the defaults.
///
/// # Safety
/// `opts` is NULL or points to a readable `synth_options` whose first
/// `struct_size` bytes are initialised, and whose string fields are NULL
/// or NUL-terminated.
pub(crate) unsafe fn read_options(opts: *const synth_options) -> Result<synth::Options, String> {
    if opts.is_null() {
        return Ok(synth::Options::default());
    }
    // SAFETY: non-null; the first field is always present.
    let size = unsafe { std::ptr::addr_of!((*opts).struct_size).read_unaligned() } as usize;
    if size < OPTIONS_V1_SIZE {
        return Err(format!(
            "opts->struct_size is {size}, smaller than sizeof(synth_options) = {OPTIONS_V1_SIZE} \
             (call synth_options_init first)"
        ));
    }
    // SAFETY: the caller's struct is at least the version-1 size; fields of
    // later versions are read only when struct_size covers them.
    let o = unsafe { opts.cast::<SynthOptionsV1>().read_unaligned() };
    let target = match o.target {
        SYNTH_TARGET_CORTEX_M0 => synth::Target::CortexM0,
        SYNTH_TARGET_CORTEX_M0PLUS => synth::Target::CortexM0Plus,
        SYNTH_TARGET_CORTEX_M3 => synth::Target::CortexM3,
        SYNTH_TARGET_CORTEX_M4 => synth::Target::CortexM4,
        SYNTH_TARGET_CORTEX_M7 => synth::Target::CortexM7,
        SYNTH_TARGET_CORTEX_M33 => synth::Target::CortexM33,
        SYNTH_TARGET_CORTEX_M55 => synth::Target::CortexM55,
        t => {
            return Err(format!(
                "opts->target is {t}; expected 100, 101, 3, 4, 7, 33 or 55 (SYNTH_TARGET_CORTEX_M0/M0PLUS/M3/M4/M7/M33/M55)"
            ))
        }
    };
    let mut out = synth::Options { target, ..synth::Options::default() };
    // SAFETY: NULL or NUL-terminated by contract.
    if let Some(p) = unsafe { c_str(o.prefix, "prefix") }? {
        out.symbol_prefix = p;
    }
    // SAFETY: as above.
    out.module_name = unsafe { c_str(o.module_name, "module_name") }?;
    out.max_memory_pages = match o.max_memory_pages {
        n if n < 0 => None,
        n => Some(u32::try_from(n).map_err(|_| format!("opts->max_memory_pages {n} is too large (at most 65536)"))?),
    };
    out.bounds_checks = o.bounds_checks != 0;
    out.stack_check = o.stack_check != 0;
    out.verify_allocation = o.verify_allocation != 0;
    out.shadow_allocation = o.shadow_allocation != 0;
    out.optimize = o.optimize != 0;
    if size >= OPTIONS_V2_END {
        // SAFETY: struct_size covers the version-2 fields.
        let (fpu, abi) = unsafe { (std::ptr::addr_of!((*opts).fpu).read_unaligned(), std::ptr::addr_of!((*opts).float_abi).read_unaligned()) };
        out.fpu = match fpu {
            SYNTH_FPU_NONE => synth::Fpu::None,
            SYNTH_FPU_FPV4_SP_D16 => synth::Fpu::Fpv4SpD16,
            SYNTH_FPU_FPV5_SP_D16 => synth::Fpu::Fpv5SpD16,
            SYNTH_FPU_FPV5_D16 => synth::Fpu::Fpv5D16,
            f => return Err(format!("opts->fpu is {f}; expected 0-3 (SYNTH_FPU_NONE ... SYNTH_FPU_FPV5_D16)")),
        };
        out.float_abi = match abi {
            SYNTH_FLOAT_ABI_SOFT => synth::FloatAbi::Soft,
            SYNTH_FLOAT_ABI_SOFTFP => synth::FloatAbi::Softfp,
            SYNTH_FLOAT_ABI_HARD => synth::FloatAbi::Hard,
            a => return Err(format!("opts->float_abi is {a}; expected 0-2 (SYNTH_FLOAT_ABI_SOFT/SOFTFP/HARD)")),
        };
    }
    if size >= OPTIONS_V3_END {
        // SAFETY: struct_size covers the version-3 fields.
        let (max, list, count) = unsafe {
            (
                std::ptr::addr_of!((*opts).max_stack).read_unaligned(),
                std::ptr::addr_of!((*opts).import_stack).read_unaligned(),
                std::ptr::addr_of!((*opts).import_stack_count).read_unaligned(),
            )
        };
        out.max_stack = match max {
            n if n < 0 => None,
            n => Some(u32::try_from(n).map_err(|_| format!("opts->max_stack {n} is too large (at most 4294967295)"))?),
        };
        if count > 0 && list.is_null() {
            return Err(format!("opts->import_stack is NULL but import_stack_count is {count}"));
        }
        for i in 0..count {
            // SAFETY: `count` readable entries by contract.
            let e = unsafe { list.add(i).read_unaligned() };
            // SAFETY: NULL or NUL-terminated by contract.
            let name = unsafe { c_str(e.name, "import_stack[].name") }?
                .filter(|n| !n.is_empty())
                .ok_or_else(|| format!("opts->import_stack[{i}].name is NULL or empty"))?;
            out.import_stack.insert(name, e.bytes);
        }
    }
    if size >= OPTIONS_V4_END {
        // SAFETY: struct_size covers the version-4 field.
        out.debug = unsafe { std::ptr::addr_of!((*opts).debug).read_unaligned() } != 0;
    }
    if size >= OPTIONS_V5_END {
        // SAFETY: struct_size covers the version-5 field.
        let max = unsafe { std::ptr::addr_of!((*opts).max_function_bytes).read_unaligned() };
        out.max_function_bytes = match max {
            n if n < 0 => Some(synth::options::DEFAULT_MAX_FUNCTION_BYTES),
            0 => None,
            n => Some(u32::try_from(n).map_err(|_| format!("opts->max_function_bytes {n} is too large (at most 4294967295)"))?),
        };
    }
    if size >= OPTIONS_V6_END {
        // SAFETY: struct_size covers the version-6 field; NULL or NUL-terminated by contract.
        let name = unsafe { c_str(std::ptr::addr_of!((*opts).debug_wat).read_unaligned(), "debug_wat") }?;
        if let Some(name) = name {
            if name.is_empty() {
                return Err("opts->debug_wat is empty; expected NULL or the .wat file name".into());
            }
            out.debug = true;
            out.debug_wat = Some(name);
        }
    }
    out.validate().map_err(|e| e.to_string())?;
    Ok(out)
}

/// A NULL-or-C string field as UTF-8.
///
/// # Safety
/// `p` is NULL or NUL-terminated.
unsafe fn c_str(p: *const c_char, field: &str) -> Result<Option<String>, String> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: non-null and NUL-terminated by contract.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str().map(|s| Some(s.to_string())).map_err(|_| format!("opts->{field} is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(o: &synth_options) -> Result<synth::Options, String> {
        unsafe { read_options(o) }
    }

    #[test]
    fn init_writes_the_defaults() {
        let mut o = std::mem::MaybeUninit::<synth_options>::uninit();
        assert_eq!(unsafe { synth_options_init(o.as_mut_ptr()) }, SYNTH_STATUS_OK);
        let o = unsafe { o.assume_init() };
        assert_eq!(o.struct_size as usize, std::mem::size_of::<synth_options>());
        assert_eq!((o.target, o.max_memory_pages, o.bounds_checks, o.optimize), (4, -1, 1, 1));
        assert_eq!((o.stack_check, o.verify_allocation, o.shadow_allocation, o.debug), (0, 0, 0, 0));
        assert_eq!((o.max_stack, o.import_stack_count, o.max_function_bytes), (-1, 0, -1));
        assert!(o.prefix.is_null() && o.module_name.is_null());
        assert_eq!(read(&o).unwrap(), synth::Options::default());
        assert_eq!(unsafe { read_options(std::ptr::null()) }.unwrap(), synth::Options::default());
        assert_eq!(unsafe { synth_options_init(std::ptr::null_mut()) }, SYNTH_STATUS_INVALID_ARGUMENT);
    }

    #[test]
    fn every_field_reaches_the_rust_options() {
        let prefix = c"fw_";
        let name = c"blink.wasm";
        let o = synth_options {
            target: SYNTH_TARGET_CORTEX_M7,
            prefix: prefix.as_ptr(),
            module_name: name.as_ptr(),
            max_memory_pages: 2,
            bounds_checks: 0,
            stack_check: 5,
            verify_allocation: 1,
            shadow_allocation: 1,
            optimize: 0,
            ..synth_options::defaults()
        };
        let r = read(&o).unwrap();
        assert_eq!(r.target, synth::Target::CortexM7);
        assert_eq!((r.symbol_prefix.as_str(), r.module_name.as_deref()), ("fw_", Some("blink.wasm")));
        assert_eq!(r.max_memory_pages, Some(2));
        assert_eq!((r.bounds_checks, r.stack_check, r.verify_allocation, r.shadow_allocation, r.optimize), (false, true, true, true, false));
        let m0 = synth_options { target: SYNTH_TARGET_CORTEX_M0PLUS, ..synth_options::defaults() };
        assert_eq!(read(&m0).unwrap().target, synth::Target::CortexM0Plus);
        let m3 = synth_options { target: SYNTH_TARGET_CORTEX_M3, ..synth_options::defaults() };
        assert_eq!(read(&m3).unwrap().target, synth::Target::CortexM3);
        let m33 = synth_options { target: SYNTH_TARGET_CORTEX_M33, ..synth_options::defaults() };
        assert_eq!(read(&m33).unwrap().target, synth::Target::CortexM33);
        let m55 = synth_options { target: SYNTH_TARGET_CORTEX_M55, fpu: SYNTH_FPU_FPV5_D16, ..synth_options::defaults() };
        assert_eq!(read(&m55).unwrap().target, synth::Target::CortexM55);
    }

    #[test]
    fn bad_values_name_the_field() {
        let cases: [(synth_options, &str); 5] = [
            (synth_options { target: 5, ..synth_options::defaults() }, "expected 100, 101, 3, 4, 7, 33 or 55"),
            (synth_options { struct_size: 8, ..synth_options::defaults() }, "struct_size"),
            (synth_options { prefix: c"bad-prefix".as_ptr(), ..synth_options::defaults() }, "prefix"),
            (synth_options { max_memory_pages: 1 << 40, ..synth_options::defaults() }, "max_memory_pages"),
            (synth_options { max_memory_pages: 70000, ..synth_options::defaults() }, "max-memory-pages"),
        ];
        for (o, needle) in cases {
            let e = read(&o).unwrap_err();
            assert!(e.contains(needle), "{needle}: {e}");
        }
        let bad_utf8 = [0xffu8, 0];
        let o = synth_options { module_name: bad_utf8.as_ptr().cast(), ..synth_options::defaults() };
        assert!(read(&o).unwrap_err().contains("module_name is not UTF-8"));
    }

    #[test]
    fn float_fields_are_version_2() {
        let o = synth_options { fpu: SYNTH_FPU_FPV4_SP_D16, float_abi: SYNTH_FLOAT_ABI_SOFTFP, ..synth_options::defaults() };
        let r = read(&o).unwrap();
        assert_eq!((r.fpu, r.float_abi), (synth::Fpu::Fpv4SpD16, synth::FloatAbi::Softfp));
        // A version-1 caller: the fields past its struct_size are not read.
        let v1 = synth_options { struct_size: OPTIONS_V1_SIZE as u32, fpu: 99, float_abi: 99, ..synth_options::defaults() };
        assert_eq!(read(&v1).unwrap().fpu, synth::Fpu::None);
        assert!(OPTIONS_V1_SIZE <= std::mem::offset_of!(synth_options, fpu));
        let bad = synth_options { fpu: 9, ..synth_options::defaults() };
        assert!(read(&bad).unwrap_err().contains("opts->fpu is 9"));
        let m3 = synth_options { target: SYNTH_TARGET_CORTEX_M3, fpu: SYNTH_FPU_FPV4_SP_D16, ..synth_options::defaults() };
        assert!(read(&m3).unwrap_err().contains("cortex-m3 has no fpv4-sp-d16"));
        let m33 = synth_options { target: SYNTH_TARGET_CORTEX_M33, fpu: SYNTH_FPU_FPV5_D16, ..synth_options::defaults() };
        assert!(read(&m33).unwrap_err().contains("cortex-m33 has no fpv5-d16 FPU; it can have: none, fpv5-sp-d16"));
    }

    #[test]
    fn stack_fields_are_version_3() {
        let list = [
            synth_import_stack { name: c"host_log".as_ptr(), bytes: 64 },
            synth_import_stack { name: c"env.f".as_ptr(), bytes: 8 },
        ];
        let o = synth_options { max_stack: 1024, import_stack: list.as_ptr(), import_stack_count: 2, ..synth_options::defaults() };
        let r = read(&o).unwrap();
        assert_eq!(r.max_stack, Some(1024));
        assert_eq!((r.import_stack.get("host_log"), r.import_stack.get("env.f")), (Some(&64), Some(&8)));
        // A version-2 caller: the stack fields are not read.
        let v2 = synth_options { struct_size: OPTIONS_V2_END as u32, max_stack: 4, import_stack_count: 9, ..synth_options::defaults() };
        assert_eq!(read(&v2).unwrap().max_stack, None);
        assert!(OPTIONS_V2_END <= std::mem::offset_of!(synth_options, max_stack));
        let bad = synth_options { import_stack_count: 1, ..synth_options::defaults() };
        assert!(read(&bad).unwrap_err().contains("import_stack is NULL"));
        let unnamed = [synth_import_stack { name: std::ptr::null(), bytes: 1 }];
        let bad = synth_options { import_stack: unnamed.as_ptr(), import_stack_count: 1, ..synth_options::defaults() };
        assert!(read(&bad).unwrap_err().contains("import_stack[0].name"));
        let bad = synth_options { max_stack: 1 << 40, ..synth_options::defaults() };
        assert!(read(&bad).unwrap_err().contains("opts->max_stack "));
    }

    #[test]
    fn debug_is_version_4() {
        let o = synth_options { debug: 1, ..synth_options::defaults() };
        assert!(read(&o).unwrap().debug);
        assert!(!read(&synth_options::defaults()).unwrap().debug);
        // A version-3 caller: debug, past its struct_size, is not read.
        let v3 = synth_options { struct_size: OPTIONS_V3_END as u32, debug: 1, ..synth_options::defaults() };
        assert!(!read(&v3).unwrap().debug);
        assert!(OPTIONS_V3_END <= std::mem::offset_of!(synth_options, debug));
        // ...while the version-3 fields still are.
        let v3 = synth_options { struct_size: OPTIONS_V3_END as u32, max_stack: 64, debug: 1, ..synth_options::defaults() };
        assert_eq!(read(&v3).unwrap().max_stack, Some(64));
        // The version-4 field ends before reserved1 (whose padding role keeps version 5's
        // field out of version 4's sizeof).
        assert_eq!(OPTIONS_V4_END, std::mem::offset_of!(synth_options, reserved1));
        assert_eq!(std::mem::offset_of!(synth_options, max_function_bytes), std::mem::offset_of!(synth_options, reserved1) + 4);
    }

    #[test]
    fn max_function_bytes_is_version_5() {
        use synth::options::DEFAULT_MAX_FUNCTION_BYTES;
        let limit = |n: i64| read(&synth_options { max_function_bytes: n, ..synth_options::defaults() }).map(|r| r.max_function_bytes);
        assert_eq!(limit(-1), Ok(Some(DEFAULT_MAX_FUNCTION_BYTES)));
        assert_eq!(limit(i64::MIN), Ok(Some(DEFAULT_MAX_FUNCTION_BYTES)));
        assert_eq!(limit(0), Ok(None));
        assert_eq!(limit(10), Ok(Some(10)));
        assert_eq!(limit(u32::MAX as i64), Ok(Some(u32::MAX)));
        assert!(limit(1 << 40).unwrap_err().contains("opts->max_function_bytes "));
        assert_eq!(read(&synth_options::defaults()).unwrap().max_function_bytes, Some(DEFAULT_MAX_FUNCTION_BYTES));
        // A version-4 caller (its sizeof ends at reserved1): the field is not read, the
        // default limit holds, and the version-4 field still is read.
        let v4_size = std::mem::offset_of!(synth_options, reserved1) + 4;
        assert!(OPTIONS_V4_END <= v4_size && v4_size < OPTIONS_V5_END);
        let v4 = synth_options { struct_size: v4_size as u32, max_function_bytes: 0, debug: 1, ..synth_options::defaults() };
        let r = read(&v4).unwrap();
        assert_eq!((r.max_function_bytes, r.debug), (Some(DEFAULT_MAX_FUNCTION_BYTES), true));
        assert!(OPTIONS_V5_END <= std::mem::offset_of!(synth_options, debug_wat));
    }

    #[test]
    fn debug_wat_is_version_6() {
        let name = c"dir/m.wat";
        let o = synth_options { debug_wat: name.as_ptr(), ..synth_options::defaults() };
        let r = read(&o).unwrap();
        assert!(r.debug && r.debug_wat.as_deref() == Some("dir/m.wat"));
        assert_eq!(read(&synth_options::defaults()).unwrap().debug_wat, None);
        assert!(read(&synth_options { debug_wat: c"".as_ptr(), ..synth_options::defaults() }).unwrap_err().contains("debug_wat"));
        // A version-5 caller: the field, past its struct_size, is not read.
        let v5 = synth_options { struct_size: OPTIONS_V5_END as u32, debug_wat: name.as_ptr(), ..synth_options::defaults() };
        let r = read(&v5).unwrap();
        assert!(!r.debug && r.debug_wat.is_none());
        // The version-6 field ends the struct.
        assert_eq!(OPTIONS_V6_END, std::mem::size_of::<synth_options>());
    }

    #[test]
    fn larger_struct_from_a_newer_caller_is_accepted() {
        #[repr(C)]
        struct Newer {
            v1: synth_options,
            extra: u64,
        }
        let mut n = Newer { v1: synth_options::defaults(), extra: 7 };
        n.v1.struct_size = std::mem::size_of::<Newer>() as u32;
        n.v1.target = SYNTH_TARGET_CORTEX_M3;
        let r = unsafe { read_options(&n.v1) }.unwrap();
        assert_eq!(r.target, synth::Target::CortexM3);
        assert_eq!(n.extra, 7);
    }
}
