//! The Thumb-2 (ARMv7-M) backend of synth.
//!
//! Takes: one IR [`synth_ir::Function`]. Returns: a [`CompiledFunction`] with
//! its machine code, relocations against [`synth_ir::SymbolRef`]s and
//! allocation stats.
//!
//! Stages, one module each, data flowing one way:
//! [`isel`] (IR → [`inst::MachInst`] on virtual registers, AAPCS lowering
//! through [`abi`]) → register allocation (`synth-regalloc`, through the
//! [`vcode::VCode`] view) → [`frame`] (spill slots, callee-saved registers,
//! prologue/epilogue) → [`emit`] (machine instructions → the
//! `synth-thumb2-enc` assembler: encoding and branch relaxation).

#![warn(missing_docs)]

use synth_ir::SymbolRef;

/// Target CPUs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cpu {
    /// Cortex-M3 (ARMv7-M).
    CortexM3,
    /// Cortex-M4 (ARMv7E-M).
    CortexM4,
    /// Cortex-M7 (ARMv7E-M).
    CortexM7,
}

/// Backend options.
#[derive(Clone, Debug)]
pub struct BackendOptions {
    /// Target CPU.
    pub cpu: Cpu,
    /// Run the register-allocation checker on every function.
    pub verify_allocation: bool,
}

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
}

/// Code and stats of one compiled function.
#[derive(Clone, Debug)]
pub struct CompiledFunction {
    /// Machine code.
    pub code: Vec<u8>,
    /// Relocations, sorted by offset.
    pub relocs: Vec<Relocation>,
    /// Byte ranges that are data (jump tables), for mapping symbols.
    pub data_ranges: Vec<std::ops::Range<u32>>,
    /// Machine instructions emitted (after allocation, pseudo-instructions
    /// expanded).
    pub inst_count: u32,
    /// Frame size in bytes (spill slots, outgoing arguments, padding;
    /// excluding pushed registers).
    pub frame_bytes: u32,
    /// Allocation stats.
    pub alloc: synth_regalloc::AllocStats,
}

/// A backend error: an IR construct with no lowering yet. Names the
/// function and the construct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendError {
    /// The function's name.
    pub func: String,
    /// What has no lowering.
    pub what: String,
}

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "function `{}`: no Thumb-2 lowering for {}", self.func, self.what)
    }
}

impl std::error::Error for BackendError {}

/// Compiles one IR function to Thumb-2.
pub fn compile_function(
    func: &synth_ir::Function,
    opts: &BackendOptions,
) -> Result<CompiledFunction, BackendError> {
    let _ = (func, opts);
    unimplemented!("backend: see the backend task")
}
