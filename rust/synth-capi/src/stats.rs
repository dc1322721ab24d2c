//! `synth_stats`: the compile statistics as C structs.
//!
//! Takes: a successful result and caller-owned structs whose struct_size
//! says how large the caller's version of them is. Returns: the module
//! totals and one record per compiled function (in the order of the
//! `functions` array of the stats JSON), with names borrowed from the result.

use std::ffi::c_char;

use crate::guard::guard;
use crate::result::synth_result;
use crate::status::{SYNTH_STATUS_INTERNAL_ERROR, SYNTH_STATUS_INVALID_ARGUMENT, SYNTH_STATUS_OK};

/// synth_function_stats.kind: a defined wasm function.
pub const SYNTH_FUNCTION_WASM: u32 = 0;
/// synth_function_stats.kind: a runtime helper synth generated.
pub const SYNTH_FUNCTION_RUNTIME: u32 = 1;
/// synth_function_stats.kind: the module's init function.
pub const SYNTH_FUNCTION_INIT: u32 = 2;
/// synth_function_stats.kind: the default trap entry.
pub const SYNTH_FUNCTION_TRAP: u32 = 3;
/// synth_function_stats.kind: a float-ABI thunk (`float_abi` hard: moves an
/// exported or imported function's floats between FPU and core registers).
pub const SYNTH_FUNCTION_THUNK: u32 = 4;

/// synth_function_stats.verdict: nothing was spilled.
pub const SYNTH_SPILL_NONE: u32 = 0;
/// synth_function_stats.verdict: spills, and peak pressure exceeded the
/// registers available (they were needed).
pub const SYNTH_SPILL_GENUINE: u32 = 1;
/// synth_function_stats.verdict: spills although peak pressure fit in the
/// registers (an allocator weakness worth reporting).
pub const SYNTH_SPILL_SPURIOUS: u32 = 2;

/// synth_function_stats.rung: allocated by the normal allocator.
pub const SYNTH_RUNG_BASE: u32 = 0;
/// synth_function_stats.rung: allocated by the every-value-in-a-slot
/// fallback (should never happen; worth reporting).
pub const SYNTH_RUNG_FALLBACK: u32 = 1;

/// The register allocator's figures for one register class of a function
/// (the same fields as a function's JSON `float` object and Python's
/// `ClassStats`). The integer class's figures are the fields `vregs` to
/// `verdict` of synth_function_stats, in this order and layout.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct synth_class_stats {
    /// Virtual registers of the class.
    pub vregs: u32,
    /// Peak register pressure of the class.
    pub peak_pressure: u32,
    /// Registers of the class the allocator could use.
    pub regs_available: u32,
    /// Spill stores.
    pub spill_stores: u32,
    /// Reloads.
    pub reloads: u32,
    /// Rematerialisations.
    pub remats: u32,
    /// Register moves left in the code.
    pub moves: u32,
    /// Spill slots of the class.
    pub spill_slots: u32,
    /// Callee-saved registers of the class the function saves.
    pub callee_saved_pushed: u32,
    /// SYNTH_SPILL_*.
    pub verdict: u32,
}

/// Totals over the module. The caller sets struct_size.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct synth_module_stats {
    /// sizeof(synth_module_stats) as the caller was compiled with.
    pub struct_size: u32,
    /// Functions compiled (wasm, runtime and init; not the trap stub).
    pub functions: u32,
    /// Bytes of .text (all functions, padding and the trap stub).
    pub text_bytes: u32,
    /// Machine code bytes of the listed functions.
    pub code_bytes: u32,
    /// Machine instructions.
    pub instructions: u32,
    /// Spill stores.
    pub spill_stores: u32,
    /// Reloads.
    pub reloads: u32,
    /// Rematerialisations.
    pub remats: u32,
    /// Register moves left in the code.
    pub moves: u32,
    /// Functions whose verdict is SYNTH_SPILL_SPURIOUS.
    pub spurious_spill_functions: u32,
    /// Functions whose rung is SYNTH_RUNG_FALLBACK.
    pub fallback_functions: u32,
    /// Bytes of .data.
    pub data_bytes: u32,
    /// Bytes of .rodata.
    pub rodata_bytes: u32,
    /// Bytes of .bss (linear memory).
    pub bss_bytes: u32,
    /// (Version 2.) Spill stores of the floating-point register class.
    /// Written only when struct_size covers the version-2 fields.
    pub float_spill_stores: u32,
    /// (Version 2.) Reloads of the floating-point register class.
    pub float_reloads: u32,
}

