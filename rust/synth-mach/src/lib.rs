//! The ISA-neutral machine-code framework of synth, in the manner of
//! Cranelift's `machinst`: what every backend (one module per ISA:
//! `synth-thumb2` for ARMv7-M and the Mainline profiles, `synth-armv6m`
//! for ARMv6-M) returns and what the driver and the object writer consume.
//!
//! Takes: nothing (data types). Holds: the target cores and what each
//! offers ([`features`]), a compiled function's code, relocations,
//! call-frame events, line rows and allocation stats
//! ([`CompiledFunction`]).

#![warn(missing_docs)]

pub mod features;

use synth_ir::{SrcLoc, SymbolRef};

pub use features::{Arch, Features};

/// Target CPUs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cpu {
    /// Cortex-M0 (ARMv6-M).
    CortexM0,
    /// Cortex-M0+ (ARMv6-M).
    CortexM0Plus,
    /// Cortex-M3 (ARMv7-M).
    CortexM3,
    /// Cortex-M4 (ARMv7E-M).
    CortexM4,
    /// Cortex-M7 (ARMv7E-M).
    CortexM7,
    /// Cortex-M33 (ARMv8-M Mainline).
    CortexM33,
    /// Cortex-M55 (ARMv8.1-M Mainline).
    CortexM55,
}

/// An IR construct a backend has no lowering for, or code it could not
/// encode: the driver reports it as unsupported, naming the function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendError {
    /// The instruction set of the backend that declined (`"Thumb-2"`, `"ARMv6-M"`).
    pub isa: &'static str,
    /// The function's name.
    pub func: String,
    /// What has no lowering.
    pub what: String,
}

impl BackendError {
    /// The error of backend `isa` for `what` in function `func`.
    pub fn new(isa: &'static str, func: impl Into<String>, what: impl Into<String>) -> Self {
        BackendError { isa, func: func.into(), what: what.into() }
    }
}

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "function `{}`: no {} lowering for {}", self.func, self.isa, self.what)
    }
}

impl std::error::Error for BackendError {}

/// A relocation in a compiled function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Relocation {
    /// Byte offset in the function's code.
    pub offset: u32,
    /// ELF relocation kind.
    pub kind: synth_thumb2_enc::RelocKind,
    /// Target.
    pub target: RelocTarget,
    /// Addend (also present in the instruction bits, REL-style).
    pub addend: i32,
}

/// What a relocation points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelocTarget {
    /// A module entity.
    Symbol(SymbolRef),
    /// The trap entry (`synth_trap`).
    Trap,
    /// Imported function `i`'s own (undefined) symbol. Only a float-ABI
    /// import thunk (`synth_thumb2::thunk`) calls it: under `--float-abi hard`,
    /// `Symbol(Func(i))` of such an import names the thunk.
    ImportedFunc(u32),
}

/// A change of the frame at one code offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CfiOp {
    /// `PUSH {mask}` (bit i = ri): sp went down 4 bytes per register and
    /// the registers are stored at the new sp, lowest-numbered lowest.
    Push(u16),
    /// `POP {mask}`: sp went up 4 bytes per register and the registers hold
    /// their saved values again (with pc, bit 15: the function returned).
    Pop(u16),
    /// `VPUSH {d..}` of the D registers of the mask (bit i = d_i,
    /// consecutive): sp went down 8 bytes per register and they are stored
    /// at the new sp, lowest-numbered lowest (d_i as s_2i below s_2i+1).
    VPush(u16),
    /// `VPOP {d..}` of the D registers of the mask: sp went up 8 bytes per
    /// register and they hold their saved values again.
    VPop(u16),
    /// sp went down by this many bytes (`SUB sp, sp, #n`).
    Alloc(u32),
    /// sp went up by this many bytes (`ADD sp, sp, #n`).
    Free(u32),
    /// An exit sequence starts: the frame here is the one the code after
    /// the exit has again.
    RememberState,
    /// The exit sequence has ended: the frame is the one remembered.
    RestoreState,
}

/// A [`CfiOp`] and the code offset from which it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CfiEvent {
    /// Byte offset in the function's code.
    pub offset: u32,
    /// The change.
    pub op: CfiOp,
}

/// A row of the function's line table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LineRow {
    /// Byte offset in the function's code.
    pub offset: u32,
    /// The wasm operator (module byte offset) the code from here on comes
    /// from, or [`SrcLoc::NONE`].
    pub loc: SrcLoc,
}

/// Code and stats of one compiled function.
#[derive(Clone, Debug)]
pub struct CompiledFunction {
    /// Machine code.
    pub code: Vec<u8>,
    /// Relocations, sorted by offset.
    pub relocs: Vec<Relocation>,
    /// Byte ranges that are data (jump tables, literal pools), for mapping
    /// symbols.
    pub data_ranges: Vec<std::ops::Range<u32>>,
    /// Machine instructions emitted (after allocation, pseudo-instructions
    /// expanded).
    pub inst_count: u32,
    /// Frame size in bytes (spill slots, outgoing arguments, padding;
    /// excluding pushed registers).
    pub frame_bytes: u32,
    /// The function's own deepest stack excursion: bytes below the sp it
    /// was entered with that it ever moves sp to (pushed registers, the
    /// fixed frame, and any momentary push inside the body). Callees' stack
    /// comes on top (see `synth::stack`).
    pub stack_bytes: u32,
    /// Allocation stats.
    pub alloc: synth_regalloc::AllocStats,
    /// Call-frame information: every change of sp and of the saved
    /// registers, at the code offset from which it holds (data for
    /// `.debug_frame` and `.ARM.exidx`; the code is the same without it).
    pub cfi: Vec<CfiEvent>,
    /// Registers the prologue pushes (bit i = ri; bit 14 = lr).
    pub push_mask: u16,
    /// D registers the prologue saves after the push with `VPUSH`, from d8
    /// (`VPUSH {d8-d[7+n]}`, the callee-saved s16.. in use; 0: none).
    pub vpush_count: u8,
    /// Line-table rows: code offset → wasm operator (side data for `-g`;
    /// the code is the same without it).
    pub lines: Vec<LineRow>,
}

#[cfg(test)]
mod tests {
    use super::BackendError;

    #[test]
    fn backend_error_names_isa_function_and_construct() {
        let e = BackendError::new("ARMv6-M", "f", "v128.add");
        assert_eq!(e.to_string(), "function `f`: no ARMv6-M lowering for v128.add");
        assert_eq!((e.func.as_str(), e.what.as_str()), ("f", "v128.add"));
    }
}
