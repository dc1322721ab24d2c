//! The Thumb-2 backend of synth: ARMv7-M code, valid on every Cortex-M it
//! targets (ARMv7-M, ARMv7E-M, ARMv8-M and ARMv8.1-M Mainline; [`features`]).
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
//! Beside them, [`thunk`] writes the float-ABI thunks of `--float-abi hard`
//! (AAPCS-VFP at the object's boundary, [`abi::vfp`]) directly with the
//! assembler.

#![warn(missing_docs)]

pub mod abi;
pub mod emit;
pub mod frame;
pub mod imm;
pub mod inst;
pub mod isel;
pub mod thunk;
pub mod vcode;

pub use synth_mach::features;
pub use synth_mach::{Arch, CfiEvent, CfiOp, CompiledFunction, Cpu, Features, LineRow, RelocTarget, Relocation};

/// Backend options.
#[derive(Clone, Debug)]
pub struct BackendOptions {
    /// Target CPU.
    pub cpu: Cpu,
    /// Run the register-allocation checker on every function.
    pub verify_allocation: bool,
    /// Also run the shadow allocator in measure-only mode (see
    /// [`synth_regalloc::ShadowStats`]).
    pub shadow_allocation: bool,
    /// The size of linear memory in bytes when it can never change (the
    /// module defines its memory and can never grow it); `None` when the
    /// size is only known at run time. Lets bounds checks compare against a
    /// constant instead of loading the size word.
    pub static_memory_bytes: Option<u32>,
    /// The FPU of the CPU: with one, the f32 operations the FPU computes
    /// exactly run on it (see `isel/vfp.rs`); `Fpu::None` keeps every float
    /// operation a call (the code is then what it was without an FPU).
    pub fpu: synth_thumb2_enc::Fpu,
}

impl BackendOptions {
    /// What the target core offers ([`Cpu::features`]).
    pub fn features(&self) -> Features {
        self.cpu.features()
    }
}

/// The name this backend gives its instruction set in a [`BackendError`].
pub const ISA: &str = "Thumb-2";

pub use synth_mach::BackendError;

/// Whether calls of runtime function `rf` become calls of a libgcc AEABI
/// function (the i64 divisions: `__aeabi_uldivmod`, `__aeabi_ldivmod`), so
/// the object needs no helper of its own for it.
pub fn runtime_func_in_libgcc(rf: synth_ir::RuntimeFunc) -> bool {
    isel::aeabi_divmod64(&synth_ir::Callee::Runtime(rf)).is_some()
}

/// Largest frame (fixed frame plus pushed registers plus incoming stack
/// arguments) accepted: 1 MiB, beyond any Cortex-M RAM. Offsets past 4095
/// are reached through address arithmetic in [`emit`].
const MAX_FRAME: u32 = 1 << 20;

/// Compiles one IR function to Thumb-2: isel → register allocation →
/// frame layout → emission.
pub fn compile_function(
    func: &synth_ir::Function,
    opts: &BackendOptions,
) -> Result<CompiledFunction, BackendError> {
    let err = |what: String| BackendError::new(ISA, func.name.clone(), what);
    let vcode = isel::lower_for(func, opts.static_memory_bytes, opts.fpu)?;
    let alloc = synth_regalloc::allocate(&vcode, &synth_regalloc::Options { verify: opts.verify_allocation, shadow: opts.shadow_allocation });
    let layout = frame::layout(&vcode.frame, alloc.num_spill_slots, alloc.stats.callee_saved_all());
    let incoming = abi::abi_sig(&func.sig).stack_bytes;
    if layout.frame_bytes + layout.saved_bytes() + incoming > MAX_FRAME {
        return Err(err(format!("a stack frame of {} bytes (limit {MAX_FRAME})", layout.frame_bytes)));
    }
    let out = emit::emit(&vcode, &alloc, &layout).map_err(|e| err(format!("emission failed: {e}")))?;
    log::debug!("{}: {} bytes, {} insts, frame {}", func.name, out.code.len(), out.inst_count, layout.frame_bytes);
    Ok(CompiledFunction {
        code: out.code,
        relocs: out.relocs,
        data_ranges: out.data_ranges,
        inst_count: out.inst_count,
        frame_bytes: layout.frame_bytes,
        stack_bytes: layout.saved_bytes() + layout.frame_bytes + out.scratch_push_bytes,
        alloc: alloc.stats,
        cfi: out.cfi,
        push_mask: layout.push_mask,
        vpush_count: layout.vpush_count,
        lines: out.lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_ir::{Block, Callee, SymbolRef, FunctionBuilder, InstKind, Signature, Terminator, TrapCode, Type};

    fn opts() -> BackendOptions {
        BackendOptions {
            cpu: Cpu::CortexM3,
            verify_allocation: true,
            shadow_allocation: false,
            static_memory_bytes: None,
            fpu: synth_thumb2_enc::Fpu::None,
        }
    }

    #[test]
    fn trap_only_function_relocates_against_trap_entry() {
        let mut b = FunctionBuilder::new("t", Signature::default());
        b.terminate(Terminator::Trap(TrapCode::Unreachable));
        let c = compile_function(&b.finish(), &opts()).expect("compiles");
        assert_eq!(c.relocs.len(), 1);
        assert_eq!(c.relocs[0].target, RelocTarget::Trap);
        assert_eq!(c.relocs[0].kind, synth_thumb2_enc::RelocKind::ThmCall);
        // MOVS r0, #1 then BL: 3 halfwords, 2 instructions, no frame.
        assert_eq!((c.code.len(), c.inst_count, c.frame_bytes), (6, 2, 0));
    }

    #[test]
    fn oversized_frame_is_an_error_not_wrong_code() {
        let params = vec![Type::I32; 300_000];
        let callee_sig = Signature { params: params.clone(), results: vec![] };
        let mut b = FunctionBuilder::new("big_call", Signature { params: vec![Type::I32], results: vec![] });
        let x = b.block_params(Block(0))[0];
        b.inst(InstKind::Call { callee: Callee::Func(0), sig: callee_sig, args: vec![x; 300_000] }, &[]);
        b.terminate(Terminator::Return(vec![]));
        let e = compile_function(&b.finish(), &opts()).unwrap_err();
        assert_eq!(e.func, "big_call");
        assert!(e.what.contains("stack frame"), "{e}");
    }

    #[test]
    fn stats_and_frame_of_a_calling_function() {
        let s = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("caller", s.clone());
        let x = b.block_params(Block(0))[0];
        let r = b.inst(InstKind::Call { callee: Callee::Func(1), sig: s, args: vec![x] }, &[Type::I32]);
        let sum = b.binary(synth_ir::BinaryOp::Add, r[0], x);
        b.terminate(Terminator::Return(vec![sum]));
        let c = compile_function(&b.finish(), &opts()).expect("compiles");
        assert!(c.relocs.iter().any(|r| r.target == RelocTarget::Symbol(SymbolRef::Func(1))));
        assert_eq!(c.alloc.rung, synth_regalloc::Rung::Base);
        // x lives across the call: a callee-saved register was used.
        assert!(!c.alloc.int.callee_saved_used.is_empty() || c.alloc.int.spill_slots > 0);
        // The first instruction is a PUSH including lr (T1 encoding 0xB5xx).
        assert_eq!(c.code[1], 0xB5);
    }
}
