//! The ARMv6-M backend of synth (Cortex-M0, Cortex-M0+), an ISA module of
//! its own beside `synth-thumb2`, over the shared framework `synth-mach`
//! (the same output type, [`CompiledFunction`]).
//!
//! Takes: one IR [`synth_ir::Function`]. Returns: a [`CompiledFunction`].
//!
//! Stages, one module each: [`lower`] (IR → [`inst::Inst`] on virtual
//! registers: two-address and flag-setting forms, literal-pool constants,
//! byte-wise unaligned memory access) → register allocation
//! (`synth-regalloc` through [`vcode::VCode`]: r0-r7 allocatable, r4-r7
//! callee-saved) → frame (`push {r4-r7, lr}`, `sub sp`) and [`emit`]
//! (branch relaxation, literal pools, encoding with [`enc`], the ARMv6-M
//! encoder).
//!
//! i64 values live in register pairs ([`lower`]'s `wide`), floats arrive as
//! i32/i64 bit patterns and run-time function calls, division calls the
//! AEABI helpers or an inline loop. Whatever has no lowering is declined
//! with the function and the operator named, never compiled silently.

#![warn(missing_docs)]

pub mod emit;
pub mod enc;
pub mod inst;
pub mod lower;
pub mod vcode;

pub use synth_mach::CompiledFunction;

/// Backend options.
#[derive(Clone, Debug, Default)]
pub struct BackendOptions {
    /// Run the register-allocation checker on every function.
    pub verify_allocation: bool,
    /// Also run the shadow allocator in measure-only mode.
    pub shadow_allocation: bool,
    /// The size of linear memory when it can never change.
    pub static_memory_bytes: Option<u32>,
}

/// The name this backend gives its instruction set in a [`BackendError`].
pub const ISA: &str = "ARMv6-M";

pub use synth_mach::BackendError;

/// Compiles one IR function to ARMv6-M code.
pub fn compile_function(func: &synth_ir::Function, opts: &BackendOptions) -> Result<CompiledFunction, BackendError> {
    let err = |what: String| BackendError::new(ISA, func.name.clone(), what);
    let lowered = lower::lower(func, opts.static_memory_bytes).map_err(err)?;
    let vcode = vcode::VCode::new(&lowered);
    let alloc = synth_regalloc::allocate(
        &vcode,
        &synth_regalloc::Options { verify: opts.verify_allocation, shadow: opts.shadow_allocation },
    );
    let callee_saved = (alloc.stats.int.callee_saved_used.lo() & 0xF0) as u16;
    let mut lr = lowered.has_calls;
    loop {
        let frame = emit::Frame::new(callee_saved, lr, lowered.outgoing_bytes, lowered.local_bytes, alloc.num_spill_slots);
        match emit::emit(&vcode, &alloc, &lowered.layout, frame).map_err(|e| err(format!("emission: {e}")))? {
            Ok(out) => {
                let push_bytes = 4 * frame.push_mask.count_ones();
                return Ok(CompiledFunction {
                    code: out.code,
                    relocs: out.relocs,
                    data_ranges: out.data_ranges,
                    inst_count: out.inst_count,
                    frame_bytes: frame.frame_bytes,
                    stack_bytes: push_bytes + frame.frame_bytes,
                    alloc: alloc.stats,
                    cfi: out.cfi,
                    push_mask: frame.push_mask,
                    vpush_count: 0,
                    lines: out.lines,
                });
            }
            Err(emit::NeedLr) if !lr => lr = true,
            Err(emit::NeedLr) => return Err(err("emission: a long branch without lr saved".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_ir::{Block, Callee, FunctionBuilder, InstKind, Signature, SymbolRef, Terminator, TrapCode, Type};
    use synth_mach::RelocTarget;

    fn opts() -> BackendOptions {
        BackendOptions { verify_allocation: true, ..BackendOptions::default() }
    }

    fn halfwords(code: &[u8]) -> Vec<u16> {
        code.chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect()
    }

    #[test]
    fn trap_only_function_calls_the_trap_entry() {
        let mut b = FunctionBuilder::new("t", Signature::default());
        b.terminate(Terminator::Trap(TrapCode::Unreachable));
        let c = compile_function(&b.finish(), &opts()).expect("compiles");
        assert_eq!(c.relocs.len(), 1);
        assert_eq!(c.relocs[0].target, RelocTarget::Trap);
        // b stub; stub: movs r0, #1; bl synth_trap.
        assert_eq!(halfwords(&c.code), vec![0xE7FF, 0x2001, 0xF7FF, 0xFFFE]);
    }

    #[test]
    fn a_calling_function_saves_lr_and_keeps_a_value_across_the_call() {
        let s = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("caller", s.clone());
        let x = b.block_params(Block(0))[0];
        let r = b.inst(InstKind::Call { callee: Callee::Func(1), sig: s, args: vec![x] }, &[Type::I32]);
        let sum = b.binary(synth_ir::BinaryOp::Add, r[0], x);
        b.terminate(Terminator::Return(vec![sum]));
        let c = compile_function(&b.finish(), &opts()).expect("compiles");
        assert!(c.relocs.iter().any(|r| r.target == RelocTarget::Symbol(SymbolRef::Func(1))));
        assert_eq!(c.alloc.rung, synth_regalloc::Rung::Base);
        assert_eq!(c.alloc.int.regs_available, 8, "r0-r7");
        assert!(c.push_mask & 0x4000 != 0 && c.push_mask & 0xF0 != 0, "{:#x}", c.push_mask);
        assert_eq!(c.code[1], 0xB5, "PUSH {{.., lr}} first");
        assert_eq!(c.stack_bytes % 8, 0);
    }

    #[test]
    fn pressure_beyond_eight_registers_spills_and_passes_the_checker() {
        // Twelve live values summed at the end: more than r0-r7.
        let s = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("press", s);
        let x = b.block_params(Block(0))[0];
        let vals: Vec<_> = (0..12).map(|k| {
            let c = b.iconst(Type::I32, 1000 + k);
            b.binary(synth_ir::BinaryOp::Mul, x, c)
        }).collect();
        let mut acc = vals[0];
        for v in &vals[1..] {
            acc = b.binary(synth_ir::BinaryOp::Add, acc, *v);
        }
        b.terminate(Terminator::Return(vec![acc]));
        let c = compile_function(&b.finish(), &opts()).expect("compiles");
        assert!(c.alloc.int.spill_slots > 0 || c.alloc.int.remats > 0, "{:?}", c.alloc);
        assert!(c.frame_bytes >= 4 * c.alloc.int.spill_slots);
    }

    #[test]
    fn an_operator_without_lowering_is_named() {
        let s = Signature { params: vec![Type::F64], results: vec![Type::F64] };
        let mut b = FunctionBuilder::new("fl", s);
        let x = b.block_params(Block(0))[0];
        b.terminate(Terminator::Return(vec![x]));
        let e = compile_function(&b.finish(), &opts()).unwrap_err();
        assert_eq!(e.func, "fl");
        assert!(e.to_string().contains("no ARMv6-M lowering") && e.what.contains("f64"), "{e}");
    }
}