/// Statistics of one compiled function. The caller sets struct_size in
/// every element of the array it passes to synth_stats().
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct synth_function_stats {
    /// sizeof(synth_function_stats) as the caller was compiled with.
    pub struct_size: u32,
    /// Display name (name section, export, or generated name); borrowed from
    /// the result, valid until synth_result_free().
    pub name: *const c_char,
    /// The ELF symbol of the function; borrowed likewise.
    pub symbol: *const c_char,
    /// SYNTH_FUNCTION_*.
    pub kind: u32,
    /// Machine code bytes.
    pub code_bytes: u32,
    /// Machine instructions.
    pub instructions: u32,
    /// Frame bytes (spill slots, outgoing arguments, padding).
    pub frame_bytes: u32,
    /// Virtual registers.
    pub vregs: u32,
    /// Peak register pressure.
    pub peak_pressure: u32,
    /// Registers the allocator could use.
    pub regs_available: u32,
    /// Spill stores.
    pub spill_stores: u32,
    /// Reloads.
    pub reloads: u32,
    /// Rematerialisations.
    pub remats: u32,
    /// Register moves left in the code.
    pub moves: u32,
    /// Spill slots.
    pub spill_slots: u32,
    /// Callee-saved registers the function saves.
    pub callee_saved_pushed: u32,
    /// SYNTH_SPILL_*.
    pub verdict: u32,
    /// SYNTH_RUNG_*.
    pub rung: u32,
    /// 1 when the shadow allocator ran (synth_options.shadow_allocation);
    /// then the shadow_* fields are set, else they are 0.
    pub has_shadow: u32,
    /// Shadow allocator: spill stores.
    pub shadow_spill_stores: u32,
    /// Shadow allocator: reloads.
    pub shadow_reloads: u32,
    /// Shadow allocator: register moves.
    pub shadow_moves: u32,
    /// Shadow allocator: spill slots.
    pub shadow_spill_slots: u32,
    /// Shadow allocator: callee-saved registers assigned.
    pub shadow_callee_saved_used: u32,
    /// Unused; keeps the fields below clear of version 1's tail padding.
    pub reserved0: u32,
    /// (Version 2.) The function's own deepest stack excursion in bytes
    /// (pushed registers, frame, momentary pushes; callees not counted).
    /// Written only when struct_size covers the version-2 fields.
    pub stack_bytes: u32,
    /// (Version 2.) 1 when max_stack_bytes is a bound, 0 when the stack is
    /// unbounded (see stack_unbounded).
    pub has_max_stack: u32,
    /// (Version 2.) Worst-case stack in bytes over every path of calls from
    /// this function (callees, runtime and libgcc helpers, imports as given
    /// by synth_options.import_stack); 0 when unbounded.
    pub max_stack_bytes: u32,
    /// Unused (alignment).
    pub reserved1: u32,
    /// (Version 2.) Why the stack is unbounded ("calls import `f`",
    /// "recursion through `f` → `g` → `f`"), UTF-8; NULL when bounded.
    /// Borrowed from the result.
    pub stack_unbounded: *const c_char,
    /// (Version 2.) The symbols of the deepest path of calls (or of the path
    /// to what makes it unbounded), joined with " -> ". Borrowed.
    pub stack_path: *const c_char,
    /// (Version 3.) 1 when the function has floating-point register values
    /// (an FPU and `float_abi` softfp or hard); then float_regs holds the
    /// floating-point class's figures, else it is all 0. Written only when
    /// struct_size covers the version-3 fields.
    pub has_float: u32,
    /// (Version 3.) The floating-point register class (S registers).
    pub float_regs: synth_class_stats,
}

/// Version 1 of `synth_module_stats` ends at `bss_bytes`.
const MODULE_V1_SIZE: usize = std::mem::offset_of!(synth_module_stats, float_spill_stores);
/// Version 2 (the float totals) is the whole struct.
const MODULE_V2_SIZE: usize = std::mem::size_of::<synth_module_stats>();
/// Version 1 of `synth_function_stats` ends at `shadow_callee_saved_used`
/// (rounded up to the struct's 8-byte alignment).
const FUNCTION_V1_SIZE: usize = (std::mem::offset_of!(synth_function_stats, reserved0) + 7) & !7;
/// Version 2 (the stack fields) ends at `stack_path`.
const FUNCTION_V2_SIZE: usize = std::mem::offset_of!(synth_function_stats, has_float);
/// Version 3 (the floating-point class) is the whole struct.
const FUNCTION_V3_SIZE: usize = std::mem::size_of::<synth_function_stats>();

fn module_record(t: &synth::stats::Totals) -> synth_module_stats {
    synth_module_stats {
        struct_size: MODULE_V1_SIZE as u32,
        functions: t.functions,
        text_bytes: t.text_bytes,
        code_bytes: t.code_bytes,
        instructions: t.instructions,
        spill_stores: t.spill_stores,
        reloads: t.reloads,
        remats: t.remats,
        moves: t.moves,
        spurious_spill_functions: t.spurious_spill_functions,
        fallback_functions: t.fallback_functions,
        data_bytes: t.data_bytes,
        rodata_bytes: t.rodata_bytes,
        bss_bytes: t.bss_bytes,
        float_spill_stores: t.float_spill_stores,
        float_reloads: t.float_reloads,
    }
}

/// SYNTH_SPILL_* of a verdict name; anything but "none"/"genuine" is a
/// spill the firmware should hear about.
fn verdict_code(v: &str) -> u32 {
    match v {
        "none" => SYNTH_SPILL_NONE,
        "genuine" => SYNTH_SPILL_GENUINE,
        _ => SYNTH_SPILL_SPURIOUS,
    }
}

/// The C record of one register class's figures.
fn class_record(c: &synth::stats::ClassStats) -> synth_class_stats {
    synth_class_stats {
        vregs: c.vregs,
        peak_pressure: c.peak_pressure,
        regs_available: c.regs_available,
        spill_stores: c.spill_stores,
        reloads: c.reloads,
        remats: c.remats,
        moves: c.moves,
        spill_slots: c.spill_slots,
        callee_saved_pushed: c.callee_saved_pushed,
        verdict: verdict_code(c.verdict),
    }
}

/// The C record of `f`; `name`/`symbol` are its C strings in the result,
/// `stack` its unbounded reason (or NULL) and stack path.
fn function_record(
    f: &synth::FunctionStats,
    name: *const c_char,
    symbol: *const c_char,
    stack: (*const c_char, *const c_char),
) -> synth_function_stats {
    use synth::stats::FunctionKindName;
    let kind = match f.kind {
        FunctionKindName::Wasm => SYNTH_FUNCTION_WASM,
        FunctionKindName::Runtime => SYNTH_FUNCTION_RUNTIME,
        FunctionKindName::Init => SYNTH_FUNCTION_INIT,
        FunctionKindName::Trap => SYNTH_FUNCTION_TRAP,
        FunctionKindName::Thunk => SYNTH_FUNCTION_THUNK,
    };
    // The facade's stable names: anything but "base" is a fallback.
    let int = class_record(&f.int);
    let rung = if f.rung == "base" { SYNTH_RUNG_BASE } else { SYNTH_RUNG_FALLBACK };
    let sh = f.shadow.as_ref();
    synth_function_stats {
        struct_size: FUNCTION_V1_SIZE as u32,
        name,
        symbol,
        kind,
        code_bytes: f.code_bytes,
        instructions: f.instructions,
        frame_bytes: f.frame_bytes,
        vregs: int.vregs,
        peak_pressure: int.peak_pressure,
        regs_available: int.regs_available,
        spill_stores: int.spill_stores,
        reloads: int.reloads,
        remats: int.remats,
        moves: int.moves,
        spill_slots: int.spill_slots,
        callee_saved_pushed: int.callee_saved_pushed,
        verdict: int.verdict,
        rung,
        has_shadow: u32::from(sh.is_some()),
        shadow_spill_stores: sh.map_or(0, |s| s.spill_stores),
        shadow_reloads: sh.map_or(0, |s| s.reloads),
        shadow_moves: sh.map_or(0, |s| s.moves),
        shadow_spill_slots: sh.map_or(0, |s| s.spill_slots),
        shadow_callee_saved_used: sh.map_or(0, |s| s.callee_saved_used),
        reserved0: 0,
        stack_bytes: f.stack_bytes,
        has_max_stack: u32::from(f.max_stack_bytes.is_some()),
        max_stack_bytes: f.max_stack_bytes.unwrap_or(0),
        reserved1: 0,
        stack_unbounded: stack.0,
        stack_path: stack.1,
        has_float: u32::from(f.float.is_some()),
        float_regs: f.float.as_ref().map(class_record).unwrap_or_default(),
    }
}

/// Reads the `struct_size` at the start of a caller's struct.
///
/// # Safety
/// `p` is valid for reading 4 bytes.
unsafe fn struct_size_at(p: *const u8) -> usize {
    // SAFETY: by contract.
    unsafe { p.cast::<u32>().read_unaligned() as usize }
}

/// Fills *module (module may be NULL) with the totals and the first
/// min(capacity, total) elements of functions (may be NULL when capacity is
/// 0) with per-function records; *count (count may be NULL) receives the
/// total number of functions, so a caller may call once with capacity 0 to
/// size its array. Each struct_size must be at least the version-1 size;
/// larger sizes (newer callers) are accepted: the array's stride is the
/// first element's struct_size, every filled element must carry the same
/// value, and only the fields of the versions that size covers are written
/// (functions: version 1 up to shadow_callee_saved_used, version 2 the stack
/// fields, version 3 the floating-point class; module: version 1 up to
/// bss_bytes, version 2 the float totals; struct_size is left as the caller
/// set it). Nothing is written unless the
/// call succeeds.
/// Returns SYNTH_STATUS_INVALID_ARGUMENT when r is NULL or holds no
/// successful compile, when functions is NULL with capacity > 0, or when a
/// struct_size is too small.
///
/// # Safety
/// `r` is NULL or a live result; `module` is NULL or a writable
/// `synth_module_stats` of its struct_size; `functions` is NULL or valid for
/// `capacity` elements of its struct_size; `count` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn synth_stats(
    r: *const synth_result,
    module: *mut synth_module_stats,
    functions: *mut synth_function_stats,
    capacity: usize,
    count: *mut usize,
) -> i32 {
    guard(SYNTH_STATUS_INTERNAL_ERROR, || {
        // SAFETY: NULL or live by contract.
        let Some(out) = unsafe { r.as_ref() }.and_then(|r| r.output.as_ref()) else {
            return SYNTH_STATUS_INVALID_ARGUMENT;
        };
        let total = out.stats.functions.len();
        let fill = capacity.min(total);
        // Check every struct the call would write before writing any.
        // SAFETY: non-null pointers are valid by contract.
        if !module.is_null() && unsafe { struct_size_at(module.cast()) } < MODULE_V1_SIZE {
            return SYNTH_STATUS_INVALID_ARGUMENT;
        }
        if functions.is_null() && capacity > 0 {
            return SYNTH_STATUS_INVALID_ARGUMENT;
        }
        let base = functions.cast::<u8>();
        let stride = if fill > 0 {
            // SAFETY: the array has at least one element.
            unsafe { struct_size_at(base) }
        } else {
            FUNCTION_V1_SIZE
        };
        if stride < FUNCTION_V1_SIZE {
            return SYNTH_STATUS_INVALID_ARGUMENT;
        }
        for i in 1..fill {
            // SAFETY: element i of `capacity` elements of `stride` bytes.
            if unsafe { struct_size_at(base.add(i * stride)) } != stride {
                return SYNTH_STATUS_INVALID_ARGUMENT;
            }
        }
        if !module.is_null() {
            let mut m = module_record(&out.stats.totals);
            // SAFETY: checked above; struct_size stays the caller's, and only
            // the versions it covers are copied.
            unsafe {
                let size = struct_size_at(module.cast());
                m.struct_size = size as u32;
                let bytes = if size >= MODULE_V2_SIZE { MODULE_V2_SIZE } else { MODULE_V1_SIZE };
                std::ptr::copy_nonoverlapping(std::ptr::addr_of!(m).cast::<u8>(), module.cast::<u8>(), bytes);
            }
        }
        for (i, ((f, (name, symbol)), (unbounded, path))) in out.stats.functions.iter().zip(&out.names).zip(&out.stack_texts).take(fill).enumerate() {
            let reason = unbounded.as_ref().map_or(std::ptr::null(), |r| r.as_ptr());
            let mut rec = function_record(f, name.as_ptr(), symbol.as_ptr(), (reason, path.as_ptr()));
            rec.struct_size = stride as u32;
            let bytes = match stride {
                s if s >= FUNCTION_V3_SIZE => FUNCTION_V3_SIZE,
                s if s >= FUNCTION_V2_SIZE => FUNCTION_V2_SIZE,
                _ => FUNCTION_V1_SIZE,
            };
            // SAFETY: element i is in bounds and at least `bytes` long; only
            // the versions its struct_size covers are copied.
            unsafe {
                std::ptr::copy_nonoverlapping(std::ptr::addr_of!(rec).cast::<u8>(), base.add(i * stride), bytes);
            }
        }
        if !count.is_null() {
            // SAFETY: non-null and writable by contract.
            unsafe { count.write(total) };
        }
        SYNTH_STATUS_OK
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::synth_options;
    use crate::result::synth_result_free;
    use crate::result::tests::{compile_bytes, message};
    use crate::status::SYNTH_STATUS_OK;
    use std::ffi::CStr;
    use std::ptr::{null, null_mut};

    /// Two exported functions, an i64 division and a `memory.fill` of a
    /// run-time length (pulls in a runtime helper).
    const SRC: &[u8] = b"(module (memory 1) (data (i32.const 0) \"hi\") \
        (func $add (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add) \
        (func $div (export \"div\") (param i64 i64) (result i64) \
          i32.const 0 i32.const 0 local.get 0 i32.wrap_i64 memory.fill local.get 0 local.get 1 i64.div_s))";

    fn empty_function() -> synth_function_stats {
        synth_function_stats {
            struct_size: FUNCTION_V3_SIZE as u32,
            ..function_record(&dummy(), null(), null(), (null(), null()))
        }
    }

    fn dummy() -> synth::FunctionStats {
        synth::compile(b"(module (func))", &synth::Options::default()).unwrap().stats.functions[0].clone()
    }

    fn s(p: *const c_char) -> String {
        unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string()
    }

    #[test]
    fn records_match_the_facade_stats() {
        let mut o = synth_options::defaults();
        o.shadow_allocation = 1;
        let (st, r) = compile_bytes(SRC, &o);
        assert_eq!(st, SYNTH_STATUS_OK, "{}", message(r));
        let expected = synth::compile(SRC, &synth::Options { shadow_allocation: true, ..Default::default() }).unwrap().stats;
        let mut n = usize::MAX;
        assert_eq!(unsafe { synth_stats(r, null_mut(), null_mut(), 0, &mut n) }, SYNTH_STATUS_OK);
        assert_eq!(n, expected.functions.len());
        assert!(n >= 3, "add, div, a runtime helper and init expected: {n}");
        let mut m = synth_module_stats { struct_size: MODULE_V2_SIZE as u32, ..Default::default() };
        let mut fs = vec![empty_function(); n];
        assert_eq!(unsafe { synth_stats(r, &mut m, fs.as_mut_ptr(), n, &mut n) }, SYNTH_STATUS_OK);
        let t = &expected.totals;
        assert_eq!((m.functions, m.text_bytes, m.code_bytes, m.instructions), (t.functions, t.text_bytes, t.code_bytes, t.instructions));
        assert_eq!((m.spill_stores, m.reloads, m.remats, m.moves), (t.spill_stores, t.reloads, t.remats, t.moves));
        assert_eq!((m.spurious_spill_functions, m.fallback_functions), (t.spurious_spill_functions, t.fallback_functions));
        assert_eq!((m.data_bytes, m.rodata_bytes, m.bss_bytes), (t.data_bytes, t.rodata_bytes, t.bss_bytes));
        assert!(m.data_bytes + m.rodata_bytes >= 2, "the 2-byte data segment is in the object");
        for (c, e) in fs.iter().zip(&expected.functions) {
            assert_eq!((s(c.name), s(c.symbol)), (e.name.clone(), e.symbol.clone()));
            assert_eq!((c.code_bytes, c.instructions, c.frame_bytes, c.vregs), (e.code_bytes, e.instructions, e.frame_bytes, e.int.vregs));
            assert_eq!((c.peak_pressure, c.regs_available, c.spill_slots), (e.int.peak_pressure, e.int.regs_available, e.int.spill_slots));
            assert_eq!((c.spill_stores, c.reloads, c.remats, c.moves), (e.int.spill_stores, e.int.reloads, e.int.remats, e.int.moves));
            assert_eq!(c.callee_saved_pushed, e.int.callee_saved_pushed);
            assert_eq!((c.stack_bytes, c.has_max_stack, c.max_stack_bytes), (e.stack_bytes, 1, e.max_stack_bytes.unwrap()));
            assert!(c.stack_unbounded.is_null());
            assert_eq!(s(c.stack_path), e.stack_path.join(" -> "));
            assert_eq!(c.verdict, [SYNTH_SPILL_NONE, SYNTH_SPILL_GENUINE, SYNTH_SPILL_SPURIOUS][["none", "genuine", "spurious"].iter().position(|v| *v == e.int.verdict).unwrap()]);
            assert_eq!(c.rung, if e.rung == "base" { SYNTH_RUNG_BASE } else { SYNTH_RUNG_FALLBACK });
            let sh = e.shadow.as_ref();
            assert_eq!(c.has_shadow, u32::from(sh.is_some()));
            if let Some(sh) = sh {
                assert_eq!((c.shadow_spill_stores, c.shadow_reloads, c.shadow_moves), (sh.spill_stores, sh.reloads, sh.moves));
                assert_eq!((c.shadow_spill_slots, c.shadow_callee_saved_used), (sh.spill_slots, sh.callee_saved_used));
            }
        }
        let kinds: Vec<u32> = fs.iter().map(|f| f.kind).collect();
        assert_eq!(&kinds[..2], &[SYNTH_FUNCTION_WASM, SYNTH_FUNCTION_WASM]);
        assert!(kinds.contains(&SYNTH_FUNCTION_RUNTIME) && kinds.contains(&SYNTH_FUNCTION_INIT), "{kinds:?}");
        assert_eq!(s(fs[0].symbol), "wasm_add");
        unsafe { synth_result_free(r) };
    }

    #[test]
    fn partial_capacity_and_bad_sizes() {
        let (st, r) = compile_bytes(SRC, null());
        assert_eq!(st, SYNTH_STATUS_OK);
        let mut total = 0;
        assert_eq!(unsafe { synth_stats(r, null_mut(), null_mut(), 0, &mut total) }, SYNTH_STATUS_OK);
        // Capacity 1: only the first element is written; count is the total.
        let mut fs = [empty_function(), empty_function()];
        fs[1].code_bytes = 12345;
        let mut n = 0;
        assert_eq!(unsafe { synth_stats(r, null_mut(), fs.as_mut_ptr(), 1, &mut n) }, SYNTH_STATUS_OK);
        assert_eq!(n, total);
        assert_eq!(s(fs[0].symbol), "wasm_add");
        assert_eq!(fs[1].code_bytes, 12345);
        // NULL count and module are fine.
        assert_eq!(unsafe { synth_stats(r, null_mut(), fs.as_mut_ptr(), 2, null_mut()) }, SYNTH_STATUS_OK);
        // Too-small struct sizes, NULL array with capacity: rejected, nothing written.
        let mut m = synth_module_stats { struct_size: 8, ..Default::default() };
        assert_eq!(unsafe { synth_stats(r, &mut m, null_mut(), 0, null_mut()) }, SYNTH_STATUS_INVALID_ARGUMENT);
        assert_eq!(m.functions, 0);
        let mut small = [empty_function()];
        small[0].struct_size = 4;
        assert_eq!(unsafe { synth_stats(r, null_mut(), small.as_mut_ptr(), 1, null_mut()) }, SYNTH_STATUS_INVALID_ARGUMENT);
        assert_eq!(small[0].struct_size, 4);
        let mut mixed = [empty_function(), empty_function()];
        mixed[1].struct_size = 0;
        mixed[0].code_bytes = 777;
        assert_eq!(unsafe { synth_stats(r, null_mut(), mixed.as_mut_ptr(), 2, null_mut()) }, SYNTH_STATUS_INVALID_ARGUMENT);
        assert_eq!(mixed[0].code_bytes, 777);
        assert_eq!(unsafe { synth_stats(r, null_mut(), null_mut(), 3, null_mut()) }, SYNTH_STATUS_INVALID_ARGUMENT);
        // NULL and failed results have no stats.
        let mut n = 99;
        assert_eq!(unsafe { synth_stats(null(), null_mut(), null_mut(), 0, &mut n) }, SYNTH_STATUS_INVALID_ARGUMENT);
        assert_eq!(n, 99);
        unsafe { synth_result_free(r) };
        let (st, bad) = compile_bytes(b"(module (func (i32.nope)))", null());
        assert_ne!(st, SYNTH_STATUS_OK);
        assert_eq!(unsafe { synth_stats(bad, null_mut(), null_mut(), 0, null_mut()) }, SYNTH_STATUS_INVALID_ARGUMENT);
        unsafe { synth_result_free(bad) };
    }

    #[test]
    fn version_1_callers_get_no_stack_fields_and_unbounded_reasons_arrive() {
        // A version-1 caller's array: 112-byte elements; the stack fields lie
        // beyond its struct_size and must not be written.
        assert_eq!(FUNCTION_V1_SIZE, 112);
        #[repr(C, align(8))]
        #[derive(Clone, Copy)]
        struct V1([u8; FUNCTION_V1_SIZE]);
        let src = b"(module (import \"env\" \"f\" (func $f)) (func (export \"g\") call $f))";
        let (st, r) = compile_bytes(src, null());
        assert_eq!(st, SYNTH_STATUS_OK);
        let mut v1 = [V1([0xee; FUNCTION_V1_SIZE]); 3];
        for e in v1.iter_mut() {
            e.0[..4].copy_from_slice(&(FUNCTION_V1_SIZE as u32).to_le_bytes());
        }
        let mut n = 0;
        assert_eq!(unsafe { synth_stats(r, null_mut(), v1.as_mut_ptr().cast(), 1, &mut n) }, SYNTH_STATUS_OK);
        assert_eq!(&v1[1].0[4..], &[0xee; FUNCTION_V1_SIZE - 4][..], "element 1 untouched");
        let symbol = unsafe { std::ptr::read_unaligned(v1[0].0.as_ptr().add(16).cast::<*const c_char>()) };
        assert_eq!(s(symbol), "wasm_g");
        // A current caller sees why the bound is missing.
        let mut fs = vec![empty_function(); n];
        assert_eq!(unsafe { synth_stats(r, null_mut(), fs.as_mut_ptr(), n, null_mut()) }, SYNTH_STATUS_OK);
        assert_eq!((fs[0].has_max_stack, fs[0].max_stack_bytes), (0, 0));
        assert_eq!(s(fs[0].stack_unbounded), "calls import `f`");
        assert_eq!(s(fs[0].stack_path), "wasm_g -> f");
        unsafe { synth_result_free(r) };
    }

    #[test]
    fn newer_callers_with_larger_structs_get_v1_fields() {
        #[repr(C)]
        #[derive(Clone, Copy)]
        struct NewerFn {
            v1: synth_function_stats,
            future: u64,
        }
        #[repr(C)]
        struct NewerModule {
            v1: synth_module_stats,
            future: u32,
        }
        let (st, r) = compile_bytes(SRC, null());
        assert_eq!(st, SYNTH_STATUS_OK);
        let size = std::mem::size_of::<NewerFn>() as u32;
        let mut fs = [NewerFn { v1: synth_function_stats { struct_size: size, ..empty_function() }, future: 0xdead }; 2];
        let mut m = NewerModule { v1: synth_module_stats { struct_size: std::mem::size_of::<NewerModule>() as u32, ..Default::default() }, future: 9 };
        let mut n = 0;
        assert_eq!(unsafe { synth_stats(r, &mut m.v1, fs.as_mut_ptr().cast(), 2, &mut n) }, SYNTH_STATUS_OK);
        assert_eq!(s(fs[0].v1.symbol), "wasm_add");
        assert_eq!(s(fs[1].v1.symbol), "wasm_div");
        assert_eq!((fs[0].future, fs[1].future, fs[1].v1.struct_size), (0xdead, 0xdead, size));
        assert_eq!((m.future, m.v1.struct_size as usize), (9, std::mem::size_of::<NewerModule>()));
        assert_eq!(m.v1.functions as usize, n);
        unsafe { synth_result_free(r) };
    }

    #[test]
    fn version_3_callers_get_the_float_class_and_version_2_callers_do_not() {
        // f32 arithmetic on the FPU: the function has S register values.
        let src = b"(module (func (export \"m\") (param f32 f32) (result f32) local.get 0 local.get 1 f32.mul))";
        let mut o = synth_options::defaults();
        o.fpu = crate::options::SYNTH_FPU_FPV4_SP_D16;
        o.float_abi = crate::options::SYNTH_FLOAT_ABI_SOFTFP;
        let (st, r) = compile_bytes(src, &o);
        assert_eq!(st, SYNTH_STATUS_OK, "{}", message(r));
        let opts = synth::Options { fpu: synth::Fpu::Fpv4SpD16, float_abi: synth::FloatAbi::Softfp, ..Default::default() };
        let expected = synth::compile(src, &opts).unwrap().stats;
        let e = expected.functions[0].float.clone().expect("the facade reports the float class");
        let mut fs = [empty_function()];
        let mut m = synth_module_stats { struct_size: MODULE_V2_SIZE as u32, ..Default::default() };
        assert_eq!(unsafe { synth_stats(r, &mut m, fs.as_mut_ptr(), 1, null_mut()) }, SYNTH_STATUS_OK);
        let c = fs[0].float_regs;
        assert_eq!(fs[0].has_float, 1);
        assert_eq!((c.vregs, c.peak_pressure, c.regs_available), (e.vregs, e.peak_pressure, e.regs_available));
        assert_eq!((c.spill_stores, c.reloads, c.remats, c.moves, c.spill_slots), (e.spill_stores, e.reloads, e.remats, e.moves, e.spill_slots));
        assert_eq!((c.callee_saved_pushed, c.verdict), (e.callee_saved_pushed, SYNTH_SPILL_NONE));
        assert!(c.vregs > 0 && c.regs_available == 32, "{c:?}");
        assert_eq!((m.float_spill_stores, m.float_reloads), (expected.totals.float_spill_stores, expected.totals.float_reloads));
        // A version-2 caller: the version-3 fields lie beyond its struct_size.
        #[repr(C)]
        #[derive(Clone, Copy)]
        struct V2 {
            head: [u8; FUNCTION_V2_SIZE],
        }
        let mut v2 = [V2 { head: [0xee; FUNCTION_V2_SIZE] }; 2];
        v2[0].head[..4].copy_from_slice(&(FUNCTION_V2_SIZE as u32).to_le_bytes());
        assert_eq!(unsafe { synth_stats(r, null_mut(), v2.as_mut_ptr().cast(), 1, null_mut()) }, SYNTH_STATUS_OK);
        assert_eq!(&v2[1].head[..], &[0xee; FUNCTION_V2_SIZE][..], "nothing past element 0");
        // A version-1 module struct: the float totals are not written.
        #[repr(C)]
        struct ModuleV1Plus {
            v1: [u32; MODULE_V1_SIZE / 4],
            after: [u32; 2],
        }
        let mut mv1 = ModuleV1Plus { v1: [0; MODULE_V1_SIZE / 4], after: [7, 7] };
        mv1.v1[0] = MODULE_V1_SIZE as u32;
        assert_eq!(unsafe { synth_stats(r, (&mut mv1 as *mut ModuleV1Plus).cast(), null_mut(), 0, null_mut()) }, SYNTH_STATUS_OK);
        assert_eq!((mv1.after, mv1.v1[0] as usize), ([7, 7], MODULE_V1_SIZE));
        assert_eq!(mv1.v1[1], m.functions);
        unsafe { synth_result_free(r) };
        // Integer-only functions: has_float 0, the class all zero.
        let (st, r) = compile_bytes(SRC, null());
        assert_eq!(st, SYNTH_STATUS_OK);
        let mut fs = [empty_function()];
        fs[0].float_regs.vregs = 99;
        assert_eq!(unsafe { synth_stats(r, null_mut(), fs.as_mut_ptr(), 1, null_mut()) }, SYNTH_STATUS_OK);
        assert_eq!((fs[0].has_float, fs[0].float_regs), (0, synth_class_stats::default()));
        unsafe { synth_result_free(r) };
    }

    #[test]
    fn the_integer_fields_have_the_class_layout() {
        // vregs..verdict of synth_function_stats are a synth_class_stats.
        let start = std::mem::offset_of!(synth_function_stats, vregs);
        assert_eq!(std::mem::offset_of!(synth_function_stats, verdict) - start, std::mem::offset_of!(synth_class_stats, verdict));
        assert_eq!(std::mem::offset_of!(synth_function_stats, moves) - start, std::mem::offset_of!(synth_class_stats, moves));
    }
}
